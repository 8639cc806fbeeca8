"""The table a resource's rows go to: columns and types from the vendor's model, references
flattened as the CSV export flattens them, the load's own columns, the key; names checked."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

import airflow_provider_minimax.sandbox as sandbox_package
from airflow_provider_minimax.exports.formats import CsvWriter
from airflow_provider_minimax.exports.shapes import shape_for
from airflow_provider_minimax.warehouse.columns import (
    DATE_FIELDS,
    TIMESTAMP_FIELDS,
    design_table,
)
from airflow_provider_minimax.warehouse.dialects import (
    POSTGRESQL,
    SQLITE,
    check_identifier,
    dialect_for,
    table_parts,
)
from airflow_provider_minimax.warehouse.table import create_table_sql

VENDOR_MODELS = Path(sandbox_package.__file__).parent / "vendor_models.json"
LEDGER = "journals/journal-entries"


def kinds(resource: str, **options: object) -> dict[str, str]:
    design = design_table(resource, full_records=bool(options.pop("full", False)), fields=None)
    return {column.name: column.kind for column in design.columns}


def test_the_ledger_table_has_typed_columns_and_the_load_columns() -> None:
    columns = kinds(LEDGER)
    assert list(columns)[:4] == ["organisation_id", "JournalEntryId", "Journal_ID", "Journal_Name"]
    assert list(columns)[-2:] == ["_row_version", "_loaded_at"]
    assert columns["Debit"] == columns["CreditInDomesticCurrency"] == "numeric"
    assert columns["JournalDate"] == columns["DueDate"] == "date"
    assert columns["RecordDtModified"] == columns["_loaded_at"] == "timestamp"
    assert columns["Account_ID"] == columns["JournalEntryId"] == "bigint"
    assert columns["Account_Name"] == columns["Description"] == "text"
    assert "RowVersion" not in columns  # it is _row_version


def test_columns_are_the_csv_exports_header_in_its_order() -> None:
    """A reference `Customer` is `Customer_ID`, `Customer_Name`, `Customer_ResourceUrl`, as in
    the CSV export, so a query reads the same names in a file and in the table."""
    import io

    for resource in (LEDGER, "issuedinvoices", "customers"):
        shape = shape_for(resource, full_records=False)
        assert shape is not None
        out = io.BytesIO()
        CsvWriter(out, shape)
        header = out.getvalue().decode().strip().split(",")
        design = design_table(resource, full_records=False, fields=None)
        model = [name for name in design.names if not name.startswith(("_", "organisation"))]
        assert model == [name for name in header if name != "RowVersion"]


def test_document_rows_are_one_json_column() -> None:
    columns = kinds("issuedinvoices", full=True)
    assert columns["IssuedInvoiceRows"] == columns["IssuedInvoicePaymentMethods"] == "json"
    assert columns["InvoiceValue"] == "numeric" and columns["DateIssued"] == "date"


def test_the_key_is_organisation_and_the_record_id() -> None:
    design = design_table("issuedinvoices", full_records=False, fields=None)
    assert design.key == ("organisation_id", "IssuedInvoiceId")
    sql = create_table_sql(POSTGRESQL, "invoices", design)
    assert 'PRIMARY KEY ("organisation_id", "IssuedInvoiceId")' in sql
    assert '"organisation_id" BIGINT NOT NULL' in sql and '"InvoiceValue" NUMERIC,' in sql


def test_fields_keep_the_id_and_what_the_merge_compares() -> None:
    design = design_table(LEDGER, full_records=False, fields=["Account", "Debit"])
    assert design.names == (
        "organisation_id", "Account_ID", "Account_Name", "Account_ResourceUrl", "Debit",
        "JournalEntryId", "RecordDtModified", "_row_version", "_loaded_at",
    )  # fmt: skip
    assert design.modified == "RecordDtModified"


def test_an_unknown_field_is_refused_naming_it_and_the_fields_there_are() -> None:
    with pytest.raises(ValueError, match=r"no field 'Debt'.*Debit"):
        design_table(LEDGER, full_records=False, fields=["Debt"])


def test_rows_without_version_fields_still_have_the_load_columns() -> None:
    """Customer list rows carry no RowVersion or RecordDtModified: every reload may replace."""
    design = design_table("customers", full_records=False, fields=None)
    assert design.modified is None
    assert [c.field for c in design.columns if c.name == "_row_version"] == [None]


def test_days_and_moments_are_every_date_time_field_of_the_vendor() -> None:
    """Each `date-time` field of the vendor's models is a day or a moment, never both."""
    definitions = json.loads(VENDOR_MODELS.read_text("utf-8"))
    date_times = {
        name
        for model in definitions.values()
        for name, kind in model["fields"].items()
        if kind.startswith("date-time")
    }
    assert not DATE_FIELDS & TIMESTAMP_FIELDS
    assert date_times == DATE_FIELDS | TIMESTAMP_FIELDS


@pytest.mark.parametrize("full", [False, True])
def test_every_column_name_of_every_resource_is_a_plain_sql_name(full: bool) -> None:
    from airflow_provider_minimax.client.resources import RESOURCES

    designed = 0
    for resource in RESOURCES:
        if not resource.id_field or shape_for(resource.name, full_records=full) is None:
            continue
        design = design_table(resource.name.replace("{id}", "42"), full_records=full, fields=None)
        for name in design.names:
            check_identifier(name, "column")
        assert len(set(design.names)) == len(design.names), resource.name
        designed += 1
    assert designed > 10


def test_a_flattened_name_longer_than_postgresql_allows_is_shortened_the_same_way() -> None:
    design = design_table("issuedinvoicepostings", full_records=True, fields=None)
    long = "IssuedInvoicePostingRetailDataForValueBasedStockManagement_Warehouse"
    [column] = [c for c in design.columns if f"{c.field}_{c.sub}" == long]
    assert len(column.name) == 63 and column.name != long[:63]
    again = design_table("issuedinvoicepostings", full_records=True, fields=None)
    assert column in again.columns


@pytest.mark.parametrize(
    "bad",
    ['ledger"; DROP TABLE x; --', "a.b.c", "", "1ledger", "led ger", "ledger;", "x" * 64, None],
)
def test_a_table_name_that_is_not_a_plain_name_is_refused(bad: object) -> None:
    with pytest.raises(ValueError, match="table"):
        table_parts(bad)


def test_names_are_quoted_per_dialect() -> None:
    assert POSTGRESQL.table("warehouse.ledger") == '"warehouse"."ledger"'
    assert SQLITE.quote("Customer_ID") == '"Customer_ID"'
    mysql = dialect_for("mysql", placeholder="%s", quote_format="`{}`")
    assert mysql.name == "ansi" and mysql.table("ledger") == "`ledger`"
    assert mysql.types["numeric"] == "NUMERIC(38, 10)"


def test_amounts_are_never_a_float_type() -> None:
    for dialect in (POSTGRESQL, SQLITE, dialect_for("mssql")):
        assert not any(word in dialect.types["numeric"] for word in ("FLOAT", "REAL", "DOUBLE"))
