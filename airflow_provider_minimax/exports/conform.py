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
from collections.abc import Mapping
from typing import Any

from airflow_provider_minimax.client.errors import MinimaxError
from airflow_provider_minimax.client.models import Shape

_WORDS = {"int": "a whole number", "number": "a number", "bool": "true or false", "text": "text"}


class ExportValueError(MinimaxError):
    """A stored value that its column's type cannot hold."""

    retry_may_help = False  # the record holds the same value on the next read


class _Refused(Exception):
    pass


def conform(shape: Shape, row: Mapping[str, Any]) -> dict[str, Any]:
    """`row` with every value of a field of `shape` converted to the field's type."""
    record = _record_name(shape, row)
    try:
        return _object(shape, row, "")
    except _Refused as refused:
        field, kind, value = refused.args
        raise ExportValueError(
            f"{record}: field {field} holds {value!r}, which is not {_WORDS.get(kind, kind)} as "
            "the vendor's model types that column, and cannot be converted to it. Correct the "
            "record in Minimax, export it as JSONL, or leave the field out (fields=...)."
        ) from None


def _record_name(shape: Shape, row: Mapping[str, Any]) -> str:
    id_field = next((name for name in shape if name.endswith("Id")), None)
    if id_field is None:
        return "A row"
    return f"Record {id_field} {row.get(id_field)}"


def _object(shape: Shape, row: Mapping[str, Any], where: str) -> dict[str, Any]:
    out = dict(row)
    for name, kind in shape.items():
        if name in row:
            out[name] = _value(kind, row[name], f"{where}{name}")
    return out


def _value(kind: Any, value: Any, field: str) -> Any:
    if value is None:
        return None
    if kind == "text":
        return _text(value, field)
    if kind == "int":
        number = _decimal(value, field, kind)
        if number != number.to_integral_value():
            raise _Refused(field, kind, value)
        return int(number)
    if kind == "number":
        return _decimal(value, field, kind)
    if kind == "bool":
        if isinstance(value, bool):
            return value
        if isinstance(value, str) and value.lower() in ("true", "false"):
            return value.lower() == "true"
        raise _Refused(field, kind, value)
    if kind == "ref":
        if not isinstance(value, Mapping):
            raise _Refused(field, "a reference {ID, Name, ResourceUrl}", value)
        return _object({"ID": "int", "Name": "text", "ResourceUrl": "text"}, value, f"{field}.")
    if isinstance(kind, dict) and "rows" in kind:
        if not isinstance(value, list):
            raise _Refused(field, "a list of rows", value)
        return [
            _object(kind["rows"], _mapping(r, field), f"{field}[{i}].") for i, r in enumerate(value)
        ]
    if isinstance(kind, dict) and "list" in kind:
        if not isinstance(value, list):
            raise _Refused(field, "a list", value)
        return [_value(kind["list"], item, f"{field}[{i}]") for i, item in enumerate(value)]
    if isinstance(kind, dict) and "object" in kind:
        return _object(kind["object"], _mapping(value, field), f"{field}.")
    return value


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
