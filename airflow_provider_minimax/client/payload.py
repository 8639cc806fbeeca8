"""What is sent is checked against the vendor's model first, and converted as the service would.

The service reads bodies leniently (reference.md): it ignores a field name it does not know, so
a misspelt field is simply lost; and it turns numbers into text for text fields and numeric text
into numbers. Airflow's native rendering makes such values (`"PostalCode": 4000`). Here an
unknown name is refused before anything is written, and a value is converted the way the service
would convert it *before* it is sent, so the record, the match_on comparison and a later export
all see one type per field. A value the service could not read either is refused, naming it.
"""

from __future__ import annotations

import datetime
import decimal
import difflib
import math
import re
from collections.abc import Mapping
from typing import Any

from .errors import MinimaxConfigurationError
from .models import Shape, shape_of
from .resources import Resource

_INTEGER = re.compile(r"^[+-]?[0-9]+$")
_REFERENCE_KEYS = ("ID", "Name", "ResourceUrl")
_WORDS = {"int": "a whole number", "number": "a number", "bool": "true or false", "text": "text"}


def checked_payload(resource: Resource, payload: Mapping[str, Any]) -> dict[str, Any]:
    """A create payload checked against the resource's body model (as given if it has none)."""
    shape = shape_of(resource.name, "body") or shape_of(resource.name, "record")
    if shape is None:
        return dict(payload)
    converted: dict[str, Any] = checked(shape, payload, resource.name)
    return converted


def checked(shape: Shape, values: Mapping[str, Any], resource: str, where: str = "") -> Any:
    """`values` with every field known to `shape` and converted to its type; else refused."""
    converted: dict[str, Any] = {}
    for name, value in values.items():
        kind = shape.get(name)
        if kind is None:
            raise MinimaxConfigurationError(_unknown(name, shape, resource, where))
        converted[name] = convert(kind, value, f"{where}{name}", resource)
    return converted


def convert(kind: Any, value: Any, field: str, resource: str) -> Any:
    """One value as the field's type: the service's own lenient conversions, done here."""
    if value is None:
        return None
    if isinstance(kind, str) and kind in _SCALARS:
        result = _SCALARS[kind](value)
        if result is _REFUSED:
            raise MinimaxConfigurationError(
                f"The {resource} field {field} takes {_WORDS[kind]}, and {value!r} cannot be "
                f"read as one. Nothing was written: correct the value{_hint(kind)}."
            )
        return result
    if kind == "ref":
        return _reference(value, field, resource)
    if isinstance(kind, dict) and "rows" in kind:
        rows = _listed(value, field, resource, "a list of rows")
        return [
            checked(
                kind["rows"], _mapping(row, f"{field}[{i}]", resource), resource, f"{field}[{i}]."
            )
            for i, row in enumerate(rows)
        ]
    if isinstance(kind, dict) and "list" in kind:
        items = _listed(value, field, resource, "a list")
        return [
            convert(kind["list"], item, f"{field}[{i}]", resource) for i, item in enumerate(items)
        ]
    if isinstance(kind, dict) and "object" in kind:
        return checked(kind["object"], _mapping(value, field, resource), resource, f"{field}.")
    return value  # a kind this client does not know: sent as given


_REFUSED = object()


def _text(value: Any) -> Any:
    if isinstance(value, str):
        return value
    if isinstance(value, bool):
        return _REFUSED  # yes/no text fields take "D" or "N", not true/false
    if isinstance(value, int):
        return str(value)
    if isinstance(value, (float, decimal.Decimal)):
        if not math.isfinite(value):
            return _REFUSED
        return str(int(value)) if value == int(value) else str(value)
    if isinstance(value, datetime.datetime):
        return value.strftime("%Y-%m-%dT%H:%M:%S")
    if isinstance(value, datetime.date):
        return value.isoformat()
    return _REFUSED


def _whole(value: Any) -> Any:
    if isinstance(value, bool):
        return _REFUSED
    if isinstance(value, int):
        return value
    number = _number(value)
    if number is _REFUSED or number != int(number):
        return _REFUSED
    return int(number)


def _number(value: Any) -> Any:
    if isinstance(value, bool):
        return _REFUSED
    if isinstance(value, (int, float, decimal.Decimal)):
        exact = decimal.Decimal(value) if not isinstance(value, decimal.Decimal) else value
    elif isinstance(value, str):
        try:
            exact = decimal.Decimal(value.strip().replace(" ", ""))
        except decimal.InvalidOperation:
            return _REFUSED
    else:
        return _REFUSED
    if not exact.is_finite():
        return _REFUSED
    # JSON carries plain numbers: whole ones as integers, others as the nearest float (amounts
    # of an accounting API have few digits; a float's repr keeps 15 of them).
    return int(exact) if exact == exact.to_integral_value() else float(exact)


def _boolean(value: Any) -> Any:
    if isinstance(value, bool):
        return value
    if isinstance(value, str) and value.strip().lower() in ("true", "false"):
        return value.strip().lower() == "true"
    return _REFUSED


_SCALARS = {"text": _text, "int": _whole, "number": _number, "bool": _boolean}


def _hint(kind: str) -> str:
    if kind == "text":
        return " (yes/no fields take 'D' or 'N')"
    return ""


def _reference(value: Any, field: str, resource: str) -> Any:
    if not isinstance(value, Mapping):
        raise MinimaxConfigurationError(
            f"The {resource} field {field} is a reference to another record: give it as "
            f'{{"ID": <number>}}, not {value!r}. Nothing was written.'
        )
    unknown = [key for key in value if key not in _REFERENCE_KEYS]
    if unknown:
        raise MinimaxConfigurationError(
            f"The {resource} field {field} is a reference, which has only ID, Name and "
            f"ResourceUrl; {unknown[0]!r} would be ignored by Minimax. Give the record's ID "
            "(look it up by code first). Nothing was written."
        )
    if value.get("ID") in (None, ""):
        return None  # the service reads {"ID": ""} as no reference at all
    record_id = _whole(value["ID"])
    if record_id is _REFUSED:
        raise MinimaxConfigurationError(
            f"The {resource} field {field}.ID must be a record's ID (a whole number), not "
            f"{value['ID']!r}. Nothing was written."
        )
    return {**value, "ID": record_id}


def _listed(value: Any, field: str, resource: str, what: str) -> list[Any]:
    if isinstance(value, (list, tuple)):
        return list(value)
    raise MinimaxConfigurationError(
        f"The {resource} field {field} takes {what}, not {type(value).__name__}. "
        "Nothing was written."
    )


def _mapping(value: Any, field: str, resource: str) -> Mapping[str, Any]:
    if isinstance(value, Mapping):
        return value
    raise MinimaxConfigurationError(
        f"The {resource} field {field} takes an object of fields, not {value!r}. "
        "Nothing was written."
    )


def _unknown(name: str, shape: Shape, resource: str, where: str) -> str:
    same_case = [known for known in shape if known.lower() == str(name).lower()]
    close = same_case or difflib.get_close_matches(str(name), list(shape), n=1, cutoff=0.6)
    hint = f" Did you mean '{where}{close[0]}'?" if close else ""
    return (
        f"{resource} records have no field '{where}{name}': Minimax would ignore it without a "
        f"word.{hint} Nothing was written. Its fields: {', '.join(shape)}."
    )
