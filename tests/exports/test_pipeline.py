"""The pipeline from rows to a writer: fields, batches, progress, and the writer always closed."""

from __future__ import annotations

import io
import json
from collections.abc import Iterator, Sequence
from typing import Any

import pytest

from airflow_provider_minimax.exports.formats import JsonlWriter
from airflow_provider_minimax.exports.pipeline import (
    BATCH_ROWS,
    UnknownFieldsError,
    batches,
    every_few_seconds,
    export_rows,
    export_shape,
    only_fields,
    write_rows,
)
from airflow_provider_minimax.exports.shapes import shape_for

Row = dict[str, Any]


def customers(count: int) -> list[Row]:
    return [{"CustomerId": n, "Name": f"Customer {n}", "Code": f"C{n}"} for n in range(count)]


class RecordingWriter:
    """A RowWriter that keeps its batches, and fails on the batch or close it is told to."""

    def __init__(self, fail_on_batch: int | None = None, fail_on_close: bool = False) -> None:
        self.batches: list[list[Row]] = []
        self.closed = 0
        self.fail_on_batch = fail_on_batch
        self.fail_on_close = fail_on_close

    def write(self, rows: Sequence[Row]) -> None:
        if len(self.batches) == self.fail_on_batch:
            raise ValueError("this page does not fit")
        self.batches.append(list(rows))

    def close(self) -> None:
        self.closed += 1
        if self.fail_on_close:
            raise OSError("no room for the footer")


# -- the shape ---------------------------------------------------------------------------------


def test_export_shape_is_the_vendor_model_projected_to_the_fields_in_their_order() -> None:
    full = shape_for("issuedinvoices", full_records=False)
    assert export_shape("issuedinvoices", full_records=False, fields=None) == full
    projected = export_shape(
        "issuedinvoices", full_records=False, fields=["InvoiceValue", "IssuedInvoiceId"]
    )
    assert projected is not None and full is not None
    assert list(projected) == ["InvoiceValue", "IssuedInvoiceId"]
    assert projected["InvoiceValue"] == full["InvoiceValue"]


def test_export_shape_of_full_records_is_the_record_model() -> None:
    record = export_shape("issuedinvoices", full_records=True, fields=None)
    assert record == shape_for("issuedinvoices", full_records=True)
    assert record != export_shape("issuedinvoices", full_records=False, fields=None)


def test_export_shape_refuses_a_field_the_model_lacks_and_none_without_a_model() -> None:
    with pytest.raises(ValueError, match="InvoiceTotal"):
        export_shape("issuedinvoices", full_records=False, fields=["InvoiceTotal"])
    assert export_shape("no/such/resource", full_records=False, fields=["Name"]) is None


# -- fields ------------------------------------------------------------------------------------


def test_only_fields_keeps_the_named_fields_in_order_and_fills_a_later_gap_with_none() -> None:
    rows = [{"CustomerId": 1, "Name": "A", "Code": "C1"}, {"CustomerId": 2, "Code": "C2"}]
    assert list(only_fields(rows, ["Name", "CustomerId"], "customers")) == [
        {"Name": "A", "CustomerId": 1},
        {"Name": None, "CustomerId": 2},
    ]


def test_only_fields_without_fields_passes_every_row_unchanged() -> None:
    rows = customers(3)
    assert list(only_fields(rows, None, "customers")) == rows
    assert list(only_fields(rows, [], "customers")) == rows


def test_only_fields_refuses_a_name_the_first_row_lacks_naming_what_it_has() -> None:
    with pytest.raises(UnknownFieldsError) as failure:
        list(only_fields(customers(2), ["Name", "Nmae"], "customers"))
    assert str(failure.value) == (
        "fields names ['Nmae'], which customers rows do not have; "
        "they have: CustomerId, Name, Code."
    )


def test_only_fields_of_no_rows_is_no_rows() -> None:
    assert list(only_fields([], ["Nmae"], "customers")) == []


# -- batches -----------------------------------------------------------------------------------


def test_batches_are_full_but_the_last_and_keep_every_row_in_order() -> None:
    rows = customers(2 * BATCH_ROWS + 5)
    cut = list(batches(rows))
    assert [len(batch) for batch in cut] == [BATCH_ROWS, BATCH_ROWS, 5]
    assert [row for batch in cut for row in batch] == rows
    assert [len(batch) for batch in batches(customers(6), size=3)] == [3, 3]
    assert list(batches([])) == []


def test_batches_read_the_rows_lazily() -> None:
    """A batch is handed on before the next row is read: memory holds one batch, not the list."""
    read = 0

    def rows() -> Iterator[Row]:
        nonlocal read
        for row in customers(10):
            read += 1
            yield row

    first = next(batches(rows(), size=4))
    assert len(first) == 4 and read == 4


# -- progress ----------------------------------------------------------------------------------


def test_progress_reports_once_the_seconds_have_passed_with_rows_and_rate() -> None:
    now = [100.0]
    reports: list[tuple[int, float]] = []
    progress = every_few_seconds(
        lambda rows, rate: reports.append((rows, rate)), seconds=10, clock=lambda: now[0]
    )
    for seconds, rows in [(4, 1000), (9.9, 2000), (10, 3000), (15, 4000), (20, 5000)]:
        now[0] = 100.0 + seconds
        progress(rows)
    assert reports == [(3000, 300.0), (5000, 250.0)]


# -- writing -----------------------------------------------------------------------------------


def test_write_rows_writes_every_batch_closes_once_and_counts() -> None:
    writer = RecordingWriter()
    told: list[int] = []
    assert write_rows(writer, batches(customers(7), size=3), told.append) == 7
    assert [len(batch) for batch in writer.batches] == [3, 3, 1]
    assert told == [3, 6, 7]
    assert writer.closed == 1


def test_a_failing_batch_still_closes_the_writer_and_its_error_is_the_one_raised() -> None:
    writer = RecordingWriter(fail_on_batch=1, fail_on_close=True)
    with pytest.raises(ValueError, match="does not fit"):
        write_rows(writer, batches(customers(7), size=3))
    assert writer.closed == 1 and len(writer.batches) == 1


def test_an_error_of_the_rows_themselves_still_closes_the_writer() -> None:
    def rows() -> Iterator[Row]:
        yield from customers(2)
        raise ConnectionError("the third page never came")

    writer = RecordingWriter()
    with pytest.raises(ConnectionError):
        write_rows(writer, batches(rows(), size=1))
    assert writer.closed == 1 and len(writer.batches) == 2


def test_an_error_closing_the_writer_fails_the_export() -> None:
    """Closing writes Parquet's footer: a file without one is no file, so the error is raised."""
    writer = RecordingWriter(fail_on_close=True)
    with pytest.raises(OSError, match="footer"):
        write_rows(writer, batches(customers(2)))
    assert writer.closed == 1


def test_export_rows_writes_only_the_fields_to_a_real_writer() -> None:
    out = io.BytesIO()
    count = export_rows(customers(3), JsonlWriter(out), fields=["Code"], resource="customers")
    assert count == 3
    assert [json.loads(line) for line in out.getvalue().splitlines()] == [
        {"Code": "C0"},
        {"Code": "C1"},
        {"Code": "C2"},
    ]
