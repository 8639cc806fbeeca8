"""Fixtures of the sync tests: a client of the sandbox's organisation 123, and what it sent."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import pytest

from airflow_provider_minimax.client import MinimaxClient
from airflow_provider_minimax.sandbox import Sandbox
from tests.sync.helpers import Sent


@pytest.fixture
def client(make_client: Callable[..., MinimaxClient]) -> MinimaxClient:
    return make_client()


@pytest.fixture
def sent(client: MinimaxClient) -> Sent:
    """The requests `client` sends (method and URL), seen on its own session's answers."""
    return Sent.watching(client)


@pytest.fixture
def connection(minimax_sandbox: Sandbox, monkeypatch: pytest.MonkeyPatch) -> Callable[..., Sandbox]:
    """`connection(**extra)`: `minimax_default` points at the sandbox (organisation 123), with
    these extra fields (a budget, max_retries …); returns the sandbox."""

    def make(**extra: Any) -> Sandbox:
        settings = minimax_sandbox.connection
        settings["extra"].update({"backoff_initial": 0.01, "backoff_max": 0.05} | extra)
        monkeypatch.setenv("AIRFLOW_CONN_MINIMAX_DEFAULT", json.dumps(settings))
        return minimax_sandbox

    return make
