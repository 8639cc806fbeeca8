"""Which organisations an export covers, and the task's account of every call it made.

Kept apart from the export operator: choosing the organisations costs calls of its own (`"all"`
lists what the login reaches, and its first call gets the token), and those calls must be in a
log line and a manifest like every other (a sum of the manifests that misses them is a lie).
"""

from __future__ import annotations

import json
from typing import Any

from airflow.providers.common.compat.sdk import AirflowFailException


def organisations_to_export(task: Any, chosen: Any) -> list[int | None]:
    """The organisations of `organisation_ids`: None (the connection's), IDs, or `"all"` the
    login reaches, looked up in one logged call."""
    if chosen in (None, "", []):
        return [None]
    if isinstance(chosen, str) and chosen.strip().lower() == "all":
        from airflow_provider_minimax.client import listed
        from airflow_provider_minimax.operators._base import logged_call

        reached = logged_call(
            task,
            "lookup of the organisations",
            task.hook.organisations,
            lambda found: f"{len(found)} organisations ({listed(found)})",
        )
        return [int(org["ID"]) for org in reached]
    if isinstance(chosen, str) and chosen.strip().startswith("["):
        chosen = json.loads(chosen)
    items = chosen if isinstance(chosen, (list, tuple)) else [chosen]
    try:
        return [int(item) for item in items]
    except (TypeError, ValueError):
        raise AirflowFailException(
            f"organisation_ids must be an ID, a list of IDs or 'all', not {chosen!r}."
        ) from None


def log_total(task: Any, manifests: list[dict[str, Any]], landed: str = "") -> None:
    """One line for the whole task: its manifests (or load reports) add up to every call it
    made, and what is left of each organisation's budget after it. `landed` says where the
    rows went; default: to that many files."""
    from airflow_provider_minimax.operators._base import budget_left

    organisations = dict.fromkeys(m["organisation_id"] for m in manifests)
    task.log.info(
        "Minimax %s of %s: %d rows %s in %d API calls (%d retries, %d token "
        "requests), the lookup of the organisations included%s",
        getattr(task, "what", "export"),
        task.resource,
        sum(m["rows"] for m in manifests),
        landed or f"to {len(manifests)} files",
        sum(m["api_calls"] for m in manifests),
        sum(m["retries"] for m in manifests),
        sum(m["token_requests"] for m in manifests),
        "".join(budget_left(task, org) for org in organisations),
    )
