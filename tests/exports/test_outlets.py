"""The export's outlet Asset names the export's own destination; a destination that starts with
a template (`{{ params.out_dir }}/…`) once made every such export publish to `file:///`."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pendulum
import pytest

from airflow_provider_minimax.exports.destination import asset_uri
from airflow_provider_minimax.sandbox import Sandbox
from tests.dagtools import AIRFLOW_3, asset_events, parse_dags


@pytest.mark.parametrize(
    ("destination", "resource", "uri"),
    [
        ("/data/minimax/{first_day}/{resource}.csv", "customers", "file:///data/minimax/"),
        (
            "/data/{resource}/{{ ds }}.csv",
            "journals/journal-entries",
            "file:///data/journals-journal-entries/",
        ),
        ("s3://books/{resource}/{first_day}.jsonl", "items", "s3://books/items/"),
        ("s3://books/{{ ds }}/x.jsonl", "items", "s3://books/"),
        ("gs://bucket/ledger.parquet", "items", "gs://bucket/ledger.parquet"),
        (
            "{{ params.out_dir }}/{first_day}/x.jsonl",
            "issuedinvoices",
            "minimax://d/t/issuedinvoices",
        ),
        ("{first_day}/x.jsonl", "items", "minimax://d/t/items"),  # relative: no folder of its own
        ("/{first_day}/x.jsonl", "items", "minimax://d/t/items"),  # file:/// is every file
        ("exports/{first_day}.jsonl", "items", "minimax://d/t/items"),
        ("s3://{{ var.value.bucket }}/x.jsonl", "items", "minimax://d/t/items"),
        ("{{ params.out }}/x.jsonl", "{{ params.resource }}", "minimax://d/t"),
    ],
)
def test_the_asset_is_the_static_folder_else_the_task(
    destination: str, resource: str, uri: str
) -> None:
    assert asset_uri(destination, resource=resource, dag_id="d", task_id="t") == uri


def templated_dag(dag_id: str, resource: str, out_dir: Path) -> str:
    """A DAG as a new user writes it from the docs: the folder from params."""
    return f"""
import pendulum
from airflow.providers.common.compat.sdk import DAG
from airflow.timetables.interval import CronDataIntervalTimetable

from airflow_provider_minimax.operators.export import MinimaxExportOperator

with DAG(
    "{dag_id}",
    schedule=CronDataIntervalTimetable("0 0 * * *", timezone="UTC"),
    start_date=pendulum.datetime(2025, 11, 1, tz="UTC"),
    params={{"out_dir": "{out_dir}"}},
    catchup=False,
):
    MinimaxExportOperator(
        task_id="export",
        resource="{resource}",
        destination="{{{{ params.out_dir }}}}/{{first_day}}/{{organisation_id}}/{{resource}}.jsonl",
    )
"""


def outlet_names(dag: Any) -> list[str]:
    return [getattr(asset, "name", None) or asset.uri for asset in dag.get_task("export").outlets]


def test_two_dags_with_templated_destinations_publish_two_assets(
    run_dag: Callable[..., Any], conn: Sandbox, tmp_path: Path
) -> None:
    folder = tmp_path / "parsed"
    folder.mkdir()
    folder.joinpath("a.py").write_text(templated_dag("books_a", "issuedinvoices", tmp_path / "a"))
    folder.joinpath("b.py").write_text(templated_dag("books_b", "customers", tmp_path / "b"))
    dags = parse_dags(folder)
    assert outlet_names(dags["books_a"]) == ["minimax://books_a/export/issuedinvoices"]
    assert outlet_names(dags["books_b"]) == ["minimax://books_b/export/customers"]

    dag_run = run_dag(
        templated_dag("books_a", "issuedinvoices", tmp_path / "a"),
        "books_a",
        logical_date=pendulum.datetime(2025, 11, 5, tz="UTC"),
    )
    assert dag_run.state == "success"
    [(asset, extra)] = asset_events(dag_run)
    assert asset == "minimax://books_a/export/issuedinvoices"
    path = tmp_path / "a" / "2025-11-04" / "123" / "issuedinvoices.jsonl"
    assert extra["files"] == [f"file://{path}"] and path.exists()
    assert extra["resource"] == "issuedinvoices"


def test_outlets_given_by_the_user_are_kept(tmp_path: Path) -> None:
    if AIRFLOW_3:
        from airflow.sdk import Asset
    else:
        from airflow.datasets import Dataset as Asset
    from airflow_provider_minimax.operators.export import MinimaxExportOperator

    mine = Asset("s3://mine/books")
    task = MinimaxExportOperator(
        task_id="t", resource="items", destination="{{ x }}/y.jsonl", outlets=[mine]
    )
    assert task.outlets == [mine]
