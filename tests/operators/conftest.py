"""Fixtures of the operator tests: the sandbox connection, and small DAGs run with dag.test()."""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from airflow_provider_minimax.sandbox import Sandbox
from tests.dagtools import bundle_runner
from tests.operators.helpers import when_seen
from tests.support import Api, draft_invoice


@pytest.fixture
def conn(minimax_connection: str, minimax_sandbox: Sandbox) -> Sandbox:
    """`minimax_default` points at the sandbox (organisation 123); returns the sandbox."""
    return minimax_sandbox


@pytest.fixture
def later(conn: Sandbox) -> Iterator[Callable[..., Any]]:
    """`later(method, path, count, then)`: run `then` once the sandbox saw `count` requests on
    the route; watchers still waiting stop when the test ends."""
    stop = threading.Event()
    threads: list[threading.Thread] = []

    def start(method: str, path: str, count: int, then: Callable[[], Any]) -> None:
        threads.append(when_seen(conn, method, path, count, then, stop))

    yield start
    stop.set()
    for thread in threads:
        thread.join(timeout=5)


@pytest.fixture
def draft(conn: Sandbox, api: Api) -> dict[str, Any]:
    """A new draft invoice (Status "O") of organisation 123."""
    return draft_invoice(api)


@pytest.fixture
def run_dag(
    airflow_db: str, conn: Sandbox, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> Callable[..., Any]:
    """`run_dag(source, dag_id, **dag_test_kwargs)`: see tests.dagtools.bundle_runner."""
    return bundle_runner(tmp_path / "dags", monkeypatch, "minimax-operator-tests")
