"""The table a resource's rows go to, from the vendor's model: its columns, their kinds, its key.

The columns are the CSV export's (exports/formats.columns_of): a reference `Customer` becomes
`Customer_ID`, `Customer_Name`, `Customer_ResourceUrl`, a nested object one column per field,
document rows and lists one JSON column. Each column has a kind that every dialect maps to a SQL
type (dialects.py): amounts are `numeric` (never a float: 0.1 + 0.2 stays 0.3 in the ledger).

The client's digest types the vendor's `date-time` fields as text (client/models.py); which of
them are days and which are moments is kept here, like the amounts of exports/schema.py, and
tests/warehouse checks both lists against the vendor's models. The service answers both as
`YYYY-MM-DDTHH:MM:SS` local time; a document's day always at midnight.

Around the model's columns the load keeps its own: `organisation_id` (the key is the
organisation's and the record's ID: two organisations' IDs may meet in one table),
`_row_version` (the record's RowVersion, the service's change token, which the merge compares)
and `_loaded_at` (when a load last wrote the row, UTC).
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from typing import Any

from airflow_provider_minimax.client import resolve
from airflow_provider_minimax.exports.formats import columns_of
from airflow_provider_minimax.exports.shapes import Shape, project, shape_for

MAX_NAME = 63
KINDS = ("bigint", "numeric", "boolean", "date", "timestamp", "text", "json")
ORGANISATION = "organisation_id"
ROW_VERSION = "_row_version"
LOADED_AT = "_loaded_at"
MODIFIED = "RecordDtModified"  # the vendor's modification time: which of two rows is newer

# The vendor's date-time fields that hold a day (documents, postings, validity).
DATE_FIELDS = frozenset(
    {
        "Date", "DateCreditNote", "DateDue", "DateExpense", "DateIssued", "DateOfBirth",
        "DateReceived", "DateTransaction", "DateTransactionFrom", "DebitNoteBasisDate",
        "DocumentDate", "DueDate", "EmploymentEndDate", "EmploymentStartDate", "JournalDate",
        "JournalEntryDate", "OriginalDocumentDate", "PaymentDate", "ReceivedDate", "RevenueDate",
        "SourceDocumentDate", "TransactionDate", "UsageEndDate", "ValidFrom", "ValidTo",
        "VatDate", "VatEntryDate",
    }
)  # fmt: skip
# The vendor's date-time fields that hold a moment: when something was done, to the second.
TIMESTAMP_FIELDS = frozenset(
    {
        "AttachmentDate", "DateApproved", "DateCanceled", "DateCompleted", "DateConfirmed",
        "EntryDate", "InboxDate", "OutboxDate", MODIFIED,
    }
)  # fmt: skip
_REFERENCE_KINDS = {"ID": "bigint", "Name": "text", "ResourceUrl": "text"}
_SCALAR_KINDS = {"int": "bigint", "number": "numeric", "bool": "boolean"}


@dataclass(frozen=True)
class Column:
    """One column: its SQL name, its kind (KINDS), and where a row's value comes from."""

    name: str
    kind: str
    field: str | None = None  # the record's field; None for the load's own columns
    sub: str | None = None  # the field inside a reference or object: ID, Name, ResourceUrl


@dataclass(frozen=True)
class TableDesign:
    """The columns of a resource's table, in order, and its key."""

    resource: str
    id_field: str
    columns: tuple[Column, ...]
    shape: Shape = field(default_factory=dict, compare=False)  # the model's fields read

    @property
    def key(self) -> tuple[str, str]:
        return (ORGANISATION, self.id_field)

    @property
    def staged(self) -> tuple[Column, ...]:
        """The columns a load stages from the rows (`_loaded_at` is the merge's own)."""
        return tuple(column for column in self.columns if column.name != LOADED_AT)

    @property
    def names(self) -> tuple[str, ...]:
        return tuple(column.name for column in self.columns)

    @property
    def modified(self) -> str | None:
        """The column that says which of two versions of a row is newer, if the rows have it."""
        return MODIFIED if MODIFIED in self.names else None


def design_table(resource: str, *, full_records: bool, fields: list[str] | None) -> TableDesign:
    """The table of `resource`'s rows (full records or list rows), only `fields` if given.

    The ID, RecordDtModified and RowVersion are always loaded where the model has them: the
    merge keys on the first and compares the others. Raises ValueError naming what is wrong:
    a resource without an ID or without a model, a field the model does not have.
    """
    resolved = resolve(resource).resource
    if not resolved.id_field:
        raise ValueError(f"{resolved.name} has no ID field, so no key to merge its rows by.")
    shape = shape_for(resolved.name, full_records=full_records)
    if shape is None:
        raise ValueError(
            f"the vendor's model does not describe the rows of {resolved.name}, so no table "
            "can be made for them."
        )
    if fields:
        needed = [resolved.id_field, MODIFIED, "RowVersion"]
        shape = project(shape, [*fields, *(n for n in needed if n in shape and n not in fields)])
    columns = [Column(ORGANISATION, "bigint")]
    columns += [
        _column(shape, name, sub) for name, sub in columns_of(shape) if name != "RowVersion"
    ]
    columns += [
        Column(ROW_VERSION, "text", "RowVersion" if "RowVersion" in shape else None),
        Column(LOADED_AT, "timestamp"),
    ]
    return TableDesign(resolved.name, resolved.id_field, tuple(columns), shape)


def _column(shape: Shape, name: str, sub: str | None) -> Column:
    kind: Any = shape[name]
    if sub is None:
        return Column(name, _kind(name, kind), name)
    if kind == "ref":
        return Column(sql_name(f"{name}_{sub}"), _REFERENCE_KINDS[sub], name, sub)
    return Column(sql_name(f"{name}_{sub}"), _kind(sub, kind["object"][sub]), name, sub)


def sql_name(name: str) -> str:
    """The name, or for one longer than PostgreSQL's 63 characters (which it would cut short
    without a word) its first 54 and a hash of the whole: the same name on every load."""
    if len(name) <= MAX_NAME:
        return name
    return f"{name[: MAX_NAME - 9]}_{hashlib.sha256(name.encode()).hexdigest()[:8]}"


def _kind(name: str, kind: Any) -> str:
    """A field's column kind: the model's scalars, days and moments by name, JSON for the rest
    (document rows, lists, and a reference or object nested deeper than one level)."""
    if isinstance(kind, str) and kind in _SCALAR_KINDS:
        return _SCALAR_KINDS[kind]
    if kind == "text":
        if name in DATE_FIELDS:
            return "date"
        return "timestamp" if name in TIMESTAMP_FIELDS else "text"
    return "json"
