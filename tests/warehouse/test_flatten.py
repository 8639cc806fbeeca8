"""A Minimax row as a table row: references taken apart, amounts exact, days and moments read,
document rows as JSON text; a value its column cannot hold fails naming record and field."""

from __future__ import annotations

import datetime
import decimal
import json
from typing import Any

import pytest

from airflow_provider_minimax.warehouse.columns import design_table
from airflow_provider_minimax.warehouse.flatten import Flattener, WarehouseValueError
from airflow_provider_minimax.warehouse.staging import copy_lines
from tests.warehouse.conftest import ENTRY as LEDGER_ROW

LEDGER = "journals/journal-entries"
ENTRY: dict[str, Any] = {
    **LEDGER_ROW,
    "JournalEntryId": 100184,
    "DueDate": None,
    "Description": "tab\there, line\nthere, back\\slash",
    "Debit": decimal.Decimal("108.36"),
    "Credit": 0.1,  # a float from a JSON reader without decimals: read through its repr
    "DebitInDomesticCurrency": "108.36",  # numeric text, as the lenient reader may store it
    "CreditInDomesticCurrency": 0,
    "RowVersion": "UrjMahTvMGM=",
}


def flat(row: dict[str, Any], resource: str = LEDGER, **options: Any) -> dict[str, Any]:
    design = design_table(resource, full_records=options.pop("full", False), fields=None)
    values = Flattener(design, 123)(row)
    return dict(zip([c.name for c in design.staged], values, strict=True))


def test_a_ledger_row_becomes_typed_values() -> None:
    row = flat(ENTRY)
    assert row["organisation_id"] == 123 and row["JournalEntryId"] == 100184
    assert (row["Journal_ID"], row["Journal_Name"]) == (500, "Izdani račun")
    assert row["Customer_ID"] is None and row["Customer_Name"] is None
    assert row["JournalDate"] == datetime.date(2025, 11, 1) and row["DueDate"] is None
    assert row["RecordDtModified"] == datetime.datetime(2025, 11, 1, 13, 10, 52)
    assert row["Debit"] == decimal.Decimal("108.36")
    assert row["Credit"] == decimal.Decimal("0.1")  # not 0.1000000000000000055…
    assert row["DebitInDomesticCurrency"] == decimal.Decimal("108.36")
    assert row["_row_version"] == "UrjMahTvMGM="


def test_document_rows_are_json_text_with_exact_amounts() -> None:
    invoice = {
        "IssuedInvoiceId": 7,
        "IssuedInvoiceRows": [{"IssuedInvoiceRowId": 1, "Price": decimal.Decimal("49.99")}],
        "DateIssued": "2025-12-01T00:00:00",
    }
    row = flat(invoice, "issuedinvoices", full=True)
    assert json.loads(row["IssuedInvoiceRows"]) == [{"IssuedInvoiceRowId": 1, "Price": 49.99}]
    assert '"Price":49.99' in row["IssuedInvoiceRows"]
    assert row["IssuedInvoicePaymentMethods"] is None


def test_a_day_with_a_time_of_day_is_refused_naming_record_and_field() -> None:
    with pytest.raises(WarehouseValueError) as refused:
        flat({**ENTRY, "DueDate": "2025-11-16T09:30:00"})
    text = str(refused.value)
    assert "JournalEntryId 100184" in text and "field DueDate" in text and "a day" in text
    assert refused.value.retry_may_help is False


def test_text_that_is_no_date_is_refused() -> None:
    with pytest.raises(WarehouseValueError, match="field RecordDtModified"):
        flat({**ENTRY, "RecordDtModified": "yesterday"})


def test_an_amount_that_is_no_number_is_refused_naming_it() -> None:
    with pytest.raises(Exception, match="field Debit"):
        flat({**ENTRY, "Debit": "abc"})


def test_copy_text_escapes_what_copy_reads_as_syntax() -> None:
    design = design_table(LEDGER, full_records=False, fields=None)
    [chunk] = list(copy_lines(design, [[(*Flattener(design, 123)(ENTRY), 0)]]))
    values = chunk.rstrip("\n").split("\t")
    assert len(values) == len(design.staged) + 1  # and _stage_row
    by_name = dict(zip([c.name for c in design.staged], values, strict=False))
    assert by_name["Description"] == "tab\\there, line\\nthere, back\\\\slash"
    assert by_name["Customer_ID"] == "\\N"
    assert by_name["Credit"] == "0.1" and by_name["RecordDtModified"] == "2025-11-01 13:10:52"
