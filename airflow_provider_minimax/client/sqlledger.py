"""The call ledger in a database every worker reaches: any DB-API connection (PostgreSQL via
psycopg2, MySQL, SQLite), made by a factory the caller passes (the hook: an Airflow connection's;
this module imports no driver and no Airflow).

Check-and-count must be atomic across machines, and portably so: isolation levels differ, and
SELECT … FOR UPDATE does not exist in SQLite. Every transaction on a key therefore starts with
an UPDATE of that key's own row in the keys table. That UPDATE takes the row lock in PostgreSQL
and MySQL (held until commit) and the database's write lock in SQLite, so a second holder of
the same key waits at its own UPDATE until we commit, and only then sums what we added. Under
that lock the minute's bucket is updated, or inserted when missing (no one else can insert it
meanwhile), and reservations are read and written. Other keys are not blocked (except in
SQLite, which has one writer at a time anyway). The key row itself is inserted beforehand, in
a transaction of its own, tolerating another worker inserting it at the same moment.
"""

from __future__ import annotations

import contextlib
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

from .ledger import MONTH_MINUTES, Held, batches

TABLES = (
    """CREATE TABLE IF NOT EXISTS {p}_keys (
        ledger_key VARCHAR(200) NOT NULL PRIMARY KEY,
        version BIGINT NOT NULL,
        blocked_until DOUBLE PRECISION)""",
    """CREATE TABLE IF NOT EXISTS {p}_calls (
        ledger_key VARCHAR(200) NOT NULL,
        minute BIGINT NOT NULL,
        calls INTEGER NOT NULL,
        token_requests INTEGER NOT NULL,
        PRIMARY KEY (ledger_key, minute))""",
    # A running total per month: the month's sum, read before every call, costs one row
    # instead of up to 44,640 minute buckets (benchmarks/budget_ledger.py measured 1.5 ms).
    """CREATE TABLE IF NOT EXISTS {p}_months (
        ledger_key VARCHAR(200) NOT NULL,
        month BIGINT NOT NULL,
        calls INTEGER NOT NULL,
        PRIMARY KEY (ledger_key, month))""",
    """CREATE TABLE IF NOT EXISTS {p}_reservations (
        id VARCHAR(64) NOT NULL PRIMARY KEY,
        ledger_key VARCHAR(200) NOT NULL,
        holder VARCHAR(64) NOT NULL,
        calls INTEGER NOT NULL,
        spent INTEGER NOT NULL,
        purpose VARCHAR(200) NOT NULL,
        expires_at DOUBLE PRECISION NOT NULL)""",
)


class SqlTx:
    """The statements of one transaction on one key (its row already locked)."""

    def __init__(self, cursor: Any, key: str, sql: Callable[[str], str]) -> None:
        self.cursor = cursor
        self.key = key
        self.sql = sql

    def _run(self, statement: str, *args: Any) -> Any:
        self.cursor.execute(self.sql(statement), args)
        return self.cursor

    def calls_since(self, minute: int) -> int:
        row = self._run(
            "SELECT SUM(calls) FROM {p}_calls WHERE ledger_key = ? AND minute >= ?",
            self.key,
            minute,
        ).fetchone()
        return int(row[0] or 0) if row else 0

    def buckets_since(self, minute: int) -> list[tuple[int, int]]:
        rows = self._run(
            "SELECT minute, calls FROM {p}_calls WHERE ledger_key = ? AND minute >= ? "
            "AND calls > 0 ORDER BY minute",
            self.key,
            minute,
        ).fetchall()
        return [(int(m), int(c)) for m, c in rows]

    def counts(self, minute: int, month: int) -> tuple[int, int, float | None]:
        # Scalar subqueries in one SELECT: every database of the store (PostgreSQL, MySQL,
        # SQLite) takes them, and each statement is a round trip on a real network.
        row = self._run(
            "SELECT (SELECT SUM(calls) FROM {p}_calls WHERE ledger_key = ? AND minute >= ?), "
            "(SELECT calls FROM {p}_months WHERE ledger_key = ? AND month = ?), "
            "(SELECT blocked_until FROM {p}_keys WHERE ledger_key = ?)",
            self.key,
            minute,
            self.key,
            month,
            self.key,
        ).fetchone()
        window, in_month, blocked = row if row else (None, None, None)
        return int(window or 0), int(in_month or 0), None if blocked is None else float(blocked)

    def calls_in_month(self, month: int) -> int:
        row = self._run(
            "SELECT calls FROM {p}_months WHERE ledger_key = ? AND month = ?", self.key, month
        ).fetchone()
        return int(row[0] or 0) if row else 0

    def add(
        self, minute: int, calls: int = 0, token_requests: int = 0, month: int | None = None
    ) -> None:
        if month is not None and calls:
            self._count_month(month, calls)
        updated = self._run(
            "UPDATE {p}_calls SET calls = calls + ?, token_requests = token_requests + ? "
            "WHERE ledger_key = ? AND minute = ?",
            calls,
            token_requests,
            self.key,
            minute,
        ).rowcount
        if updated == 0:  # safe: nobody else adds to this key while we hold its row
            self._run(
                "INSERT INTO {p}_calls (ledger_key, minute, calls, token_requests) "
                "VALUES (?, ?, ?, ?)",
                self.key,
                minute,
                calls,
                token_requests,
            )

    def _count_month(self, month: int, calls: int) -> None:
        updated = self._run(
            "UPDATE {p}_months SET calls = calls + ? WHERE ledger_key = ? AND month = ?",
            calls,
            self.key,
            month,
        ).rowcount
        if updated == 0:  # safe under the key's lock, as the buckets' insert
            self._run(
                "INSERT INTO {p}_months (ledger_key, month, calls) VALUES (?, ?, ?)",
                self.key,
                month,
                calls,
            )

    def held(self) -> list[Held]:
        rows = self._run(
            "SELECT id, holder, calls, spent, purpose, expires_at FROM {p}_reservations "
            "WHERE ledger_key = ?",
            self.key,
        ).fetchall()
        return [Held(str(a), str(b), int(c), int(d), str(e), float(f)) for a, b, c, d, e, f in rows]

    def put_held(self, held: Held) -> None:
        self._run(
            "INSERT INTO {p}_reservations (id, ledger_key, holder, calls, spent, purpose, "
            "expires_at) VALUES (?, ?, ?, ?, ?, ?, ?)",
            held.id,
            self.key,
            held.holder,
            held.calls,
            held.spent,
            held.purpose[:200],
            held.expires_at,
        )

    def update_held(self, held: Held) -> None:
        self._run(
            "UPDATE {p}_reservations SET spent = ?, expires_at = ? WHERE id = ?",
            held.spent,
            held.expires_at,
            held.id,
        )

    def drop_held(self, ids: list[str]) -> None:
        for chunk in batches(ids):
            marks = ", ".join("?" for _ in chunk)
            self._run(f"DELETE FROM {{p}}_reservations WHERE id IN ({marks})", *chunk)

    def blocked_until(self) -> float | None:
        row = self._run(
            "SELECT blocked_until FROM {p}_keys WHERE ledger_key = ?", self.key
        ).fetchone()
        return float(row[0]) if row and row[0] is not None else None

    def block(self, until: float) -> None:
        self._run("UPDATE {p}_keys SET blocked_until = ? WHERE ledger_key = ?", until, self.key)

    def prune(self, before_minute: int) -> None:
        self._run(
            "DELETE FROM {p}_calls WHERE ledger_key = ? AND minute < ?", self.key, before_minute
        )
        self._run(
            "DELETE FROM {p}_months WHERE ledger_key = ? AND month < ?",
            self.key,
            before_minute - MONTH_MINUTES,
        )


class SqlLedger:
    """A ledger in the database `connect()` reaches; one connection, kept open, one transaction
    at a time per ledger (threads take turns: a transaction is a few milliseconds)."""

    def __init__(
        self,
        connect: Callable[[], Any],
        *,
        placeholder: str = "%s",
        name: str = "database",
        table_prefix: str = "minimax_ledger",
    ) -> None:
        if placeholder not in ("%s", "?"):
            raise ValueError(f"placeholder must be '%s' or '?', not {placeholder!r}")
        if not table_prefix.replace("_", "").isalnum():
            raise ValueError(f"table_prefix must be letters, digits and _, not {table_prefix!r}")
        self.description = f"sql {name}"
        self._connect = connect
        self._placeholder = placeholder
        self._prefix = table_prefix
        self._connection: Any = None
        self._known: set[str] = set()
        self._lock = threading.Lock()

    def sql(self, statement: str) -> str:
        return statement.replace("{p}", self._prefix).replace("?", self._placeholder)

    @contextmanager
    def transaction(self, key: str) -> Iterator[SqlTx]:
        with self._lock:
            connection = self._open()
            self._ensure_key(connection, key)
            cursor = connection.cursor()
            try:
                self.begin(cursor)
                cursor.execute(
                    self.sql("UPDATE {p}_keys SET version = version + 1 WHERE ledger_key = ?"),
                    (key,),
                )
                if cursor.rowcount == 0:
                    raise RuntimeError(f"the ledger has no row for {key!r}, and could not add it")
                yield SqlTx(cursor, key, self.sql)
                connection.commit()
            except BaseException:
                _rollback(connection)
                raise
            finally:
                cursor.close()

    def begin(self, cursor: Any) -> None:
        """DB-API drivers begin a transaction by themselves at the first statement."""

    def close(self) -> None:
        with self._lock:
            if self._connection is not None:
                try:
                    self._connection.close()
                finally:
                    self._connection = None

    def _open(self) -> Any:
        if self._connection is None:
            connection = self._connect()
            try:
                self._create_tables(connection)
            except BaseException:
                connection.close()
                raise
            self._connection = connection
        return self._connection

    def _create_tables(self, connection: Any) -> None:
        # CREATE TABLE IF NOT EXISTS can still fail when another worker creates the same table
        # at the same moment (PostgreSQL's catalogue); the second try finds it there.
        for attempt in (1, 2):
            cursor = connection.cursor()
            try:
                for statement in TABLES:
                    cursor.execute(statement.replace("{p}", self._prefix))
                connection.commit()
                return
            except Exception:
                _rollback(connection)
                if attempt == 2:
                    raise
            finally:
                cursor.close()

    def _ensure_key(self, connection: Any, key: str) -> None:
        if key in self._known:
            return
        cursor = connection.cursor()
        try:
            cursor.execute(self.sql("SELECT 1 FROM {p}_keys WHERE ledger_key = ?"), (key,))
            if cursor.fetchone() is None:
                cursor.execute(
                    self.sql("INSERT INTO {p}_keys (ledger_key, version) VALUES (?, 0)"), (key,)
                )
            connection.commit()
        except Exception:
            # Most likely another worker inserted it first; the locking UPDATE finds out.
            _rollback(connection)
        finally:
            cursor.close()
        self._known.add(key)


def _rollback(connection: Any) -> None:
    # The connection may be gone; the error that brought us here is the one to see.
    with contextlib.suppress(Exception):
        connection.rollback()
