"""The staging table, filled page by page: PostgreSQL's COPY, executemany elsewhere.

Rows reach the staging table as they arrive, a batch at a time, so a load's memory does not grow
with its rows. Each staged row carries `_stage_row`, its place in the stream: a record met twice
(a list that shifted between two pages) is merged once, as it was seen last.

PostgreSQL: COPY … FROM STDIN in its text format, in one stream for the whole load, through the
driver the hook's connection has (psycopg2's `copy_expert` or psycopg 3's `copy`). Others: an
INSERT per row, sent as `executemany` a batch at a time.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable, Iterable, Iterator
from typing import Any

from .columns import TableDesign
from .dialects import POSTGRESQL, Dialect, exact

STAGE_TABLE = "_minimax_stage"
STAGE_ROW = "_stage_row"
Batch = list[tuple[Any, ...]]
Progress = Callable[[int], None]  # told the rows staged so far


def stage_table(dialect: Dialect) -> str:
    """The staging table's name as statements spell it: temporary, this session's own."""
    prefix = {"postgresql": "pg_temp.", "sqlite": "temp."}.get(dialect.name, "")
    return prefix + dialect.quote(STAGE_TABLE)


def create_stage_sql(dialect: Dialect, design: TableDesign) -> list[str]:
    """The temporary staging table (gone when the transaction ends, on PostgreSQL), and on the
    others an index for picking each record's last staged row."""
    columns = [f"{dialect.quote(c.name)} {dialect.types[c.kind]}" for c in design.staged]
    columns.append(f"{dialect.quote(STAGE_ROW)} BIGINT NOT NULL")
    name = dialect.quote(STAGE_TABLE)
    on_commit = " ON COMMIT DROP" if dialect.name == "postgresql" else ""
    statements = [f"CREATE TEMPORARY TABLE {name} ({', '.join(columns)}){on_commit}"]
    if dialect.name != "postgresql":  # PostgreSQL sorts once (DISTINCT ON) instead
        key = ", ".join(dialect.quote(n) for n in (design.id_field, STAGE_ROW))
        statements.append(f"CREATE INDEX {dialect.quote(STAGE_TABLE + '_last')} ON {name} ({key})")
    return statements


def stage_rows(
    cursor: Any,
    dialect: Dialect,
    design: TableDesign,
    batches: Iterable[Batch],
    progress: Progress | None = None,
) -> int:
    """Every batch into the staging table; returns the rows staged."""
    counted = _counting(batches, progress)
    if dialect.name == "postgresql":
        _copy(cursor, design, counted)
    else:
        _insert(cursor, dialect, design, counted)
    return counted.rows


class _counting:
    """The batches, numbered row by row (`_stage_row`), counted, progress told after each."""

    def __init__(self, batches: Iterable[Batch], progress: Progress | None) -> None:
        self.batches = batches
        self.progress = progress
        self.rows = 0

    def __iter__(self) -> Iterator[Batch]:
        for batch in self.batches:
            first = self.rows
            self.rows += len(batch)
            yield [(*row, first + place) for place, row in enumerate(batch)]
            if self.progress is not None:
                self.progress(self.rows)


def _insert(cursor: Any, dialect: Dialect, design: TableDesign, batches: Iterable[Batch]) -> None:
    names = [c.name for c in design.staged] + [STAGE_ROW]
    statement = (
        f"INSERT INTO {stage_table(dialect)} ({', '.join(map(dialect.quote, names))}) "
        f"VALUES ({', '.join([dialect.placeholder] * len(names))})"
    )
    adapters = [dialect.adapters.get(c.kind) for c in design.staged] + [None]
    adapted = [(i, adapt) for i, adapt in enumerate(adapters) if adapt is not None]
    for batch in batches:
        if adapted:
            batch = [_adapt(row, adapted) for row in batch]
        cursor.executemany(statement, batch)


def _adapt(
    row: tuple[Any, ...], adapted: list[tuple[int, Callable[[Any], Any]]]
) -> tuple[Any, ...]:
    values = list(row)
    for index, adapt in adapted:
        if values[index] is not None:
            values[index] = adapt(values[index])
    return tuple(values)


# -- PostgreSQL's COPY text format ------------------------------------------------------------

_ESCAPES = str.maketrans({"\\": "\\\\", "\t": "\\t", "\n": "\\n", "\r": "\\r"})


def _text(value: str) -> str:
    # Most text holds nothing COPY reads as syntax: tab, newline and CR are not printable.
    if value.isprintable() and "\\" not in value:
        return value
    return value.translate(_ESCAPES)


def _boolean(value: bool) -> str:
    return "t" if value else "f"


def _moment(value: datetime.datetime) -> str:
    return value.isoformat(sep=" ")


_RENDER: dict[str, Callable[[Any], str]] = {
    "bigint": str,
    "numeric": exact,
    "boolean": _boolean,
    "date": datetime.date.isoformat,
    "timestamp": _moment,
    "text": _text,
    "json": _text,
}


def copy_lines(design: TableDesign, batches: Iterable[Batch]) -> Iterator[str]:
    """Each batch as COPY text: a line per row, tab between values, NULL as \\N."""
    renders = [_RENDER[c.kind] for c in design.staged] + [str]
    for batch in batches:
        yield "".join(
            "\t".join(
                "\\N" if value is None else render(value)
                for render, value in zip(renders, row, strict=True)
            )
            + "\n"
            for row in batch
        )


class _Reader:
    """A file whose read() hands out the COPY text as it is made (psycopg2's copy_expert)."""

    def __init__(self, chunks: Iterator[str]) -> None:
        self._chunks = chunks
        self._left = b""
        # What the rows raised: psycopg2 reports it as its own QueryCanceled, in words only.
        self.failure: BaseException | None = None

    def read(self, size: int = -1) -> bytes:
        while size < 0 or len(self._left) < size:
            try:
                chunk = next(self._chunks, None)
            except BaseException as failure:
                self.failure = failure
                raise
            if chunk is None:
                break
            self._left += chunk.encode("utf-8")
        if size < 0:
            size = len(self._left)
        out, self._left = self._left[:size], self._left[size:]
        return out

    readline = read


def _copy(cursor: Any, design: TableDesign, batches: Iterable[Batch]) -> None:
    names = [c.name for c in design.staged] + [STAGE_ROW]
    statement = (
        f"COPY {stage_table(POSTGRESQL)} ({', '.join(map(POSTGRESQL.quote, names))}) FROM STDIN"
    )
    lines = copy_lines(design, batches)
    if hasattr(cursor, "copy_expert"):  # psycopg2
        reader = _Reader(lines)
        try:
            cursor.copy_expert(statement, reader, size=1 << 16)
        except Exception:
            if reader.failure is not None:  # the feed's own error, as the caller knows it
                raise reader.failure from None
            raise
        return
    with cursor.copy(statement) as copy:  # psycopg 3
        for chunk in lines:
            copy.write(chunk)
