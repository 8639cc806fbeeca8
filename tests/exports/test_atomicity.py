"""A file is written whole or not at all: faults, lists that change while read, reruns."""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from airflow_provider_minimax.sandbox import FaultRule, Sandbox
from airflow_provider_minimax.sandbox.faults import Effect
from tests.exports.helpers import (
    ORG,
    AfterFirst,
    Meanwhile,
    expected,
    export,
    files,
    list_path,
    read_rows,
    stored,
    utc,
)

LEDGER = "journals/journal-entries"
WHOLE = (utc(2025, 10, 31), utc(2026, 1, 1))  # every day of the small sandbox: 1,304 entries
PREVIOUS = b"the previous run's file\n"


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.mark.parametrize(
    ("file_format", "effect"),
    [("jsonl", "status"), ("csv", "status"), ("parquet", "status"), ("jsonl", "truncate")],
)
def test_a_fault_part_way_leaves_no_file_and_the_retry_writes_it_exactly(
    conn: Sandbox,
    connect: Callable[..., Any],
    tmp_path: Path,
    file_format: str,
    effect: Effect,
) -> None:
    """Page 12 of 14 fails (after a thousand rows went to the temporary file): the task fails,
    no file and no temporary file is left, the previous file is untouched; the retry writes
    the same bytes as a run without faults."""
    connect(conn, max_retries=0)
    conn.configure(max_page_size=100)
    assert len(expected(conn, LEDGER, *WHOLE)) > 1300
    clean = export(LEDGER, tmp_path / "clean" / f"out.{file_format}", *WHOLE, format=file_format)

    folder = tmp_path / "target"
    folder.mkdir()
    target = folder / f"out.{file_format}"
    target.write_bytes(PREVIOUS)
    (folder / f"{target.name}.manifest.json").write_bytes(b"{}")
    rule = AfterFirst(effect, status=500, path=list_path(LEDGER), skip=11)
    conn.add_fault(rule)
    with pytest.raises(Exception):  # noqa: B017, PT011 (what the client raises is its business)
        export(LEDGER, target, *WHOLE, format=file_format)
    assert rule.fired == 1 and rule.seen == 12
    assert files(folder) == [target.name, f"{target.name}.manifest.json"]
    assert target.read_bytes() == PREVIOUS
    assert (folder / f"{target.name}.manifest.json").read_bytes() == b"{}"

    conn.clear_faults()
    retried = export(LEDGER, target, *WHOLE, format=file_format)
    assert sha256(target) == retried["sha256"] == clean["sha256"]
    assert retried["rows"] == clean["rows"] == 1304
    assert files(folder) == [target.name, f"{target.name}.manifest.json"]


def test_a_failing_first_page_leaves_no_folder_content(
    conn: Sandbox, connect: Callable[..., Any], tmp_path: Path
) -> None:
    """Even a fault on the first page leaves nothing behind (no empty file, no manifest)."""
    connect(conn, max_retries=0)
    conn.add_fault(FaultRule("status", status=500, path=list_path("issuedinvoices")))
    with pytest.raises(Exception):  # noqa: B017, PT011
        export("issuedinvoices", tmp_path / "out.jsonl", utc(2025, 11, 3), utc(2025, 11, 10))
    assert files(tmp_path) == []


@pytest.mark.parametrize("workers", [1, 3])
@pytest.mark.parametrize("move", ["into", "out of"])
def test_a_list_that_changes_while_read_fails_and_leaves_no_file(
    conn: Sandbox, tmp_path: Path, move: str, workers: int
) -> None:
    """Another writer moves an invoice into (or out of) the window between two pages: TotalRows
    changes, the export fails and writes no file."""
    start, end = utc(2025, 11, 3), utc(2025, 11, 10)
    conn.configure(max_page_size=5)
    inside = expected(conn, "issuedinvoices", start, end)
    assert len(inside) > 15
    if move == "into":
        moved = next(r for r in stored(conn, "issuedinvoices") if r["DateIssued"] > "2025-11-20")
        day = "2025-11-05T00:00:00"
    else:
        moved, day = inside[-1], "2025-11-25T00:00:00"

    def other_writer() -> None:
        conn.change(ORG, "issuedinvoices", moved["IssuedInvoiceId"], DateIssued=day)

    rule = Meanwhile("latency", path=list_path("issuedinvoices"), at=3, then=other_writer)
    conn.add_fault(rule)
    with pytest.raises(Exception, match=r"TotalRows|rows where"):
        export("issuedinvoices", tmp_path / "out.jsonl", start, end, max_workers=workers)
    assert rule.seen >= 3
    assert files(tmp_path) == []


def test_a_rerun_replaces_the_file_atomically(conn: Sandbox, tmp_path: Path) -> None:
    """The same interval again: the same bytes, moved into place as a new file (a reader of the
    old one keeps reading it whole), one file and its manifest, no temporary file."""
    path = tmp_path / "2025-11-03" / "invoices.csv"
    start, end = utc(2025, 11, 3), utc(2025, 11, 10)
    first = export("issuedinvoices", path, start, end, format="csv")
    content, inode = path.read_bytes(), path.stat().st_ino
    with path.open("rb") as reader:
        second = export("issuedinvoices", path, start, end, format="csv")
        assert reader.read() == content
    assert path.stat().st_ino != inode
    assert path.read_bytes() == content
    assert second["sha256"] == first["sha256"] == sha256(path)
    assert files(tmp_path) == ["2025-11-03/invoices.csv", "2025-11-03/invoices.csv.manifest.json"]
    assert len(read_rows(path, "csv")) == second["rows"] == first["rows"] > 0


def test_a_failed_parquet_export_closes_its_writer_quietly(
    conn: Sandbox,
    connect: Callable[..., Any],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """After a failure part-way, nothing is left to complain later ("Exception ignored in
    ParquetWriter.__del__: write to closed file" in the task's log)."""
    import gc
    import sys

    connect(conn, max_retries=0)
    conn.configure(max_page_size=100)
    conn.add_fault(AfterFirst("status", status=500, path=list_path(LEDGER), skip=11))
    ignored: list[Any] = []
    monkeypatch.setattr(sys, "unraisablehook", ignored.append)
    with pytest.raises(Exception) as failure:  # noqa: PT011
        export(LEDGER, tmp_path / "out.parquet", *WHOLE, format="parquet")
    del failure
    gc.collect()
    assert [str(hook.exc_value) for hook in ignored] == []
    assert files(tmp_path) == []
