"""Fixtures of the SQL transfer's tests: the sandbox connection, and a warehouse connection
`warehouse` (a real PostgreSQL, or SQLite in a file) that Airflow reaches by its environment."""

from __future__ import annotations

import datetime
import json
import sqlite3
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from airflow_provider_minimax.sandbox import Sandbox
from airflow_provider_minimax.transfers.minimax_to_sql import MinimaxToSqlOperator
from tests.dagtools import bundle_runner
from tests.postgres import airflow_connection_uri

UTC = datetime.timezone.utc
ORG = 123
LEDGER = "journals/journal-entries"


@dataclass
class Warehouse:
    """The database behind the `warehouse` connection, read with its own driver."""

    kind: str  # postgres, sqlite
    connect: Callable[[], Any]

    def query(self, sql: str) -> list[tuple[Any, ...]]:
        connection = self.connect()
        try:
            cursor = connection.cursor()
            cursor.execute(sql)
            return list(cursor.fetchall())
        finally:
            connection.close()

    def execute(self, sql: str) -> None:
        connection = self.connect()
        try:
            connection.cursor().execute(sql)
            connection.commit()
        finally:
            connection.close()

    def rows(self, table: str, order: str) -> list[tuple[Any, ...]]:
        return self.query(f'SELECT * FROM {table} ORDER BY organisation_id, "{order}"')


@pytest.fixture
def conn(minimax_connection: str, minimax_sandbox: Sandbox) -> Sandbox:
    """`minimax_default` points at the session's sandbox (organisation 123); returns it."""
    return minimax_sandbox


@pytest.fixture(params=["postgres", "sqlite"])
def warehouse(
    request: pytest.FixtureRequest, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> Iterator[Warehouse]:
    """The Airflow connection `warehouse`: a fresh PostgreSQL database, or a SQLite file."""
    if request.param == "sqlite":
        path = tmp_path / "warehouse.db"
        monkeypatch.setenv(
            "AIRFLOW_CONN_WAREHOUSE", json.dumps({"conn_type": "sqlite", "host": str(path)})
        )
        yield Warehouse("sqlite", lambda: sqlite3.connect(path))
        return
    import psycopg2

    dsn = request.getfixturevalue("postgres_dsn")
    monkeypatch.setenv("AIRFLOW_CONN_WAREHOUSE", airflow_connection_uri(dsn))
    yield Warehouse("postgres", lambda: psycopg2.connect(dsn))


@pytest.fixture
def postgres_warehouse(postgres_dsn: str, monkeypatch: pytest.MonkeyPatch) -> Warehouse:
    """Only PostgreSQL, for what needs one database, not each."""
    import psycopg2

    monkeypatch.setenv("AIRFLOW_CONN_WAREHOUSE", airflow_connection_uri(postgres_dsn))
    return Warehouse("postgres", lambda: psycopg2.connect(postgres_dsn))


def utc(year: int, month: int, day: int) -> datetime.datetime:
    return datetime.datetime(year, month, day, tzinfo=UTC)


def transfer(
    resource: str,
    start: datetime.datetime | None = None,
    end: datetime.datetime | None = None,
    *,
    table: str = "ledger",
    **options: Any,
) -> Any:
    """MinimaxToSqlOperator.execute() into `warehouse` for the interval [start, end)."""
    task = transfer_task(resource, table=table, **options)
    return task.execute(
        {"data_interval_start": start, "data_interval_end": end} if start and end else {}
    )


def transfer_task(resource: str, *, table: str = "ledger", **options: Any) -> MinimaxToSqlOperator:
    options.setdefault("sql_conn_id", "warehouse")
    return MinimaxToSqlOperator(task_id="load", resource=resource, table=table, **options)


@pytest.fixture
def run_dag(
    airflow_db: str, conn: Sandbox, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> Callable[..., Any]:
    """`run_dag(source, dag_id, **dag_test_kwargs)`: see tests.dagtools.bundle_runner."""
    return bundle_runner(tmp_path / "dags", monkeypatch, "minimax-transfer-tests")
