"""Every night: the general ledger and the issued invoices of every organisation, into PostgreSQL.

For each organisation the login reaches (dynamic task mapping), MinimaxToSqlOperator merges

    journals/journal-entries (the general ledger)   -> table minimax_ledger
    issuedinvoices                                  -> table minimax_issued_invoices
        the run's local day, by each resource's date filter (mode "window")
    accounts (the chart of accounts)                -> table minimax_accounts
        the whole list (mode "full"), accounts deleted in Minimax deleted here too

by ID: a table is created on the first run from the vendor's model (NUMERIC amounts, DATE
days), a rerun of a day changes nothing, a failed load leaves its table as it was. The
schedule is a *data-interval* timetable at local midnight in Ljubljana: each run is one local
day. docs/warehouse.md has the tables' layout and a query of the account balances.

Environment variables, read when the file is parsed, shape a deployment (all optional):

    MINIMAX_WAREHOUSE_CONN_ID    the Airflow connection of the database (default
                                 minimax_warehouse; any common-sql database works)
    MINIMAX_WAREHOUSE_SCHEMA     the tables' schema (default: the connection's search path)
    MINIMAX_WAREHOUSE_FIRST_DAY  a local day (2025-11-17): the DAG starts there and catches up
    MINIMAX_WAREHOUSE_LAST_DAY   the last local day it loads (with FIRST_DAY: a bounded history)

tests/docs/test_warehouse_page.py runs it with dag.test() against the sandbox and PostgreSQL.
"""

from __future__ import annotations

import os

import pendulum
from airflow.providers.common.compat.sdk import dag, task
from airflow.timetables.interval import CronDataIntervalTimetable

from airflow_provider_minimax.transfers.minimax_to_sql import MinimaxToSqlOperator

CONN_ID = os.environ.get("MINIMAX_WAREHOUSE_CONN_ID", "minimax_warehouse")
SCHEMA = os.environ.get("MINIMAX_WAREHOUSE_SCHEMA", "")
TIMEZONE = "Europe/Ljubljana"
LOADS = [  # (task_id, resource, table, options)
    ("general_ledger", "journals/journal-entries", "minimax_ledger", {"mode": "window"}),
    ("issued_invoices", "issuedinvoices", "minimax_issued_invoices", {"mode": "window"}),
    ("accounts", "accounts", "minimax_accounts", {"mode": "full", "delete_missing": True}),
]


def local_midnight(day: str) -> pendulum.DateTime:
    """The start of a local day in Ljubljana (an ISO date)."""
    return pendulum.datetime(*map(int, day.split("-")), tz=TIMEZONE)


FIRST_DAY = os.environ.get("MINIMAX_WAREHOUSE_FIRST_DAY", "")
LAST_DAY = os.environ.get("MINIMAX_WAREHOUSE_LAST_DAY", "")


@dag(
    dag_id="minimax_ledger_to_postgres",
    schedule=CronDataIntervalTimetable("0 0 * * *", timezone=TIMEZONE),
    start_date=local_midnight(FIRST_DAY or "2025-01-01"),
    end_date=local_midnight(LAST_DAY) if LAST_DAY else None,
    catchup=bool(FIRST_DAY),
    max_active_tasks=4,  # Minimax allows ~1,000 calls a day per organisation: stay gentle
    tags=["minimax", "example", "warehouse"],
    doc_md=__doc__,
)
def minimax_ledger_to_postgres() -> None:
    @task
    def organisations() -> list[int]:
        """The organisations the connection's login reaches."""
        from airflow_provider_minimax.hooks.minimax import MinimaxHook

        return [int(org["ID"]) for org in MinimaxHook().organisations()]

    reached = organisations()
    for task_id, resource, table, options in LOADS:
        MinimaxToSqlOperator.partial(
            task_id=task_id,
            resource=resource,
            sql_conn_id=CONN_ID,
            table=f"{SCHEMA}.{table}" if SCHEMA else table,
            retries=2,
            **options,
        ).expand(organisation_ids=reached)


minimax_ledger_to_postgres()
