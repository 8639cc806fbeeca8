"""A reservation of calls: set aside in the ledger for one task, spent by its calls.

While it is open, the client's calls to its organisation consume it (and are counted in the
ledger's buckets as every call is); other holders cannot spend what it sets aside. A task that
dies leaves it behind: it expires ten minutes after its last activity and is then ignored.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from types import TracebackType


class Reservation:
    def __init__(
        self,
        release: Callable[[Reservation], None],
        reservation_id: str,
        organisation_id: int | None,
        key: str,
        calls: int,
        purpose: str,
        expires_at: float,
    ) -> None:
        self._release = release  # the budget's: drops the ledger's row
        self.id = reservation_id
        self.organisation_id = organisation_id
        self.key = key
        self.calls = calls
        self.purpose = purpose
        self.expires_at = expires_at  # epoch seconds; refreshed by each call spent from it
        self.spent = 0
        self.released = calls == 0  # a 0-call reservation holds nothing
        self._lock = threading.Lock()

    @property
    def left(self) -> int:
        return max(self.calls - self.spent, 0)

    def _spent_one(self, expires_at: float) -> None:
        with self._lock:
            self.spent += 1
            self.expires_at = expires_at

    def release(self) -> None:
        """Give back what was not spent (once; later calls do nothing)."""
        with self._lock:
            if self.released:
                return
            self.released = True
        self._release(self)

    def __enter__(self) -> Reservation:
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        trace: TracebackType | None,
    ) -> None:
        self.release()

    def __repr__(self) -> str:
        return (
            f"Reservation({self.key!r}, calls={self.calls}, spent={self.spent}, "
            f"purpose={self.purpose!r}, released={self.released})"
        )
