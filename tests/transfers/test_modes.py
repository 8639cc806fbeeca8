"""MinimaxToSqlOperator over real HTTP into a real PostgreSQL and SQLite: each mode loads exactly
the records the export would write, typed; reruns change nothing; changes win, stale reloads do
not; full snapshots delete what Minimax deleted; every organisation under its own ID."""

from __future__ import annotations

import datetime
import decimal

from airflow_provider_minimax.sandbox import Sandbox
from tests.exports.helpers import ZONE, expected, ids, stored
from tests.support import Api
from tests.transfers.conftest import LEDGER, ORG, Warehouse, transfer, utc

START, END = utc(2025, 11, 3), utc(2025, 11, 17)  # two weeks of the small sandbox


def amount(value: object) -> decimal.Decimal:
    return decimal.Decimal(value) if isinstance(value, str) else value  # type: ignore[return-value]


def test_a_window_of_the_ledger_is_loaded_exactly_over_several_pages(
    conn: Sandbox, warehouse: Warehouse
) -> None:
    conn.configure(max_page_size=50)
    want = expected(conn, LEDGER, START, END)
    assert len(want) > 200
    report = transfer(LEDGER, START, END)
    assert report["mode"] == "window" and report["created"] is True
    assert report["window"] == {"first_day": "2025-11-03", "last_day": "2025-11-16"}
    assert (report["rows"], report["inserted"], report["updated"]) == (len(want), len(want), 0)
    assert report["pages"] == -(-len(want) // 50)
    found = warehouse.query(
        'SELECT "JournalEntryId", "Debit", "Credit", "Account_ID", "JournalDate" '
        'FROM ledger ORDER BY "JournalEntryId"'
    )
    by_id = {row["JournalEntryId"]: row for row in want}
    assert [row[0] for row in found] == sorted(by_id)
    for entry_id, debit, credit, account, day in found:
        record = by_id[entry_id]
        assert amount(debit) == decimal.Decimal(str(record["Debit"]))
        assert amount(credit) == decimal.Decimal(str(record["Credit"]))
        assert account == record["Account"]["ID"]
        assert str(day) == record["JournalDate"][:10]


def test_a_rerun_of_the_same_interval_changes_nothing(conn: Sandbox, warehouse: Warehouse) -> None:
    transfer(LEDGER, START, END)
    before = warehouse.rows("ledger", "JournalEntryId")
    again = transfer(LEDGER, START, END)
    assert again["created"] is False
    assert (again["inserted"], again["updated"], again["kept"]) == (0, 0, again["rows"])
    assert warehouse.rows("ledger", "JournalEntryId") == before  # _loaded_at as it was


def test_the_next_interval_adds_its_days_and_keeps_the_last(
    conn: Sandbox, warehouse: Warehouse
) -> None:
    first = transfer(LEDGER, START, utc(2025, 11, 10))
    second = transfer(LEDGER, utc(2025, 11, 10), END)
    [(count,)] = warehouse.query("SELECT COUNT(*) FROM ledger")
    assert count == first["rows"] + second["rows"] == len(expected(conn, LEDGER, START, END))


def test_changes_replace_the_stored_record_and_a_stale_reload_does_not(
    conn: Sandbox, warehouse: Warehouse
) -> None:
    """Full records (detail=True) carry RecordDtModified: a change made now replaces the row;
    a record read back with an older modification time (a stale copy) leaves it alone."""
    transfer("customers", table="customers", detail=True)
    customer = ids(stored(conn, "customers"), "customers")[3]
    conn.change(ORG, "customers", customer, City="Bled")
    now = datetime.datetime.now(datetime.timezone.utc)
    hour = datetime.timedelta(hours=1)
    changed = transfer("customers", now - hour, now + hour, table="customers", mode="changes")
    assert (changed["rows"], changed["updated"], changed["inserted"]) == (1, 1, 0)
    query = f'SELECT "City", "_row_version" FROM customers WHERE "CustomerId" = {customer}'
    [(city, version)] = warehouse.query(query)
    assert city == "Bled" and version == conn.record(ORG, "customers", customer)["RowVersion"]

    # A copy older than the stored one (its modification time a year back): not written.
    conn.change(ORG, "customers", customer, City="Stari trg")
    conn.backdate(ORG, "customers", customer, datetime.datetime(2024, 1, 1, tzinfo=ZONE))
    stale = transfer("customers", table="customers", detail=True)
    assert stale["updated"] == 0 and stale["kept"] == stale["rows"]
    assert warehouse.query(query)[0][0] == "Bled"


def test_full_with_delete_missing_deletes_what_minimax_deleted(
    conn: Sandbox, warehouse: Warehouse, api: Api
) -> None:
    first = transfer("customers", table="customers", mode="full", delete_missing=True)
    assert first["deleted"] == 0 and first["rows"] == len(stored(conn, "customers"))
    gone = ids(stored(conn, "customers"), "customers")[5]
    api.ok("DELETE", api.org(f"customers/{gone}"))
    second = transfer("customers", table="customers", mode="full", delete_missing=True)
    assert second["deleted"] == 1
    left = [row[0] for row in warehouse.query('SELECT "CustomerId" FROM customers')]
    assert gone not in left and len(left) == first["rows"] - 1


def test_every_organisation_lands_under_its_own_id(conn: Sandbox, warehouse: Warehouse) -> None:
    reports = transfer("issuedinvoices", START, END, table="invoices", organisation_ids="all")
    organisations = [report["organisation_id"] for report in reports]
    assert len(organisations) >= 2 and 123 in organisations
    found = warehouse.query(
        "SELECT organisation_id, COUNT(*) FROM invoices GROUP BY organisation_id ORDER BY 1"
    )
    assert found == sorted(
        (org, len(expected(conn, "issuedinvoices", START, END, org=org))) for org in organisations
    )
    assert all(report["table"] == "invoices" for report in reports)
