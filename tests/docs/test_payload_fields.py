"""The payload fields docs/writing-safely.md lists are fields of the vendor's models (so a DAG
author copying them is not refused), the ItemType values are the model's, and its example
invoice passes the client's check."""

from __future__ import annotations

import json
import re

import pytest

from airflow_provider_minimax.client import resolve
from airflow_provider_minimax.client.models import shape_of
from airflow_provider_minimax.client.payload import checked_payload
from tests.docs.snippets import DOCS, parse

PAGE = (DOCS / "writing-safely.md").read_text("utf-8")
SECTION = PAGE.split("## What a payload holds", 1)[1].split("\n## ", 1)[0]


def table_after(title: str) -> list[str]:
    """The field names (first column, each `Name`) of the table after `**title**`."""
    block = SECTION.split(f"**{title}**", 1)[1].split("\n\n", 2)[1]
    names: list[str] = []
    for line in block.splitlines()[2:]:
        first = line.split("|")[1]
        names += re.findall(r"`([A-Za-z\[\].]+)`", first)
    return names


@pytest.mark.parametrize(
    ("title", "resource"),
    [
        ("Customers", "customers"),
        ("Items", "items"),
        ("Issued invoices", "issuedinvoices"),
    ],
)
def test_every_field_in_the_tables_is_a_field_of_the_model(title: str, resource: str) -> None:
    body = shape_of(resource, "body") or shape_of(resource, "record")
    assert body
    rows = body.get("IssuedInvoiceRows", {}).get("rows", {})
    named = table_after(title)
    assert named
    for name in named:
        if name.startswith(("IssuedInvoiceRows[]", ".")):
            assert name.split(".")[-1] in rows, name
        else:
            assert name in body, f"{resource} has no field {name}"


def test_the_item_types_are_the_vendors() -> None:
    line = next(line for line in SECTION.splitlines() if line.startswith("| `ItemType`"))
    documented = re.findall(r"`([A-Z]+)` ", line.split("|")[2])
    # The vendor's Item model: "ItemType": "string enum[B|M|P|I|S|A|AS]".
    assert documented == ["B", "M", "P", "I", "S", "A", "AS"]


def test_the_example_invoice_passes_the_clients_check() -> None:
    [example] = [block for block in parse("writing-safely.md", SECTION) if block.language == "json"]
    payload = json.loads(example.code)
    assert checked_payload(resolve("issuedinvoices").resource, payload) == payload
