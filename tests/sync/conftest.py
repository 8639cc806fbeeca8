"""Fixtures of the sync tests: a client of the sandbox's organisation 123, and what it sent."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from airflow_provider_minimax.client import MinimaxClient
from tests.sync.helpers import Sent


@pytest.fixture
def client(make_client: Callable[..., MinimaxClient]) -> MinimaxClient:
    return make_client()


@pytest.fixture
def sent(client: MinimaxClient) -> Sent:
    """The requests `client` sends (method and URL), seen on its own session's answers."""
    return Sent.watching(client)
