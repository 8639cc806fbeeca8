"""The key index of a bulk write: a resource's whole list read once, its rows by their key.

Looking each record up costs a call per record; the list costs a call per page (up to the
connection's page_size rows, 1,000 by default). The first page says how many rows and pages
there are (TotalRows, and the page size the service really served), and so which is cheaper.

The list is exact where a search is not: its rows must add up to TotalRows (pagination.py
refuses a short or shifting list), so a key that no row has belongs to no record. Rows are
grouped by a hashable form of their key, and every candidate is then compared with
values.same_value, the comparison match_on uses: the index finds what a lookup would.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from .access import calls_left
from .client import MinimaxClient, Record
from .errors import MinimaxCallBudgetError
from .models import shape_of
from .resources import Resource
from .values import same_value

log = logging.getLogger("airflow_provider_minimax.client")

_DAY = re.compile(r"^[0-9]{4}-[0-9]{2}-[0-9]{2}")


def _hashable(value: Any) -> Any:
    """A form of `value` that two values same_value calls equal always share (and a few it
    calls different may share too: candidates are compared after)."""
    if isinstance(value, Mapping):
        return ("ref", value.get("ID"))
    if isinstance(value, bool):
        return ("bool", value)
    if isinstance(value, (int, float)):
        return ("number", float(value))
    if isinstance(value, str):
        return ("text", value[:10] if _DAY.match(value) else value)
    return ("other", repr(value))


def index_key(values: Mapping[str, Any], fields: Sequence[str]) -> tuple[Any, ...]:
    return tuple(_hashable(values.get(name)) for name in fields)


@dataclass
class KeyIndex:
    """The rows of a whole list, by key."""

    id_field: str
    pages: int
    by_key: dict[tuple[Any, ...], list[Record]] = field(default_factory=dict)

    @classmethod
    def of(
        cls, rows: Sequence[Record], fields: Sequence[str], id_field: str, pages: int
    ) -> KeyIndex:
        index = cls(id_field, pages)
        for row in rows:
            index.by_key.setdefault(index_key(row, fields), []).append(row)
        return index

    def rows_with(self, key: Mapping[str, Any], fields: Sequence[str]) -> list[Record]:
        candidates = self.by_key.get(index_key(key, fields), [])
        return [
            row
            for row in candidates
            if all(same_value(key[name], row.get(name)) for name in fields)
        ]


def read_key_index(
    client: MinimaxClient,
    path: str,
    resource: Resource,
    organisation_id: int,
    key: Sequence[str],
    records: int,
    given: set[str],
    max_workers: int,
) -> KeyIndex | None:
    """The key index of `path`, or None where a lookup per record is cheaper or the list rows
    do not carry the key. `given`: the fields the source gives, which an existing record is
    compared on (a row lacking one of them means a full read of that record)."""
    listed = shape_of(resource.name, "list")
    if records < 2 or not resource.id_field:
        return None  # one lookup costs what the first page does
    if listed is not None and not set(key) <= set(listed):
        log.info("Minimax %s: its list rows do not carry %s; one lookup a record", path, key)
        return None
    reader = client.list_reader(path, organisation_id=organisation_id, max_workers=max_workers)
    first = reader.start()
    if first.rows and not set(key) <= set(first.rows[0]):
        log.info("Minimax %s: its list rows do not carry %s; one lookup a record", path, key)
        return None
    remaining = reader.remaining_pages
    # Where rows lack a field the source gives, each existing record is read in full (one
    # call, as its lookup): the list then saves only on the absent ones, and is taken only
    # while it costs at most half a call a record, so never more than 1.5 times the lookups.
    reads = bool(first.rows) and not given <= set(first.rows[0])
    cheaper = 2 * remaining <= records if reads else remaining < records
    log.info(
        "Minimax %s: %d rows in %d more pages after the first, for %d records: %s",
        path,
        first.total_rows,
        remaining,
        records,
        "the key index is read" if cheaper else "one lookup a record is cheaper",
    )
    if not cheaper:
        return None
    calls_fit(client, remaining, f"The key index of {path}")
    with client.budget.reserve(organisation_id, remaining, f"key index of {path}"):
        rows = list(reader.rows())
    return KeyIndex.of(rows, key, resource.id_field, reader.pages)


def calls_fit(client: MinimaxClient, calls: int, what: str) -> None:
    """Refuse `calls` more before the first of them when they would pass this run's max_calls."""
    allowed = calls_left(client)
    if allowed is not None and calls > allowed:
        raise MinimaxCallBudgetError(
            f"{what} needs {calls} more API calls, and only {allowed} of this run's max_calls "
            f"({client.config.max_calls}) are left. Nothing more was sent: sync fewer records, "
            "or raise max_calls."
        )
