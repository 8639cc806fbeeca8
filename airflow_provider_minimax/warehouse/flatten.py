"""A Minimax row as a table row: one value per staged column, each of its column's kind.

Each value is made to fit the vendor's model as the CSV and Parquet exports make it
(exports/conform.py's converters: numeric text to an exact Decimal, a number in a text field to
text), then taken as its column needs it: a reference's ID and Name, days and moments read from
the service's `YYYY-MM-DDTHH:MM:SS`, document rows as JSON text. The values are Python's (int,
Decimal, bool, date, datetime, str); each dialect writes them its own way (dialects.py,
staging.py). A reader per column is compiled once per load: a load converts every value of
every row, so the common case (a value already of its type) takes a test or two.

A value its column cannot hold fails the load at once, naming the record and the field (no
retry reads another value): a day that carries a time of day would otherwise lose it.
"""

from __future__ import annotations

import datetime
import json
from collections.abc import Callable, Mapping
from typing import Any

from airflow_provider_minimax.client.errors import MinimaxError
from airflow_provider_minimax.exports.conform import ValueRefused, converter, refusal
from airflow_provider_minimax.exports.formats import json_default

from .columns import ORGANISATION, Column, TableDesign

Reader = Callable[[Mapping[str, Any]], Any]
_REFERENCE = {"ID": "int", "Name": "text", "ResourceUrl": "text"}


class WarehouseValueError(MinimaxError):
    """A record's value that its column cannot hold."""

    retry_may_help = False  # the record holds the same value on the next read


# JSON columns write amounts as the JSON export does: exact (formats.json_default).
_encode_json = json.JSONEncoder(
    ensure_ascii=False, separators=(",", ":"), default=json_default
).encode


def as_day(value: Any, field: str) -> datetime.date:
    """`2025-11-20` or `2025-11-20T00:00:00` as a date; a time of day is refused."""
    if isinstance(value, datetime.datetime):
        value = value.isoformat()
    if isinstance(value, datetime.date):
        return value
    if not isinstance(value, str) or value[10:] not in ("", "T00:00:00", "T00:00:00.000"):
        raise ValueRefused(field, "a day (YYYY-MM-DD, at midnight)", value)
    try:
        return datetime.date.fromisoformat(value[:10])
    except ValueError:
        raise ValueRefused(field, "a day (YYYY-MM-DD)", value) from None


def as_moment(value: Any, field: str) -> datetime.datetime:
    """`2025-11-20T13:10:52` as a datetime, local time without an offset, as Minimax writes it."""
    if isinstance(value, datetime.datetime):
        return value
    try:
        return datetime.datetime.fromisoformat(value)
    except (TypeError, ValueError):
        raise ValueRefused(field, "a date and time (YYYY-MM-DDTHH:MM:SS)", value) from None


def _as_json(value: Any, field: str) -> str:
    return _encode_json(value)


_AFTER: dict[str, Callable[[Any, str], Any]] = {
    "date": as_day,
    "timestamp": as_moment,
    "json": _as_json,
}


def _reader(design: TableDesign, column: Column) -> Reader:
    """How a row's value of `column` is read: the model's conversion, then the column's."""
    field, sub = column.field, column.sub
    if field is None:
        return lambda row: None
    kind = design.shape[field]
    after = _AFTER.get(column.kind)
    if sub is None:
        convert = converter(kind)

        def value_of(row: Mapping[str, Any]) -> Any:
            value = row.get(field)
            if value is None:
                return None
            value = convert(value, field)
            return value if after is None else after(value, field)

        return value_of
    convert = converter(_REFERENCE[sub] if kind == "ref" else kind["object"][sub])
    what = "a reference {ID, Name, ResourceUrl}" if kind == "ref" else "an object"
    name = f"{field}.{sub}"

    def part_of(row: Mapping[str, Any]) -> Any:
        value = row.get(field)
        if value is None:
            return None
        try:
            value = value.get(sub)
        except AttributeError:  # not an object: text, a number, a list
            raise ValueRefused(field, what, value) from None
        if value is None:
            return None
        value = convert(value, name)
        return value if after is None else after(value, name)

    return part_of


class Flattener:
    """Rows of one table design as tuples in its staged columns' order; compiled once per load."""

    def __init__(self, design: TableDesign, organisation_id: int) -> None:
        self.design = design

        def organisation(row: Mapping[str, Any]) -> int:
            return organisation_id

        self._readers = [
            organisation if column.name == ORGANISATION else _reader(design, column)
            for column in design.staged
        ]

    def __call__(self, row: Mapping[str, Any]) -> tuple[Any, ...]:
        try:
            return tuple([read(row) for read in self._readers])
        except ValueRefused as refused:
            raise WarehouseValueError(
                refusal(row, self.design.id_field, refused, "or leave the field out")
            ) from None
