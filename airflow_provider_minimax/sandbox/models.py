"""The vendor's record shapes, read from the digest of its Swagger document.

`vendor_models.json` is a verbatim copy of the project's digest of SAOP's published Swagger
(field names in spec order, typos included). The sandbox builds every response from it, so a
record never gains or loses a field that the real service would not have.
"""

from __future__ import annotations

import json
from functools import cache
from importlib import resources
from typing import Any

PREFIX = "SAOP.API.Models."
FK_MODEL = "SAOP.API.Common.mMApiFkField"

# Search rows whose field has another name, or another source, in the full record.
# (search model, search field) -> full-record field it is read from.
_SEARCH_FIELD_SOURCES: dict[tuple[str, str], str] = {
    ("IssuedInvoice.IssuedInvoiceSearch", "Analytics"): "Analytic",
    ("Item.ItemSearch", "Title"): "Name",
}


@cache
def _definitions() -> dict[str, dict[str, Any]]:
    text = resources.files(__package__).joinpath("vendor_models.json").read_text("utf-8")
    loaded: dict[str, dict[str, Any]] = json.loads(text)
    return loaded


def full_name(model: str) -> str:
    """`Customer.Customer` -> `SAOP.API.Models.Customer.Customer` (full names pass through)."""
    return model if model.startswith("SAOP.") else PREFIX + model


def field_types(model: str) -> dict[str, str]:
    """Field name -> digest type (`int64`, `ref:…`, `array:ref:…`, …) in the vendor's order."""
    fields: dict[str, str] = _definitions()[full_name(model)]["fields"]
    return fields


def field_names(model: str) -> tuple[str, ...]:
    return tuple(field_types(model))


def blank(model: str) -> dict[str, Any]:
    """A record of `model` with every field present and null, as the service serialises it."""
    return dict.fromkeys(field_names(model))


def nested_model(model: str, field: str) -> str | None:
    """The row model of an `array:ref:` field (e.g. IssuedInvoiceRows), else None."""
    kind = field_types(model).get(field, "")
    if kind.startswith("array:ref:"):
        return kind.removeprefix("array:ref:")
    return None


def reference_fields(model: str) -> tuple[str, ...]:
    """Fields of `model` that hold a `{ID, Name, ResourceUrl}` reference."""
    return tuple(name for name, kind in field_types(model).items() if kind == "ref:" + FK_MODEL)


def search_row(record: dict[str, Any], search_model: str) -> dict[str, Any]:
    """Project a full record onto the slimmer row model that list endpoints return."""
    short = search_model.removeprefix(PREFIX)
    row: dict[str, Any] = {}
    for name in field_names(search_model):
        source = _SEARCH_FIELD_SOURCES.get((short, name), name)
        row[name] = record.get(source)
    if short == "IssuedInvoice.IssuedInvoiceSearch":
        numbering = record.get("DocumentNumbering")
        row["Numbering"] = numbering.get("Name") if isinstance(numbering, dict) else None
    return row


def conform(values: dict[str, Any], model: str) -> dict[str, Any]:
    """Keep exactly the fields of `model`: unknown ones dropped, missing ones null.

    This is how ASP.NET model binding treats a request body, and so how the service does.
    """
    return {name: values.get(name) for name in field_names(model)}
