"""The organisation's API budget: every call counted in a ledger, and refused before it is sent
when it does not fit.

Minimax allows about 1,000 requests per organisation per rolling 24 hours and 20,000 per month,
shared with its web app (reference.md, "Limits"). A connection may spend `daily_budget -
reserve` calls in the window and `monthly_budget - reserve` in the calendar month (in the
organisation's time zone), less what other holders have reserved and not yet spent. Each check
and count happens in one ledger transaction (ledger.py), so holders sharing a ledger can never
admit more between them than the budget.

Buckets are whole minutes: a bucket counts while any part of it is inside the window, so the
ledger errs by at most a minute on the safe side.
"""

from __future__ import annotations

import datetime
import logging
import threading
import time
import uuid
from collections.abc import Callable
from typing import Any, TypeVar

from . import budgetwords as words
from .budgetstate import BudgetState, Look, freed_by
from .config import ClientConfig
from .errors import MinimaxBudgetExhaustedError, MinimaxConfigurationError, MinimaxPlanTooLargeError
from .ledger import (
    KEEP_MINUTES,
    MINUTE,
    RESERVATION_IDLE,
    Held,
    Ledger,
    LedgerTx,
    login_key,
    organisation_key,
    service_of,
)
from .localledger import LocalLedger
from .memoryledger import MemoryLedger
from .reservation import Reservation
from .windows import zone_of

log = logging.getLogger("airflow_provider_minimax.client")

T = TypeVar("T")


class Budget:
    """The client's view of its organisations' budgets; thread safe (one per client)."""

    def __init__(
        self,
        config: ClientConfig,
        ledger: Ledger | None = None,
        *,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self.config = config
        self.service = service_of(config.base_url)
        self.holder = uuid.uuid4().hex  # this client, among the ledger's holders
        self.clock = clock
        self._zone = zone_of(config.country)
        self._lock = threading.Lock()
        self._reservations: dict[str, Reservation] = {}
        self._failed = False
        self.ledger: Ledger = self._first_ledger(ledger)

    # -- keys ---------------------------------------------------------------------------------

    def key(self, organisation_id: int | None) -> str:
        if organisation_id is None:
            return login_key(self.service, self.config.credentials.username)
        return organisation_key(self.service, organisation_id)

    def _org(self, organisation_id: int | None) -> int | None:
        return organisation_id if organisation_id is not None else self.config.organisation_id

    # -- what callers ask ---------------------------------------------------------------------

    def state(self, organisation_id: int | None = None) -> BudgetState:
        org = self._org(organisation_id)
        now = self.clock()
        look, frees = self._run(org, lambda tx: self._state_in(tx, now))
        return BudgetState(
            organisation_id=org,
            key=self.key(org),
            used_window=look.used_window,
            used_month=look.used_month,
            reserved_by_others=look.reserved_by_others,
            daily_budget=self.config.daily_budget,
            monthly_budget=self.config.monthly_budget,
            reserve=self.config.reserve,
            window_seconds=self.config.budget_window,
            available=self._fits(look),
            frees_at=words.utc(frees) if frees is not None else None,
            blocked_until=words.utc(look.blocked_until)
            if look.blocked_until is not None and look.blocked_until > now
            else None,
            store=self.ledger.description,
        )

    def available_at(
        self, needed: int, organisation_id: int | None = None
    ) -> datetime.datetime | None:
        """When `needed` calls fit (None: now)."""
        self._never_fits(needed, self._org(organisation_id), "These calls")
        now = self.clock()
        moment = self._run(
            self._org(organisation_id), lambda tx: self._when(tx, self._look(tx, now), needed, now)
        )
        return None if moment <= now else words.utc(moment)

    def reserve(self, organisation_id: int | None, calls: int, purpose: str) -> Reservation:
        """Set `calls` aside for this client, atomically with every other holder."""
        org = self._org(organisation_id)
        key = self.key(org)
        if calls <= 0:
            return Reservation(self._release, "", org, key, 0, purpose, 0.0)
        self._never_fits(calls, org, purpose)
        now = self.clock()
        held = Held(uuid.uuid4().hex, self.holder, calls, 0, purpose, now + RESERVATION_IDLE)

        def work(tx: LedgerTx) -> MinimaxBudgetExhaustedError | None:
            look = self._look(tx, now)
            # Our own open reservations count too: two of ours must not overlap either.
            fits = self._fits(look) - sum(h.left for h in look.own)
            if not self._blocked(look, now) and calls <= fits:
                tx.put_held(held)
                return None
            return self._refusal(tx, look, org, calls, max(fits, 0), now, purpose)

        refused = self._run(org, work)
        if refused is not None:
            raise refused
        reservation = Reservation(self._release, held.id, org, key, calls, purpose, held.expires_at)
        with self._lock:
            self._reservations[held.id] = reservation
        log.info("Minimax budget: %d calls of %s reserved for %s", calls, key, purpose)
        return reservation

    # -- what the transport asks ----------------------------------------------------------------

    def take(self, organisation_id: int | None) -> None:
        """Count one call about to be sent, or raise MinimaxBudgetExhaustedError (none sent)."""
        now = self.clock()

        def work(tx: LedgerTx) -> str | MinimaxBudgetExhaustedError | None:
            look = self._look(tx, now)
            if self._blocked(look, now):
                return self._refusal(tx, look, organisation_id, 1, 0, now)
            minute = int(now // MINUTE)
            if look.own:  # a call of ours under a reservation: set aside already
                held = look.own[0]
                held.spent += 1
                held.expires_at = now + RESERVATION_IDLE
                tx.update_held(held)
                tx.add(minute, calls=1, month=self._month_of(now))
                return held.id
            fits = self._fits(look)
            if fits < 1:
                return self._refusal(tx, look, organisation_id, 1, 0, now)
            tx.add(minute, calls=1, month=self._month_of(now))
            if minute % 64 == 0:  # now and then, forget what no window or month can need
                tx.prune(minute - KEEP_MINUTES)
            return None

        outcome = self._run(organisation_id, work)
        if isinstance(outcome, MinimaxBudgetExhaustedError):
            raise outcome
        if outcome is not None:
            with self._lock:
                reservation = self._reservations.get(outcome)
            if reservation is not None:
                reservation._spent_one(now + RESERVATION_IDLE)

    def record_token(self) -> None:
        """A token request: counted apart, under the login, never against the budget."""
        now = self.clock()
        self._run(None, lambda tx: tx.add(int(now // MINUTE), token_requests=1))

    def refused_by_service(
        self, organisation_id: int | None, retry_after: float | None, **context: Any
    ) -> MinimaxBudgetExhaustedError:
        """The service said the limit is spent: remember until when, for every holder."""
        now = self.clock()

        def work(tx: LedgerTx) -> float:
            if retry_after is not None:
                until = now + retry_after
            else:  # no hint: when our oldest counted call leaves the window, else a guess
                buckets = tx.buckets_since(self._window_first(now))
                until = (
                    (buckets[0][0] + 1) * MINUTE + self.config.budget_window
                    if buckets
                    else now + self.config.budget_window / 24
                )
            until = max(until, tx.blocked_until() or 0.0)
            tx.block(until)
            return until

        until = self._run(organisation_id, work)
        message = words.refused_by_service(
            organisation_id=organisation_id,
            status=context.get("status") or 0,
            words=context.get("server_message") or "",
            available_at=until,
            now=now,
        )
        return MinimaxBudgetExhaustedError(
            message,
            available_at=words.utc(until),
            organisation_id=organisation_id,
            retry_after=until - now,
            **context,
        )

    # -- reservations ----------------------------------------------------------------------------

    def _release(self, reservation: Reservation) -> None:
        with self._lock:
            self._reservations.pop(reservation.id, None)
        self._run(reservation.organisation_id, lambda tx: tx.drop_held([reservation.id]))

    # -- the policy ------------------------------------------------------------------------------

    def _window_first(self, now: float) -> int:
        """The first minute bucket with a part inside the window (now - window, now]."""
        return int((now - self.config.budget_window) // MINUTE)

    def _month_bounds(self, now: float) -> tuple[float, float]:
        local = datetime.datetime.fromtimestamp(now, self._zone)
        start = local.replace(day=1, hour=0, minute=0, second=0, microsecond=0)
        following = (start + datetime.timedelta(days=32)).replace(day=1)
        return start.timestamp(), following.timestamp()

    def _month_of(self, now: float) -> int:
        """The month a call made `now` counts in: the epoch minute the month began."""
        return int(-(-self._month_bounds(now)[0] // MINUTE))

    def _look(self, tx: LedgerTx, now: float) -> Look:
        held = tx.held()
        expired = [h.id for h in held if h.expires_at <= now]
        if expired:
            tx.drop_held(expired)  # a task that died: its calls go back to everyone
        live = [h for h in held if h.expires_at > now]
        used_window, used_month, blocked_until = tx.counts(
            self._window_first(now), self._month_of(now)
        )
        return Look(
            used_window=used_window,
            used_month=used_month,
            others=[h for h in live if h.holder != self.holder],
            own=[h for h in live if h.holder == self.holder and h.left > 0],
            blocked_until=blocked_until,
        )

    def _fits(self, look: Look) -> int:
        """Calls this connection may make now (its own reservations' calls among them)."""
        others = look.reserved_by_others
        window = self.config.daily_budget - self.config.reserve - look.used_window - others
        month = self.config.monthly_budget - self.config.reserve - look.used_month - others
        return max(0, min(window, month))

    @staticmethod
    def _blocked(look: Look, now: float) -> bool:
        return look.blocked_until is not None and look.blocked_until > now

    def _state_in(self, tx: LedgerTx, now: float) -> tuple[Look, float | None]:
        look = self._look(tx, now)
        if self._blocked(look, now):
            return look, look.blocked_until
        return look, (self._when(tx, look, 1, now) if self._fits(look) < 1 else None)

    def _when(self, tx: LedgerTx, look: Look, needed: int, now: float) -> float:
        """The earliest moment `needed` calls fit: calls leaving the window, others'
        reservations expiring, the month turning; and not before the service's block ends."""
        others = look.reserved_by_others
        window_allowed = self.config.daily_budget - self.config.reserve
        month_allowed = self.config.monthly_budget - self.config.reserve
        expiries = [(h.expires_at, h.left) for h in look.others if h.left]
        at = now
        deficit = look.used_window + others + needed - window_allowed
        if deficit > 0:
            leaving = [
                ((minute + 1) * MINUTE + self.config.budget_window, calls)
                for minute, calls in tx.buckets_since(self._window_first(now))
            ]
            at = max(at, freed_by(sorted(leaving + expiries), deficit, now))
        deficit = look.used_month + others + needed - month_allowed
        if deficit > 0:
            _, month_end = self._month_bounds(now)
            at = max(at, min(freed_by(sorted(expiries), deficit, month_end), month_end))
        if look.blocked_until is not None:
            at = max(at, look.blocked_until)
        return at

    def _refusal(
        self,
        tx: LedgerTx,
        look: Look,
        organisation_id: int | None,
        needed: int,
        available: int,
        now: float,
        what: str = "",
    ) -> MinimaxBudgetExhaustedError:
        at = self._when(tx, look, needed, now)
        message = words.over_budget(
            organisation_id=organisation_id,
            needed=needed,
            available=available,
            used_window=look.used_window,
            used_month=look.used_month,
            reserved_by_others=look.reserved_by_others,
            daily_budget=self.config.daily_budget,
            monthly_budget=self.config.monthly_budget,
            reserve=self.config.reserve,
            window_seconds=self.config.budget_window,
            available_at=at,
            now=now,
            blocked=self._blocked(look, now),
            what=what,
        )
        return MinimaxBudgetExhaustedError(
            message,
            available_at=words.utc(at),
            organisation_id=organisation_id,
            needed=needed,
            available=available,
            retry_after=max(at - now, 0.0),
        )

    def _never_fits(self, calls: int, organisation_id: int | None, purpose: str) -> None:
        for budget in ("daily_budget", "monthly_budget"):
            allowed = getattr(self.config, budget) - self.config.reserve
            if calls > allowed:
                raise MinimaxPlanTooLargeError(
                    f"{purpose} needs {calls:,} API calls, more than {words.whose(organisation_id)}"
                    f" {budget} of {getattr(self.config, budget):,} less reserve "
                    f"{self.config.reserve:,} allows ({allowed:,}); nothing was sent. Split it "
                    "into smaller runs (a shorter window, narrower filters, no detail), or raise "
                    f"{budget} in the connection's extra if Minimax grants more."
                )

    # -- the store, and what happens when it fails ----------------------------------------------

    def _first_ledger(self, ledger: Ledger | None) -> Ledger:
        if ledger is not None:
            return ledger
        if self.config.budget_store == "sql":
            raise MinimaxConfigurationError(
                "budget_store is 'sql' but no ledger was given: pass "
                "ledger=SqlLedger(connect=…, placeholder=…) to MinimaxClient (the hook does, "
                "from the connection's ledger settings), or set budget_store to 'local'."
            )
        try:
            return LocalLedger(self.config.ledger_dir)
        except Exception as error:
            return self._fallback(error)

    def _fallback(self, error: Exception) -> Ledger:
        with self._lock:
            if not self._failed:
                self._failed = True
                log.warning(
                    "Minimax call ledger %s failed (%s: %s); counting in this process from now "
                    "on; other workers' calls are not seen",
                    getattr(self, "ledger", None) and self.ledger.description,
                    type(error).__name__,
                    error,
                )
            self.ledger = MemoryLedger(f"in-process (the store failed: {type(error).__name__})")
        return self.ledger

    def _run(self, organisation_id: int | None, work: Callable[[LedgerTx], T]) -> T:
        key = self.key(organisation_id)
        ledger = self.ledger
        try:
            with ledger.transaction(key) as tx:
                return work(tx)
        except Exception as error:
            if isinstance(ledger, MemoryLedger):
                raise
            if ledger is self.ledger:
                self._fallback(error)
            with self.ledger.transaction(key) as tx:
                return work(tx)

    def close(self) -> None:
        try:
            self.ledger.close()
        except Exception as error:
            log.debug("Minimax call ledger did not close cleanly: %s", error)
