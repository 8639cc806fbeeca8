"""A large general ledger computed row by row, for benchmarks (the bench organisation).

A million stored journal entries would cost the sandbox more than a gigabyte. Here entry `i` is a
pure function of `i` and the seed, entries are in date order, and a date window maps to a range
of indexes by bisection, so memory stays flat and any page costs the same to serve. Each journal
holds two entries, a debit and a credit of the same amount, so every journal balances. The
ledger is read-only: the journals of the bench organisation refuse writes.
"""

from __future__ import annotations

import base64
import bisect
import datetime
from dataclasses import dataclass, field
from typing import Any

from . import models
from .errors import ApiError, not_found
from .listing import Page, Query, parse_day
from .store import Record, Store, display_name

ENTRIES_PER_JOURNAL = 2
_ENTRY_ID_BASE = 7_000_000_000
_JOURNAL_ID_BASE = 6_000_000_000
_DATE_FILTERS = ("datefrom", "dateto")


@dataclass
class SyntheticLedger:
    store: Store
    organisation_id: int
    rows: int
    first_day: datetime.date
    days: int
    seed: int
    _refs: dict[str, Any] = field(default_factory=dict, init=False)

    def __post_init__(self) -> None:
        if self.rows < ENTRIES_PER_JOURNAL or self.rows % ENTRIES_PER_JOURNAL:
            raise ValueError(f"ledger_rows must be a positive even number, not {self.rows}")
        self.journal_count = self.rows // ENTRIES_PER_JOURNAL
        organisation = self.store.organisations[self.organisation_id]
        self._refs = {
            "debit": self._account_ref(organisation, "1200"),
            "credit": self._account_ref(organisation, "7600"),
            "type": self._first_ref(organisation, "journaltypes"),
            "currency": self._first_ref(organisation, "currencies"),
        }
        customers = list(organisation.tables["customers"].records.values())
        self._customers: list[Record | None] = [
            self.store.ref(self.organisation_id, "customers", c["CustomerId"], c.get("Name"))
            for c in customers
        ] or [None]
        # Precomputed per day and per journal prefix: a page of 1,000 rows is built in ~3 ms.
        self._day_texts = [
            (self.first_day + datetime.timedelta(days=offset)).isoformat()
            for offset in range(self.days + 1)
        ]
        self._journal_url = self.store.resource_url(self.organisation_id, "journals", 0)[:-1]

    def _account_ref(self, organisation: Any, code: str) -> Record | None:
        accounts = organisation.tables["accounts"].records.values()
        chosen = next((a for a in accounts if a.get("Code") == code), None)
        chosen = chosen or next(iter(accounts), None)
        if chosen is None:
            return None
        return self.store.ref(
            self.organisation_id, "accounts", chosen["AccountId"], display_name("accounts", chosen)
        )

    def _first_ref(self, organisation: Any, kind_key: str) -> Record | None:
        table = organisation.tables[kind_key]
        first = next(iter(table.records.values()), None)
        if first is None:
            return None
        return self.store.ref(
            self.organisation_id,
            kind_key,
            first[table.kind.id_field],
            display_name(kind_key, first),
        )

    # -- the arithmetic of the ledger -----------------------------------------------------------

    def _day_offset(self, journal: int) -> int:
        return journal * self.days // self.journal_count

    def _date(self, journal: int) -> str:
        return self._day_texts[self._day_offset(journal)] + "T00:00:00"

    def _amount(self, journal: int) -> float:
        mixed = (journal * 2_654_435_761 + self.seed * 97) % 1_000_003
        return round(10 + mixed / 100, 2)

    def _row_version(self, number: int) -> str:
        mixed = ((number + 1) * 0x9E3779B97F4A7C15) & 0xFFFF_FFFF_FFFF_FFFF
        return base64.b64encode(mixed.to_bytes(8, "big")).decode("ascii")

    def _journal_ref(self, journal: int) -> Record:
        journal_id = _JOURNAL_ID_BASE + journal
        return {
            "ID": journal_id,
            "Name": f"Temeljnica {journal + 1}",
            "ResourceUrl": f"{self._journal_url}{journal_id}",
        }

    def _entry(self, index: int, *, with_journal_fields: bool) -> Record:
        journal, side = divmod(index, ENTRIES_PER_JOURNAL)
        amount = self._amount(journal)
        date = self._date(journal)
        debit = side == 0
        row: Record = {
            "JournalEntryId": _ENTRY_ID_BASE + index,
            "Journal": self._journal_ref(journal),
            "JournalType": self._refs["type"],
            "JournalDate": date,
            "JournalEntryDate": date,
            "DueDate": None,
            "TransactionDate": date,
            "Account": self._refs["debit" if debit else "credit"],
            "Customer": self._customers[journal % len(self._customers)] if debit else None,
            "Analytic": None,
            "Employee": None,
            "Currency": self._refs["currency"],
            "Description": f"Prodaja {journal + 1}",
            "PaymentReference": f"SI00 {journal + 1}",
            "Debit": amount if debit else 0.0,
            "Credit": 0.0 if debit else amount,
            "DebitInDomesticCurrency": amount if debit else 0.0,
            "CreditInDomesticCurrency": 0.0 if debit else amount,
            "RecordDtModified": date[:10] + "T18:00:00",
            "RowVersion": self._row_version(index),
        }
        if with_journal_fields:
            return row
        return models.conform(row, "Journal.JournalEntry")

    # -- list and read ---------------------------------------------------------------------------

    def _journal_range(self, query: Query) -> range:
        unsupported = set(query.filters) - set(_DATE_FILTERS)
        if unsupported or query.search or query.sort_field or query.descending:
            raise ApiError(
                400,
                "sandbox: the bench ledger filters by DateFrom/DateTo only, in date order "
                f"(got {sorted(unsupported) or 'SearchString/SortField/Order'}).",
            )
        start, stop = 0, self.journal_count
        origin = self.first_day
        if "datefrom" in query.filters:
            offset = (
                datetime.date.fromisoformat(parse_day("DateFrom", query.filters["datefrom"]))
                - origin
            ).days
            start = bisect.bisect_left(range(self.journal_count), offset, key=self._day_offset)
        if "dateto" in query.filters:
            offset = (
                datetime.date.fromisoformat(parse_day("DateTo", query.filters["dateto"])) - origin
            ).days
            stop = bisect.bisect_right(range(self.journal_count), offset, key=self._day_offset)
        return range(start, max(start, stop))

    def entries_page(self, query: Query) -> Page:
        journals = self._journal_range(query)
        first = journals.start * ENTRIES_PER_JOURNAL
        total = len(journals) * ENTRIES_PER_JOURNAL
        begin = first + (query.page - 1) * query.page_size
        end = min(first + total, begin + query.page_size)
        rows = [self._entry(i, with_journal_fields=True) for i in range(begin, end)]
        return Page(rows, total, query.page, query.page_size)

    def journals_page(self, query: Query) -> Page:
        journals = self._journal_range(query)
        chosen = journals[(query.page - 1) * query.page_size :][: query.page_size]
        rows = [
            {
                "JournalId": _JOURNAL_ID_BASE + j,
                "JournalType": self._refs["type"],
                "JournalDate": self._date(j),
                "Description": f"Temeljnica {j + 1}",
            }
            for j in chosen
        ]
        return Page(rows, len(journals), query.page, query.page_size)

    def journal(self, journal_id: int) -> Record:
        journal = journal_id - _JOURNAL_ID_BASE
        if not 0 <= journal < self.journal_count:
            raise not_found(f"journals record {journal_id}")
        first = journal * ENTRIES_PER_JOURNAL
        entries = [
            self._entry(i, with_journal_fields=False)
            for i in range(first, first + ENTRIES_PER_JOURNAL)
        ]
        date = self._date(journal)
        return {
            "JournalId": journal_id,
            "JournalType": self._refs["type"],
            "JournalDate": date,
            "Description": f"Temeljnica {journal + 1}",
            "Status": "P",
            "JournalEntries": entries,
            "VatEntries": [],
            "RecordDtModified": date[:10] + "T18:00:00",
            "RowVersion": self._row_version(self.rows + journal),
        }
