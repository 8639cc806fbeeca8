"""What the budget reports: the state of one key, and the numbers a decision is made from."""

from __future__ import annotations

import datetime
from dataclasses import asdict, dataclass
from typing import Any

from . import budgetwords as words
from .ledger import Held


@dataclass(frozen=True)
class BudgetState:
    """The budget of one key as the ledger sees it now (reading it makes no API call)."""

    organisation_id: int | None
    key: str
    used_window: int
    used_month: int
    reserved_by_others: int
    daily_budget: int
    monthly_budget: int
    reserve: int
    window_seconds: int
    available: int  # calls this connection may still make now
    frees_at: datetime.datetime | None  # when the next call frees up; None while available > 0
    blocked_until: datetime.datetime | None  # the service said the limit is spent until then
    store: str

    def as_dict(self) -> dict[str, Any]:
        data = asdict(self)
        for name in ("frees_at", "blocked_until"):
            data[name] = data[name].isoformat() if data[name] else None
        return data

    def describe(self) -> str:
        window = words.window_name(self.window_seconds)
        return (
            f"{self.available:,} of {words.whose(self.organisation_id)} {window} budget left "
            f"({self.used_window:,} used, {self.reserve:,} kept in reserve; "
            f"{self.used_month:,} used this month of {self.monthly_budget:,})"
        )


@dataclass(frozen=True)
class Look:
    """The numbers of one key inside a transaction."""

    used_window: int
    used_month: int
    others: list[Held]
    own: list[Held]
    blocked_until: float | None

    @property
    def reserved_by_others(self) -> int:
        return sum(held.left for held in self.others)


def freed_by(events: list[tuple[float, int]], deficit: int, fallback: float) -> float:
    """The moment the calls freed by `events` (time, calls), in order, reach `deficit`."""
    freed = 0
    for moment, calls in events:
        freed += calls
        if freed >= deficit:
            return moment
    return fallback
