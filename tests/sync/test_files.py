"""A sync's files: the source read from JSONL, CSV or a list, and the dead letter written back in
the source's own format, so that it can be the next run's source."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest
from airflow.providers.common.compat.sdk import AirflowFailException

from airflow_provider_minimax.client import MinimaxClient
from airflow_provider_minimax.client.syncplan import Unreadable, plan_sync
from airflow_provider_minimax.exports.formats import CsvWriter
from airflow_provider_minimax.exports.pipeline import export_shape
from airflow_provider_minimax.exports.syncfiles import (
    dead_letter,
    format_of,
    list_source,
    read_source,
)
from airflow_provider_minimax.operators._storage import storage_path, url_of
from airflow_provider_minimax.operators._syncfiles import load_source, sync_paths
from airflow_provider_minimax.sandbox import Sandbox
from tests.sync.helpers import seeded

JSONL = (
    '{"Code": "WEB-1", "Name": "Prvi"}\n'
    "\n"
    '{"Code":"WEB-2",   "Name":"Drugi"}\n'
    '{"Code": "WEB-3", "Name": \n'
    '{"Code": "WEB-4", "Name": "Četrti"}'  # no newline at the end
)


def test_jsonl_records_are_read_with_their_lines_and_a_broken_line_is_unreadable() -> None:
    source = read_source(JSONL.encode(), "jsonl", "customers")
    assert [(r.number, r.line) for r in source.records] == [(1, 1), (2, 3), (3, 4), (4, 5)]
    assert source.fields[1] == {"Code": "WEB-2", "Name": "Drugi"}
    assert isinstance(source.fields[2], Unreadable)
    assert str(source.fields[2]).startswith("Line 4 is not JSON")


def test_the_jsonl_dead_letter_is_the_failed_lines_as_they_were() -> None:
    source = read_source(JSONL.encode(), "jsonl", "customers")
    written = dead_letter(source, [2, 3])
    assert written.decode() == '{"Code":"WEB-2",   "Name":"Drugi"}\n{"Code": "WEB-3", "Name": \n'
    again = read_source(written, "jsonl", "customers")
    assert again.fields[0] == source.fields[1]


CSV = (
    "\ufeffCode,Name,PostalCode,Country_ID,Country_Name,ExpirationDays,Notes\n"
    'WEB-1,"Kavarna, d.o.o.",1000,100009,Slovenija,15,\n'
    'WEB-2,"Dve\nvrstici",6000,,,,x\n'
    "WEB-3,Tri,2000,100009,Slovenija,30,,extra\n"
)


def test_csv_cells_become_fields_references_and_empty_cells_no_field() -> None:
    source = read_source(CSV.encode(), "csv", "customers")
    assert source.header[0] == "Code"  # the byte order mark is no part of the name
    first, second, third = source.records
    assert first.fields == {
        "Code": "WEB-1",
        "Name": "Kavarna, d.o.o.",
        "PostalCode": "1000",
        "Country": {"ID": "100009"},
        "ExpirationDays": "15",
    }
    assert second.fields == {
        "Code": "WEB-2",
        "Name": "Dve\nvrstici",
        "PostalCode": "6000",
        "Notes": "x",
    }
    assert (first.line, second.line, third.line) == (2, 3, 5)
    assert isinstance(third.fields, Unreadable) and "8 cells" in third.fields


def test_csv_document_rows_are_read_from_their_json_text() -> None:
    text = 'DocumentReference,IssuedInvoiceRows\nWS-1,"[{""Item_ID"": 1}, {""Quantity"": 2}]"\n'
    fields = read_source(text.encode(), "csv", "issuedinvoices").fields[0]
    assert fields["IssuedInvoiceRows"] == [{"Item_ID": 1}, {"Quantity": 2}]


def test_the_csv_dead_letter_has_the_header_and_the_rows_as_they_were() -> None:
    source = read_source(CSV.encode(), "csv", "customers")
    written = dead_letter(source, [2])
    assert written.decode() == (
        "Code,Name,PostalCode,Country_ID,Country_Name,ExpirationDays,Notes\n"
        'WEB-2,"Dve\nvrstici",6000,,,,x\n'
    )
    assert read_source(written, "csv", "customers").fields == [source.fields[1]]
    assert dead_letter(source, []).decode().count("\n") == 1  # the header alone


def test_a_list_source_dead_letter_is_jsonl() -> None:
    source = list_source([{"Code": "A"}, {"Code": "B", "Price": 1.5}])
    assert dead_letter(source, [2]) == b'{"Code": "B", "Price": 1.5}\n'


def test_an_exported_csv_is_a_source_that_changes_nothing(
    minimax_sandbox: Sandbox, client: MinimaxClient
) -> None:
    """The export's CSV of full customers, synced back: every value reads as it was stored."""
    records = [client.get("customers", r["CustomerId"]) for r in seeded(minimax_sandbox, 5)]
    out = io.BytesIO()
    writer = CsvWriter(out, export_shape("customers", full_records=True, fields=None))
    writer.write(records)
    writer.close()
    source = read_source(out.getvalue(), "csv", "customers")
    plan = plan_sync(client, "customers", source.fields, "Code")
    assert [d.action for d in plan.decisions] == ["unchanged"] * 5, [
        (d.errors, d.changes) for d in plan.decisions
    ]


def test_the_format_is_the_extensions_or_the_one_given() -> None:
    assert format_of("a/b/orders.JSONL") == "jsonl"
    assert format_of("x.ndjson") == "jsonl"
    assert format_of("x.csv") == "csv"
    assert format_of("x.txt", "csv") == "csv"
    with pytest.raises(ValueError, match="source_format='jsonl' or 'csv'"):
        format_of("orders.txt")
    with pytest.raises(ValueError, match="must be one of jsonl, csv"):
        format_of("orders.csv", "parquet")


def test_the_files_go_beside_the_source_or_the_results(tmp_path: Path) -> None:
    source = storage_path(f"file://{tmp_path}/shop/2025-11-20.csv")
    paths = sync_paths(source, None, "csv")
    assert paths.urls() == {
        "results": f"file://{tmp_path}/shop/2025-11-20.results.jsonl",
        "dead_letter": f"file://{tmp_path}/shop/2025-11-20.failed.csv",
        "plan": f"file://{tmp_path}/shop/2025-11-20.plan.jsonl",
    }
    paths = sync_paths(source, f"{tmp_path}/out/nightly.results.jsonl", "csv")
    assert url_of(paths.results) == f"file://{tmp_path}/out/nightly.results.jsonl"
    assert url_of(paths.dead_letter) == f"file://{tmp_path}/out/nightly.failed.csv"
    assert url_of(sync_paths(None, f"{tmp_path}/r.jsonl", "list").dead_letter).endswith(
        "/r.failed.jsonl"
    )
    with pytest.raises(AirflowFailException, match="give results="):
        sync_paths(None, None, "list")


def test_a_source_is_read_from_a_path_a_url_or_a_list(tmp_path: Path) -> None:
    (tmp_path / "a.jsonl").write_text('{"Code": "A"}\n', "utf-8")
    by_path, path = load_source(str(tmp_path / "a.jsonl"), None, "customers")
    by_url, _ = load_source(f"file://{tmp_path}/a.jsonl", None, "customers")
    assert by_path.fields == by_url.fields == [{"Code": "A"}]
    assert url_of(path) == f"file://{tmp_path}/a.jsonl"
    rendered, none = load_source(json.dumps([{"Code": "B"}]), None, "customers")
    as_repr, _ = load_source(repr([{"Code": "B"}]), None, "customers")  # Jinja's rendering
    assert rendered.fields == as_repr.fields == [{"Code": "B"}] and none is None
    (tmp_path / "b.csv").write_bytes(b"Code\n\xff\n")
    with pytest.raises(AirflowFailException, match="not UTF-8"):
        load_source(str(tmp_path / "b.csv"), None, "customers")
    with pytest.raises(FileNotFoundError):  # not there yet: a retry may find it
        load_source(str(tmp_path / "later.jsonl"), None, "customers")
