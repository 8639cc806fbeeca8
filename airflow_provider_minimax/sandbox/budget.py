"""The organisation's request budget: calls per rolling window and per calendar month.

Minimax publishes about 1,000 requests per organisation per rolling 24 hours and 20,000 per
month, shared with the web app (reference.md, "Limits"). The sandbox counts every API request to
an organisation (and what `spend_elsewhere` says the web app spent) against both limits, and
refuses the one over either. How the service refuses it is not published, so it is a switch
(`budget_answer`): "429" with the seconds until a call is allowed again in `Retry-After` (until
enough calls leave the window, or until the month turns), or "message": a 400 whose words
(Slovenian, then English, as the service words its own messages) are all a client gets, with no
hint of when to come back. A refused call is not counted: it did no work.

Which month a call falls in is the organisation's wall-clock month (Europe/Ljubljana for an SI
organisation): the limit is a business rule of a Slovenian, Croatian or Serbian service, not UTC's.
The clock is the wall clock plus `settings.clock_offset`, so tests can step over a month's end.
"""

from __future__ import annotations

import collections
import datetime
import math
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any
from zoneinfo import ZoneInfo

from .errors import ApiError
from .settings import Settings

TIME_ZONES = {"SI": "Europe/Ljubljana", "HR": "Europe/Zagreb", "RS": "Europe/Belgrade"}


@dataclass
class _Ledger:
    """One organisation's counted calls."""

    # (time, calls) oldest first: the web app's spending arrives as one entry of many calls.
    window: collections.deque[list[float]] = field(default_factory=collections.deque)
    in_window: int = 0
    month: tuple[int, int] = (0, 0)  # (year, month) of `in_month`, in the organisation's zone
    in_month: int = 0


class RequestBudget:
    """Calls per organisation in the last `settings.budget_window` seconds and this month."""

    def __init__(self, settings: Settings, clock: Callable[[], float] = time.time) -> None:
        # The settings are read at each call: PATCH /_sandbox/settings changes them at run time.
        self.settings = settings
        self.clock = clock
        self._ledgers: dict[int, _Ledger] = {}
        # One lock for check-and-count: concurrent callers must not both take the last call.
        self._lock = threading.Lock()

    def now(self) -> float:
        return self.clock() + self.settings.clock_offset

    def spend(self, organisation_id: int) -> None:
        """Count one API call, or raise the over-limit answer when either limit is reached."""
        now = self.now()
        with self._lock:
            ledger = self._current(organisation_id, now)
            monthly = self.settings.monthly_budget
            if monthly is not None and ledger.in_month >= monthly:
                self._refuse_month(monthly, now)
            limit = self.settings.request_budget
            if limit is not None and ledger.in_window >= limit:
                self._refuse_window(ledger, limit, now)
            _count(ledger, now, 1)

    def spend_elsewhere(self, organisation_id: int, calls: int) -> None:
        """Count calls the web app made: the same budget, but never refused here (the sandbox
        serves no web app to refuse; they only leave less for the API)."""
        if calls < 0:
            raise ValueError(f"calls must be 0 or more, not {calls}")
        now = self.now()
        with self._lock:
            _count(self._current(organisation_id, now), now, calls)

    def report(self, organisation_id: int) -> dict[str, Any]:
        """What is spent: calls in the window and this month, the limits, when a call frees."""
        now = self.now()
        with self._lock:
            ledger = self._current(organisation_id, now)
            oldest = ledger.window[0][0] if ledger.window else None
            return {
                "window": ledger.in_window,
                "month": ledger.in_month,
                "limit": self.settings.request_budget,
                "monthly_limit": self.settings.monthly_budget,
                "window_seconds": self.settings.budget_window,
                "frees_in": (
                    None
                    if oldest is None
                    else round(max(0.0, oldest + self.settings.budget_window - now), 3)
                ),
            }

    def reset(self) -> None:
        with self._lock:
            self._ledgers.clear()

    def _current(self, organisation_id: int, now: float) -> _Ledger:
        """The organisation's ledger with calls older than the window, and past months, gone."""
        ledger = self._ledgers.setdefault(organisation_id, _Ledger())
        window = self.settings.budget_window
        while ledger.window and ledger.window[0][0] <= now - window:
            ledger.in_window -= int(ledger.window.popleft()[1])
        month = _local(now, self.settings.country).timetuple()[:2]
        if month != ledger.month:
            ledger.month, ledger.in_month = (month[0], month[1]), 0
        return ledger

    def _refuse_window(self, ledger: _Ledger, limit: int, now: float) -> None:
        window = self.settings.budget_window
        # The wait until enough calls have left for one more (one, unless the web app spent
        # past the limit): the entry whose leaving brings the count under the limit.
        remaining = ledger.in_window
        frees_at = now + window
        for when, calls in ledger.window:
            remaining -= int(calls)
            if remaining < limit:
                frees_at = when + window
                break
        if self.settings.budget_answer == "message":
            raise ApiError(400, over_limit_message(limit, window))
        raise ApiError(
            429,
            f"API request limit of {limit} calls per organisation exceeded.",
            retry_after=max(1, math.ceil(frees_at - now)),
        )

    def _refuse_month(self, limit: int, now: float) -> None:
        if self.settings.budget_answer == "message":
            raise ApiError(400, over_monthly_limit_message(limit))
        turns = month_turns_at(now, self.settings.country)
        raise ApiError(
            429,
            f"API request limit of {limit} calls per organisation per month exceeded.",
            retry_after=max(1, math.ceil(turns - now)),
        )


def _count(ledger: _Ledger, now: float, calls: int) -> None:
    if calls == 0:
        return
    if ledger.window and ledger.window[-1][0] == now:
        ledger.window[-1][1] += calls  # same instant: one entry (the deque stays short)
    else:
        ledger.window.append([now, calls])
    ledger.in_window += calls
    ledger.in_month += calls


def _local(moment: float, country: str) -> datetime.datetime:
    return datetime.datetime.fromtimestamp(moment, ZoneInfo(TIME_ZONES[country]))


def month_turns_at(moment: float, country: str) -> float:
    """The instant (epoch seconds) the organisation's next calendar month begins."""
    local = _local(moment, country)
    year, month = (local.year + 1, 1) if local.month == 12 else (local.year, local.month + 1)
    start = datetime.datetime(year, month, 1, tzinfo=ZoneInfo(TIME_ZONES[country]))
    return start.timestamp()


def over_limit_message(limit: int, window: int) -> str:
    """The words of the "message" answer: the sandbox's guess, documented in docs/fidelity.md."""
    hours = f"{window / 3600:g}"
    return (
        f"Presežena je omejitev števila klicev API ({limit} klicev na organizacijo v {hours} h). "
        f"API call limit exceeded ({limit} calls per organisation in {hours} h)."
    )


def over_monthly_limit_message(limit: int) -> str:
    """The month's "message" answer, worded like the window's (also a guess)."""
    return (
        f"Presežena je mesečna omejitev števila klicev API ({limit} klicev na organizacijo "
        f"na mesec). Monthly API call limit exceeded ({limit} calls per organisation per month)."
    )
