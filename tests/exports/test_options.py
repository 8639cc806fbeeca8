"""organisation_ids and fields: one file per organisation, and only the fields asked for."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from airflow_provider_minimax.sandbox import Sandbox
from tests.exports.helpers import csv_header, expected, export, files, ids, read_rows, utc

START, END = utc(2025, 11, 3), utc(2025, 11, 10)


def test_all_organisations_write_one_file_each(conn: Sandbox, tmp_path: Path) -> None:
    """organisation_ids="all" exports every organisation the login reaches (not 125, which
    has no API access) to its own file; the XCom is the list of their manifests."""
    result = export(
        "issuedinvoices",
        f"{tmp_path}/{{organisation_id}}/{{resource}}.jsonl",
        START,
        END,
        organisation_ids="all",
    )
    assert [m["organisation_id"] for m in result] == [123, 124]
    assert files(tmp_path) == [
        "123/issuedinvoices.jsonl",
        "123/issuedinvoices.jsonl.manifest.json",
        "124/issuedinvoices.jsonl",
        "124/issuedinvoices.jsonl.manifest.json",
    ]
    for manifest in result:
        org = manifest["organisation_id"]
        path = tmp_path / str(org) / "issuedinvoices.jsonl"
        want = expected(conn, "issuedinvoices", START, END, org=org)
        assert ids(read_rows(path, "jsonl"), "issuedinvoices") == ids(want, "issuedinvoices")
        assert manifest["rows"] == len(want) > 0
        assert json.loads(Path(f"{path}.manifest.json").read_text("utf-8")) == manifest
    first, second = (
        set(ids(read_rows(tmp_path / o / "issuedinvoices.jsonl", "jsonl"), "issuedinvoices"))
        for o in ("123", "124")
    )
    assert not first & second


def test_a_list_of_organisations(conn: Sandbox, tmp_path: Path) -> None:
    """A JSON list (as a template renders it) picks the organisations, in its order."""
    result = export(
        "customers",
        f"{tmp_path}/{{organisation_id}}.csv",
        organisation_ids="[124, 123]",
        format="csv",
    )
    assert [m["organisation_id"] for m in result] == [124, 123]
    assert len(read_rows(tmp_path / "124.csv", "csv")) == len(expected(conn, "customers", org=124))


@pytest.mark.parametrize("chosen", ["all", [123, 124]])
def test_several_organisations_without_a_placeholder_fail_before_writing(
    conn: Sandbox, tmp_path: Path, chosen: object
) -> None:
    """Two organisations into one file would overwrite each other: refused, nothing written."""
    with pytest.raises(Exception, match=r"\{organisation_id\}"):
        export("issuedinvoices", tmp_path / "invoices.jsonl", START, END, organisation_ids=chosen)
    assert files(tmp_path) == []


def test_an_organisation_without_api_access_fails_clearly(conn: Sandbox, tmp_path: Path) -> None:
    """Organisation 125 exists but the login has no API access there: the error says so."""
    with pytest.raises(Exception, match="no API access") as failure:
        export("issuedinvoices", tmp_path / "x.jsonl", START, END, organisation_ids=125)
    assert "organisation 125" in str(failure.value)
    assert files(tmp_path) == []


# -- fields -----------------------------------------------------------------------------------


@pytest.mark.parametrize("file_format", ["jsonl", "csv", "parquet"])
def test_fields_keeps_only_the_named_fields_in_order(
    conn: Sandbox, tmp_path: Path, file_format: str
) -> None:
    """fields="InvoiceValue, IssuedInvoiceId, Customer": those columns, in that order."""
    path = tmp_path / f"out.{file_format}"
    export(
        "issuedinvoices",
        path,
        START,
        END,
        format=file_format,
        fields="InvoiceValue, IssuedInvoiceId, Customer",
    )
    rows = read_rows(path, file_format)
    want = expected(conn, "issuedinvoices", START, END)
    assert ids(rows, "issuedinvoices") == ids(want, "issuedinvoices")
    if file_format == "csv":
        assert csv_header(path) == [
            "InvoiceValue",
            "IssuedInvoiceId",
            "Customer_ID",
            "Customer_Name",
            "Customer_ResourceUrl",
        ]
    else:
        assert all(list(row) == ["InvoiceValue", "IssuedInvoiceId", "Customer"] for row in rows)
        assert [row["Customer"] for row in rows] == [record["Customer"] for record in want]


def test_fields_as_a_list(conn: Sandbox, tmp_path: Path) -> None:
    path = tmp_path / "out.jsonl"
    export("customers", path, fields=["Name", "CustomerId"])
    rows = read_rows(path, "jsonl")
    assert rows == [
        {"Name": r["Name"], "CustomerId": r["CustomerId"]} for r in expected(conn, "customers")
    ]


def test_an_unknown_field_fails_naming_it(conn: Sandbox, tmp_path: Path) -> None:
    """A field the rows do not have is an error that names it; no file is written."""
    with pytest.raises(Exception, match="InvoiceTotal"):
        export(
            "issuedinvoices",
            tmp_path / "out.jsonl",
            START,
            END,
            fields="IssuedInvoiceId,InvoiceTotal",
        )
    assert files(tmp_path) == []
