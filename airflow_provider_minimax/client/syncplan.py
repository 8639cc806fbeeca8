"""A bulk write's plan: what each record of a source needs, decided before anything is written.

Every record is first checked against the vendor's model (payload.py): an invalid one never
reaches the API, and all of its bad fields are named. The valid ones are then found by their key,
only by exact means (an empty SearchString proves nothing, reference.md):

- the key index: the resource's whole list, read once page by page, where its rows carry the key
  and that is cheaper than a lookup per record (keyindex.py decides it from the first page's
  TotalRows). A list whose rows add up to its TotalRows holds every record: a key missing from
  it is a record proven absent, as a `code()` 404 proves it;
- else one exact lookup per record, match_on's own (matching.py, through find_record).

An existing record is compared field by field with the source's (references by ID, dates by day,
document rows by the fields given): unchanged, or an update of exactly the fields that differ.
The plan says what the writes will cost (`write_calls`), so that the budget can be checked before
the first of them; syncrun.py carries it out.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Any, TypeVar

from .client import MinimaxClient, Record
from .create import find_record
from .errors import MinimaxConfigurationError
from .keyindex import KeyIndex, calls_fit, index_key, read_key_index
from .matching import check_plan
from .payload import checked_fields
from .resources import Resource
from .values import same_fields

log = logging.getLogger("airflow_provider_minimax.client")

T = TypeVar("T")
R = TypeVar("R")

MODES = ("upsert", "create")
# What each write costs (docs/rate-budget.md): a create is the POST and the read back that
# gives its ID and RowVersion; an update reads, PUTs and reads back. Lost answers cost more.
CREATE_CALLS = 2
UPDATE_CALLS = 3
# Fields no source decides: the service keeps them.
_NEVER_COMPARED = frozenset({"RowVersion", "RecordDtModified"})


class Unreadable(str):
    """A record its source could not be read as (a line that is no JSON, a CSV row with more
    cells than columns): the text says why, and the plan reports it invalid."""


@dataclass
class Decision:
    """One record of the source and what it needs: `create`, `update` (of `changes`),
    `unchanged`, `invalid` (never sent: `errors`, naming `fields`) or `duplicate` (the same
    key and values as record `same_as`, which is written for both)."""

    number: int  # the record's place in the source, from 1
    action: str
    key: dict[str, Any] = field(default_factory=dict)
    payload: dict[str, Any] = field(default_factory=dict)
    record_id: int | None = None
    row_version: str | None = None
    changes: dict[str, Any] = field(default_factory=dict)
    errors: list[str] = field(default_factory=list)
    fields: list[str] = field(default_factory=list)
    same_as: int | None = None


@dataclass
class SyncPlan:
    """The decisions, and what finding the records cost and writing them will."""

    path: str  # the resource's path in the organisation ("customers", "customers/42/contacts")
    resource: Resource
    organisation_id: int
    key: list[str]
    mode: str
    decisions: list[Decision] = field(default_factory=list)
    index: str = "none"  # "list": the key index read once; "lookups": one lookup a record
    index_calls: int = 0  # the calls the plan spent: pages or lookups, and full reads
    pages: int = 0

    def count(self, action: str) -> int:
        return sum(decision.action == action for decision in self.decisions)

    @property
    def write_calls(self) -> int:
        """The calls the writes take when no answer is lost."""
        return CREATE_CALLS * self.count("create") + UPDATE_CALLS * self.count("update")

    def describe(self) -> dict[str, Any]:
        actions = ("create", "update", "unchanged", "invalid", "duplicate")
        return {
            "records": len(self.decisions),
            **{action: self.count(action) for action in actions},
            "index": self.index,
            "index_calls": self.index_calls,
            "pages": self.pages,
            "write_calls": self.write_calls,
        }


def plan_sync(
    client: MinimaxClient,
    resource: str,
    records: Sequence[Any],
    key: str | Sequence[str],
    *,
    mode: str = "upsert",
    organisation_id: int | str | None = None,
    max_workers: int = 1,
) -> SyncPlan:
    """Decide what each record needs (reads only: nothing is written)."""
    if mode not in MODES:
        raise MinimaxConfigurationError(f"mode must be one of {', '.join(MODES)}, not {mode!r}.")
    fields = [key] if isinstance(key, str) else list(key)
    if not fields or not all(isinstance(name, str) and name for name in fields):
        raise MinimaxConfigurationError(f"key must name a field or fields, not {key!r}.")
    resolved, org, _ = client._where(resource, organisation_id)
    catalogued = resolved.resource
    if not catalogued.creatable:
        raise MinimaxConfigurationError(f"{catalogued.name} records cannot be created.")
    if mode == "upsert" and not catalogued.updatable:
        raise MinimaxConfigurationError(
            f"{catalogued.name} records cannot be updated: sync them with mode='create'."
        )
    if not catalogued.nested and not catalogued.window_field:
        # No record's own fields can make such a key exact: refused before any call.
        check_plan(catalogued, fields, {})
    spent_before = client.stats.api_calls
    plan = SyncPlan(resolved.path, catalogued, org, fields, mode)
    plan.decisions = _checked_records(catalogued, records, fields)
    pending = [decision for decision in plan.decisions if decision.action == "find"]
    if pending:
        existing = _existing(client, plan, pending, max_workers)
        for decision, record in zip(pending, existing, strict=True):
            _decide(plan, decision, record)
    plan.index_calls = client.stats.api_calls - spent_before
    log.info("Minimax sync plan of %s: %s", plan.path, plan.describe())
    return plan


# -- the records on their own ---------------------------------------------------------------


def _checked_records(
    resource: Resource, records: Iterable[Any], fields: list[str]
) -> list[Decision]:
    decisions: list[Decision] = []
    first_of: dict[tuple[Any, ...], Decision] = {}
    for number, record in enumerate(records, 1):
        decision = _checked(resource, number, record, fields)
        decisions.append(decision)
        if decision.action != "find":
            continue
        marker = index_key(decision.key, fields)
        earlier = first_of.setdefault(marker, decision)
        if earlier is decision:
            continue
        if earlier.payload == decision.payload:  # the same record twice: written once
            decision.action, decision.same_as = "duplicate", earlier.number
        else:  # which of them would be meant cannot be told: the later one waits
            decision.action, decision.fields = "invalid", list(fields)
            decision.errors = [
                f"The key {decision.key} is that of record {earlier.number} too, with other "
                "values; it is written once per run: the later record is kept for the next."
            ]
    return decisions


def _checked(resource: Resource, number: int, record: Any, fields: list[str]) -> Decision:
    if isinstance(record, Unreadable):
        return Decision(number, "invalid", errors=[str(record)])
    if not isinstance(record, Mapping):
        return Decision(
            number,
            "invalid",
            errors=[f"A record must be an object of fields, not {type(record).__name__}."],
        )
    payload, refused = checked_fields(resource, record)
    key = {name: payload.get(name) for name in fields}
    decision = Decision(number, "find", key=key, payload=payload)
    decision.errors = [str(error) for _, error in refused]
    decision.fields = [name for name, _ in refused]
    for name in fields:
        if name not in decision.fields and key[name] in (None, ""):
            decision.errors.append(f"The key field {name} has no value in this record.")
            decision.fields.append(name)
    if not decision.errors:
        try:  # a resource with a date window needs the record's day to find it exactly
            check_plan(resource, fields, payload)
        except MinimaxConfigurationError as error:
            decision.errors.append(str(error))
            decision.fields += [name for name in (resource.window_field,) if name]
    if decision.errors:
        decision.action, decision.payload = "invalid", {}
    return decision


# -- finding them in Minimax ------------------------------------------------------------------


def _existing(
    client: MinimaxClient, plan: SyncPlan, pending: list[Decision], max_workers: int
) -> list[Record | None]:
    """For each pending record, the existing one (a list row or the full record) or None."""
    upserting = plan.mode == "upsert"
    given: set[str] = set().union(*(decision.payload for decision in pending))
    index = read_key_index(
        client,
        plan.path,
        plan.resource,
        plan.organisation_id,
        plan.key,
        len(pending),
        given if upserting else set(),
        max_workers,
    )
    if index is None:
        plan.index = "lookups"
        return _lookups(client, plan, pending, max_workers)
    plan.index, plan.pages = "list", index.pages
    found: list[Record | None] = [_in_index(index, decision, plan.key) for decision in pending]
    # A list row lacks some fields of the full record: where the source gives one of them,
    # the record is read in full to compare (one call, as its lookup would have been).
    unread = [
        number
        for number, (decision, row) in enumerate(zip(pending, found, strict=True))
        if upserting and row is not None and not set(decision.payload) <= set(row)
    ]
    if unread:
        id_field = plan.resource.id_field or ""
        calls_fit(client, len(unread), f"Reading {len(unread)} {plan.path} records to compare")
        with client.budget.reserve(plan.organisation_id, len(unread), f"sync of {plan.path}"):
            full = run_each(
                max_workers,
                lambda row: client.get(
                    plan.path, row[id_field], organisation_id=plan.organisation_id
                ),
                [found[number] or {} for number in unread],
            )
        for number, record in zip(unread, full, strict=True):
            found[number] = record
    return found


def _in_index(index: KeyIndex, decision: Decision, fields: list[str]) -> Record | None:
    """The one row of the index with the record's key, None when there is none; several are
    the record made invalid (which of them is meant cannot be told)."""
    rows = index.rows_with(decision.key, fields)
    if len(rows) > 1:
        _not_unique(decision, fields, [row.get(index.id_field) for row in rows])
        return None
    return rows[0] if rows else None


def _lookups(
    client: MinimaxClient, plan: SyncPlan, pending: list[Decision], max_workers: int
) -> list[Record | None]:
    def find(decision: Decision) -> Record | None:
        try:
            return find_record(
                client,
                plan.path,
                decision.key,
                organisation_id=plan.organisation_id,
                payload=decision.payload,
            )
        except MinimaxConfigurationError as error:  # not unique, or too many candidates
            decision.action, decision.errors, decision.fields = "invalid", [str(error)], plan.key
            return None

    calls_fit(client, len(pending), f"Looking up {len(pending)} {plan.path} records")
    with client.budget.reserve(plan.organisation_id, len(pending), f"sync of {plan.path}"):
        return run_each(max_workers, find, pending)


def _not_unique(decision: Decision, fields: list[str], ids: list[Any]) -> None:
    decision.action, decision.fields = "invalid", list(fields)
    decision.errors = [
        f"The key {decision.key} is not unique in Minimax: records "
        f"{', '.join(str(i) for i in ids)} have it. Key on fields that identify one record."
    ]


def _decide(plan: SyncPlan, decision: Decision, existing: Record | None) -> None:
    if decision.action != "find":  # made invalid while it was looked for
        decision.payload = {}
        return
    if existing is None:
        decision.action = "create"
        return
    id_field = plan.resource.id_field
    decision.record_id = existing.get(id_field) if id_field else None
    decision.row_version = existing.get("RowVersion")
    if plan.mode == "upsert":
        decision.changes = {
            name: value
            for name, value in decision.payload.items()
            if name not in plan.key
            and name != id_field
            and name not in _NEVER_COMPARED
            and not same_fields(value, existing.get(name))
        }
    decision.action = "update" if decision.changes else "unchanged"


def run_each(max_workers: int, function: Callable[[T], R], items: Sequence[T]) -> list[R]:
    """`function` of each item, `max_workers` at a time, the results in the items' order."""
    if max_workers <= 1 or len(items) <= 1:
        return [function(item) for item in items]
    with ThreadPoolExecutor(max_workers, thread_name_prefix="minimax-sync") as pool:
        return list(pool.map(function, items))
