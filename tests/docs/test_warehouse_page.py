"""The snippets of warehouse.md and the SQL transfer's example on operators.md, and the example
DAG example_dags/minimax_ledger_to_postgres.py: each run with dag.test() against the sandbox and
a real PostgreSQL (or SQLite), and the page's account-balances query run on what they loaded."""

from __future__ import annotations

import decimal
import json
import sqlite3
from collections import defaultdict
from pathlib import Path
from typing import Any

import pendulum
import pytest

from airflow_provider_minimax.sandbox import Sandbox
from tests.dagtools import parse_dags, run_dag, task_states, use_bundles, xcoms
from tests.docs.helpers import sandbox_records
from tests.docs.snippets import snippet
from tests.exports.helpers import expected
from tests.postgres import airflow_connection_uri

EXAMPLE = Path(__file__).resolve().parents[2] / "example_dags" / "minimax_ledger_to_postgres.py"
# A manual run at this logical date has the data interval of the local day before it: the
# 19th of November, as a scheduled run at that midnight would have.
DAY = pendulum.datetime(2025, 11, 20, tz="Europe/Ljubljana")
LEDGER = "journals/journal-entries"


@pytest.fixture
def warehouse(postgres_dsn: str, monkeypatch: pytest.MonkeyPatch) -> Any:
    """`minimax_warehouse` is a fresh PostgreSQL database; returns a query function."""
    import psycopg2

    monkeypatch.setenv("AIRFLOW_CONN_MINIMAX_WAREHOUSE", airflow_connection_uri(postgres_dsn))

    def query(sql: str) -> list[tuple[Any, ...]]:
        with psycopg2.connect(postgres_dsn) as connection, connection.cursor() as cursor:
            cursor.execute(sql)
            return list(cursor.fetchall())

    return query


def balances_from_the_books(sandbox: Sandbox, start: Any, end: Any) -> list[tuple[Any, ...]]:
    """The page's query worked out from the sandbox's own records of those days."""
    accounts = {row["AccountId"]: row for row in sandbox_records(sandbox, "accounts")}
    sums: dict[str, list[decimal.Decimal]] = defaultdict(lambda: [decimal.Decimal(0)] * 2)
    for entry in expected(sandbox, LEDGER, start, end):
        account = accounts[entry["Account"]["ID"]]
        sums[account["Code"]][0] += decimal.Decimal(str(entry["DebitInDomesticCurrency"]))
        sums[account["Code"]][1] += decimal.Decimal(str(entry["CreditInDomesticCurrency"]))
    names = {row["Code"]: row["Name"] for row in accounts.values()}
    return [
        (code, names[code], debit, credit, debit - credit)
        for code, (debit, credit) in sorted(sums.items())
    ]


def test_the_nightly_load_and_the_balances_query(
    run_dag: Any, minimax_sandbox: Sandbox, warehouse: Any
) -> None:
    dag_run = run_dag("warehouse-nightly", logical_date=DAY)
    assert task_states(dag_run) == {"general_ledger": "success", "accounts": "success"}
    reports = xcoms(dag_run)["general_ledger"]
    start, end = dag_run.data_interval_start, dag_run.data_interval_end
    assert {report["window"]["first_day"] for report in reports} == {"2025-11-19"}
    found = warehouse(snippet("warehouse-balances").code)
    want = balances_from_the_books(minimax_sandbox, start, end)
    assert found == want and len(found) >= 2
    # Double entry: the day's debits and credits add up to the same total, to the cent.
    assert sum(row[2] for row in found) == sum(row[3] for row in found) > 0


def test_a_rerun_of_the_night_changes_no_row(
    run_dag: Any, minimax_sandbox: Sandbox, warehouse: Any
) -> None:
    run_dag("warehouse-nightly", logical_date=DAY)
    before = warehouse("SELECT * FROM minimax_ledger ORDER BY 1, 2")
    again = run_dag("warehouse-nightly", logical_date=DAY.add(minutes=1))  # the same interval
    assert all(r["kept"] == r["rows"] for r in xcoms(again)["general_ledger"])
    assert warehouse("SELECT * FROM minimax_ledger ORDER BY 1, 2") == before


def test_the_operators_page_example_loads_the_customers_into_sqlite(
    run_dag: Any, minimax_sandbox: Sandbox, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "warehouse.db"
    monkeypatch.setenv(
        "AIRFLOW_CONN_MINIMAX_WAREHOUSE", json.dumps({"conn_type": "sqlite", "host": str(path)})
    )
    dag_run = run_dag("operators-to-sql")
    assert task_states(dag_run) == {"customers": "success"}
    with sqlite3.connect(path) as connection:
        [(count,)] = connection.execute("SELECT COUNT(*) FROM minimax_customers").fetchall()
    assert count == len(sandbox_records(minimax_sandbox, "customers"))


def test_the_example_dag_loads_ledger_invoices_and_accounts_of_every_organisation(
    airflow_db: str,
    minimax_connection: str,
    minimax_sandbox: Sandbox,
    warehouse: Any,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The example file, parsed as the DAG processor does, run for one day: one mapped task
    per organisation and load, each table holding the day's records under each organisation."""
    monkeypatch.setenv("MINIMAX_WAREHOUSE_CONN_ID", "minimax_warehouse")
    use_bundles(monkeypatch, **{"minimax-example-dags": EXAMPLE.parent})
    dag = parse_dags(EXAMPLE)["minimax_ledger_to_postgres"]
    dag_run = run_dag(dag, logical_date=DAY)
    assert dag_run.state == "success"
    organisations = xcoms(dag_run)["organisations"]
    assert len(organisations) >= 2
    start, end = dag_run.data_interval_start, dag_run.data_interval_end
    for table, resource in (
        ("minimax_ledger", LEDGER),
        ("minimax_issued_invoices", "issuedinvoices"),
    ):
        counts = dict(warehouse(f"SELECT organisation_id, COUNT(*) FROM {table} GROUP BY 1"))
        assert counts == {
            org: len(expected(minimax_sandbox, resource, start, end, org=org))
            for org in organisations
            if expected(minimax_sandbox, resource, start, end, org=org)
        }
    [(accounts,)] = warehouse("SELECT COUNT(*) FROM minimax_accounts WHERE organisation_id = 123")
    assert accounts == len(sandbox_records(minimax_sandbox, "accounts"))
