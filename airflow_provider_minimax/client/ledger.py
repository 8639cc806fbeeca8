"""The call ledger's contract: where every API call to an organisation is counted.

A ledger stores, per key (an organisation of a service, or a login for calls outside one):
calls in buckets of one minute (token requests apart), open reservations of calls, and a
"blocked until" the service announced. It knows no policy: budget.py decides, inside one
`transaction(key)`, what fits. A transaction is atomic against every other holder of the same
key that shares the store (threads, processes, machines, as far as the store reaches), which is
what makes check-and-count exact: nobody can count a call between our sum and our add.

Stores: memoryledger.MemoryLedger (this process), localledger.LocalLedger (SQLite in the user's
cache folder: every process of a machine), sqlledger.SqlLedger (any DB-API database: every
worker).
"""

from __future__ import annotations

import hashlib
import urllib.parse
from collections.abc import Iterator
from contextlib import AbstractContextManager
from dataclasses import dataclass
from typing import Protocol

MINUTE = 60
RESERVATION_IDLE = 600.0  # seconds: a reservation nobody spent from this long is a dead task's
KEEP_MINUTES = 45 * 24 * 60  # buckets older than any month or window are pruned
MONTH_MINUTES = 31 * 24 * 60  # a month's total is pruned this long after its buckets may be


@dataclass
class Held:
    """One open reservation: `calls` set aside by `holder`, `spent` of them used so far."""

    id: str
    holder: str
    calls: int
    spent: int
    purpose: str
    expires_at: float  # epoch seconds: last activity + RESERVATION_IDLE

    @property
    def left(self) -> int:
        return max(self.calls - self.spent, 0)


class LedgerTx(Protocol):
    """What a transaction on one key may read and write (the key is locked for its duration)."""

    def calls_since(self, minute: int) -> int:
        """Calls counted in buckets from `minute` (epoch minutes) on."""
        ...

    def buckets_since(self, minute: int) -> list[tuple[int, int]]:
        """(minute, calls) of the non-empty buckets from `minute` on, oldest first."""
        ...

    def add(
        self, minute: int, calls: int = 0, token_requests: int = 0, month: int | None = None
    ) -> None:
        """Count in the minute's bucket, and the calls in the total of `month` (the epoch
        minute the organisation's month began) too."""
        ...

    def counts(self, minute: int, month: int) -> tuple[int, int, float | None]:
        """(calls since `minute`, calls of `month`, blocked until): what every check reads,
        in one read (one round trip to a database instead of three)."""
        ...

    def calls_in_month(self, month: int) -> int:
        """The calls of the month that began at epoch minute `month`: one row, not a sum over
        the month's buckets (up to 44,640 of them, read before every call otherwise)."""
        ...

    def held(self) -> list[Held]:
        """Every reservation row of the key, expired ones included (the caller prunes)."""
        ...

    def put_held(self, held: Held) -> None: ...

    def update_held(self, held: Held) -> None:
        """Store `spent` and `expires_at` of an existing reservation."""
        ...

    def drop_held(self, ids: list[str]) -> None: ...

    def blocked_until(self) -> float | None: ...

    def block(self, until: float) -> None: ...

    def prune(self, before_minute: int) -> None:
        """Forget buckets older than `before_minute`."""
        ...


class Ledger(Protocol):
    """A store of call counts; `description` says where, for messages ("local /…/ledger.sqlite")."""

    description: str

    def transaction(self, key: str) -> AbstractContextManager[LedgerTx]:
        """Lock `key` for a read-and-write that commits as a whole (or not at all on error)."""
        ...

    def close(self) -> None: ...


def service_of(base_url: str) -> str:
    """`https://moj.minimax.si/SI/` -> `moj.minimax.si/SI`: the host[:port] and the country."""
    parts = urllib.parse.urlsplit(base_url)
    segment = parts.path.strip("/").rsplit("/", 1)[-1]
    return f"{parts.netloc.lower().rsplit('@', 1)[-1]}/{segment}".rstrip("/")


def organisation_key(service: str, organisation_id: int) -> str:
    return f"{service}/org/{organisation_id}"


def login_key(service: str, username: str) -> str:
    """Calls outside an organisation (the organisations list), per login; the name hashed,
    so a ledger shared by several teams does not list who logs in."""
    digest = hashlib.sha256(username.encode("utf-8")).hexdigest()[:16]
    return f"{service}/login/{digest}"


def batches(items: list[str], size: int = 100) -> Iterator[list[str]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]
