"""What is sent is checked against the vendor's model first, and converted as the service would.

The service reads bodies leniently (reference.md): it ignores a field name it does not know, so
a misspelt field is simply lost; and it turns numbers into text for text fields and numeric text
into numbers. Airflow's native rendering makes such values (`"PostalCode": 4000`). Here an
unknown name is refused before anything is written, and a value is converted the way the service
would convert it *before* it is sent, so the record, the match_on comparison and a later export
all see one type per field. A value the service could not read either is refused, naming it.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Mapping
from typing import Any

from .coerce import REFUSED, WORDS, Refused, as_boolean, as_decimal, as_text, as_whole
from .errors import MinimaxConfigurationError
from .models import Shape, shape_of
from .resources import Resource

_INTEGER = re.compile(r"^[+-]?[0-9]+$")
_REFERENCE_KEYS = ("ID", "Name", "ResourceUrl")


def checked_payload(resource: Resource, payload: Mapping[str, Any]) -> dict[str, Any]:
    """A create payload checked against the resource's body model (as given if it has none)."""
    converted, refused = checked_fields(resource, payload)
    if refused:
        raise refused[0][1]
    return converted


def checked_fields(
    resource: Resource, payload: Mapping[str, Any]
) -> tuple[dict[str, Any], list[tuple[str, MinimaxConfigurationError]]]:
    """Every field of a payload checked on its own: (the fields that passed, converted; each
    refused field with its refusal). A bulk write names all of a record's bad fields at once,
    where one create stops at the first."""
    shape = shape_of(resource.name, "body") or shape_of(resource.name, "record")
    if shape is None:
        return dict(payload), []
    converted: dict[str, Any] = {}
    refused: list[tuple[str, MinimaxConfigurationError]] = []
    for name, value in payload.items():
        try:
            converted.update(checked(shape, {name: value}, resource.name))
        except MinimaxConfigurationError as error:
            refused.append((str(name), error))
    return converted, refused


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
        if isinstance(result, Refused):
            raise MinimaxConfigurationError(
                f"The {resource} field {field} takes {WORDS[kind]}, and {value!r} cannot be "
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


def _json_number(value: Any) -> float | int | Refused:
    # JSON carries plain numbers: whole ones as integers, others as the nearest float (amounts
    # of an accounting API have few digits; a float's repr keeps 15 of them).
    exact = as_decimal(value)
    if isinstance(exact, Refused):
        return REFUSED
    return int(exact) if exact == exact.to_integral_value() else float(exact)


_SCALARS = {"text": as_text, "int": as_whole, "number": _json_number, "bool": as_boolean}


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
    record_id = as_whole(value["ID"])
    if isinstance(record_id, Refused):
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
