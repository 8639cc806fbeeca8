"""Rows on their way into a file: only the fields asked for, in batches, with progress, closed.

The pipeline knows rows and a RowWriter, nothing of Airflow or of where the rows come from: the
operator hands it an iterator (a Minimax feed, read lazily page by page) and a writer on a file
that is moved into place only if all of this succeeds. Rows pass through in batches, so memory
does not grow with the export.
"""

from __future__ import annotations

import contextlib
import time
from collections.abc import Callable, Iterable, Iterator

from .formats import Row, RowWriter
from .shapes import Shape, project, shape_for

BATCH_ROWS = 1000  # rows handed to the file writer at once (a row group in Parquet)
PROGRESS_SECONDS = 10.0

Progress = Callable[[int], None]  # told the rows written so far, after each batch


class UnknownFieldsError(ValueError):
    """`fields` names a field the rows do not have."""


def export_shape(resource: str, *, full_records: bool, fields: list[str] | None) -> Shape | None:
    """The file's columns before the first row: the vendor model's (see shapes.py), only
    `fields` if given; None for a resource the vendor digest does not describe.

    Raises ValueError naming a field the model does not have.
    """
    shape = shape_for(resource, full_records=full_records)
    if shape is not None and fields:
        shape = project(shape, fields)
    return shape


def only_fields(rows: Iterable[Row], fields: list[str] | None, resource: str) -> Iterator[Row]:
    """Each row with only `fields`, in that order; every row as it is without `fields`.

    The first row is checked for the names: a resource without a shape had nothing to check
    them against before, and a misspelt name would otherwise fill a column with nulls.
    """
    if not fields:
        yield from rows
        return
    for count, row in enumerate(rows):
        if count == 0:
            missing = [name for name in fields if name not in row]
            if missing:
                raise UnknownFieldsError(
                    f"fields names {missing}, which {resource} rows do not have; "
                    f"they have: {', '.join(row)}."
                )
        yield {name: row.get(name) for name in fields}


def batches(rows: Iterable[Row], size: int = BATCH_ROWS) -> Iterator[list[Row]]:
    """The rows in lists of `size`, the last one shorter; none for no rows."""
    batch: list[Row] = []
    for row in rows:
        batch.append(row)
        if len(batch) >= size:
            yield batch
            batch = []
    if batch:
        yield batch


def every_few_seconds(
    report: Callable[[int, float], None],
    seconds: float = PROGRESS_SECONDS,
    clock: Callable[[], float] = time.perf_counter,
) -> Progress:
    """A Progress that calls `report(rows, rows_per_second)` once `seconds` have passed since
    it was made or last reported: a long export says it is alive without a line per batch."""
    started = reported = clock()

    def progress(rows: int) -> None:
        nonlocal reported
        now = clock()
        if now - reported >= seconds:
            reported = now
            report(rows, rows / (now - started))

    return progress


def write_rows(
    writer: RowWriter, batches: Iterable[list[Row]], progress: Progress | None = None
) -> int:
    """Write every batch and close the writer; returns the number of rows written.

    On an error the writer is closed too, quietly (the first error is the one to report), so
    that nothing holds the file when the caller discards it.
    """
    rows = 0
    try:
        for batch in batches:
            writer.write(batch)
            rows += len(batch)
            if progress is not None:
                progress(rows)
    except BaseException:
        with contextlib.suppress(Exception):
            writer.close()
        raise
    writer.close()  # writes the footer (Parquet): an error here must fail the export too
    return rows


def export_rows(
    rows: Iterable[Row],
    writer: RowWriter,
    *,
    fields: list[str] | None,
    resource: str,
    progress: Progress | None = None,
) -> int:
    """The whole pipeline: `rows`, only `fields`, in batches into `writer`, which is closed."""
    return write_rows(writer, batches(only_fields(rows, fields, resource)), progress)
