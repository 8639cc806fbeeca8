"""Comparing what a DAG author wrote with what Minimax stored.

References compare by ID (`{"ID": 5}` equals `{"ID": 5, "Name": …, "ResourceUrl": …}`), dates by
day (`2025-11-20` equals `2025-11-20T00:00:00`), numbers by value (`22` equals `22.0`).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any


def same_value(expected: Any, actual: Any) -> bool:
    if isinstance(expected, Mapping) and "ID" in expected:
        return isinstance(actual, Mapping) and actual.get("ID") == expected["ID"]
    if isinstance(expected, str) and isinstance(actual, str):
        if len(expected) == 10 and actual.startswith(expected + "T"):
            return True
        return expected == actual
    if isinstance(expected, bool) or isinstance(actual, bool):
        return expected is actual
    if isinstance(expected, (int, float)) and isinstance(actual, (int, float)):
        return abs(float(expected) - float(actual)) < 1e-9
    return bool(expected == actual)


def same_fields(expected: Any, actual: Any) -> bool:
    """same_value, into what a record nests: an object by the fields `expected` gives (a stored
    document row carries its own ID and RowVersion besides), a list item by item."""
    if isinstance(expected, Mapping) and "ID" not in expected:
        return isinstance(actual, Mapping) and all(
            same_fields(value, actual.get(name)) for name, value in expected.items()
        )
    if isinstance(expected, (list, tuple)):
        return (
            isinstance(actual, (list, tuple))
            and len(expected) == len(actual)
            and all(same_fields(e, a) for e, a in zip(expected, actual, strict=True))
        )
    return same_value(expected, actual)


def unmet(record: Mapping[str, Any], expect: Mapping[str, Any]) -> list[str]:
    """What `record` lacks of `expect` (field -> value, or a list of accepted values).

    Returns one readable line per field that does not match; an empty list means all match.
    """
    lines = []
    for field, wanted in expect.items():
        accepted = list(wanted) if isinstance(wanted, (list, tuple, set, frozenset)) else [wanted]
        actual = record.get(field)
        if not any(same_value(value, actual) for value in accepted):
            shown = accepted[0] if len(accepted) == 1 else accepted
            lines.append(f"{field} is {actual!r}, waiting for {shown!r}")
    return lines
