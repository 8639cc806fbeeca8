"""The target table: created from the design when missing, checked against it when present.

A table made by hand (or by an earlier version with fewer fields) may lack a column the rows
have: the load refuses before it reads a row, naming each missing column and its type, unless
`add_columns` lets it add them (ALTER TABLE … ADD COLUMN). Only names are compared: a column
made with another type (a wider NUMERIC, VARCHAR for TEXT) is the owner's choice. Both the
creation and the additions are committed before the load's own transaction begins: an empty
table, or an empty column, changes no row.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from airflow_provider_minimax.client.errors import MinimaxError

from .columns import ORGANISATION, Column, TableDesign
from .dialects import Dialect


class TableColumnsError(MinimaxError):
    """The table lacks columns the rows have (and may not add them)."""

    retry_may_help = False  # the table stays as it is until someone changes it


@dataclass(frozen=True)
class TableState:
    created: bool
    added: tuple[str, ...] = ()


def column_definition(dialect: Dialect, column: Column, design: TableDesign) -> str:
    not_null = " NOT NULL" if column.name in design.key else ""
    return f"{dialect.quote(column.name)} {dialect.types[column.kind]}{not_null}"


def create_table_sql(dialect: Dialect, table: str, design: TableDesign) -> str:
    """CREATE TABLE with every column of the design and its key (organisation, record ID)."""
    lines = [column_definition(dialect, column, design) for column in design.columns]
    lines.append(f"PRIMARY KEY ({', '.join(dialect.quote(name) for name in design.key)})")
    body = ",\n    ".join(lines)
    exists = "IF NOT EXISTS " if dialect.name != "ansi" else ""
    return f"CREATE TABLE {exists}{dialect.table(table)} (\n    {body}\n)"


def existing_columns(connection: Any, dialect: Dialect, table: str) -> list[str] | None:
    """The table's column names, or None when there is no such table (the failed probe is
    rolled back: PostgreSQL refuses every statement after an error until then)."""
    cursor = connection.cursor()
    try:
        cursor.execute(f"SELECT * FROM {dialect.table(table)} WHERE 1 = 0")
        names = [str(entry[0]) for entry in cursor.description or ()]
    except Exception:  # each driver its own error type for "no such table"
        connection.rollback()
        return None
    finally:
        cursor.close()
    connection.rollback()  # ends the probe's transaction: nothing was written
    return names


def ensure_table(
    connection: Any, dialect: Dialect, table: str, design: TableDesign, *, add_columns: bool
) -> TableState:
    """Create the table when missing; else check (or, with `add_columns`, add) its columns."""
    present = existing_columns(connection, dialect, table)
    if present is None:
        try:
            _run(connection, [create_table_sql(dialect, table, design)])
            return TableState(created=True)
        except Exception:
            # Another task made it meanwhile (two organisations' first loads, mapped): PostgreSQL
            # refuses the second CREATE even with IF NOT EXISTS when both run at once.
            present = existing_columns(connection, dialect, table)
            if present is None:
                raise
    missing = [column for column in design.columns if column.name not in present]
    if not missing:
        return TableState(created=False)
    if not add_columns:
        wanted = ", ".join(f"{c.name} ({dialect.types[c.kind]})" for c in missing)
        raise TableColumnsError(
            f"Table {table} has no column {wanted}, which the {design.resource} rows need. "
            "Add them (ALTER TABLE … ADD COLUMN), let the task add them with "
            "add_columns=True, or leave those fields out with fields=[…]."
        )
    if any(column.name in (ORGANISATION, design.id_field) for column in missing):
        raise TableColumnsError(
            f"Table {table} lacks its key column {ORGANISATION} or {design.id_field}: it was "
            f"not made for {design.resource}; name another table."
        )
    _run(
        connection,
        [
            f"ALTER TABLE {dialect.table(table)} ADD COLUMN "
            f"{column_definition(dialect, column, design)}"
            for column in missing
        ],
    )
    return TableState(created=False, added=tuple(column.name for column in missing))


@contextlib.contextmanager
def transaction(connection: Any) -> Iterator[Any]:
    """A cursor whose statements are committed together when the block ends, or rolled back
    together when it raises."""
    cursor = connection.cursor()
    try:
        yield cursor
        connection.commit()
    except BaseException:
        connection.rollback()
        raise
    finally:
        cursor.close()


def _run(connection: Any, statements: list[str]) -> None:
    with transaction(connection) as cursor:
        for statement in statements:
            cursor.execute(statement)
