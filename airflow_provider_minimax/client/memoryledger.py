"""The call ledger of one process: exact for its threads, blind to every other process.

The fallback when a shared store fails, and the store of tests that want no file.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field, replace

from .ledger import MONTH_MINUTES, Held


@dataclass
class _Key:
    buckets: dict[int, list[int]] = field(default_factory=dict)  # minute -> [calls, tokens]
    months: dict[int, int] = field(default_factory=dict)  # month's first minute -> calls
    held: dict[str, Held] = field(default_factory=dict)
    blocked_until: float | None = None


class _MemoryTx:
    def __init__(self, state: _Key) -> None:
        self.state = state

    def calls_since(self, minute: int) -> int:
        return sum(calls for m, (calls, _) in self.state.buckets.items() if m >= minute)

    def buckets_since(self, minute: int) -> list[tuple[int, int]]:
        return sorted(
            (m, calls) for m, (calls, _) in self.state.buckets.items() if m >= minute and calls
        )

    def add(
        self, minute: int, calls: int = 0, token_requests: int = 0, month: int | None = None
    ) -> None:
        bucket = self.state.buckets.setdefault(minute, [0, 0])
        bucket[0] += calls
        bucket[1] += token_requests
        if month is not None and calls:
            self.state.months[month] = self.state.months.get(month, 0) + calls

    def counts(self, minute: int, month: int) -> tuple[int, int, float | None]:
        return self.calls_since(minute), self.calls_in_month(month), self.state.blocked_until

    def calls_in_month(self, month: int) -> int:
        return self.state.months.get(month, 0)

    def held(self) -> list[Held]:
        return [replace(held) for held in self.state.held.values()]  # copies, as a database gives

    def put_held(self, held: Held) -> None:
        self.state.held[held.id] = replace(held)

    def update_held(self, held: Held) -> None:
        if held.id in self.state.held:
            self.state.held[held.id] = replace(held)

    def drop_held(self, ids: list[str]) -> None:
        for reservation_id in ids:
            self.state.held.pop(reservation_id, None)

    def blocked_until(self) -> float | None:
        return self.state.blocked_until

    def block(self, until: float) -> None:
        self.state.blocked_until = until

    def prune(self, before_minute: int) -> None:
        for minute in [m for m in self.state.buckets if m < before_minute]:
            del self.state.buckets[minute]
        for month in [m for m in self.state.months if m < before_minute - MONTH_MINUTES]:
            del self.state.months[month]


class MemoryLedger:
    """Counts in a dict under one lock; a failed transaction's changes are kept (no rollback is
    needed: the policy writes only after it has decided)."""

    def __init__(self, description: str = "in-process") -> None:
        self.description = description
        self._keys: dict[str, _Key] = {}
        self._lock = threading.Lock()

    @contextmanager
    def transaction(self, key: str) -> Iterator[_MemoryTx]:
        with self._lock:
            yield _MemoryTx(self._keys.setdefault(key, _Key()))

    def close(self) -> None:
        pass
