"""The client's catalogue of Minimax resources: paths, ID fields, lookups, windows, actions.

Written from the vendor's Swagger (and reference.md for the filters it leaves out); a test
checks it against the vendor's operations. The sandbox keeps its own catalogue on purpose.
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass
from typing import Any

from .errors import MinimaxConfigurationError

# Fields whose exact filter narrows a list but that thousands of records share (a status, the
# customer of every invoice of theirs): as the only match_on field, a growing book would soon
# hold more candidates than a create may compare.
NARROWING_FIELDS = frozenset(
    {
        "Customer",
        "Status",
        "PaymentStatus",
        "InvoiceType",
        "JournalType",
        "ReceivedIssued",
        "StockEntryType",
    }
)


@dataclass(frozen=True)
class Resource:
    name: str  # the path below api/orgs/{org}/, vendor spelling ("customers/{id}/contacts")
    id_field: str | None  # the record's ID field; None for read-only views without one
    code_lookup: bool = False  # GET …/code({code})
    window: tuple[str, str] | None = None  # the list's date-window filter pair
    window_field: str | None = None  # the record field that window selects on
    synccandidates: bool = False  # GET …/synccandidates?RecordDtModifiedFrom=&…To=
    actions: tuple[str, ...] = ()  # PUT …/{id}/actions/{name}, vendor spelling
    get_actions: tuple[str, ...] = ()  # GET …/{id}/actions/{name}
    action_needs_row_version: bool = False
    creatable: bool = False
    updatable: bool = False
    deletable: bool = False
    reference_data: bool = False  # small, slowly changing: exported whole ("full" mode)
    filters: tuple[str, ...] = ()  # list filters the vendor documents, its spelling
    # (record field, list filter) pairs where the filter selects the field's value exactly:
    # what match_on may rely on to prove a record absent (SearchString cannot, reference.md).
    exact_filters: tuple[tuple[str, str], ...] = ()

    @property
    def identifying_filters(self) -> tuple[tuple[str, str], ...]:
        """The exact filters whose value picks out few records (not a status or a customer's
        every document): only these, a code or a day, may carry match_on on their own."""
        return tuple(pair for pair in self.exact_filters if pair[0] not in NARROWING_FIELDS)

    def filter_name(self, name: str) -> str:
        """The vendor's spelling of a list filter named in any case; unknown ones are refused.

        The service ignores a filter it does not know and answers with *every* row, which would
        make an export or a wait silently wrong; so a name not documented is an error here.
        """
        for known in (*self.filters, *LIST_PARAMETERS):
            if known.lower() == name.lower():
                return known
        if name.lower() in ("currentpage", "pagesize"):
            raise MinimaxConfigurationError(
                f"{name} is set by the client as it pages; give page_size instead."
            )
        documented = ", ".join(self.filters) or "none (only SearchString, SortField and Order)"
        raise MinimaxConfigurationError(
            f"{self.name} has no list filter {name!r}. Its filters: {documented}."
        )

    @property
    def nested(self) -> bool:
        return "{id}" in self.name

    def path(self, parent_id: int | None = None) -> str:
        if self.nested:
            if parent_id is None:
                raise MinimaxConfigurationError(f"{self.name} needs the parent's ID.")
            return self.name.replace("{id}", str(parent_id))
        return self.name

    def action_name(self, action: str, method: str | None = None) -> tuple[str, str]:
        """(vendor spelling, HTTP method) of an action named in any case."""
        for name in self.actions:
            if name.lower() == action.lower() and method in (None, "PUT"):
                return name, "PUT"
        for name in self.get_actions:
            if name.lower() == action.lower() and method in (None, "GET"):
                return name, "GET"
        known = ", ".join(self.actions + self.get_actions) or "none"
        raise MinimaxConfigurationError(
            f"{self.name} has no action {action!r}. Its actions: {known}."
        )


# The list filters reference.md documents for issued invoices; received ones are "similar".
_INVOICE_FILTERS = (
    "CustomerID",
    "InvoiceNumber",
    "Year",
    "DateIssuedFrom",
    "DateIssuedTo",
    "DateDueFrom",
    "DateDueTo",
    "DateTransactionFrom",
    "DateTransactionTo",
    "Status",
    "PaymentStatus",
)


_INVOICE_EXACT = (
    ("InvoiceNumber", "InvoiceNumber"),
    ("Customer", "CustomerID"),
    ("Status", "Status"),
    ("PaymentStatus", "PaymentStatus"),
)


def _crud(name: str, id_field: str, **options: Any) -> Resource:
    """A resource with POST, PUT and DELETE."""
    return Resource(name, id_field, creatable=True, updatable=True, deletable=True, **options)


RESOURCES: tuple[Resource, ...] = (
    Resource("accounts", "AccountId", code_lookup=True, synccandidates=True, reference_data=True),
    _crud("analytics", "AnalyticId", synccandidates=True, reference_data=True),
    Resource("contacts", "ContactId", reference_data=True),
    Resource("countries", "CountryId", code_lookup=True, synccandidates=True, reference_data=True),
    Resource(
        "currencies", "CurrencyId", code_lookup=True, synccandidates=True, reference_data=True
    ),
    _crud("customers", "CustomerId", code_lookup=True, synccandidates=True, reference_data=True),
    _crud("customers/{id}/addresses", "AddressId", synccandidates=True),
    _crud("customers/{id}/bankAccounts", "BankAccountId", synccandidates=True),
    _crud("customers/{id}/contacts", "ContactId", synccandidates=True),
    _crud("documents", "DocumentId", synccandidates=True),
    Resource("document-numbering", "DocumentNumberingId", reference_data=True),
    _crud("employees", "EmployeeId", synccandidates=True, reference_data=True),
    Resource(
        "inbox",
        "InboxId",
        actions=("approve", "reject"),
        creatable=True,
        deletable=True,
    ),
    _crud(
        "issuedinvoices",
        "IssuedInvoiceId",
        window=("DateIssuedFrom", "DateIssuedTo"),
        window_field="DateIssued",
        filters=(*_INVOICE_FILTERS, "InvoiceType"),
        exact_filters=(*_INVOICE_EXACT, ("InvoiceType", "InvoiceType")),
        synccandidates=True,
        actions=(
            "issue",
            "issueCancellation",
            "generatepdf",
            "copytocreditnote",
            "copyToReverse",
            "issueAndGeneratepdf",
            "sendEInvoice",
        ),
        action_needs_row_version=True,
    ),
    Resource(
        "issuedinvoicepostings",
        "IssuedInvoicePostingId",
        actions=("issue", "issueCancellation"),
        creatable=True,
        deletable=True,
    ),
    _crud("items", "ItemId", code_lookup=True, synccandidates=True, reference_data=True),
    _crud(
        "journals",
        "JournalId",
        window=("DateFrom", "DateTo"),
        window_field="JournalDate",
        filters=("DateFrom", "DateTo", "JournalType", "Description", "Status"),
        exact_filters=(
            ("JournalType", "JournalType"),
            ("Description", "Description"),
            ("Status", "Status"),
        ),
        synccandidates=True,
    ),
    Resource(
        "journals/journal-entries",
        "JournalEntryId",
        window=("DateFrom", "DateTo"),
        window_field="JournalDate",
        filters=("DateFrom", "DateTo", "Account", "CustomerID", "AnalyticID", "EmployeeId"),
    ),
    Resource(
        "journaltypes", "JournalTypeId", code_lookup=True, synccandidates=True, reference_data=True
    ),
    _crud(
        "orders",
        "OrderId",
        window=("DateFrom", "DateTo"),
        window_field="Date",
        filters=("CustomerID", "DateFrom", "DateTo", "ReceivedIssued", "Status"),
        exact_filters=(
            ("Customer", "CustomerID"),
            ("ReceivedIssued", "ReceivedIssued"),
            ("Status", "Status"),
        ),
        synccandidates=True,
        actions=(
            "confirm",
            "cancelConfirmation",
            "complete",
            "cancelCompletion",
            "invalidate",
            "cancelInvalidation",
            "createissuedinvoice",
            "generatepdf",
        ),
        get_actions=("getorderpdf",),
        action_needs_row_version=True,
    ),
    Resource("outbox", "OutboxId"),
    Resource("paymentMethods", "PaymentMethodId", reference_data=True),
    _crud("productGroups", "ProductGroupId", synccandidates=True, reference_data=True),
    Resource(
        "purpose-codes", "PurposeCodeId", code_lookup=True, synccandidates=True, reference_data=True
    ),
    _crud(
        "receivedinvoices",
        "ReceivedInvoiceId",
        # reference.md: "similar to issuedinvoices, plus DocumentReference"; the window is the
        # documented issue date (a received-date filter is not documented).
        window=("DateIssuedFrom", "DateIssuedTo"),
        window_field="DateIssued",
        filters=(*_INVOICE_FILTERS, "DocumentReference"),
        exact_filters=(*_INVOICE_EXACT, ("DocumentReference", "DocumentReference")),
    ),
    Resource("report-templates", "ReportTemplateId", synccandidates=True, reference_data=True),
    _crud(
        "stockentry",
        "StockEntryId",
        window=("DateFrom", "DateTo"),
        window_field="Date",
        filters=("StockEntryType", "DateFrom", "DateTo", "Status"),
        exact_filters=(("StockEntryType", "StockEntryType"), ("Status", "Status")),
        actions=("confirm", "cancelConfirmation"),
        get_actions=("getDeliveryNotepdf",),
        action_needs_row_version=True,
    ),
    Resource("stocks", None, reference_data=True),
    Resource(
        "vataccountingtypes", None, synccandidates=True, reference_data=True, filters=("date",)
    ),
    Resource(
        "vatrates",
        "VatRateId",
        code_lookup=True,
        synccandidates=True,
        reference_data=True,
        filters=("date", "countryID"),
    ),
    _crud("warehouses", "WarehouseId", synccandidates=True, reference_data=True),
)

_BY_NAME = {resource.name.lower(): resource for resource in RESOURCES}
LIST_PARAMETERS = ("SearchString", "SortField", "Order")
_NUMBER = re.compile(r"^\d+$")


@dataclass(frozen=True)
class ResourcePath:
    """A resource named by a DAG author, resolved: `customers/42/contacts`."""

    resource: Resource
    path: str  # with the parent ID filled in


def resolve(name: str) -> ResourcePath:
    """`"Customers"`, `"customers/42/contacts"` -> the catalogue entry and its concrete path."""
    if not isinstance(name, str) or not name.strip("/ "):
        raise MinimaxConfigurationError(
            f"A Minimax resource is a path such as 'customers', not {name!r}."
        )
    parts = name.strip("/ ").split("/")
    parent_id: int | None = None
    if len(parts) == 3 and _NUMBER.match(parts[1]):
        parent_id = int(parts[1])
        key = f"{parts[0]}/{{id}}/{parts[2]}".lower()
    else:
        key = "/".join(parts).lower()
    resource = _BY_NAME.get(key)
    if resource is None:
        raise MinimaxConfigurationError(_unknown(name))
    return ResourcePath(resource, resource.path(parent_id))


def _unknown(name: str) -> str:
    known = sorted(resource.name for resource in RESOURCES)
    close = difflib.get_close_matches(name.lower(), list(_BY_NAME), n=3, cutoff=0.6)
    hint = f" Did you mean {', '.join(repr(_BY_NAME[c].name) for c in close)}?" if close else ""
    return (
        f"Unknown Minimax resource {name!r}.{hint} Known resources: {', '.join(known)} "
        "(nested ones with the parent's ID, e.g. customers/42/contacts)."
    )
