"""Rows made to fit their columns' types (the vendor's model) before they are written.

The service's lenient reader stores what it was sent, and its answers are not checked against
its own model: a text field may come back as a number (`"PostalCode": 4000`) on one row and as
text on the next. A CSV column or a Parquet schema fixed by the model takes each value converted
to the column's type, as the service converts on input; so a later page cannot break the schema
of the first. A value that cannot be converted fails the export at once (no retry reads another
value), naming the record and the field.
"""

from __future__ import annotations

import datetime
import decimal
from collections.abc import Callable, Mapping
from typing import Any

from airflow_provider_minimax.client.errors import MinimaxError
from airflow_provider_minimax.client.models import Shape

_WORDS = {"int": "a whole number", "number": "a number", "bool": "true or false", "text": "text"}


class ExportValueError(MinimaxError):
    """A stored value that its column's type cannot hold."""

    retry_may_help = False  # the record holds the same value on the next read


class _Refused(Exception):
    pass


def _text_field(value: Any, field: str) -> Any:
    return value if type(value) is str else _text(value, field)


def _int_field(value: Any, field: str) -> Any:
    return value if type(value) is int else _whole(value, field)


_REFERENCE: list[tuple[str, Any]] = [
    ("ID", _int_field),
    ("Name", _text_field),
    ("ResourceUrl", _text_field),
]


class Conformer:
    """Rows of one shape made to fit it; compiled once per file (exports are long)."""

    def __init__(self, shape: Shape) -> None:
        self._fields = _compiled(shape)
        self._id_field = next((name for name in shape if name.endswith("Id")), None)

    def __call__(self, row: Mapping[str, Any]) -> dict[str, Any]:
        try:
            return _apply(self._fields, row, "")
        except _Refused as refused:
            field, kind, value = refused.args
            record = (
                f"Record {self._id_field} {row.get(self._id_field)}" if self._id_field else "A row"
            )
            raise ExportValueError(
                f"{record}: field {field} holds {value!r}, which is not "
                f"{_WORDS.get(kind, kind)} as the vendor's model types that column, and cannot "
                "be converted to it. Correct the record in Minimax, export it as JSONL, or "
                "leave the field out (fields=...)."
            ) from None


def conform(shape: Shape, row: Mapping[str, Any]) -> dict[str, Any]:
    """`row` with every value of a field of `shape` converted to the field's type."""
    return Conformer(shape)(row)


Converter = Callable[[Any, str], Any]


def _apply(
    fields: list[tuple[str, Converter]], row: Mapping[str, Any], where: str
) -> dict[str, Any]:
    out = dict(row)
    for name, converter in fields:
        value = row.get(name)
        if value is not None:
            out[name] = converter(value, f"{where}{name}" if where else name)
    return out


def _compiled(shape: Shape) -> list[tuple[str, Converter]]:
    return [(name, _converter(kind)) for name, kind in shape.items()]


def _converter(kind: Any) -> Converter:
    # The common case, a value of the column's own type, returns at the first test: an
    # export converts every value of every row.
    if kind == "text":
        return lambda value, field: value if type(value) is str else _text(value, field)
    if kind == "int":
        return lambda value, field: value if type(value) is int else _whole(value, field)
    if kind == "number":
        return lambda value, field: (
            value if type(value) in (decimal.Decimal, int) else _decimal(value, field, "number")
        )
    if kind == "bool":
        return lambda value, field: value if type(value) is bool else _boolean(value, field)
    if kind == "ref":
        return _nested(_REFERENCE, "a reference {ID, Name, ResourceUrl}")
    if isinstance(kind, dict) and "rows" in kind:
        return _rows(_compiled(kind["rows"]))
    if isinstance(kind, dict) and "list" in kind:
        item = _converter(kind["list"])

        def items(value: Any, field: str) -> Any:
            if not isinstance(value, list):
                raise _Refused(field, "a list", value)
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
            raise _Refused(field, what, value)
        return _apply(fields, value, f"{field}.")

    return nested


def _rows(fields: list[tuple[str, Converter]]) -> Converter:
    def rows(value: Any, field: str) -> Any:
        if not isinstance(value, list):
            raise _Refused(field, "a list of rows", value)
        return [
            _apply(fields, _mapping(r, f"{field}[{i}]"), f"{field}[{i}].")
            for i, r in enumerate(value)
        ]

    return rows


def _whole(value: Any, field: str) -> int:
    number = _decimal(value, field, "int")
    if number != number.to_integral_value():
        raise _Refused(field, "int", value)
    return int(number)


def _boolean(value: Any, field: str) -> bool:
    if isinstance(value, str) and value.lower() in ("true", "false"):
        return value.lower() == "true"
    raise _Refused(field, "bool", value)


def _mapping(value: Any, field: str) -> Mapping[str, Any]:
    if not isinstance(value, Mapping):
        raise _Refused(field, "an object", value)
    return value


def _text(value: Any, field: str) -> str:
    if isinstance(value, str):
        return value
    if isinstance(value, (bool, dict, list)):
        raise _Refused(field, "text", value)
    if isinstance(value, int):
        return str(value)
    if isinstance(value, (float, decimal.Decimal)):
        number = _decimal(value, field, "text")
        return str(int(number)) if number == number.to_integral_value() else str(number)
    if isinstance(value, datetime.date):
        return value.isoformat()
    raise _Refused(field, "text", value)


def _decimal(value: Any, field: str, kind: str) -> decimal.Decimal:
    """Exact: a float through its repr (what the JSON text said), text as written."""
    if isinstance(value, bool):
        raise _Refused(field, kind, value)
    try:
        if isinstance(value, decimal.Decimal):
            number = value
        elif isinstance(value, int):
            number = decimal.Decimal(value)
        elif isinstance(value, float):
            number = decimal.Decimal(repr(value))
        elif isinstance(value, str):
            number = decimal.Decimal(value.strip())
        else:
            raise _Refused(field, kind, value)
    except decimal.InvalidOperation:
        raise _Refused(field, kind, value) from None
    if not number.is_finite():
        raise _Refused(field, kind, value)
    return number
