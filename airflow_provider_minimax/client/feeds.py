"""The rows of an export: a resource over an interval, read with as few calls as the API allows.

Three modes:
- `window`: the list filtered by the resource's date pair over the interval's local days
  (journals DateFrom/DateTo, issuedinvoices DateIssuedFrom/To, …; see windows.py for the rule);
- `changes`: the records modified in the interval, from `…/synccandidates`, each then read in full
  (one call per record: the incremental feed);
- `full`: the whole list (reference data: customers, items, accounts, VAT rates …).

List rows are the slimmer `*Search` models. `detail=True` reads every row's full record (one call
each). The first page is read at once: it prices the rest (TotalRows, the page size served), and
the plan is refused when it would not fit `max_calls` or the organisation's budget, else
reserved in the budget (client.budget) until the rows are read or the feed is closed:

    with open_feed(client, "issuedinvoices", start=..., end=...) as feed:
        for row in feed.rows: ...
"""

from __future__ import annotations

import datetime
import logging
from collections.abc import Iterator, Mapping
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Any

from .access import calls_left
from .client import MinimaxClient, Record
from .errors import MinimaxCallBudgetError, MinimaxConfigurationError, MinimaxNotFoundError
from .pagination import PageReader
from .reservation import Reservation
from .resources import Resource, resolve
from .settings import check
from .windows import DayWindow, local_days, modified_between, zone_of

log = logging.getLogger("airflow_provider_minimax.client")

MODES = ("window", "changes", "full")


def default_mode(resource: str) -> str:
    """`window` for resources with a date filter, else `full`."""
    return "window" if resolve(resource).resource.window else "full"


@dataclass(frozen=True)
class FeedPlan:
    """What an export will cost: `calls` after the probe (the first page, `probe_calls`), and
    the calls `left` of the organisation's budget when it was planned."""

    calls: int
    probe_calls: int
    left: int


@dataclass
class Feed:
    """An export's rows, and what reading them cost and found."""

    resource: Resource
    path: str
    mode: str
    organisation_id: int
    window: DayWindow | None = None
    modified: tuple[str, str] | None = None
    filters: dict[str, Any] = field(default_factory=dict)
    detail: bool = False
    planned_calls: int | None = None
    vanished: int = 0  # records in the change feed that were deleted before they were read
    rows: Iterator[Record] = field(default_factory=lambda: iter(()))
    plan: FeedPlan | None = None  # None: nothing to read (a window without a whole day)
    reservation: Reservation | None = None

    def release(self) -> None:
        """Give back the calls the plan reserved and did not spend."""
        if self.reservation is not None:
            self.reservation.release()

    def close(self) -> None:
        """Stop reading: the rows' iterator is closed and the reservation released."""
        close = getattr(self.rows, "close", None)
        if close is not None:
            close()
        self.release()

    def __enter__(self) -> Feed:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    def describe(self) -> dict[str, Any]:
        return {
            "mode": self.mode,
            "window": self.window.as_dict() if self.window else None,
            "modified": list(self.modified) if self.modified else None,
            "filters": {k: str(v) for k, v in self.filters.items()},
            "detail": self.detail,
            "vanished": self.vanished,
        }


def open_feed(
    client: MinimaxClient,
    resource: str,
    *,
    mode: str | None = None,
    start: datetime.datetime | None = None,
    end: datetime.datetime | None = None,
    time_zone: str | None = None,
    filters: Mapping[str, Any] | None = None,
    detail: bool = False,
    organisation_id: int | str | None = None,
    max_workers: int | None = None,
    decimals: bool = False,
) -> Feed:
    """Plan the export from its first page and return its rows (the rest read lazily)."""
    resolved = resolve(resource)
    chosen = mode or default_mode(resource)
    if chosen not in MODES:
        raise MinimaxConfigurationError(f"mode must be one of {', '.join(MODES)}, not {mode!r}.")
    org = client.organisation_id(organisation_id)
    feed = Feed(resolved.resource, resolved.path, chosen, org, filters=dict(filters or {}))
    feed.detail = detail or chosen == "changes"
    zone = zone_of(client.config.country, time_zone)
    options: dict[str, Any] = {"organisation_id": org, "decimals": decimals}
    if chosen == "window":
        pair = resolved.resource.window
        if pair is None:
            raise MinimaxConfigurationError(
                f"{resolved.resource.name} has no date filter to export a window by; use "
                "mode='full' (reference data) or mode='changes'."
            )
        feed.window = local_days(_need(start, "start"), _need(end, "end"), zone)
        if feed.window.empty:
            log.info("Minimax %s: the interval holds no whole local day; nothing to read", resource)
            return feed
        feed.filters.update(feed.window.filters(pair))
    if chosen == "changes":
        if not resolved.resource.synccandidates:
            raise MinimaxConfigurationError(
                f"{resolved.resource.name} has no synccandidates, so no change feed; use "
                "mode='window' or 'full'."
            )
        feed.modified = modified_between(_need(start, "start"), _need(end, "end"), zone)
        reader = client.candidates_reader(resolved.path, *feed.modified, organisation_id=org)
        _plan(client, feed, reader, per_record=True)
        ids = (row["ID"] for row in reader.rows())
        feed.rows = _released(feed, _read_each(client, feed, ids, options, max_workers))
        return feed
    reader = client.list_reader(resolved.path, max_workers=max_workers, **options, **feed.filters)
    if detail:
        _plan(client, feed, reader, per_record=True)
        ids = (row[_id_field(resolved.resource)] for row in reader.rows())
        feed.rows = _released(feed, _read_each(client, feed, ids, options, max_workers))
    else:
        _plan(client, feed, reader, per_record=False)
        feed.rows = _released(feed, reader.rows())
    return feed


def _need(moment: datetime.datetime | None, name: str) -> datetime.datetime:
    if moment is None:
        raise MinimaxConfigurationError(f"This export mode needs the interval's {name}.")
    return moment


def _id_field(resource: Resource) -> str:
    if not resource.id_field:
        raise MinimaxConfigurationError(f"{resource.name} has no records to read one by one.")
    return resource.id_field


def _plan(client: MinimaxClient, feed: Feed, reader: PageReader, *, per_record: bool) -> None:
    """Price the export from its first page (the probe), then reserve what it will spend.

    The first page says TotalRows and the page size the service really used: the rest of the
    list, and one call per record read in full, is the plan. A plan that can never fit the
    organisation's budget, or that does not fit this run's max_calls, is refused before the
    next call; one that fits is reserved, so that no other task spends those calls meanwhile.
    """
    first = reader.start()
    records = first.total_rows if per_record else 0
    calls = reader.remaining_pages + records
    what = f"Minimax export of {feed.path}"
    left = client.budget.state(feed.organisation_id)
    feed.plan = FeedPlan(calls=calls, probe_calls=1, left=left.available)
    feed.planned_calls = calls + 1
    log.info(
        "%s: needs ~%d calls (%d records, %d more list pages); %s",
        what,
        calls,
        first.total_rows,
        reader.remaining_pages,
        left.describe(),
    )
    allowed = calls_left(client)
    if allowed is not None and calls > allowed:
        raise MinimaxCallBudgetError(
            f"{'detail=True on ' if per_record else ''}{feed.path} would read "
            f"{first.total_rows} records{' one by one' if per_record else ''}: {calls} more API "
            f"calls, and only {allowed} of this run's max_calls ({client.config.max_calls}) are "
            "left. "
            "Narrow the window or the filters, export without detail (or from a list that "
            "carries it, such as journals/journal-entries), or raise max_calls."
        )
    feed.reservation = client.budget.reserve(feed.organisation_id, calls, what)


def _released(feed: Feed, rows: Iterator[Record]) -> Iterator[Record]:
    """The rows; the plan's reservation given back when they are exhausted or closed."""
    try:
        yield from rows
    finally:
        feed.release()


def _read_each(
    client: MinimaxClient,
    feed: Feed,
    ids: Iterator[Any],
    options: dict[str, Any],
    max_workers: int | None,
) -> Iterator[Record]:
    """Each record in full, in the order of `ids`, a few at a time; deleted ones skipped."""

    def read(record_id: Any) -> Record | None:
        try:
            return client.get(feed.path, record_id, **options)
        except MinimaxNotFoundError:
            return None

    workers = client.config.max_workers if max_workers is None else max_workers
    check("max_workers", workers, client.config.max_workers)
    batch: list[Any] = []
    with ThreadPoolExecutor(max(workers, 1), thread_name_prefix="minimax-read") as pool:
        for record_id in ids:
            batch.append(record_id)
            if len(batch) >= max(workers, 1) * 8:
                yield from _keep(feed, pool.map(read, batch))
                batch = []
        yield from _keep(feed, pool.map(read, batch))


def _keep(feed: Feed, records: Iterator[Record | None]) -> Iterator[Record]:
    for record in records:
        if record is None:
            feed.vanished += 1
            continue
        yield record
