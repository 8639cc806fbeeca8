"""The call ledger of one machine: SQLite in the user's cache folder, shared by every process.

WAL lets readers go on while one process writes; BEGIN IMMEDIATE takes the write lock before
the sums are read, so two processes cannot both admit the last call; the busy timeout makes the
others wait their turn instead of failing. synchronous=NORMAL: a commit is not flushed to disk
each time (a power cut may lose the last calls' counts, never corrupt the file), which keeps a
call's cost well under a millisecond.
"""

from __future__ import annotations

import os
import sqlite3
from pathlib import Path
from typing import Any

from .sqlledger import SqlLedger

BUSY_TIMEOUT = 30.0  # seconds another process may hold the ledger before we give up


def default_ledger_dir() -> Path:
    """$XDG_CACHE_HOME (or ~/.cache)/airflow-provider-minimax/ledger."""
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "airflow-provider-minimax" / "ledger"


class LocalLedger(SqlLedger):
    def __init__(self, directory: Path | None = None) -> None:
        folder = Path(directory) if directory is not None else default_ledger_dir()
        self.path = folder / "ledger.sqlite"
        super().__init__(self._connect_file, placeholder="?", name=str(self.path))
        self.description = f"local {self.path}"

    def _connect_file(self) -> Any:
        self.path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        # isolation_level=None: we say BEGIN IMMEDIATE ourselves; check_same_thread=False: one
        # connection per client, its threads taking turns under the ledger's lock.
        connection = sqlite3.connect(
            self.path, timeout=BUSY_TIMEOUT, isolation_level=None, check_same_thread=False
        )
        try:
            connection.execute("PRAGMA journal_mode=WAL")
            connection.execute("PRAGMA synchronous=NORMAL")
            connection.execute(f"PRAGMA busy_timeout={int(BUSY_TIMEOUT * 1000)}")
        except BaseException:
            connection.close()
            raise
        return connection

    def begin(self, cursor: Any) -> None:
        cursor.execute("BEGIN IMMEDIATE")
