"""detail=True: every listed record read in full, priced from the first page (no count call),
refused over max_calls."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from airflow_provider_minimax.sandbox import Sandbox
from tests.exports.helpers import expected, export, files, ids, read_rows, utc

START, END = utc(2025, 11, 3), utc(2025, 11, 10)


def calls(sandbox: Sandbox, route: str) -> int:
    """Requests the sandbox saw on a route below the organisation (`issuedinvoices/{id}`)."""
    key = f"GET /{sandbox.settings.country}/API/api/orgs/{{id}}/{route}"
    count: int = sandbox.stats()["by_route"].get(key, 0)
    return count


@pytest.mark.parametrize("workers", [1, 4])
def test_detail_writes_full_records_at_one_call_each(
    conn: Sandbox, tmp_path: Path, workers: int
) -> None:
    """Rows are the full invoices (with IssuedInvoiceRows), in list order; the manifest's
    api_calls are the list pages and one read per record (the first page prices the plan: no
    count call)."""
    conn.configure(max_page_size=5)
    want = expected(conn, "issuedinvoices", START, END)
    path = tmp_path / "out.jsonl"
    manifest = export("issuedinvoices", path, START, END, detail=True, max_workers=workers)
    rows = read_rows(path, "jsonl")
    assert rows == want
    assert all(row["IssuedInvoiceRows"] for row in rows)
    pages = -(-len(want) // 5)
    assert manifest["detail"] is True
    assert manifest["rows"] == len(want) > 5
    assert manifest["pages"] == pages
    assert manifest["api_calls"] == pages + len(want)
    assert calls(conn, "issuedinvoices/{id}") == len(want)
    assert calls(conn, "issuedinvoices") == pages


def test_without_detail_rows_are_the_list_rows(conn: Sandbox, tmp_path: Path) -> None:
    """The list's slimmer rows, and no record read one by one."""
    path = tmp_path / "out.jsonl"
    manifest = export("issuedinvoices", path, START, END)
    rows = read_rows(path, "jsonl")
    assert rows and all("IssuedInvoiceRows" not in row for row in rows)
    assert manifest["api_calls"] == manifest["pages"] == 1
    assert calls(conn, "issuedinvoices/{id}") == 0


def test_detail_over_max_calls_fails_before_reading_records(
    conn: Sandbox, connect: Callable[..., Any], tmp_path: Path
) -> None:
    """With max_calls too small for the records, the task fails naming detail and max_calls,
    reads no record and writes no file."""
    count = len(expected(conn, "issuedinvoices", START, END))
    connect(conn, max_calls=count // 2)
    with pytest.raises(Exception, match=r"(?s)detail.*max_calls") as failure:
        export("issuedinvoices", tmp_path / "out.jsonl", START, END, detail=True)
    assert str(count) in str(failure.value)
    assert calls(conn, "issuedinvoices/{id}") == 0
    assert files(tmp_path) == []


def test_detail_within_max_calls_runs(
    conn: Sandbox, connect: Callable[..., Any], tmp_path: Path
) -> None:
    """A budget that holds the page and every record is enough."""
    want = expected(conn, "issuedinvoices", START, END)
    connect(conn, max_calls=len(want) + 1)
    manifest = export("issuedinvoices", tmp_path / "out.jsonl", START, END, detail=True)
    assert manifest["api_calls"] == len(want) + 1
    assert ids(read_rows(tmp_path / "out.jsonl", "jsonl"), "issuedinvoices") == ids(
        want, "issuedinvoices"
    )
