"""The manifest beside every export file: what it holds and what making it cost; and reading
a file only together with the manifest that describes it.

The writer (operators/_destination.py) withdraws the old manifest before it replaces the data
and puts the new one in place after, and every manifest carries its data's size and sha256. A
reader that needs the pair reads the manifest, then the data, and keeps them only if the data is
the one described; otherwise a writer was mid-swap (or died there), and it tries again briefly.
"""

from __future__ import annotations

import datetime
import hashlib
import json
import os
import pathlib
import time
import urllib.parse
from dataclasses import dataclass
from typing import Any

from airflow_provider_minimax import __version__

MANIFEST_SUFFIX = ".manifest.json"


def is_sandbox(base_url: str) -> bool:
    """A base URL on this machine is a sandbox; Minimax itself never is."""
    return urllib.parse.urlsplit(base_url).hostname in ("127.0.0.1", "localhost", "::1")


def manifest(
    *,
    resource: str,
    organisation_id: int,
    feed: dict[str, Any],
    file_format: str,
    path: str,
    rows: int,
    size: int,
    sha256: str,
    cost: dict[str, float],
    seconds: float,
    base_url: str,
    budget: dict[str, Any] | None = None,
) -> dict[str, Any]:
    """What an export wrote and what it cost; `budget`, the organisation's API budget after it
    (client.budget.BudgetState.as_dict(): used and left in the window and the month)."""
    return {
        "resource": resource,
        "organisation_id": organisation_id,
        **feed,
        "format": file_format,
        "path": path,
        "rows": rows,
        "bytes": size,
        "sha256": sha256,
        **call_counts(cost),
        "budget": budget,
        "seconds": round(seconds, 3),
        "base_url": base_url,
        "sandbox": is_sandbox(base_url),
        "provider_version": __version__,
        "exported_at": datetime.datetime.now(datetime.timezone.utc).isoformat(timespec="seconds"),
    }


def call_counts(cost: dict[str, float]) -> dict[str, int]:
    """What a task's part cost, as its manifest (or load report) says: calls, pages, retries,
    token requests (the difference of the client's stats before and after)."""
    return {
        name: int(cost.get(name, 0)) for name in ("api_calls", "pages", "retries", "token_requests")
    }


def manifest_name(name: str) -> str:
    """The manifest's file name beside the data file `name`."""
    return name + MANIFEST_SUFFIX


class ExportPairError(ValueError):
    """No data file with the manifest that describes it (yet): a writer is mid-swap, died there
    (the next run repairs it), or the path is no export."""


@dataclass(frozen=True)
class Export:
    data: bytes
    manifest: dict[str, Any]


def verify_pair(data: bytes, manifest: dict[str, Any]) -> bool:
    """Whether `data` is the file `manifest` describes (its size and sha256)."""
    return (
        manifest.get("bytes") == len(data)
        and manifest.get("sha256") == hashlib.sha256(data).hexdigest()
    )


def _as_path(path: Any) -> Any:
    """A local path from text (`/data/x.csv`, `file:///data/x.csv`); a path object (pathlib,
    Airflow's ObjectStoragePath) as it is."""
    if isinstance(path, (str, os.PathLike)) and not hasattr(path, "read_bytes"):
        text = os.fspath(path)
        return pathlib.Path(text[len("file://") :] if text.startswith("file://") else text)
    return path


def read_export(path: Any, *, wait: float = 2.0, pause: float = 0.01) -> Export:
    """The data at `path` and its manifest, only when the manifest describes that data.

    Tries again for up to `wait` seconds while they do not match (a writer replaces the pair in
    a few milliseconds); then raises ExportPairError saying what it last found.
    """
    data_path = _as_path(path)
    manifest_path = data_path.parent / manifest_name(data_path.name)
    deadline = time.monotonic() + wait
    while True:
        try:
            # The manifest first: once one is in place, its data already is (the writer's order).
            described = json.loads(manifest_path.read_bytes())
            data = data_path.read_bytes()
            if isinstance(described, dict) and verify_pair(data, described):
                return Export(data, described)
            found = f"{data_path} ({len(data)} bytes) is not the file its manifest describes"
        except FileNotFoundError as missing:
            found = f"{missing.filename or manifest_path} is missing"
        except ValueError:  # not JSON: not a manifest this provider wrote
            found = f"{manifest_path} is not a manifest"
        if time.monotonic() >= deadline:
            raise ExportPairError(f"No whole export at {path}: {found}.")
        time.sleep(pause)
