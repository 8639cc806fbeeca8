"""The history-backfill section of docs/rate-budget.md: its DAG runs, and its commands are
commands of this Airflow (tests/backfill runs them on a real deployment)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pendulum

from airflow_provider_minimax.sandbox import Sandbox
from tests.backfill.commands import commands_of
from tests.dagtools import AIRFLOW_3, task_states
from tests.docs.snippets import snippet


def test_the_daily_dag_exports_a_day_on_the_default_connection(
    run_dag: Any, data_root: Path, minimax_sandbox: Sandbox
) -> None:
    """Not a backfill run, so the template picks minimax_default (the only one defined here).
    The run of 5 November, 01:00 exports the day before, as the nightly run does."""
    dag_run = run_dag(
        "rate-backfill-dag", logical_date=pendulum.datetime(2025, 11, 5, 1, tz="Europe/Ljubljana")
    )
    assert task_states(dag_run) == {"issued_invoices": "success"}
    path = data_root / "2025-11-04" / "123" / "issuedinvoices.jsonl"
    rows = [json.loads(line) for line in path.read_text("utf-8").splitlines()]
    want = minimax_sandbox.ids(123, "issuedinvoices", DateIssued="2025-11-04T00:00:00")
    assert sorted(row["IssuedInvoiceId"] for row in rows) == want
    assert all(row["IssuedInvoiceRows"] for row in rows)  # read in full


def test_the_backfill_commands_parse_as_this_airflows() -> None:
    """Every option of the block for this Airflow exists (the other block is the other's)."""
    from airflow.cli.cli_parser import get_parser

    airflow_3 = commands_of(snippet("rate-backfill-airflow3").code)
    airflow_2 = commands_of(snippet("rate-backfill-airflow2").code)
    assert [command[:2] for command in airflow_3] == [["dags", "unpause"], ["backfill", "create"]]
    assert [command[:2] for command in airflow_2] == [["dags", "backfill"]]
    found = airflow_3 if AIRFLOW_3 else airflow_2
    for command in found:
        parsed = get_parser().parse_args(command)
        assert callable(parsed.func)
        assert "minimax_daily_export" in (getattr(parsed, "dag_id", None), command[-1])
