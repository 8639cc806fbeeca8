"""Pytest fixtures for testing DAGs against the sandbox (installed as the `minimax_sandbox` plugin).

    def test_my_export(minimax_sandbox, minimax_connection):
        # AIRFLOW_CONN_MINIMAX_DEFAULT points at the sandbox for this test
        ...

`minimax_sandbox` is one server for the whole session, handed to each test as new: faults,
settings, counters and lock-outs are cleared, and the data is rebuilt if the previous test wrote.
Use the `minimax_sandbox_settings` fixture (override it in your conftest.py) to pick the scale,
seed or country.
"""

# Every pytest run of an environment with the provider installed loads this module: it imports
# the sandbox only inside the fixtures, when a test uses one.
from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

import pytest

if TYPE_CHECKING:
    from .app import Sandbox
    from .settings import Settings


@pytest.fixture(scope="session")
def minimax_sandbox_settings() -> Settings:
    """Settings of the session's sandbox; override in a conftest.py to change scale or seed."""
    from .settings import Settings

    return Settings(scale="small", seed=1)


@pytest.fixture(scope="session")
def minimax_sandbox_server(minimax_sandbox_settings: Settings) -> Iterator[Sandbox]:
    from .app import Sandbox

    with Sandbox(minimax_sandbox_settings) as sandbox:
        yield sandbox


@pytest.fixture
def minimax_sandbox(minimax_sandbox_server: Sandbox) -> Sandbox:
    """The session's sandbox, as new."""
    minimax_sandbox_server.reset_if_used()
    return minimax_sandbox_server


@pytest.fixture
def minimax_connection(minimax_sandbox: Sandbox, monkeypatch: pytest.MonkeyPatch) -> str:
    """Point Airflow's `minimax_default` connection at the sandbox; returns the connection JSON."""
    monkeypatch.setenv("AIRFLOW_CONN_MINIMAX_DEFAULT", minimax_sandbox.airflow_connection)
    return minimax_sandbox.airflow_connection
