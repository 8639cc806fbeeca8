"""A value read as a field's type, the one way for what goes to Minimax and what comes back.

Minimax's .NET reader converts what a body holds into its model's types (reference.md: numbers
into text for text fields, numeric text into numbers). The provider reads values the same way
before it sends a create or an update (payload.py) and when an export writes typed columns
(exports/conform.py): one reading, so a value means the same on both sides. Each function
returns REFUSED rather than raising, and each caller words the error for its own reader.
"""

from __future__ import annotations

import datetime
import decimal
from typing import Any, Final

WORDS: Final = {
    "int": "a whole number",
    "number": "a number",
    "bool": "true or false",
    "text": "text",
}


class Refused:
    """The marker of a value the type cannot hold (a class, so that mypy can tell it apart)."""


REFUSED: Final = Refused()


def as_decimal(value: Any) -> decimal.Decimal | Refused:
    """Exact: a float through its repr (what the JSON text said), text as written (trimmed)."""
    if isinstance(value, bool):
        return REFUSED  # True is an int to Python, never a number to Minimax
    try:
        if isinstance(value, decimal.Decimal):
            number = value
        elif isinstance(value, int):
            number = decimal.Decimal(value)
        elif isinstance(value, float):
            number = decimal.Decimal(repr(value))
        elif isinstance(value, str):
            # .NET parses numbers with the invariant culture: no thousands separators.
            number = decimal.Decimal(value.strip())
        else:
            return REFUSED
    except decimal.InvalidOperation:
        return REFUSED
    return number if number.is_finite() else REFUSED


def as_whole(value: Any) -> int | Refused:
    if isinstance(value, int) and not isinstance(value, bool):
        return value
    number = as_decimal(value)
    if isinstance(number, Refused) or number != number.to_integral_value():
        return REFUSED
    return int(number)


def as_text(value: Any) -> str | Refused:
    if isinstance(value, str):
        return value
    if isinstance(value, bool):
        return REFUSED  # yes/no text fields take "D" or "N", not true/false
    if isinstance(value, (int, float, decimal.Decimal)):
        number = as_decimal(value)
        if isinstance(number, Refused):
            return REFUSED
        return str(int(number)) if number == number.to_integral_value() else str(number)
    if isinstance(value, datetime.datetime):
        return value.strftime("%Y-%m-%dT%H:%M:%S")  # Minimax's date-times carry no offset
    if isinstance(value, datetime.date):
        return value.isoformat()
    return REFUSED


def as_boolean(value: Any) -> bool | Refused:
    if isinstance(value, bool):
        return value
    if isinstance(value, str) and value.strip().lower() in ("true", "false"):
        return value.strip().lower() == "true"
    return REFUSED
