"""Carrying out a sync's plan: each record created or updated once, and every outcome kept.

Creates go through create_record with the key as match_on and `absent=True`: the plan has just
proven the record absent (the key index, or an exact lookup), so it is not looked up a second
time; but an answer that is lost is looked up exactly before anything is sent again, as in
create(), so a lost answer never makes a duplicate. Updates go through update_record with only
the fields that differ: it reads the record, merges them, and PUTs with the RowVersion it read,
so another writer's fields survive.

Records run `max_workers` at a time. A record's failure is its outcome, with the server's words;
the run goes on, except after an error that every next call would meet too (a spent budget, a
refused login, a rate limit that outlasted the retries): the records not yet sent are then
reported as not attempted.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from concurrent.futures import FIRST_COMPLETED, Future, ThreadPoolExecutor, wait
from dataclasses import asdict, dataclass, field, replace
from typing import Any

from .client import MinimaxClient
from .create import create_record
from .errors import (
    MinimaxAmbiguousWriteError,
    MinimaxAuthError,
    MinimaxError,
    MinimaxRateLimitError,
)
from .keyindex import calls_fit
from .syncplan import Decision, SyncPlan
from .update import update_record

OUTCOMES = ("created", "updated", "unchanged", "duplicate", "invalid", "failed")
FAILURES = ("invalid", "failed")


@dataclass
class Outcome:
    """What became of one record: a line of the results file (docs/sync.md)."""

    record: int  # its place in the source, from 1
    outcome: str  # OUTCOMES; a dry run's plan says create / update / unchanged / … instead
    key: dict[str, Any]
    id: int | None = None
    location: str | None = None
    row_version: str | None = None
    changes: list[str] = field(default_factory=list)  # the fields an update sets
    error: str | None = None  # the provider's text, with the server's own words
    error_type: str | None = None
    status: int | None = None
    server_message: str | None = None
    fields: list[str] = field(default_factory=list)  # the fields an error names
    retry_may_help: bool | None = None
    same_as: int | None = None  # a duplicate: the record written for it

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(frozen=True)
class Progress:
    done: int
    total: int
    calls: int
    failures: int
    seconds: float
    seconds_left: float | None  # None until a write has finished


@dataclass
class SyncResult:
    outcomes: list[Outcome]
    calls: int
    seconds: float
    stopped: MinimaxError | None = None  # what stopped the run before every record was sent

    def count(self, outcome: str) -> int:
        return sum(item.outcome == outcome for item in self.outcomes)

    @property
    def failures(self) -> list[Outcome]:
        return [item for item in self.outcomes if item.outcome in FAILURES]


def planned_outcomes(client: MinimaxClient, plan: SyncPlan) -> list[Outcome]:
    """A dry run's plan, one line a record: create, update (of `changes`), unchanged, …"""
    return [
        replace(_without_write(client, plan, decision), outcome=decision.action)
        for decision in plan.decisions
    ]


def run_sync(
    client: MinimaxClient,
    plan: SyncPlan,
    *,
    max_workers: int = 1,
    progress: Callable[[Progress], None] | None = None,
    every: float = 10.0,
    clock: Callable[[], float] = time.monotonic,
) -> SyncResult:
    """Write what the plan says; every record's outcome, in the source's order."""
    started, calls_before = clock(), client.stats.api_calls
    calls_fit(client, plan.write_calls, f"The sync of {plan.path}")
    outcomes: dict[int, Outcome] = {}
    writes = [d for d in plan.decisions if d.action in ("create", "update")]
    for decision in plan.decisions:
        if decision.action not in ("create", "update", "duplicate"):
            outcomes[decision.number] = _without_write(client, plan, decision)
    stopped: list[MinimaxError] = []
    stop = threading.Event()

    def one(decision: Decision) -> Outcome:
        if stop.is_set():
            return _not_attempted(decision, stopped[0])
        try:
            return _write(client, plan, decision)
        except MinimaxError as error:
            cause = _stopping(error)
            if cause is not None:
                stopped.append(cause)  # before the flag: whoever sees it finds the error
                stop.set()
            return _failed(decision, error)

    def report() -> None:
        if progress is None:
            return
        done = sum(1 for d in writes if d.number in outcomes)
        elapsed = clock() - started
        left = elapsed / done * (len(writes) - done) if done else None
        progress(
            Progress(
                done=len(outcomes),
                total=len(plan.decisions) - plan.count("duplicate"),
                calls=client.stats.api_calls - calls_before,
                failures=sum(o.outcome in FAILURES for o in outcomes.values()),
                seconds=elapsed,
                seconds_left=left,
            )
        )

    with ThreadPoolExecutor(max(max_workers, 1), thread_name_prefix="minimax-sync") as pool:
        pending: set[Future[Outcome]] = {pool.submit(one, decision) for decision in writes}
        next_report = started + every
        while pending:
            finished, pending = wait(
                pending, timeout=max(next_report - clock(), 0), return_when=FIRST_COMPLETED
            )
            for future in finished:
                outcome = future.result()
                outcomes[outcome.record] = outcome
            if clock() >= next_report:
                report()
                next_report = clock() + every
    for decision in plan.decisions:
        if decision.action == "duplicate" and decision.same_as is not None:
            first = outcomes[decision.same_as]
            outcomes[decision.number] = replace(
                first, record=decision.number, outcome=_duplicate_of(first), same_as=first.record
            )
    return SyncResult(
        [outcomes[decision.number] for decision in plan.decisions],
        calls=client.stats.api_calls - calls_before,
        seconds=clock() - started,
        stopped=stopped[0] if stopped else None,
    )


def _stopping(error: BaseException | None) -> MinimaxError | None:
    """The error every next call would meet too, if it is this one or its cause (a create
    not read back for a spent budget carries that refusal as its cause)."""
    if error is None or isinstance(error, (MinimaxAuthError, MinimaxRateLimitError)):
        return error
    return _stopping(error.__cause__)


def _duplicate_of(first: Outcome) -> str:
    """A record repeated in the source shares its first one's fate: written once, or failed."""
    return first.outcome if first.outcome in FAILURES else "duplicate"


def _write(client: MinimaxClient, plan: SyncPlan, decision: Decision) -> Outcome:
    org = plan.organisation_id
    if decision.action == "create":
        record = create_record(
            client, plan.path, decision.payload, match_on=plan.key, organisation_id=org, absent=True
        )
        outcome = "created"
    else:
        record = update_record(
            client, plan.path, decision.record_id or 0, decision.changes, organisation_id=org
        )
        outcome = "updated"
    id_field = plan.resource.id_field
    record_id = record.get(id_field) if id_field else None
    return Outcome(
        decision.number,
        outcome,
        decision.key,
        id=record_id,
        location=_location(client, plan, record_id),
        row_version=record.get("RowVersion"),
        changes=list(decision.changes),
    )


def _without_write(client: MinimaxClient, plan: SyncPlan, decision: Decision) -> Outcome:
    """What the plan alone says of a record (all there is to say of one that needs no write)."""
    if decision.action == "invalid":
        return Outcome(
            decision.number,
            "invalid",
            decision.key,
            error="\n".join(decision.errors),
            error_type="invalid",
            fields=list(decision.fields),
            retry_may_help=False,
        )
    return Outcome(
        decision.number,
        decision.action,
        decision.key,
        id=decision.record_id,
        location=_location(client, plan, decision.record_id),
        row_version=decision.row_version,
        changes=list(decision.changes),
        same_as=decision.same_as,
    )


def _failed(decision: Decision, error: MinimaxError) -> Outcome:
    return Outcome(
        decision.number,
        "failed",
        decision.key,
        id=decision.record_id,
        changes=list(decision.changes),
        error=str(error),
        error_type=type(error).__name__,
        status=error.status,
        server_message=error.server_message,
        fields=[problem.field for problem in error.field_errors if problem.field],
        # A create whose outcome is unclear is never sent blindly again; but a sync that runs
        # again plans again and finds it exactly, so for the sync it is a failure a retry cures.
        retry_may_help=error.retry_may_help or isinstance(error, MinimaxAmbiguousWriteError),
    )


def _not_attempted(decision: Decision, cause: MinimaxError) -> Outcome:
    outcome = _failed(decision, cause)
    outcome.error = f"Not sent: the run stopped after {type(cause).__name__}: {cause}"
    outcome.status = outcome.server_message = None
    return outcome


def _location(client: MinimaxClient, plan: SyncPlan, record_id: Any) -> str | None:
    if record_id in (None, ""):
        return None
    return client.record_url(plan.path, record_id, organisation_id=plan.organisation_id)
