"""Rows made to fit their columns' types (the vendor's model) before they are written.

The service's lenient reader stores what it was sent, and its answers are not checked against
its own model: a text field may come back as a number (`"PostalCode": 4000`) on one row and as
text on the next. A CSV column or a Parquet schema fixed by the model takes each value converted
to the column's type, as the service converts on input; so a later page cannot break the schema
of the first. A value that cannot be converted fails the export at once (no retry reads another
value), naming the record and the field.
"""

from __future__ import annotations

import decimal
from collections.abc import Callable, Mapping
from typing import Any

from airflow_provider_minimax.client.coerce import (
    WORDS,
    Refused,
    as_boolean,
    as_decimal,
    as_text,
    as_whole,
)
from airflow_provider_minimax.client.errors import MinimaxError
from airflow_provider_minimax.client.models import Shape


class ExportValueError(MinimaxError):
    """A stored value that its column's type cannot hold."""

    retry_may_help = False  # the record holds the same value on the next read


class ValueRefused(Exception):
    """A converter's refusal: its args are (field, kind or what was wanted, value)."""


class Conformer:
    """Rows of one shape made to fit it; compiled once per file (exports are long)."""

    def __init__(self, shape: Shape) -> None:
        self._fields = _compiled(shape)
        self._id_field = next((name for name in shape if name.endswith("Id")), None)

    def __call__(self, row: Mapping[str, Any]) -> dict[str, Any]:
        try:
            return _apply(self._fields, row, "")
        except ValueRefused as refused:
            raise ExportValueError(
                refusal(row, self._id_field, refused, "export it as JSONL, or leave the field out")
            ) from None


def refusal(row: Mapping[str, Any], id_field: str | None, refused: ValueRefused, do: str) -> str:
    """What a refused value's error says: the record, the field, the value, what to do."""
    field, kind, value = refused.args
    record = f"Record {id_field} {row.get(id_field)}" if id_field else "A row"
    return (
        f"{record}: field {field} holds {value!r}, which is not {WORDS.get(kind, kind)} as "
        f"the vendor's model types that column, and cannot be converted to it. Correct the "
        f"record in Minimax, {do} (fields=...)."
    )


def conform(shape: Shape, row: Mapping[str, Any]) -> dict[str, Any]:
    """`row` with every value of a field of `shape` converted to the field's type."""
    return Conformer(shape)(row)


Converter = Callable[[Any, str], Any]


def _apply(
    fields: list[tuple[str, Converter]], row: Mapping[str, Any], where: str
) -> dict[str, Any]:
    out = dict(row)
    for name, convert in fields:
        value = row.get(name)
        if value is not None:
            out[name] = convert(value, f"{where}{name}" if where else name)
    return out


def _compiled(shape: Shape) -> list[tuple[str, Converter]]:
    return [(name, converter(kind)) for name, kind in shape.items()]


def converter(kind: Any) -> Converter:
    """How a value of a shape's kind is converted: `converter(kind)(value, field_name)`."""
    if isinstance(kind, str) and kind in _SCALARS:
        return _SCALARS[kind]
    if kind == "ref":
        reference = [("ID", _SCALARS["int"]), ("Name", _TEXT), ("ResourceUrl", _TEXT)]
        return _nested(reference, "a reference {ID, Name, ResourceUrl}")
    if isinstance(kind, dict) and "rows" in kind:
        return _rows(_compiled(kind["rows"]))
    if isinstance(kind, dict) and "list" in kind:
        item = converter(kind["list"])

        def items(value: Any, field: str) -> Any:
            if not isinstance(value, list):
                raise ValueRefused(field, "a list", value)
            return [
                item(v, f"{field}[{i}]") if v is not None else None for i, v in enumerate(value)
            ]

        return items
    if isinstance(kind, dict) and "object" in kind:
        return _nested(_compiled(kind["object"]), "an object")
    return lambda value, field: value


def _nested(fields: list[tuple[str, Converter]], what: str) -> Converter:
    def nested(value: Any, field: str) -> Any:
        if not isinstance(value, Mapping):
            raise ValueRefused(field, what, value)
        return _apply(fields, value, f"{field}.")

    return nested


def _rows(fields: list[tuple[str, Converter]]) -> Converter:
    def rows(value: Any, field: str) -> Any:
        if not isinstance(value, list):
            raise ValueRefused(field, "a list of rows", value)
        return [
            _apply(fields, _mapping(r, f"{field}[{i}]"), f"{field}[{i}].")
            for i, r in enumerate(value)
        ]

    return rows


def _mapping(value: Any, field: str) -> Mapping[str, Any]:
    if not isinstance(value, Mapping):
        raise ValueRefused(field, "an object", value)
    return value


def _scalar(kind: str, read: Callable[[Any], Any]) -> Converter:
    """The column's reader (client/coerce.py); the common case, a value already of the
    column's type, returns at the first test: an export converts every value of every row."""
    own = {"text": (str,), "int": (int,), "number": (decimal.Decimal, int), "bool": (bool,)}[kind]

    def scalar(value: Any, field: str) -> Any:
        if type(value) in own:
            return value
        result = read(value)
        if isinstance(result, Refused):
            raise ValueRefused(field, kind, value)
        return result

    return scalar


_TEXT = _scalar("text", as_text)
_SCALARS: dict[str, Converter] = {
    "text": _TEXT,
    "int": _scalar("int", as_whole),
    "number": _scalar("number", as_decimal),
    "bool": _scalar("bool", as_boolean),
}
