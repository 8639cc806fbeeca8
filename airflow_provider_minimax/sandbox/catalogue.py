"""What the sandbox serves under `api/orgs/{org}/`: one `Kind` per resource.

This is the sandbox's own reading of the vendor's Swagger and of reference.md. The client keeps a
catalogue of its own on purpose: the two sides must not share a misunderstanding.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

FilterKind = Literal[
    "date_from", "date_to", "equals", "ref", "year", "datetime_from", "datetime_to"
]


@dataclass(frozen=True)
class Filter:
    """A list query parameter: which field it tests and how."""

    field: str
    kind: FilterKind


@dataclass(frozen=True)
class Kind:
    key: str  # also the path segment(s) below api/orgs/{org}/, as the vendor spells it
    model: str  # single-record model
    search_model: str  # list row model
    id_field: str
    code_field: str | None = None  # enables GET …/code({code})
    writable: bool = True  # POST/PUT/DELETE allowed
    updatable: bool = True  # PUT allowed (issuedinvoicepostings has no PUT)
    synccandidates: bool = False
    parent: str | None = None  # "customers" for contacts: path customers/{id}/contacts
    parent_field: str | None = None  # the reference to the parent in the record
    required: tuple[str, ...] = ()
    unique: tuple[str, ...] = ()  # fields whose value may occur once per organisation
    rows_field: str | None = None  # document rows (IssuedInvoiceRows, …)
    actions: tuple[str, ...] = ()  # PUT actions, lower case
    get_actions: tuple[str, ...] = ()  # GET actions, lower case
    action_needs_row_version: bool = False
    search_fields: tuple[str, ...] = ()  # matched by SearchString
    filters: dict[str, Filter] = field(default_factory=dict)  # lower-case parameter -> filter
    default_sort: tuple[str, ...] = ()  # before the ID, which always breaks ties
    # The list comes whole in one page, whatever PageSize and CurrentPage ask (measured on the
    # countries of a live organisation: over 200 rows in one answer).
    one_page: bool = False

    @property
    def path(self) -> str:
        return self.key


def _dates(param: str, fld: str) -> dict[str, Filter]:
    return {
        f"{param}from".lower(): Filter(fld, "date_from"),
        f"{param}to".lower(): Filter(fld, "date_to"),
    }


def _eq(**params: str) -> dict[str, Filter]:
    return {name.lower(): Filter(fld, "equals") for name, fld in params.items()}


def _refs(**params: str) -> dict[str, Filter]:
    return {name.lower(): Filter(fld, "ref") for name, fld in params.items()}


_SYNC_WINDOW = {
    "recorddtmodifiedfrom": Filter("RecordDtModified", "datetime_from"),
    "recorddtmodifiedto": Filter("RecordDtModified", "datetime_to"),
}

KINDS: tuple[Kind, ...] = (
    Kind(
        "accounts",
        "Account.Account",
        "Account.Account",
        "AccountId",
        code_field="Code",
        writable=False,
        synccandidates=True,
        search_fields=("Code", "Name"),
        default_sort=("Code",),
    ),
    Kind(
        "analytics",
        "Analytic.Analytic",
        "Analytic.AnalyticSearch",
        "AnalyticId",
        synccandidates=True,
        required=("Code", "Name"),
        unique=("Code",),
        search_fields=("Code", "Name"),
    ),
    Kind(
        "customers",
        "Customer.Customer",
        "Customer.CustomerSearch",
        "CustomerId",
        code_field="Code",
        synccandidates=True,
        required=("Name",),
        unique=("Code",),
        search_fields=("Code", "Name", "TaxNumber", "VATIdentificationNumber", "City"),
    ),
    Kind(
        "contacts",
        "Contact.Contact",
        "Contact.Contact",
        "ContactId",
        synccandidates=True,
        parent="customers",
        parent_field="Customer",
        required=("FullName",),
        search_fields=("FullName", "Email"),
    ),
    Kind(
        "countries",
        "Country.Country",
        "Country.Country",
        "CountryId",
        code_field="Code",
        writable=False,
        synccandidates=True,
        search_fields=("Code", "Name"),
        one_page=True,
    ),
    Kind(
        "currencies",
        "Currency.Currency",
        "Currency.Currency",
        "CurrencyId",
        code_field="Code",
        writable=False,
        synccandidates=True,
        search_fields=("Code", "Name"),
    ),
    Kind(
        "vatrates",
        "VatRate.VatRate",
        "VatRate.VatRate",
        "VatRateId",
        code_field="Code",
        writable=False,
        synccandidates=True,
        search_fields=("Code",),
    ),
    Kind(
        "document-numbering",
        "DocumentNumbering.DocumentNumbering",
        "DocumentNumbering.DocumentNumbering",
        "DocumentNumberingId",
        writable=False,
        search_fields=("Code", "Name"),
    ),
    Kind(
        "report-templates",
        "ReportTemplate.ReportTemplate",
        "ReportTemplate.ReportTemplate",
        "ReportTemplateId",
        writable=False,
        synccandidates=True,
        # The vendor samples take the first row of SearchString=IR (and DO): the DisplayType.
        search_fields=("DisplayType", "Name"),
    ),
    Kind(
        "employees",
        "Employee.Employee",
        "Employee.EmployeeSearch",
        "EmployeeId",
        synccandidates=True,
        required=("FirstName", "LastName"),
        search_fields=("Code", "FirstName", "LastName", "TaxNumber"),
    ),
    Kind(
        "warehouses",
        "Warehouse.Warehouse",
        "Warehouse.Warehouse",
        "WarehouseId",
        synccandidates=True,
        required=("Code", "Name"),
        unique=("Code",),
        search_fields=("Code", "Name"),
    ),
    Kind(
        "items",
        "Item.Item",
        "Item.ItemSearch",
        "ItemId",
        code_field="Code",
        synccandidates=True,
        required=("Name",),
        unique=("Code",),
        search_fields=("Code", "Name", "EANCode", "Description"),
    ),
    Kind(
        "journaltypes",
        "JournalType.JournalType",
        "JournalType.JournalType",
        "JournalTypeId",
        code_field="Code",
        writable=False,
        synccandidates=True,
        search_fields=("Code", "DisplayCode"),
    ),
    Kind(
        "journals",
        "Journal.Journal",
        "Journal.JournalSearch",
        "JournalId",
        synccandidates=True,
        required=("JournalType", "JournalDate"),
        rows_field="JournalEntries",
        search_fields=("Description",),
        filters={
            **_dates("Date", "JournalDate"),
            **_refs(JournalType="JournalType"),
            **_eq(Status="Status", Description="Description"),
        },
        default_sort=("JournalDate",),
    ),
    Kind(
        "issuedinvoices",
        "IssuedInvoice.IssuedInvoice",
        "IssuedInvoice.IssuedInvoiceSearch",
        "IssuedInvoiceId",
        synccandidates=True,
        required=("Customer", "DateIssued", "IssuedInvoiceRows"),
        rows_field="IssuedInvoiceRows",
        actions=(
            "issue",
            "issuecancellation",
            "generatepdf",
            "issueandgeneratepdf",
            "copytocreditnote",
            "copytoreverse",
            "sendeinvoice",
        ),
        action_needs_row_version=True,
        search_fields=("DocumentReference", "AddresseeName", "PaymentReference"),
        filters={
            **_dates("DateIssued", "DateIssued"),
            **_dates("DateDue", "DateDue"),
            **_dates("DateTransaction", "DateTransaction"),
            **_refs(CustomerID="Customer"),
            **_eq(
                InvoiceType="InvoiceType",
                InvoiceNumber="InvoiceNumber",
                Status="Status",
                PaymentStatus="PaymentStatus",
            ),
            "year": Filter("Year", "year"),
        },
        default_sort=("DateIssued",),
    ),
    Kind(
        "receivedinvoices",
        "ReceivedInvoice.ReceivedInvoice",
        "ReceivedInvoice.ReceivedInvoiceSearch",
        "ReceivedInvoiceId",
        required=("Customer", "DateReceived"),
        search_fields=("DocumentReference", "PaymentReferenceNumber"),
        filters={
            **_dates("DateIssued", "DateIssued"),
            **_dates("DateDue", "DateDue"),
            **_dates("DateReceived", "DateReceived"),
            **_dates("DateTransaction", "DateTransaction"),
            **_refs(CustomerID="Customer"),
            **_eq(
                DocumentReference="DocumentReference",
                InvoiceNumber="InvoiceNumber",
                Status="Status",
                PaymentStatus="PaymentStatus",
            ),
            "year": Filter("Year", "year"),
        },
        default_sort=("DateReceived",),
    ),
    Kind(
        "orders",
        "Order.Order",
        "Order.OrderSearch",
        "OrderId",
        synccandidates=True,
        required=("Customer", "Date", "ReceivedIssued", "OrderRows"),
        rows_field="OrderRows",
        actions=(
            "confirm",
            "cancelconfirmation",
            "complete",
            "cancelcompletion",
            "invalidate",
            "cancelinvalidation",
            "createissuedinvoice",
            "generatepdf",
        ),
        get_actions=("getorderpdf",),
        action_needs_row_version=True,
        search_fields=("Reference", "CustomerName", "RecipientName"),
        filters={
            **_dates("Date", "Date"),
            **_refs(CustomerID="Customer"),
            **_eq(ReceivedIssued="ReceivedIssued", Status="Status"),
            "year": Filter("Year", "year"),
        },
        default_sort=("Date",),
    ),
    Kind(
        "stockentry",
        "Stock.StockEntry",
        "Stock.StockEntrySearch",
        "StockEntryId",
        required=("StockEntryType", "Date"),
        rows_field="StockEntryRows",
        actions=("confirm", "cancelconfirmation"),
        get_actions=("getdeliverynotepdf",),
        action_needs_row_version=True,
        search_fields=("Description", "AddresseeName"),
        filters={
            **_dates("Date", "Date"),
            **_refs(CustomerID="Customer"),
            **_eq(StockEntryType="StockEntryType", Status="Status"),
        },
        default_sort=("Date",),
    ),
)

BY_KEY: dict[str, Kind] = {kind.key: kind for kind in KINDS}

# The general ledger: a read-only view of every journal's entries (journals/journal-entries).
JOURNAL_ENTRIES = Kind(
    "journals/journal-entries",
    "Journal.JournalEntries",
    "Journal.JournalEntries",
    "JournalEntryId",
    writable=False,
    search_fields=("Description",),
    filters={
        **_dates("Date", "JournalDate"),
        **_refs(
            Account="Account",
            CustomerID="Customer",
            AnalyticID="Analytic",
            EmployeeId="Employee",
            JournalType="JournalType",
        ),
    },
    default_sort=("JournalEntryDate",),
)

SYNC_FILTERS = _SYNC_WINDOW

# What a country's service will not save without, beyond the kind's `required`: Croatian
# fiscalisation names the employee who issued every invoice.
COUNTRY_REQUIRED: dict[tuple[str, str], tuple[str, ...]] = {
    ("HR", "issuedinvoices"): ("Employee",),
}

# A document is created as a draft: the status it gets on POST, whatever the body says.
DRAFT_STATUS: dict[str, str] = {
    "issuedinvoices": "O",
    "orders": "O",
    "stockentry": "O",
    "journals": "O",
    "receivedinvoices": "O",
}
