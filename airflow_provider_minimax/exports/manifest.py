"""The manifest beside every export file: what it holds and what making it cost."""

from __future__ import annotations

import datetime
import urllib.parse
from typing import Any

from airflow_provider_minimax import __version__


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
) -> dict[str, Any]:
    return {
        "resource": resource,
        "organisation_id": organisation_id,
        **feed,
        "format": file_format,
        "path": path,
        "rows": rows,
        "bytes": size,
        "sha256": sha256,
        "api_calls": int(cost.get("api_calls", 0)),
        "pages": int(cost.get("pages", 0)),
        "retries": int(cost.get("retries", 0)),
        "token_requests": int(cost.get("token_requests", 0)),
        "seconds": round(seconds, 3),
        "base_url": base_url,
        "sandbox": is_sandbox(base_url),
        "provider_version": __version__,
        "exported_at": datetime.datetime.now(datetime.timezone.utc).isoformat(timespec="seconds"),
    }
