"""One load: the rows staged, then merged into the table by key, all in one transaction.

The merge rule, for each record staged (its last staged row, if the stream held it twice):
- a key the table lacks is inserted;
- a key it has is replaced only when the incoming row is not older, by RecordDtModified where
  both rows have one, and differs from the stored row (a new RowVersion always does): a stale
  reload never overwrites a newer row, and a rerun of the same load changes nothing;
- with `delete_missing` (a whole list, mode "full"), the organisation's rows whose key the
  snapshot lacks are deleted: records deleted in Minimax leave the table too.
RowVersion is the service's change token, not a counter (the vendor does not say it grows; the
sandbox's do not): it tells that a record changed, RecordDtModified which version is newer.

Nothing is committed before the last row is staged and merged: an error anywhere (the feed's,
a value's, the database's) rolls back the transaction, and the table is as it was.

PostgreSQL and SQLite merge with INSERT … ON CONFLICT DO UPDATE … WHERE; other databases with a
DELETE of the rows to replace and an INSERT of what is new, which every SQL database can run.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from dataclasses import asdict, dataclass
from typing import Any

from .columns import LOADED_AT, ORGANISATION, TableDesign
from .dialects import Dialect
from .staging import STAGE_ROW, Batch, Progress, create_stage_sql, stage_rows, stage_table
from .table import transaction


@dataclass(frozen=True)
class LoadResult:
    """What a load did: rows read, distinct records among them, and what became of them."""

    rows: int
    records: int
    inserted: int
    updated: int
    kept: int  # the table's row was as new and the same, or newer: left as it was
    deleted: int

    def as_dict(self) -> dict[str, int]:
        return asdict(self)


class _Sql:
    """The statements of one load, spelled for its dialect."""

    def __init__(
        self, dialect: Dialect, table: str, design: TableDesign, *, twice: bool = True
    ) -> None:
        self.dialect, self.design = dialect, design
        # Whether a record may stand twice in the stage: each then needs its last row picked,
        # which costs PostgreSQL a sort of every staged row; without, they are taken as staged.
        self.twice = twice
        q = dialect.quote
        self.target = dialect.table(table)
        self.stage = stage_table(dialect)
        self.id = q(design.id_field)
        self.staged = [q(c.name) for c in design.staged]
        self.compared = [q(c.name) for c in design.staged if c.name not in design.key]
        self.key = ", ".join(q(name) for name in design.key)
        self.p = dialect.placeholder

    def count(self) -> str:
        organisation = self.dialect.quote(ORGANISATION)
        return f"SELECT COUNT(*) FROM {self.target} WHERE {organisation} = {self.p}"

    def records(self) -> str:
        return f"SELECT COUNT(DISTINCT {self.id}) FROM {self.stage}"

    def _not_older(self, stored: str, incoming: str) -> str:
        if self.design.modified is None:
            return "1 = 1"
        m = self.dialect.quote(self.design.modified)
        return f"({stored}.{m} IS NULL OR {incoming}.{m} IS NULL OR {incoming}.{m} >= {stored}.{m})"

    def _last(self, alias: str) -> str:
        """The record's last staged row: no later one with its ID."""
        if not self.twice:
            return "1 = 1"
        row = self.dialect.quote(STAGE_ROW)
        return (
            f"NOT EXISTS (SELECT 1 FROM {self.stage} AS later WHERE later.{self.id} = "
            f"{alias}.{self.id} AND later.{row} > {alias}.{row})"
        )

    def upsert(self) -> str:
        """PostgreSQL and SQLite: one INSERT … ON CONFLICT DO UPDATE … WHERE."""
        columns = ", ".join([*self.staged, self.dialect.quote(LOADED_AT)])
        chosen = ", ".join(f"s.{name}" for name in self.staged)
        if self.dialect.name == "postgresql" and not self.twice:
            source = f"SELECT {chosen}, {self.p} FROM {self.stage} AS s"
        elif self.dialect.name == "postgresql":
            source = (
                f"SELECT DISTINCT ON ({self.key}) {chosen}, {self.p} FROM {self.stage} AS s "
                f"ORDER BY {self.key}, s.{self.dialect.quote(STAGE_ROW)} DESC"
            )
        else:  # SQLite: its SELECT needs a WHERE before ON CONFLICT (its parser's rule) anyway
            source = f"SELECT {chosen}, {self.p} FROM {self.stage} AS s WHERE {self._last('s')}"
        stored = ", ".join(f"t.{name}" for name in self.compared)
        incoming = ", ".join(f"EXCLUDED.{name}" for name in self.compared)
        if self.dialect.name == "postgresql":
            differs = f"ROW({stored}) IS DISTINCT FROM ROW({incoming})"
        else:
            differs = f"({stored}) IS NOT ({incoming})"
        updates = ", ".join(
            f"{name} = EXCLUDED.{name}" for name in [*self.compared, self.dialect.quote(LOADED_AT)]
        )
        return (
            f"INSERT INTO {self.target} AS t ({columns}) {source} "
            f"ON CONFLICT ({self.key}) DO UPDATE SET {updates} "
            f"WHERE {self._not_older('t', 'EXCLUDED')} AND {differs}"
        )

    def _same_key(self, stored: str, incoming: str) -> str:
        return " AND ".join(
            f"{stored}.{self.dialect.quote(n)} = {incoming}.{self.dialect.quote(n)}"
            for n in self.design.key
        )

    def replaced(self) -> str:
        """Other databases, first: delete the stored rows that an incoming row replaces."""
        t = self.target
        differs = " OR ".join(
            f"({t}.{n} <> s.{n} OR ({t}.{n} IS NULL AND s.{n} IS NOT NULL) "
            f"OR ({t}.{n} IS NOT NULL AND s.{n} IS NULL))"
            for n in self.compared
        )
        return (
            f"DELETE FROM {t} WHERE EXISTS (SELECT 1 FROM {self.stage} AS s WHERE "
            f"{self._same_key(t, 's')} AND {self._last('s')} AND {self._not_older(t, 's')} "
            f"AND ({differs or '1 = 0'}))"
        )

    def inserted(self) -> str:
        """…then insert each record the table does not hold (new, or just deleted above)."""
        columns = ", ".join([*self.staged, self.dialect.quote(LOADED_AT)])
        chosen = ", ".join(f"s.{name}" for name in self.staged)
        return (
            f"INSERT INTO {self.target} ({columns}) SELECT {chosen}, {self.p} "
            f"FROM {self.stage} AS s WHERE {self._last('s')} AND NOT EXISTS "
            f"(SELECT 1 FROM {self.target} WHERE {self._same_key(self.target, 's')})"
        )

    def missing(self) -> str:
        """delete_missing: the organisation's rows the snapshot does not hold."""
        t = self.target
        return (
            f"DELETE FROM {t} WHERE {t}.{self.dialect.quote(ORGANISATION)} = {self.p} AND NOT "
            f"EXISTS (SELECT 1 FROM {self.stage} AS s WHERE s.{self.id} = {t}.{self.id})"
        )


def load(
    connection: Any,
    dialect: Dialect,
    table: str,
    design: TableDesign,
    batches: Iterable[Batch],
    *,
    organisation_id: int,
    loaded_at: datetime.datetime,
    delete_missing: bool = False,
    progress: Progress | None = None,
) -> LoadResult:
    """Stage `batches` (flattened rows of one organisation) and merge them into `table`, in
    one transaction; committed only when all of it succeeded, else rolled back."""
    sql = _Sql(dialect, table, design)
    at = dialect.adapters.get("timestamp", lambda value: value)(loaded_at)
    with transaction(connection) as cursor:
        if dialect.name == "sqlite":  # its driver would begin only at the first INSERT
            cursor.execute("BEGIN")
        for statement in create_stage_sql(dialect, design):
            cursor.execute(statement)
        rows = stage_rows(cursor, dialect, design, batches, progress)
        if dialect.name == "postgresql":  # a temporary table has no statistics of its own
            cursor.execute(f"ANALYZE {sql.stage}")
        records = _scalar(cursor, sql.records())
        sql.twice = records != rows
        before = _scalar(cursor, sql.count(), organisation_id)
        if dialect.name == "ansi":
            cursor.execute(sql.replaced())
            updated = cursor.rowcount
            cursor.execute(sql.inserted(), (at,))
            inserted = cursor.rowcount - updated
        else:
            cursor.execute(sql.upsert(), (at,))
            affected = cursor.rowcount  # inserted and updated, both
            inserted = _scalar(cursor, sql.count(), organisation_id) - before
            updated = affected - inserted
        deleted = 0
        if delete_missing:
            cursor.execute(sql.missing(), (organisation_id,))
            deleted = cursor.rowcount
        if dialect.name != "postgresql":  # PostgreSQL drops it at the commit (ON COMMIT DROP)
            cursor.execute(f"DROP TABLE {sql.stage}")
    return LoadResult(rows, records, inserted, updated, records - inserted - updated, deleted)


def _scalar(cursor: Any, statement: str, *parameters: Any) -> int:
    cursor.execute(statement, parameters) if parameters else cursor.execute(statement)
    return int(cursor.fetchone()[0])
