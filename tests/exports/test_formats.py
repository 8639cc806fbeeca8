"""File formats: JSONL is the API's rows, CSV flat and exact, Parquet nested and exact."""

from __future__ import annotations

import decimal
import json
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from airflow_provider_minimax import sandbox as sandbox_package
from airflow_provider_minimax.exports.schema import NUMBER_FIELDS
from airflow_provider_minimax.sandbox import Sandbox, Settings, models
from tests.exports.helpers import (
    csv_header,
    expected,
    export,
    ids,
    read_rows,
    stored,
    utc,
)

VENDOR_MODELS = Path(sandbox_package.__file__).parent / "vendor_models.json"
REFERENCE = "ref:SAOP.API.Common.mMApiFkField"
START, END = utc(2025, 11, 3), utc(2025, 11, 10)
CENT = decimal.Decimal("0.01")


def exact(value: float) -> decimal.Decimal:
    """The sandbox's amount as the decimal it means (what the API's JSON text says)."""
    return decimal.Decimal(repr(value))


def flat_header(model: str) -> list[str]:
    """A model's fields in the API's order, references as X_ID, X_Name, X_ResourceUrl."""
    header: list[str] = []
    for name, kind in models.field_types(model).items():
        if kind == REFERENCE:
            header += [f"{name}_ID", f"{name}_Name", f"{name}_ResourceUrl"]
        else:
            header.append(name)
    return header


# -- JSONL ------------------------------------------------------------------------------------


@pytest.mark.parametrize("resource", ["issuedinvoices", "journals/journal-entries", "items"])
def test_jsonl_rows_are_the_api_rows(
    conn: Sandbox, make_client: Callable[..., Any], tmp_path: Path, resource: str
) -> None:
    """Each line is a row exactly as the list answers it: same keys, order and values."""
    path = tmp_path / "out.jsonl"
    manifest = export(resource, path, START, END)
    filters = {}
    if manifest["mode"] == "window":
        names = (
            ("DateIssuedFrom", "DateIssuedTo")
            if resource == "issuedinvoices"
            else (
                "DateFrom",
                "DateTo",
            )
        )
        filters = dict(zip(names, ("2025-11-03", "2025-11-09"), strict=True))
    api_rows = list(make_client().list(resource, **filters))
    rows = read_rows(path, "jsonl")
    assert rows == api_rows and len(rows) > 5
    assert [list(row) for row in rows] == [list(row) for row in api_rows]


# -- CSV --------------------------------------------------------------------------------------


def test_csv_header_flattens_references_in_the_api_field_order(
    conn: Sandbox, tmp_path: Path
) -> None:
    """Customer becomes Customer_ID, Customer_Name, Customer_ResourceUrl, in place."""
    path = tmp_path / "out.csv"
    export("issuedinvoices", path, START, END, format="csv")
    assert csv_header(path) == flat_header("IssuedInvoice.IssuedInvoiceSearch")
    want = {row["IssuedInvoiceId"]: row for row in expected(conn, "issuedinvoices", START, END)}
    for row in read_rows(path, "csv"):
        record = want[int(row["IssuedInvoiceId"])]
        assert int(row["Customer_ID"]) == record["Customer"]["ID"]
        assert row["Customer_Name"] == record["Customer"]["Name"]
        assert row["Customer_ResourceUrl"] == record["Customer"]["ResourceUrl"]


def test_csv_amounts_are_exact(conn: Sandbox, tmp_path: Path) -> None:
    """Amounts are written as the decimals the API sent: InvoiceValue, PaidValue, Price."""
    invoices, items = tmp_path / "invoices.csv", tmp_path / "items.csv"
    export("issuedinvoices", invoices, START, END, format="csv")
    export("items", items, format="csv")
    want = {row["IssuedInvoiceId"]: row for row in stored(conn, "issuedinvoices")}
    fractional = 0
    for row in read_rows(invoices, "csv"):
        record = want[int(row["IssuedInvoiceId"])]
        for name in ("InvoiceValue", "PaidValue"):
            assert decimal.Decimal(row[name]) == exact(record[name]), (name, row[name])
        fractional += exact(record["InvoiceValue"]) != exact(record["InvoiceValue"]).to_integral()
    assert fractional > 5
    prices = {row["ItemId"]: row["Price"] for row in stored(conn, "items")}
    for row in read_rows(items, "csv"):
        assert decimal.Decimal(row["Price"]) == exact(prices[int(row["ItemId"])])


def test_csv_lists_are_json_text(conn: Sandbox, tmp_path: Path) -> None:
    """A list field (the invoice's rows, with detail) is one cell of JSON text."""
    path = tmp_path / "out.csv"
    export("issuedinvoices", path, START, END, format="csv", detail=True)
    want = {row["IssuedInvoiceId"]: row for row in stored(conn, "issuedinvoices")}
    rows = read_rows(path, "csv")
    assert rows
    for row in rows:
        lines = json.loads(row["IssuedInvoiceRows"])
        record = want[int(row["IssuedInvoiceId"])]
        assert [line["IssuedInvoiceRowId"] for line in lines] == [
            line["IssuedInvoiceRowId"] for line in record["IssuedInvoiceRows"]
        ]
        assert [line["Item"] for line in lines] == [
            line["Item"] for line in record["IssuedInvoiceRows"]
        ]


def test_csv_amounts_inside_lists_are_exact_json_numbers(conn: Sandbox, tmp_path: Path) -> None:
    """In a list cell, Price and Value are JSON numbers equal to the API's, like the API's JSON."""
    path = tmp_path / "out.csv"
    export("issuedinvoices", path, START, END, format="csv", detail=True)
    want = {row["IssuedInvoiceId"]: row for row in stored(conn, "issuedinvoices")}
    for row in read_rows(path, "csv"):
        lines = json.loads(row["IssuedInvoiceRows"], parse_float=decimal.Decimal)
        for line, record in zip(
            lines, want[int(row["IssuedInvoiceId"])]["IssuedInvoiceRows"], strict=True
        ):
            for name in ("Price", "Value", "Quantity", "VATPercent"):
                assert isinstance(line[name], decimal.Decimal), (name, line[name])
                assert line[name] == exact(record[name])


# -- Parquet ----------------------------------------------------------------------------------


def test_parquet_keeps_structures_and_exact_amounts(conn: Sandbox, tmp_path: Path) -> None:
    """References stay structs and rows stay lists of structs; amounts are decimal128 equal to
    the sandbox's to the cent; reading back gives every row."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    path = tmp_path / "out.parquet"
    manifest = export("issuedinvoices", path, START, END, format="parquet", detail=True)
    table = pq.read_table(path)
    want = expected(conn, "issuedinvoices", START, END)
    assert table.num_rows == manifest["rows"] == len(want) > 5
    schema = table.schema
    assert pa.types.is_struct(schema.field("Customer").type)
    assert [f.name for f in schema.field("Customer").type] == ["ID", "Name", "ResourceUrl"]
    rows_type = schema.field("IssuedInvoiceRows").type
    assert pa.types.is_list(rows_type) and pa.types.is_struct(rows_type.value_type)
    assert rows_type.value_type.field("Price").type == pa.decimal128(38, 10)
    assert schema.field("InvoiceValue").type == pa.decimal128(38, 10)
    assert schema.names == list(models.field_names("IssuedInvoice.IssuedInvoice"))
    rows = table.to_pylist()
    assert ids(rows, "issuedinvoices") == ids(want, "issuedinvoices")
    for row, record in zip(rows, want, strict=True):
        assert row["Customer"] == record["Customer"]
        assert row["InvoiceValue"].quantize(CENT) == exact(record["InvoiceValue"])
        assert row["InvoiceValue"] == exact(record["InvoiceValue"])
        for line, stored_line in zip(
            row["IssuedInvoiceRows"], record["IssuedInvoiceRows"], strict=True
        ):
            assert isinstance(line["Price"], decimal.Decimal)
            assert line["Price"] == exact(stored_line["Price"])
            assert line["Value"] == exact(stored_line["Value"])


def test_number_fields_are_the_vendor_number_fields() -> None:
    """NUMBER_FIELDS is every field typed `number` in the vendor's model digest."""
    definitions = json.loads(VENDOR_MODELS.read_text("utf-8"))
    numbers = {
        name
        for model in definitions.values()
        for name, kind in model["fields"].items()
        if kind == "number"
    }
    assert numbers and numbers == NUMBER_FIELDS


# -- a month of a busier ledger ---------------------------------------------------------------


@pytest.fixture(scope="module")
def demo_sandbox() -> Iterator[Sandbox]:
    """The demo scale: a year of a busier company (~2,000 journal entries a month)."""
    with Sandbox(Settings(scale="demo")) as sandbox:
        yield sandbox


@pytest.fixture
def demo(demo_sandbox: Sandbox, connect: Callable[..., Any]) -> Sandbox:
    connect(demo_sandbox)
    return demo_sandbox


JANUARY = (utc(2025, 1, 1), utc(2025, 2, 1))


def test_parquet_month_of_journal_entries_with_late_references(
    demo: Sandbox, tmp_path: Path
) -> None:
    """A month's general ledger exports to Parquet, although the first thousand rows have no
    Employee and later ones do."""
    want = expected(demo, "journals/journal-entries", *JANUARY)
    assert len(want) > 1000
    first_with_employee = next(n for n, row in enumerate(want) if row["Employee"])
    assert first_with_employee >= 1000
    path = tmp_path / "out.parquet"
    export("journals/journal-entries", path, *JANUARY, format="parquet")
    rows = read_rows(path, "parquet")
    assert ids(rows, "journals/journal-entries") == ids(want, "journals/journal-entries")
    assert rows[first_with_employee]["Employee"] == want[first_with_employee]["Employee"]


def test_csv_month_of_journal_entries_flattens_late_references(
    demo: Sandbox, tmp_path: Path
) -> None:
    """Employee is flattened to Employee_ID/_Name/_ResourceUrl in a month's CSV too."""
    path = tmp_path / "out.csv"
    export("journals/journal-entries", path, *JANUARY, format="csv")
    assert csv_header(path) == flat_header("Journal.JournalEntries")
