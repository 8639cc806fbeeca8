"""The state of the emulated service: organisations, their records, IDs and row versions.

Routes, data generation and fault injection live elsewhere; this module only keeps records
consistent. Every public method is called with `Store.lock` held by the caller (the HTTP layer
takes it once per request), so the methods themselves stay simple.
"""

from __future__ import annotations

import base64
import datetime
import itertools
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

from . import models
from .catalogue import COUNTRY_REQUIRED, DRAFT_STATUS, Kind
from .errors import CONCURRENCY_MESSAGE, ApiError, invalid, not_found

Record = dict[str, Any]

# Which catalogue kind a reference field points to; references to anything else are kept as sent.
REFERENCE_TARGETS: dict[str, str] = {
    "Customer": "customers",
    "Currency": "currencies",
    "Country": "countries",
    "AddresseeCountry": "countries",
    "RecipientCountry": "countries",
    "CustomerCountry": "countries",
    "CountryOfResidence": "countries",
    "VatRate": "vatrates",
    "Item": "items",
    "Analytic": "analytics",
    "ParentAnalytic": "analytics",
    "Employee": "employees",
    "Warehouse": "warehouses",
    "AdditionalWarehouse": "warehouses",
    "Account": "accounts",
    "StocksAccount": "accounts",
    "RevenueAccountDomestic": "accounts",
    "RevenueAccountEU": "accounts",
    "RevenueAccountOutsideEU": "accounts",
    "JournalType": "journaltypes",
    "DocumentNumbering": "document-numbering",
    "IssuedInvoiceReportTemplate": "report-templates",
    "DeliveryNoteReportTemplate": "report-templates",
    "ReportTemplate": "report-templates",
    "Journal": "journals",
}


def display_name(kind_key: str, record: Record) -> str | None:
    """The `Name` a reference to `record` carries, as the service shows it."""
    if kind_key == "employees":
        return f"{record.get('FirstName') or ''} {record.get('LastName') or ''}".strip() or None
    for candidate in ("Name", "Title", "FullName", "Code", "Description"):
        value = record.get(candidate)
        if isinstance(value, str) and value:
            return value
    return None


@dataclass
class Table:
    """The records of one kind in one organisation, in ID order (IDs only ever grow)."""

    kind: Kind
    records: dict[int, Record] = field(default_factory=dict)
    version: int = 0  # bumped on every write, so derived views know when to rebuild
    # A view built from these records (the general ledger of the journals), and the version it
    # was built at.
    derived: tuple[int, list[Record]] | None = None

    def touch(self) -> None:
        self.version += 1


@dataclass
class Organisation:
    id: int
    title: str
    api_access: bool
    record: Record
    tables: dict[str, Table]
    # PDFs made by actions, by (kind, record ID): GET …/{id}/attachments lists them.
    attachments: dict[tuple[str, int], list[Record]] = field(default_factory=dict)
    # Bench scale: a generated, read-only general ledger that stands in for the journals.
    ledger: Any = None
    country: str = "SI"  # the instance it lives in: some countries require more fields


class Store:
    """Organisations and their records, with the bookkeeping the real service does on writes."""

    def __init__(self, *, base_url: str, clock: Callable[[], datetime.datetime]) -> None:
        self.lock = threading.RLock()
        self.base_url = base_url  # e.g. http://127.0.0.1:8765/SI/
        self.clock = clock
        self.organisations: dict[int, Organisation] = {}
        self._ids: Iterator[int] = itertools.count(100_001)
        self._versions: Iterator[int] = itertools.count(1)
        self.writes = 0  # writes since the world was built: tells a test fixture to rebuild

    # -- identity -----------------------------------------------------------------------------

    def new_id(self) -> int:
        # A new ID (a record, an attachment) changes the world: the next fixture rebuilds it.
        self.count_write()
        return next(self._ids)

    def count_write(self) -> None:
        """Something of the world changed since it was built (see Sandbox.reset_if_used)."""
        self.writes += 1

    def new_row_version(self) -> str:
        # SQL Server rowversions are 8 bytes; base64 of 8 bytes always ends in "=" and often holds
        # "+" or "/", which is exactly what trips clients that forget to URL-encode it.
        mixed = (next(self._versions) * 0x9E3779B97F4A7C15) & 0xFFFF_FFFF_FFFF_FFFF
        return base64.b64encode(mixed.to_bytes(8, "big")).decode("ascii")

    def now_text(self) -> str:
        return self.clock().strftime("%Y-%m-%dT%H:%M:%S")

    def resource_url(self, organisation_id: int, kind_key: str, record_id: int) -> str:
        path = kind_key
        if kind_key == "contacts":
            path = "contacts"
        return f"{self.base_url}API/api/orgs/{organisation_id}/{path}/{record_id}"

    def ref(self, organisation_id: int, kind_key: str, record_id: int, name: str | None) -> Record:
        return {
            "ID": record_id,
            "Name": name,
            "ResourceUrl": self.resource_url(organisation_id, kind_key, record_id),
        }

    # -- organisations and tables -------------------------------------------------------------

    def add_organisation(self, organisation: Organisation) -> None:
        self.organisations[organisation.id] = organisation

    def organisation(self, organisation_id: int) -> Organisation:
        found = self.organisations.get(organisation_id)
        if found is None:
            raise not_found(f"Organisation {organisation_id}")
        if not found.api_access:
            raise ApiError(
                403,
                f"The user has no API access to organisation {organisation_id} ({found.title}).",
            )
        return found

    def table(self, organisation_id: int, kind_key: str) -> Table:
        return self.organisation(organisation_id).tables[kind_key]

    def load(self, organisation_id: int, kind_key: str, records: list[Record]) -> None:
        """Take generated records as they are, stamping the row versions the store owns."""
        table = self.organisations[organisation_id].tables[kind_key]
        rows_field = table.kind.rows_field
        for record in records:
            if "RowVersion" in record:
                record["RowVersion"] = self.new_row_version()
            for row in record.get(rows_field) or [] if rows_field else []:
                if "RowVersion" in row:
                    row["RowVersion"] = self.new_row_version()
            table.records[record[table.kind.id_field]] = record
        table.touch()

    # -- reads ----------------------------------------------------------------------------------

    def get(self, organisation_id: int, kind_key: str, record_id: int) -> Record:
        table = self.table(organisation_id, kind_key)
        record = table.records.get(record_id)
        if record is None:
            raise not_found(f"{kind_key} record {record_id}")
        return record

    def get_by_code(self, organisation_id: int, kind_key: str, code: str) -> Record:
        table = self.table(organisation_id, kind_key)
        code_field = table.kind.code_field or "Code"
        for record in table.records.values():
            if record.get(code_field) == code:
                return record
        raise not_found(f"{kind_key} record with code '{code}'")

    # -- writes ---------------------------------------------------------------------------------

    def create(
        self, organisation_id: int, kind: Kind, body: Any, parent_id: int | None = None
    ) -> Record:
        table = self.table(organisation_id, kind.key)
        record = self._accept_body(organisation_id, kind, body)
        record[kind.id_field] = self.new_id()
        if kind.parent and kind.parent_field and parent_id is not None:
            parent = self.get(organisation_id, kind.parent, parent_id)
            record[kind.parent_field] = self.ref(
                organisation_id, kind.parent, parent_id, display_name(kind.parent, parent)
            )
        if kind.key in DRAFT_STATUS:
            record["Status"] = DRAFT_STATUS[kind.key]
        self._check_unique(table, record)
        self._finish_rows(organisation_id, kind, record, previous=None)
        self._stamp(record)
        table.records[record[kind.id_field]] = record
        table.touch()
        return record

    def update(self, organisation_id: int, kind: Kind, record_id: int, body: Any) -> Record:
        table = self.table(organisation_id, kind.key)
        current = self.get(organisation_id, kind.key, record_id)
        record = self._accept_body(organisation_id, kind, body)
        self.check_row_version(current, record.get("RowVersion"))
        record[kind.id_field] = record_id
        if kind.parent_field:
            record[kind.parent_field] = current.get(kind.parent_field)
        self._check_unique(table, record)
        self._finish_rows(organisation_id, kind, record, previous=current)
        self._stamp(record)
        table.records[record_id] = record
        table.touch()
        return record

    def delete(self, organisation_id: int, kind: Kind, record_id: int) -> None:
        table = self.table(organisation_id, kind.key)
        self.get(organisation_id, kind.key, record_id)
        del table.records[record_id]
        table.touch()
        self.count_write()  # a deletion changes the world too: the next test gets it back
        # Children (a customer's contacts) go with their parent, as in the service.
        for child in self.organisation(organisation_id).tables.values():
            if child.kind.parent == kind.key and child.kind.parent_field:
                doomed = [
                    key
                    for key, rec in child.records.items()
                    if (rec.get(child.kind.parent_field) or {}).get("ID") == record_id
                ]
                for key in doomed:
                    del child.records[key]
                if doomed:
                    child.touch()

    def change(self, organisation_id: int, kind_key: str, record_id: int, **values: Any) -> Record:
        """Another writer's edit (admin endpoints, actions): set fields, new RowVersion."""
        table = self.table(organisation_id, kind_key)
        record = self.get(organisation_id, kind_key, record_id)
        unknown = set(values) - set(models.field_names(table.kind.model))
        if unknown:
            raise invalid(sorted(unknown)[0], f"{kind_key} has no field {sorted(unknown)[0]}.")
        record.update(values)
        self._stamp(record)
        table.touch()
        return record

    def check_row_version(self, current: Record, sent: Any) -> None:
        if not isinstance(sent, str) or sent != current.get("RowVersion"):
            raise ApiError(400, CONCURRENCY_MESSAGE)

    # -- helpers --------------------------------------------------------------------------------

    def _stamp(self, record: Record) -> None:
        """A write: new RowVersion and modification time (for models that carry them)."""
        self.count_write()
        if "RowVersion" in record:
            record["RowVersion"] = self.new_row_version()
        if "RecordDtModified" in record:
            record["RecordDtModified"] = self.now_text()

    def _accept_body(self, organisation_id: int, kind: Kind, body: Any) -> Record:
        if not isinstance(body, dict):
            raise ApiError(400, "The request is invalid: the body must be a JSON object.")
        record = models.conform(body, kind.model)
        normalise_dates(record, kind.model)
        country = self.organisations[organisation_id].country
        for name in kind.required + COUNTRY_REQUIRED.get((country, kind.key), ()):
            value = record.get(name)
            if value is None or value == "" or value == []:
                raise invalid(name, f"The {name} field is required.")
        self._resolve_references(organisation_id, kind.model, record)
        return record

    def _resolve_references(self, organisation_id: int, model: str, record: Record) -> None:
        organisation = self.organisation(organisation_id)
        for name in models.reference_fields(model):
            value = record.get(name)
            if value is None:
                continue
            if not isinstance(value, dict) or not isinstance(value.get("ID"), int):
                raise invalid(name, f"{name} must be an object with a numeric ID.")
            target = REFERENCE_TARGETS.get(name)
            if target is None or target not in organisation.tables:
                record[name] = {"ID": value["ID"], "Name": None, "ResourceUrl": None}
                continue
            found = organisation.tables[target].records.get(value["ID"])
            if found is None:
                raise invalid(name, f"{name} with ID {value['ID']} does not exist.")
            record[name] = self.ref(
                organisation_id, target, value["ID"], display_name(target, found)
            )

    def _check_unique(self, table: Table, record: Record) -> None:
        own_id = record.get(table.kind.id_field)
        for name in table.kind.unique:
            value = record.get(name)
            if value in (None, ""):
                continue
            for other_id, other in table.records.items():
                if other_id != own_id and other.get(name) == value:
                    raise invalid(name, f"A record with {name} '{value}' already exists.")

    def _finish_rows(
        self, organisation_id: int, kind: Kind, record: Record, previous: Record | None
    ) -> None:
        """Give document rows their IDs, parent reference and version stamps."""
        if not kind.rows_field:
            return
        row_model = models.nested_model(kind.model, kind.rows_field)
        rows = record.get(kind.rows_field)
        if row_model is None or rows is None:
            return
        if not isinstance(rows, list) or not all(isinstance(row, dict) for row in rows):
            raise invalid(kind.rows_field, f"{kind.rows_field} must be a list of objects.")
        row_fields = models.field_types(row_model)
        row_id_field = next(iter(row_fields))
        known_ids = {row.get(row_id_field) for row in (previous or {}).get(kind.rows_field) or []}
        parent_field = kind.model.split(".")[-1]
        finished = []
        for number, sent in enumerate(rows, start=1):
            row = models.conform(sent, row_model)
            normalise_dates(row, row_model)
            self._resolve_references(organisation_id, row_model, row)
            if row.get(row_id_field) not in known_ids:
                row[row_id_field] = self.new_id()
            if parent_field in row_fields:
                row[parent_field] = self.ref(
                    organisation_id, kind.key, record[kind.id_field], display_name(kind.key, record)
                )
            if "RowNumber" in row_fields and row.get("RowNumber") is None:
                row["RowNumber"] = number
            if "RowVersion" in row_fields:
                self._stamp(row)
            finished.append(row)
        record[kind.rows_field] = finished


def normalise_dates(record: Record, model: str) -> None:
    """Date-time fields as the service stores them: `2025-11-20` -> `2025-11-20T00:00:00`."""
    for name, kind in models.field_types(model).items():
        value = record.get(name)
        if kind != "date-time" or value is None:
            continue
        try:
            parsed = datetime.datetime.fromisoformat(str(value).replace("Z", ""))
        except ValueError:
            raise invalid(name, f"The value '{value}' is not a valid date for {name}.") from None
        record[name] = parsed.replace(tzinfo=None).strftime("%Y-%m-%dT%H:%M:%S")
