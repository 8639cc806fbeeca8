"""Which fields SearchString matches: an unknown of the API, so a switch (`search_scope`).

The vendor publishes no list of searched fields. All three vendor samples find report templates
with `SearchString=IR` (and `DO`), so there it matches the DisplayType; elsewhere the sandbox
guesses the fields a user would expect ("wide", the catalogue's `search_fields`), or only Code
and Name ("narrow"), which a third-party client warns is closer to what some searches do.
"""

from __future__ import annotations

from . import models
from .catalogue import Kind

NARROW_FIELDS = ("Code", "Name")


def search_fields(kind: Kind, scope: str) -> tuple[str, ...]:
    """The record fields a SearchString is matched against (case-insensitive substring)."""
    if scope == "narrow":
        present = models.field_names(kind.model)
        return tuple(name for name in NARROW_FIELDS if name in present)
    return kind.search_fields
