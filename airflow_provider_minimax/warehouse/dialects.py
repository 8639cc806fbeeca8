"""What differs between databases: SQL types, quoting, parameters, and how values are passed.

Three dialects: PostgreSQL and SQLite, which the tests run against, and ANSI for any other
database common-sql reaches (MySQL, DuckDB, Snowflake, …), with the hook's own quoting and
placeholder. Amounts are never a float:
- PostgreSQL: NUMERIC without a scale, exact whatever the digits.
- ANSI: NUMERIC(38, 10); without a scale some databases (MySQL) would round to whole numbers.
- SQLite has no exact decimal type: a column declared NUMERIC turns 12.34 into a binary float,
  so amounts are stored as their decimal text (TEXT), exact, and read back with
  `CAST(... AS NUMERIC)` or Python's Decimal where sums must be exact.
Identifiers are checked to be plain names (letters, digits, underscores) before they are quoted:
a table name is never text pasted into SQL.
"""

from __future__ import annotations

import datetime
import decimal
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

_IDENTIFIER = re.compile(r"[A-Za-z_][A-Za-z0-9_]{0,62}")  # 63: PostgreSQL's longest name


@dataclass(frozen=True)
class Dialect:
    """One database's spelling of a table's types and a load's statements."""

    name: str  # postgresql, sqlite, ansi
    types: Mapping[str, str]  # column kind (columns.KINDS) -> SQL type
    placeholder: str = "%s"
    quote_format: str = '"{}"'
    # kind -> how a Python value is handed to the driver (identity where the driver knows it)
    adapters: Mapping[str, Callable[[Any], Any]] = field(default_factory=dict)

    def quote(self, identifier: str) -> str:
        """A checked name, quoted (so that `Customer_ID` keeps its case, and `Date` its name)."""
        return self.quote_format.format(check_identifier(identifier, "column"))

    def table(self, name: str) -> str:
        """`ledger` or `schema.ledger`, each part checked and quoted."""
        return ".".join(self.quote(part) for part in table_parts(name))


def check_identifier(name: str, what: str) -> str:
    if not isinstance(name, str) or not _IDENTIFIER.fullmatch(name):
        raise ValueError(
            f"{what} name {name!r} is not a plain SQL name: use letters, digits and "
            "underscores, starting with a letter or underscore, at most 63 characters."
        )
    return name


def table_parts(name: Any) -> tuple[str, ...]:
    """The parts of a table name: `ledger` or `schema.ledger`; anything else is refused."""
    parts = tuple(name.split(".")) if isinstance(name, str) else ()
    if not 1 <= len(parts) <= 2:
        raise ValueError(
            f"table must be a name or schema.name of letters, digits and underscores, not {name!r}."
        )
    for part in parts:
        try:
            check_identifier(part, "table")
        except ValueError:
            raise ValueError(
                f"table {name!r} is not a plain SQL name: use letters, digits and underscores "
                "(a schema may come first: schema.table), starting with a letter or underscore."
            ) from None
    return parts


def exact(value: decimal.Decimal | int) -> str:
    """An amount as text without an exponent (Decimal('1E+2') is 100)."""
    return format(value, "f") if isinstance(value, decimal.Decimal) else str(value)


def _sqlite_moment(value: datetime.datetime) -> str:
    return value.isoformat(sep=" ")  # SQLite's own date functions read this form


POSTGRESQL = Dialect(
    "postgresql",
    {
        "bigint": "BIGINT",
        "numeric": "NUMERIC",
        "boolean": "BOOLEAN",
        "date": "DATE",
        "timestamp": "TIMESTAMP",
        "text": "TEXT",
        "json": "JSONB",  # queryable (->, ->>, jsonb_array_elements); keys as the record has them
    },
)
SQLITE = Dialect(
    "sqlite",
    {
        "bigint": "INTEGER",
        "numeric": "TEXT",  # exact decimal text: see the module's docstring
        "boolean": "BOOLEAN",  # 0 or 1
        "date": "DATE",  # ISO text, as SQLite's date functions read it
        "timestamp": "TIMESTAMP",
        "text": "TEXT",
        "json": "TEXT",  # SQLite's json_* functions read it
    },
    placeholder="?",
    adapters={
        "numeric": exact,
        "boolean": int,
        "date": datetime.date.isoformat,
        "timestamp": _sqlite_moment,
    },
)
_ANSI_TYPES = {
    "bigint": "BIGINT",
    "numeric": "NUMERIC(38, 10)",
    "boolean": "BOOLEAN",
    "date": "DATE",
    "timestamp": "TIMESTAMP",
    "text": "TEXT",
    "json": "TEXT",
}


def dialect_for(
    name: str | None, *, placeholder: str = "%s", quote_format: str = '"{}"'
) -> Dialect:
    """The dialect of a database by its SQLAlchemy name (a DbApiHook's `dialect_name`)."""
    if name in ("postgresql", "postgres"):
        return POSTGRESQL
    if name == "sqlite":
        return SQLITE
    if "{}" not in quote_format:
        quote_format = '"{}"'
    return Dialect("ansi", _ANSI_TYPES, placeholder=placeholder, quote_format=quote_format)
