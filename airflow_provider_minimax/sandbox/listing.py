"""List endpoints: filters, SearchString, sorting and pages, as the service answers them.

Query parameter names are matched case-insensitively (ASP.NET binds them that way) and unknown
ones are ignored, as the real service ignores them; the caller records those it ignored so a test
can notice a client sending a filter the service does not know.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from . import models
from .catalogue import SYNC_FILTERS, Filter, Kind
from .errors import invalid
from .store import Record

PAGING_PARAMETERS = ("currentpage", "pagesize", "searchstring", "sortfield", "order")


@dataclass(frozen=True)
class Page:
    rows: list[Record]
    total_rows: int
    page_number: int
    page_size: int

    def envelope(self) -> dict[str, Any]:
        return {
            "Rows": self.rows,
            "TotalRows": self.total_rows,
            "CurrentPageNumber": self.page_number,
            "PageSize": self.page_size,
        }


@dataclass
class Query:
    """The parsed query string of a list request."""

    page: int = 1
    page_size: int = 100
    search: str | None = None
    sort_field: str | None = None
    descending: bool = False
    filters: dict[str, str] = field(default_factory=dict)  # lower-case name -> value
    ignored: list[str] = field(default_factory=list)
    # The fields SearchString matches (search.search_fields); None: the kind's own.
    search_fields: tuple[str, ...] | None = None


def _positive_int(name: str, text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise invalid(name, f"The value '{text}' is not valid for {name}.") from None
    if value < 1:
        raise invalid(name, f"{name} must be 1 or more, not {value}.")
    return value


def parse_query(
    params: dict[str, str], known: Iterable[str], *, default_page_size: int, max_page_size: int
) -> Query:
    """Read paging, sorting and the filters `known` (lower-case names) from the query string."""
    query = Query(page_size=default_page_size)
    known_names = set(known)
    for raw_name, value in params.items():
        name = raw_name.lower()
        if name == "currentpage":
            query.page = _positive_int("CurrentPage", value)
        elif name == "pagesize":
            # The service caps the page size silently: a client must page by what it gets back.
            query.page_size = min(_positive_int("PageSize", value), max_page_size)
        elif name == "searchstring":
            query.search = value or None
        elif name == "sortfield":
            query.sort_field = value or None
        elif name == "order":
            if value.upper() not in ("A", "D"):
                raise invalid("Order", f"Order must be A or D, not '{value}'.")
            query.descending = value.upper() == "D"
        elif name in known_names:
            query.filters[name] = value
        else:
            query.ignored.append(raw_name)
    return query


def parse_day(name: str, text: str) -> str:
    """A date filter's value as YYYY-MM-DD (the service takes a date, or a date-time)."""
    try:
        return datetime.date.fromisoformat(text[:10]).isoformat()
    except ValueError:
        raise invalid(name, f"The value '{text}' is not a valid date for {name}.") from None


def _moment(name: str, text: str) -> str:
    try:
        parsed = datetime.datetime.fromisoformat(text.replace("Z", ""))
    except ValueError:
        raise invalid(name, f"The value '{text}' is not a valid date-time for {name}.") from None
    return parsed.strftime("%Y-%m-%dT%H:%M:%S")


def _matches(record: Record, name: str, rule: Filter, value: str) -> bool:
    actual = record.get(rule.field)
    if rule.kind == "date_from":
        return actual is not None and str(actual)[:10] >= value
    if rule.kind == "date_to":
        return actual is not None and str(actual)[:10] <= value
    if rule.kind == "datetime_from":
        return actual is not None and str(actual) >= value
    if rule.kind == "datetime_to":
        return actual is not None and str(actual) <= value
    if rule.kind == "year":
        return str(actual) == value
    if rule.kind == "ref":
        if not isinstance(actual, dict):
            return False
        if value.isdigit():
            return str(actual.get("ID")) == value
        return str(actual.get("Name") or "").lower() == value.lower()
    return str(actual if actual is not None else "").lower() == value.lower()


def _normalised_filters(query: Query, rules: dict[str, Filter]) -> dict[str, str]:
    values = {}
    for name, value in query.filters.items():
        rule = rules[name]
        if rule.kind in ("date_from", "date_to"):
            value = parse_day(name, value)
        elif rule.kind in ("datetime_from", "datetime_to"):
            value = _moment(name, value)
        values[name] = value
    return values


def select(
    records: Iterable[Record], kind: Kind, query: Query, rules: dict[str, Filter]
) -> list[Record]:
    """The records that pass every filter and SearchString, in the requested order."""
    values = _normalised_filters(query, rules)
    needle = query.search.lower() if query.search else None
    searched = kind.search_fields if query.search_fields is None else query.search_fields
    chosen = []
    for record in records:
        if not all(_matches(record, name, rules[name], value) for name, value in values.items()):
            continue
        if needle is not None and not any(
            needle in str(record.get(name) or "").lower() for name in searched
        ):
            continue
        chosen.append(record)
    return sort(chosen, kind, query)


def sort(records: list[Record], kind: Kind, query: Query) -> list[Record]:
    fields: Sequence[str] = kind.default_sort
    if query.sort_field:
        by_lower = {name.lower(): name for name in models.field_names(kind.search_model)}
        chosen = by_lower.get(query.sort_field.lower())
        if chosen is None:
            raise invalid("SortField", f"Cannot sort {kind.key} by '{query.sort_field}'.")
        fields = (chosen,)

    def key(record: Record) -> tuple[Any, ...]:
        parts: list[Any] = []
        for name in fields:
            value = record.get(name)
            if isinstance(value, dict):
                value = value.get("Name")
            # None sorts first; mixed types never meet because each field has one type.
            parts.append((value is not None, value if value is not None else ""))
        parts.append(record.get(kind.id_field) or 0)
        return tuple(parts)

    return sorted(records, key=key, reverse=query.descending)


def page_of(records: Sequence[Any], query: Query) -> tuple[Sequence[Any], int]:
    start = (query.page - 1) * query.page_size
    return records[start : start + query.page_size], len(records)


def list_page(records: Iterable[Record], kind: Kind, query: Query) -> Page:
    """A page of `kind`'s list endpoint: filtered full records projected onto the row model."""
    chosen = select(records, kind, query, kind.filters)
    if kind.one_page:
        projected = [models.search_row(record, kind.search_model) for record in chosen]
        return Page(projected, len(chosen), 1, len(chosen))
    rows, total = page_of(chosen, query)
    projected = [models.search_row(record, kind.search_model) for record in rows]
    return Page(projected, total, query.page, query.page_size)


def sync_page(records: Iterable[Record], kind: Kind, query: Query) -> Page:
    """`…/synccandidates`: records modified in a window, as `{ID, RecordDtModified, RowVersion}`."""
    values = _normalised_filters(query, SYNC_FILTERS)
    chosen = [
        record
        for record in records
        if all(_matches(record, name, SYNC_FILTERS[name], value) for name, value in values.items())
    ]
    chosen.sort(key=lambda record: (str(record.get("RecordDtModified")), record[kind.id_field]))
    rows, total = page_of(chosen, query)
    candidates = [
        {
            "ID": record[kind.id_field],
            "RecordDtModified": record.get("RecordDtModified"),
            "RowVersion": record.get("RowVersion"),
        }
        for record in rows
    ]
    return Page(candidates, total, query.page, query.page_size)


def journal_entry_rows(journals: Iterable[Record]) -> list[Record]:
    """The general ledger: every journal's entries with the journal's type and date."""
    rows = []
    for journal in journals:
        for entry in journal.get("JournalEntries") or []:
            row = models.conform(entry, "Journal.JournalEntries")
            row["JournalType"] = journal.get("JournalType")
            row["JournalDate"] = journal.get("JournalDate")
            rows.append(row)
    return rows
