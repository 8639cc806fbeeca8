"""Stage, then merge by key in one transaction, on PostgreSQL (COPY through psycopg2 and
psycopg 3; the ANSI statements) and SQLite: typed values, reruns that change nothing, newer rows
win and stale ones do not, deletions of a whole snapshot, and a failure that changes nothing."""

from __future__ import annotations

import datetime
import decimal
import json
from collections.abc import Iterator
from typing import Any

import pytest

from airflow_provider_minimax.warehouse.columns import design_table
from airflow_provider_minimax.warehouse.dialects import dialect_for
from airflow_provider_minimax.warehouse.flatten import Flattener
from airflow_provider_minimax.warehouse.table import TableColumnsError, ensure_table
from tests.warehouse.conftest import LEDGER, LOADED, Database, entries

LATER = datetime.datetime(2025, 11, 3, 3, 0, 0)


def column(database: Database, name: str) -> list[Any]:
    return [row[0] for row in database.query(f'SELECT "{name}" FROM ledger ORDER BY 1')]


def exact(value: Any) -> decimal.Decimal:
    """A stored amount as a Decimal: PostgreSQL's NUMERIC, SQLite's decimal text."""
    return decimal.Decimal(value) if isinstance(value, str) else value


def test_a_first_load_inserts_every_row_with_typed_values(database: Database) -> None:
    result = database.load(entries(7))
    assert result.as_dict() == {
        "rows": 7, "records": 7, "inserted": 7, "updated": 0, "kept": 0, "deleted": 0,
    }  # fmt: skip
    assert column(database, "JournalEntryId") == list(range(1, 8))
    [row] = database.query(
        'SELECT "Debit", "JournalDate", "RecordDtModified", "Account_ID", "Account_Name", '
        '"Customer_ID", "Description", "_row_version", "_loaded_at", organisation_id '
        'FROM ledger WHERE "JournalEntryId" = 3'
    )
    debit, day, modified, account, name, customer, description, version, loaded, org = row
    assert exact(debit) == decimal.Decimal("0.10")
    assert str(day) == "2025-11-01"
    assert str(modified).replace("T", " ") == "2025-11-01 13:10:52"
    assert (account, name, customer) == (46, "Terjatve do kupcev", None)
    assert description == "Račun\t2025-00913\n"  # tab and newline survive COPY
    assert (version, org) == ("AAAAAAAAB9E=", 123)
    assert str(loaded).replace("T", " ") == "2025-11-02 03:00:00"


def test_amounts_add_up_exactly(database: Database) -> None:
    """Ten entries of 0.10: exactly 1.00 (a float column would hold 0.9999999999999999)."""
    database.load(entries(10))
    [(total,)] = database.query('SELECT SUM(CAST("Debit" AS NUMERIC(20, 2))) FROM ledger')
    amounts = [exact(value) for value in column(database, "Debit")]
    assert sum(amounts) == decimal.Decimal("1.00")
    if database.name != "sqlite":  # SQLite's SUM is a float's, whatever the column holds
        assert total == decimal.Decimal("1.00")


def test_a_rerun_of_the_same_rows_changes_nothing(database: Database) -> None:
    database.load(entries(5))
    before = database.table()
    result = database.load(entries(5), loaded_at=LATER)
    assert (result.inserted, result.updated, result.kept) == (0, 0, 5)
    assert database.table() == before  # _loaded_at included: no row was written


def test_a_newer_row_replaces_the_stored_one(database: Database) -> None:
    database.load(entries(4))
    newer = entries(1, start=2, RowVersion="AAAAAAAACAA=", RecordDtModified="2025-11-05T08:00:00")
    newer[0]["Debit"] = decimal.Decimal("99.99")
    result = database.load(newer + entries(1, start=9), loaded_at=LATER)
    assert (result.inserted, result.updated, result.kept) == (1, 1, 0)
    assert [exact(v) for v in column(database, "Debit")].count(decimal.Decimal("99.99")) == 1
    [(version, loaded)] = database.query(
        'SELECT "_row_version", "_loaded_at" FROM ledger WHERE "JournalEntryId" = 2'
    )
    assert version == "AAAAAAAACAA=" and str(loaded).replace("T", " ") == "2025-11-03 03:00:00"


def test_a_stale_reload_does_not_overwrite_a_newer_row(database: Database) -> None:
    newer = entries(3, RowVersion="AAAAAAAACAA=", RecordDtModified="2025-11-05T08:00:00")
    database.load(newer)
    before = database.table()
    stale = entries(3, Debit=decimal.Decimal("1.00"))  # modified 2025-11-01: older
    result = database.load(stale, loaded_at=LATER)
    assert (result.updated, result.kept) == (0, 3)
    assert database.table() == before


def test_a_record_met_twice_in_one_load_is_merged_once_as_seen_last(database: Database) -> None:
    rows = entries(3) + entries(1, start=2, Description="seen again", RowVersion="AAAAAAAACAA=")
    result = database.load(rows)
    assert (result.rows, result.records, result.inserted) == (4, 3, 3)
    descriptions = database.query('SELECT "Description" FROM ledger WHERE "JournalEntryId" = 2')
    assert descriptions == [("seen again",)]


def test_delete_missing_deletes_what_the_snapshot_lacks_of_that_organisation(
    database: Database,
) -> None:
    database.load(entries(6))
    database.load(entries(2), organisation_id=124)  # another organisation's rows stay
    result = database.load(entries(3, start=2), delete_missing=True)
    assert (result.deleted, result.kept) == (3, 3)  # 1, 5 and 6 were deleted in Minimax
    assert database.query('SELECT organisation_id, "JournalEntryId" FROM ledger ORDER BY 1, 2') == [
        (123, 2),
        (123, 3),
        (123, 4),
        (124, 1),
        (124, 2),
    ]


def test_without_delete_missing_nothing_is_deleted(database: Database) -> None:
    database.load(entries(6))
    assert database.load(entries(2)).deleted == 0
    assert len(database.table()) == 6


def failing_after(batches: list[list[tuple[Any, ...]]], good: int) -> Iterator[Any]:
    """The first `good` batches, then the feed's failure (a page the list could not give)."""
    yield from batches[:good]
    raise ConnectionError("the list ended early")


def test_a_failure_mid_load_leaves_the_table_as_it_was(database: Database) -> None:
    database.load(entries(4))
    before = database.table()
    design = design_table(LEDGER, full_records=False, fields=None)
    flatten = Flattener(design, 123)
    changed = entries(6, Debit=decimal.Decimal("5"), RecordDtModified="2025-12-01T00:00:00")
    batches = [[flatten(row) for row in changed[i : i + 2]] for i in range(0, 6, 2)]
    with pytest.raises(ConnectionError):
        database.load([], batches=failing_after(batches, 2), delete_missing=True)
    assert database.table() == before
    # The staging table went with the transaction: the rerun loads into the same session's
    # namespace without a trace of the failed one, and is idempotent after that.
    assert database.load(changed).as_dict()["updated"] == 4
    assert database.load(changed).kept == 6


def test_a_load_of_no_rows_with_delete_missing_empties_the_organisation(
    database: Database,
) -> None:
    database.load(entries(3))
    assert database.load([], delete_missing=True).deleted == 3
    assert database.table() == []


def test_document_rows_are_stored_as_json(database: Database) -> None:
    design = design_table("issuedinvoices", full_records=True, fields=None)
    invoice = {
        "IssuedInvoiceId": 7,
        "DateIssued": "2025-12-01T00:00:00",
        "IssuedInvoiceRows": [{"RowNumber": 1, "Price": decimal.Decimal("49.99")}],
    }
    connection = database.connect()
    ensure_table(connection, database.dialect, "invoices", design, add_columns=False)
    from airflow_provider_minimax.warehouse.load import load

    load(
        connection,
        database.dialect,
        "invoices",
        design,
        [[Flattener(design, 123)(invoice)]],
        organisation_id=123,
        loaded_at=LOADED,
    )
    connection.close()
    [(stored,)] = database.query('SELECT "IssuedInvoiceRows" FROM invoices')
    stored = json.loads(stored) if isinstance(stored, str) else stored
    assert stored == [{"RowNumber": 1, "Price": 49.99}]


def test_an_existing_table_lacking_a_column_is_refused_naming_it(database: Database) -> None:
    database.load(entries(1))
    wider = design_table(LEDGER, full_records=False, fields=None)
    connection = database.connect()
    cursor = connection.cursor()
    cursor.execute('ALTER TABLE ledger DROP COLUMN "Employee_Name"')
    connection.commit()
    with pytest.raises(TableColumnsError, match=r"no column Employee_Name \((TEXT)\).*add_columns"):
        ensure_table(connection, database.dialect, "ledger", wider, add_columns=False)
    state = ensure_table(connection, database.dialect, "ledger", wider, add_columns=True)
    assert state.added == ("Employee_Name",) and not state.created
    connection.close()
    assert database.load(entries(2, start=5)).inserted == 2


def test_a_missing_table_is_created_once(database: Database) -> None:
    design = design_table(LEDGER, full_records=False, fields=["Account", "Debit"])
    connection = database.connect()
    assert ensure_table(connection, database.dialect, "narrow", design, add_columns=False).created
    again = ensure_table(connection, database.dialect, "narrow", design, add_columns=False)
    assert not again.created and again.added == ()
    connection.close()


def test_a_table_another_task_made_meanwhile_is_taken_as_it_is(
    database: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Two mapped tasks' first loads: both found no table, the other created it first; this
    one's CREATE fails, and the table it finds is checked and used."""
    from airflow_provider_minimax.warehouse import table as tables

    design = design_table(LEDGER, full_records=False, fields=None)
    connection = database.connect()
    ensure_table(connection, database.dialect, "ledger", design, add_columns=False)
    probes = iter([None])
    real = tables.existing_columns
    monkeypatch.setattr(tables, "existing_columns", lambda *args: next(probes, None) or real(*args))
    ansi = dialect_for("other", placeholder=database.dialect.placeholder)  # no IF NOT EXISTS
    state = tables.ensure_table(connection, ansi, "ledger", design, add_columns=False)
    assert not state.created and state.added == ()
    connection.close()
    assert database.load(entries(2)).inserted == 2
