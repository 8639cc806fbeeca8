"""The rows of an export: a resource over an interval, read with as few calls as the API allows.

Three modes:
- `window`: the list filtered by the resource's date pair over the interval's local days
  (journals DateFrom/DateTo, issuedinvoices DateIssuedFrom/To, …; see windows.py for the rule);
- `changes`: the records modified in the interval, from `…/synccandidates`, each then read in full
  (one call per record: the incremental feed);
- `full`: the whole list (reference data: customers, items, accounts, VAT rates …).

List rows are the slimmer `*Search` models. `detail=True` reads every row's full record (one call
each); the cost is counted first and refused when it would not fit the client's `max_calls`.
"""

from __future__ import annotations

import datetime
import logging
from collections.abc import Iterator, Mapping
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Any

from .client import MinimaxClient, Record
from .errors import MinimaxCallBudgetError, MinimaxConfigurationError, MinimaxNotFoundError
from .resources import Resource, resolve
from .settings import check
from .windows import DayWindow, local_days, modified_between, zone_of

log = logging.getLogger("airflow_provider_minimax.client")

MODES = ("window", "changes", "full")
DAILY_CALLS = 1_000  # what Minimax allows an organisation in a day (reference.md)


def default_mode(resource: str) -> str:
    """`window` for resources with a date filter, else `full`."""
    return "window" if resolve(resource).resource.window else "full"


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
    """Plan the export and return its rows (lazily: nothing is read before they are iterated)."""
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
        candidates = client.sync_candidates(resolved.path, *feed.modified, organisation_id=org)
        feed.rows = _read_each(
            client, feed, (row["ID"] for row in candidates), options, max_workers
        )
        return feed
    listed = client.list(resolved.path, max_workers=max_workers, **options, **feed.filters)
    if detail:
        _check_budget(client, feed)
        ids = (row[_id_field(resolved.resource)] for row in listed)
        feed.rows = _read_each(client, feed, ids, options, max_workers)
    else:
        feed.rows = listed
    return feed


def _need(moment: datetime.datetime | None, name: str) -> datetime.datetime:
    if moment is None:
        raise MinimaxConfigurationError(f"This export mode needs the interval's {name}.")
    return moment


def _id_field(resource: Resource) -> str:
    if not resource.id_field:
        raise MinimaxConfigurationError(f"{resource.name} has no records to read one by one.")
    return resource.id_field


def _check_budget(client: MinimaxClient, feed: Feed) -> None:
    """Count before reading one by one: refuse a plan that would not fit `max_calls`."""
    total = client.count(feed.path, organisation_id=feed.organisation_id, **feed.filters)
    pages = -(-total // client.config.page_size)
    feed.planned_calls = total + pages
    log.info(
        "Minimax %s with detail: %d records read one by one = %d API calls (+%d list pages)",
        feed.path,
        total,
        total,
        pages,
    )
    budget = client.config.max_calls
    spent = client.stats.api_calls
    if budget is not None and spent + feed.planned_calls > budget:
        raise MinimaxCallBudgetError(
            f"detail=True on {feed.path} would read {total} records one by one: "
            f"{feed.planned_calls} API calls, and only {budget - spent} of this run's max_calls "
            f"({budget}) are left. Narrow the window or the filters, export without detail (or "
            "from a list that carries it, such as journals/journal-entries), or raise max_calls."
        )
    if feed.planned_calls > DAILY_CALLS:
        log.warning(
            "Minimax %s: %d API calls is more than the ~%d an organisation gets per day",
            feed.path,
            feed.planned_calls,
            DAILY_CALLS,
        )


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
