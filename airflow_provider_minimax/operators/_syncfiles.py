"""Where a sync reads its source and leaves its files, on any ObjectStoragePath or local path.

The source `orders/2025-11-20.jsonl` gets, beside it, `2025-11-20.results.jsonl` (a line per
record), `2025-11-20.failed.jsonl` (the failed records, in the source's format: the next run's
source) and, for a dry run, `2025-11-20.plan.jsonl`. With `results`, the results file is that
one and the others go beside it. Each is written whole or not at all (_destination.py).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from airflow.providers.common.compat.sdk import AirflowFailException

from airflow_provider_minimax.exports.syncfiles import (
    Source,
    format_of,
    list_source,
    read_source,
)
from airflow_provider_minimax.operators._base import parse_text
from airflow_provider_minimax.operators._storage import storage_path, url_of

_SOURCE_ENDINGS = (".jsonl", ".ndjson", ".csv")
_RESULTS_ENDINGS = (".results.jsonl", ".jsonl")


@dataclass(frozen=True)
class SyncPaths:
    results: Any  # ObjectStoragePath each
    dead_letter: Any
    plan: Any

    def urls(self) -> dict[str, str]:
        return {name: url_of(getattr(self, name)) for name in ("results", "dead_letter", "plan")}


def load_source(source: Any, source_format: str | None, resource: str) -> tuple[Source, Any]:
    """The source's records, and its path (None for a list)."""
    if isinstance(source, str) and source.strip().startswith("["):
        source = parse_text(source, "source")  # a list rendered from XCom as text
    if isinstance(source, Sequence) and not isinstance(source, (str, bytes)):
        return list_source(list(source)), None
    if not isinstance(source, str) or not source.strip():
        raise AirflowFailException(
            "source must be a JSONL or CSV file (a path or an ObjectStoragePath URL) or a list "
            f"of records, not {source!r}."
        )
    path = storage_path(source)
    try:
        chosen = format_of(path.name, source_format)
    except ValueError as error:
        raise AirflowFailException(str(error)) from None
    # A file not there yet (the shop has not exported it) may be there at the next try.
    data = path.read_bytes()
    try:
        return read_source(data, chosen, resource), path
    except UnicodeDecodeError as error:
        raise AirflowFailException(f"{url_of(path)} is not UTF-8 text: {error}") from None


def sync_paths(source_path: Any, results: str | None, source_format: str) -> SyncPaths:
    """The three files of a run, by the source's name or the `results` argument."""
    if results:
        target = storage_path(results)
        stem = _without(target.name, _RESULTS_ENDINGS)
    elif source_path is not None:
        target = None
        stem = _without(source_path.name, _SOURCE_ENDINGS)
    else:
        raise AirflowFailException(
            "A source given as a list has no file to put the results beside: give results= "
            "(a path or URL for the results file; the dead letter goes beside it)."
        )
    folder = (target if target is not None else source_path).parent
    extension = "jsonl" if source_format == "list" else source_format
    return SyncPaths(
        results=target if target is not None else folder / f"{stem}.results.jsonl",
        dead_letter=folder / f"{stem}.failed.{extension}",
        plan=folder / f"{stem}.plan.jsonl",
    )


def _without(name: str, endings: tuple[str, ...]) -> str:
    for ending in endings:
        if name.lower().endswith(ending) and len(name) > len(ending):
            return name[: -len(ending)]
    return name
