"""Fixtures of the export tests: the sandbox connection, connection extras, DAG runs."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from airflow_provider_minimax.sandbox import Sandbox


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
    """`run_dag(source, dag_id, **dag_test_kwargs)`: the file in a DAG bundle of its own, parsed
    with DagBag and run with dag.test(); returns the DagRun."""
    from airflow.dag_processing.dagbag import DagBag

    folder = tmp_path / "dags"
    folder.mkdir()
    bundle = {
        "name": "minimax-export-tests",
        "classpath": "airflow.dag_processing.bundles.local.LocalDagBundle",
        "kwargs": {"path": str(folder), "refresh_interval": 0},
    }
    monkeypatch.setenv("AIRFLOW__DAG_PROCESSOR__DAG_BUNDLE_CONFIG_LIST", json.dumps([bundle]))

    def run(source: str, dag_id: str, **kwargs: Any) -> Any:
        path = folder / f"{dag_id}.py"
        path.write_text(source, "utf-8")
        bag = DagBag(dag_folder=str(path), safe_mode=False)
        assert not bag.import_errors, bag.import_errors
        return bag.dags[dag_id].test(**kwargs)

    return run
