"""A Minimax row as a table row: one value per staged column, each of its column's kind.

Values are first made to fit the vendor's model as the CSV and Parquet exports make them
(exports/conform.py: numeric text to an exact Decimal, a number in a text field to text), then
taken apart by column: a reference's ID and Name, days and moments read from the service's
`YYYY-MM-DDTHH:MM:SS`, document rows as JSON text. The values are Python's (int, Decimal, bool,
date, datetime, str); each dialect writes them its own way (dialects.py, staging.py).

A value its column cannot hold fails the load at once, naming the record and the field (no
retry reads another value): a day that carries a time of day would otherwise lose it.
"""

from __future__ import annotations

import datetime
import json
from collections.abc import Callable, Mapping
from typing import Any

from airflow_provider_minimax.client.errors import MinimaxError
from airflow_provider_minimax.exports.conform import Conformer
from airflow_provider_minimax.exports.formats import json_default

from .columns import ORGANISATION, Column, TableDesign

Reader = Callable[[Mapping[str, Any]], Any]


class WarehouseValueError(MinimaxError):
    """A record's value that its column cannot hold."""

    retry_may_help = False  # the record holds the same value on the next read


class _Refused(Exception):
    pass


# JSON columns write amounts as the JSON export does: exact (formats.json_default).
_encode_json = json.JSONEncoder(
    ensure_ascii=False, separators=(",", ":"), default=json_default
).encode


def as_day(value: Any) -> datetime.date:
    """`2025-11-20` or `2025-11-20T00:00:00` as a date; a time of day is refused."""
    if isinstance(value, datetime.datetime):
        value = value.isoformat()
    if isinstance(value, datetime.date):
        return value
    if not isinstance(value, str) or value[10:] not in ("", "T00:00:00", "T00:00:00.000"):
        raise _Refused("a day (YYYY-MM-DD, at midnight)")
    try:
        return datetime.date.fromisoformat(value[:10])
    except ValueError:
        raise _Refused("a day (YYYY-MM-DD)") from None


def as_moment(value: Any) -> datetime.datetime:
    """`2025-11-20T13:10:52` as a datetime, local time without an offset, as Minimax writes it."""
    if isinstance(value, datetime.datetime):
        return value
    try:
        return datetime.datetime.fromisoformat(value)
    except (TypeError, ValueError):
        raise _Refused("a date and time (YYYY-MM-DDTHH:MM:SS)") from None


def _json(value: Any) -> str:
    return _encode_json(value)


_CONVERT: dict[str, Callable[[Any], Any]] = {"date": as_day, "timestamp": as_moment, "json": _json}


def _reader(column: Column) -> Reader:
    """How a row's value of `column` is read; the common cases in as few steps as can be."""
    field, sub = column.field, column.sub
    convert = _CONVERT.get(column.kind)
    if field is None:
        return lambda row: None
    if sub is None and convert is None:
        return lambda row: row.get(field)
    if sub is None:
        assert convert is not None

        def converted(row: Mapping[str, Any]) -> Any:
            value = row.get(field)
            return None if value is None else convert(value)

        return converted

    def inner(row: Mapping[str, Any]) -> Any:
        value = row.get(field)
        if value is None:
            return None
        value = value.get(sub)
        return value if value is None or convert is None else convert(value)

    return inner


class Flattener:
    """Rows of one table design as tuples in its staged columns' order; compiled once per load."""

    def __init__(self, design: TableDesign, organisation_id: int) -> None:
        self.design = design
        self._conform = Conformer(design.shape)
        self._readers = [
            (
                column,
                (lambda row: organisation_id) if column.name == ORGANISATION else _reader(column),
            )
            for column in design.staged
        ]

    def __call__(self, row: Mapping[str, Any]) -> tuple[Any, ...]:
        conformed = self._conform(row)
        try:
            return tuple(read(conformed) for _, read in self._readers)
        except _Refused:
            pass
        # Again, slowly, to say which column (the fast path above does not track it).
        for column, read in self._readers:
            try:
                read(conformed)
            except _Refused as refused:
                raise WarehouseValueError(
                    f"Record {self.design.id_field} {row.get(self.design.id_field)}: field "
                    f"{column.field} holds {row.get(column.field or '')!r}, which is not "
                    f"{refused.args[0]}, as column {column.name} ({column.kind}) needs. Correct "
                    "the record in Minimax, or leave the field out (fields=...)."
                ) from None
        raise AssertionError("unreachable: a refusal the second reading did not repeat")
