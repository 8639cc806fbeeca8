"""Databases for the load tests: a real PostgreSQL through psycopg2 and psycopg 3 (COPY), the
ANSI statements on that PostgreSQL, and SQLite in a file; and ledger rows to load."""

from __future__ import annotations

import copy
import datetime
import decimal
import sqlite3
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from airflow_provider_minimax.warehouse.columns import TableDesign, design_table
from airflow_provider_minimax.warehouse.dialects import POSTGRESQL, SQLITE, Dialect, dialect_for
from airflow_provider_minimax.warehouse.flatten import Flattener
from airflow_provider_minimax.warehouse.load import LoadResult, load
from airflow_provider_minimax.warehouse.table import ensure_table

LEDGER = "journals/journal-entries"
TABLE = "ledger"
ORG = 123
LOADED = datetime.datetime(2025, 11, 2, 3, 0, 0)


@dataclass
class Database:
    """One database of a test: how to connect, its dialect, and the load run against it."""

    name: str
    connect: Callable[[], Any]
    dialect: Dialect

    def load(
        self,
        rows: list[dict[str, Any]],
        *,
        organisation_id: int = ORG,
        design: TableDesign | None = None,
        loaded_at: datetime.datetime = LOADED,
        **options: Any,
    ) -> LoadResult:
        """The rows flattened, in batches of three, into `ledger` (created when missing)."""
        design = design or design_table(LEDGER, full_records=False, fields=None)
        flatten = Flattener(design, organisation_id)
        batches = options.pop("batches", None) or [
            [flatten(row) for row in rows[i : i + 3]] for i in range(0, len(rows), 3)
        ]
        connection = self.connect()
        try:
            ensure_table(connection, self.dialect, TABLE, design, add_columns=False)
            return load(
                connection,
                self.dialect,
                TABLE,
                design,
                batches,
                organisation_id=organisation_id,
                loaded_at=loaded_at,
                **options,
            )
        finally:
            connection.close()

    def query(self, sql: str) -> list[tuple[Any, ...]]:
        connection = self.connect()
        try:
            cursor = connection.cursor()
            cursor.execute(sql)
            found = list(cursor.fetchall())
            connection.rollback()
            return found
        finally:
            connection.close()

    def table(self) -> list[tuple[Any, ...]]:
        """Every row of the ledger table, in key order."""
        return self.query(f'SELECT * FROM {TABLE} ORDER BY organisation_id, "JournalEntryId"')


@pytest.fixture(params=["psycopg2", "psycopg3", "ansi", "sqlite"])
def database(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Database]:
    """Each database the load supports: PostgreSQL's COPY through both drivers, the ANSI
    statements (any other database) on PostgreSQL, and SQLite in a file."""
    if request.param == "sqlite":
        path = tmp_path / "warehouse.db"
        yield Database("sqlite", lambda: sqlite3.connect(path), SQLITE)
        return
    dsn = request.getfixturevalue("postgres_dsn")
    if request.param == "psycopg3":
        import psycopg

        yield Database("psycopg3", lambda: psycopg.connect(dsn), POSTGRESQL)
        return
    import psycopg2

    dialect = POSTGRESQL if request.param == "psycopg2" else dialect_for("other")
    yield Database(request.param, lambda: psycopg2.connect(dsn), dialect)


ENTRY: dict[str, Any] = {
    "JournalEntryId": 0,
    "Journal": {"ID": 500, "Name": "Izdani račun", "ResourceUrl": "http://x/journals/500"},
    "JournalType": {"ID": 26, "Name": "IR", "ResourceUrl": "http://x/journaltypes/26"},
    "JournalDate": "2025-11-01T00:00:00",
    "JournalEntryDate": "2025-11-01T00:00:00",
    "DueDate": "2025-11-16T00:00:00",
    "TransactionDate": "2025-11-01T00:00:00",
    "Account": {"ID": 46, "Name": "Terjatve do kupcev", "ResourceUrl": "http://x/accounts/46"},
    "Customer": None,
    "Analytic": None,
    "Employee": None,
    "Currency": {"ID": 1, "Name": "Evro", "ResourceUrl": "http://x/currencies/1"},
    "Description": "Račun\t2025-00913\n",
    "PaymentReference": "SI00 2025-00913",
    "Debit": decimal.Decimal("0.10"),
    "Credit": decimal.Decimal("0"),
    "DebitInDomesticCurrency": decimal.Decimal("0.10"),
    "CreditInDomesticCurrency": decimal.Decimal("0"),
    "RecordDtModified": "2025-11-01T13:10:52",
    "RowVersion": "AAAAAAAAB9E=",
}


def entries(count: int, start: int = 1, **changes: Any) -> list[dict[str, Any]]:
    """`count` ledger rows with IDs from `start`, each with `changes`."""
    made = []
    for number in range(start, start + count):
        row = copy.deepcopy(ENTRY)
        row.update(JournalEntryId=number, **changes)
        made.append(row)
    return made
