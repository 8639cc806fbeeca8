"""A daily DAG run with dag.test(): templated destination, XCom manifest, outlet Asset event."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pendulum

from airflow_provider_minimax.sandbox import Sandbox
from tests.dagtools import AIRFLOW_3, asset_events, xcoms
from tests.exports.helpers import daily_export_dag, expected, ids, read_rows


def test_daily_dag_writes_the_day_to_its_templated_path(
    run_dag: Callable[..., Any], conn: Sandbox, tmp_path: Path
) -> None:
    """{{ ds }} and {organisation_id} are filled in; the file holds the interval's invoices;
    the task's XCom is the manifest on disk; the outlet Asset gets an event naming the file."""
    folder = tmp_path / "exports"
    dag_run = run_dag(
        daily_export_dag("minimax_export_daily", folder, "jsonl"),
        "minimax_export_daily",
        logical_date=pendulum.datetime(2025, 11, 5, tz="UTC"),
    )
    assert dag_run.state == "success"
    assert str(dag_run.logical_date.date()) == "2025-11-05"
    path = folder / "2025-11-05" / "123" / "issuedinvoices.jsonl"
    assert sorted(p.name for p in path.parent.iterdir()) == [
        path.name,
        f"{path.name}.manifest.json",
    ]
    manifest = json.loads(Path(f"{path}.manifest.json").read_text("utf-8"))
    assert xcoms(dag_run)["export_invoices"] == manifest
    assert manifest["path"] == f"file://{path}"
    start, end = dag_run.data_interval_start, dag_run.data_interval_end
    want = expected(conn, "issuedinvoices", start, end)
    assert ids(read_rows(path, "jsonl"), "issuedinvoices") == ids(want, "issuedinvoices")
    assert manifest["rows"] == len(want) > 0
    # Airflow 2's Dataset drops the URI's trailing slash.
    assert asset_events(dag_run) == [
        (
            f"file://{folder}/" if AIRFLOW_3 else f"file://{folder}",
            {"resource": "issuedinvoices", "files": [f"file://{path}"], "rows": len(want)},
        )
    ]
