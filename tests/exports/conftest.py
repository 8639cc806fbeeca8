"""Fixtures of the export tests: the sandbox connection, connection extras, DAG runs."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from airflow_provider_minimax.sandbox import Sandbox
from tests.dagtools import bundle_runner


@pytest.fixture
def conn(minimax_connection: str, minimax_sandbox: Sandbox) -> Sandbox:
    """`minimax_default` points at the session's sandbox (organisation 123); returns it."""
    return minimax_sandbox


@pytest.fixture
def connect(monkeypatch: pytest.MonkeyPatch) -> Callable[..., dict[str, Any]]:
    """`connect(sandbox, **extra)`: point `minimax_default` at `sandbox`, with more extras."""

    def point(sandbox: Sandbox, **extra: Any) -> dict[str, Any]:
        connection = sandbox.connection
        connection["extra"] = {**connection["extra"], **extra}
        monkeypatch.setenv("AIRFLOW_CONN_MINIMAX_DEFAULT", json.dumps(connection))
        return connection

    return point


@pytest.fixture
def run_dag(
    airflow_db: str, conn: Sandbox, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> Callable[..., Any]:
    """`run_dag(source, dag_id, **dag_test_kwargs)`: see tests.dagtools.bundle_runner."""
    return bundle_runner(tmp_path / "dags", monkeypatch, "minimax-export-tests")
