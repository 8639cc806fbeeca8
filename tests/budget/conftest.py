"""Fixtures of the budget tests: a sandbox connection with a budget policy in its extra."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import pytest

from airflow_provider_minimax.sandbox import Sandbox

ORG = 123


@pytest.fixture
def budget_conn(minimax_sandbox: Sandbox, monkeypatch: pytest.MonkeyPatch) -> Callable[..., str]:
    """`budget_conn(conn_id="minimax_default", **extra)`: an Airflow connection to the sandbox
    (organisation 123) with these extra fields; returns its ID."""

    def make(conn_id: str = "minimax_default", **extra: Any) -> str:
        connection = minimax_sandbox.connection
        connection["extra"].update(extra)
        monkeypatch.setenv(f"AIRFLOW_CONN_{conn_id.upper()}", json.dumps(connection))
        return conn_id

    return make


def spend(conn_id: str, calls: int, organisation_id: int = ORG) -> None:
    """Spend `calls` API calls of the organisation through the connection (counts of a list)."""
    from airflow_provider_minimax.hooks.minimax import MinimaxHook

    client = MinimaxHook(conn_id, organisation_id=organisation_id).get_conn()
    for _ in range(calls):
        client.count("customers", organisation_id=organisation_id)
