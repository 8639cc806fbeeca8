"""What the budget tests share: a clock that time passes on, and reading the ledger's file."""

from __future__ import annotations

import datetime
import sqlite3
from pathlib import Path

ORG = 123


class Clock:
    """Epoch seconds that move only when a test says so."""

    def __init__(self, start: datetime.datetime) -> None:
        self.now = start.timestamp()

    def __call__(self) -> float:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += seconds


def ledger_sums(folder: Path) -> tuple[int, int]:
    """(calls, token requests) in a local ledger's file, every key."""
    with sqlite3.connect(folder / "ledger.sqlite") as connection:
        row = connection.execute(
            "SELECT SUM(calls), SUM(token_requests) FROM minimax_ledger_calls"
        ).fetchone()
    return int(row[0] or 0), int(row[1] or 0)
