"""Request bodies read the way the service's .NET JSON reader reads them: leniently.

The vendor's own samples rely on it (reference.md, "Shapes common to all resources"): the C# and
PHP samples send property names without quotes (`{ Name: "Test", VatRate: {ID: 5} }`), the
Python sample sends numbers as strings (`"Price": "100.0"`, `{"ID": "12"}`) and `""` for a
reference it has none for (`"Employee": {"ID": ""}`). A strict reader would refuse the vendor's
own clients, so the sandbox reads as Json.NET binds a model:

- property names may go unquoted (and strings may use single quotes);
- property names bind case-insensitively when no exact match exists (Json.NET's default);
- a numeric string becomes a number for a number field; a number becomes text for a text field;
- `""` becomes null for a number field, and a reference whose ID is null or `""` is no reference;
- properties the model does not have are ignored (the caller counts them: a misspelt field is
  lost without a word on the real service, so tests must be able to see it happen).

Field types come from the vendor's models (models.py), nested rows included.
"""

from __future__ import annotations

import json
import re
from typing import Any

from . import models
from .errors import ApiError, invalid

_NOT_JSON = "The request is invalid: the body is not valid JSON."
_IDENTIFIER = re.compile(r"[A-Za-z_$][A-Za-z0-9_$]*")
_LITERALS = {"true", "false", "null"}
_INTEGER = re.compile(r"[+-]?\d+")
_NUMBER = re.compile(r"[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?")
_INTEGER_TYPES = ("int64", "integer")


def parse(raw: bytes) -> Any:
    """The body as JSON, accepting unquoted property names and single-quoted strings."""
    text = raw.decode("utf-8-sig", "replace") if raw else "null"
    try:
        return json.loads(text)
    except ValueError:
        pass
    try:
        return json.loads(_quote_names(text))
    except ValueError:
        raise ApiError(400, _NOT_JSON) from None


def _quote_names(text: str) -> str:
    """Rewrite relaxed JSON into strict JSON: quote bare names, double-quote 'strings'."""
    out: list[str] = []
    index, length = 0, len(text)
    while index < length:
        char = text[index]
        if char in "\"'":
            end = _string_end(text, index)
            body = text[index + 1 : end]
            if char == "'":
                body = body.replace("\\'", "'").replace('"', '\\"')
            out.append(f'"{body}"')
            index = end + 1
            continue
        found = _IDENTIFIER.match(text, index)
        if found:
            word = found.group()
            after = text[found.end() :].lstrip()
            if word not in _LITERALS and after.startswith(":"):
                word = f'"{word}"'
            out.append(word)
            index = found.end()
            continue
        out.append(char)
        index += 1
    return "".join(out)


def _string_end(text: str, start: int) -> int:
    quote, index = text[start], start + 1
    while index < len(text):
        if text[index] == "\\":
            index += 2
            continue
        if text[index] == quote:
            return index
        index += 1
    raise ValueError("unterminated string")


def bind(body: Any, model: str, ignored: list[str]) -> Any:
    """The body bound to `model`: values converted to the fields' types, unknown names dropped
    and appended to `ignored` as `Model.Name`. Anything but an object is returned as it is
    (the store refuses it with its own words)."""
    if not isinstance(body, dict):
        return body
    types = models.field_types(model)
    by_lower = {name.lower(): name for name in types}
    bound: dict[str, Any] = {}
    short = models.full_name(model).rsplit(".", 1)[-1]
    for sent_name, value in body.items():
        name = sent_name if sent_name in types else by_lower.get(str(sent_name).lower())
        if name is None:
            ignored.append(f"{short}.{sent_name}")
            continue
        if name in bound and name != sent_name:
            continue  # an exact match wins over a case-insensitive one, wherever it stands
        bound[name] = _convert(name, types[name], value, ignored)
    return bound


def _convert(name: str, kind: str, value: Any, ignored: list[str]) -> Any:
    if value is None:
        return None
    if kind in _INTEGER_TYPES or kind == "number":
        return _number(name, kind, value)
    if kind.startswith("string"):
        if isinstance(value, bool):
            return "true" if value else "false"
        if isinstance(value, int | float):
            return json.dumps(value)  # the number's JSON text: 4000 -> "4000"
        return value
    if kind == "boolean" and isinstance(value, str) and value.lower() in ("true", "false"):
        return value.lower() == "true"
    if kind.startswith("array:ref:") and isinstance(value, list):
        row_model = kind.removeprefix("array:ref:")
        return [bind(row, row_model, ignored) for row in value]
    if kind.startswith("ref:") and isinstance(value, dict):
        target = kind.removeprefix("ref:")
        bound = bind(value, target, ignored)
        if target == models.FK_MODEL and bound.get("ID") is None:
            return None  # {"ID": ""} or {"ID": null}: no reference, as for an optional field
        return bound
    return value


def _number(name: str, kind: str, value: Any) -> int | float | None:
    integer = kind in _INTEGER_TYPES
    if isinstance(value, bool):
        raise _not_valid(name, value)
    if isinstance(value, int):
        return value
    if isinstance(value, float):
        if integer and not value.is_integer():
            raise _not_valid(name, value)
        return int(value) if integer else value
    if isinstance(value, str):
        text = value.strip()
        if text == "":
            return None
        if integer and _INTEGER.fullmatch(text):
            return int(text)
        if not integer and _NUMBER.fullmatch(text):
            return float(text)
    raise _not_valid(name, value)


def _not_valid(name: str, value: Any) -> ApiError:
    return invalid(name, f"The value '{value}' is not valid for {name}.")
