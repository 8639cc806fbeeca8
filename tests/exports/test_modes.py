"""Every mode in every format: the rows of the file are the sandbox's, all of them, in order."""

from __future__ import annotations

import datetime
from pathlib import Path

import pytest

from airflow_provider_minimax.sandbox import Sandbox, models
from tests.exports.helpers import (
    FORMATS,
    ORG,
    WINDOW_FIELDS,
    ZONE,
    expected,
    export,
    ids,
    read_rows,
    stored,
    utc,
)

START, END = utc(2025, 11, 3), utc(2025, 11, 17)  # two weeks of the small sandbox


@pytest.mark.parametrize("file_format", FORMATS)
@pytest.mark.parametrize("resource", list(WINDOW_FIELDS))
def test_window_holds_the_interval_days_rows_in_list_order(
    conn: Sandbox, tmp_path: Path, resource: str, file_format: str
) -> None:
    """mode="window": exactly the records dated on the interval's local days, in list order,
    read over several pages."""
    conn.configure(max_page_size=40)
    want = expected(conn, resource, START, END)
    assert len(want) > 10, "the window should hold records to compare"
    path = tmp_path / f"out.{file_format}"
    manifest = export(resource, path, START, END, mode="window", format=file_format)
    rows = read_rows(path, file_format)
    assert len(rows) == manifest["rows"] == len(want)
    assert ids(rows, resource) == ids(want, resource)
    assert manifest["mode"] == "window"
    assert manifest["window"] == {"first_day": "2025-11-03", "last_day": "2025-11-16"}
    assert manifest["pages"] == -(-len(want) // 40)


@pytest.mark.parametrize("file_format", FORMATS)
@pytest.mark.parametrize("resource", ["customers", "items"])
def test_full_holds_every_record(
    conn: Sandbox, tmp_path: Path, resource: str, file_format: str
) -> None:
    """mode="full" (the default for reference data): every record, in list order."""
    conn.configure(max_page_size=7)
    want = expected(conn, resource)
    path = tmp_path / f"out.{file_format}"
    manifest = export(resource, path, START, END, format=file_format)
    rows = read_rows(path, file_format)
    assert manifest["mode"] == "full"
    assert len(rows) == manifest["rows"] == len(want) > 7
    assert ids(rows, resource) == ids(want, resource)


@pytest.mark.parametrize("file_format", FORMATS)
def test_changes_holds_the_full_records_modified_in_the_interval(
    conn: Sandbox, tmp_path: Path, file_format: str
) -> None:
    """mode="changes": only the two customers changed in the interval, as full records, in
    the order they were modified."""
    customer_ids = sorted(ids(stored(conn, "customers"), "customers"))
    earlier, later = customer_ids[4], customer_ids[1]
    conn.change(ORG, "customers", earlier, City="Bled")
    ten_minutes_ago = datetime.datetime.now(ZONE) - datetime.timedelta(minutes=10)
    conn.backdate(ORG, "customers", earlier, ten_minutes_ago)
    conn.change(ORG, "customers", later, City="Piran")
    now = datetime.datetime.now(datetime.timezone.utc)
    path = tmp_path / f"out.{file_format}"
    manifest = export(
        "customers",
        path,
        now - datetime.timedelta(hours=1),
        now + datetime.timedelta(hours=1),
        mode="changes",
        format=file_format,
    )
    rows = read_rows(path, file_format)
    assert manifest["mode"] == "changes" and manifest["detail"] is True
    assert manifest["rows"] == len(rows) == 2
    assert ids(rows, "customers") == [earlier, later]
    full = models.field_names("Customer.Customer")
    assert len(full) > len(models.field_names("Customer.CustomerSearch"))
    if file_format == "jsonl":
        by_id = {row["CustomerId"]: row for row in stored(conn, "customers")}
        assert rows == [by_id[earlier], by_id[later]]
    elif file_format == "parquet":
        assert all(list(row) == list(full) for row in rows)
        assert [row["City"] for row in rows] == ["Bled", "Piran"]
    else:
        assert {name.split("_")[0] for name in rows[0]} == set(full)
        assert [row["City"] for row in rows] == ["Bled", "Piran"]
