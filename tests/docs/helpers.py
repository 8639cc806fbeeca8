"""Small look-ups in the sandbox for the documentation's tests."""

from __future__ import annotations

from airflow_provider_minimax.sandbox import Sandbox


def sandbox_records(sandbox: Sandbox, kind: str, organisation_id: int = 123) -> list[dict]:
    """Copies of the records the sandbox holds (its inspection API)."""
    return sandbox.records(organisation_id, kind)


def route_calls(sandbox: Sandbox, method: str, path: str) -> int:
    """How many requests the sandbox saw on a route below the organisation, e.g.
    `route_calls(sandbox, "POST", "customers")` or `(…, "GET", "customers/{id}")`."""
    route = f"{method} /{sandbox.settings.country}/API/api/orgs/{{id}}/{path}"
    return int(sandbox.stats()["by_route"].get(route, 0))
