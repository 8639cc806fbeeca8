"""Fixtures of the operator tests: the sandbox connection, and small DAGs run with dag.test()."""

from __future__ import annotations

import json
import threading
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from airflow_provider_minimax.sandbox import Sandbox
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


def xcoms(dag_run: Any) -> dict[str, Any]:
    """The return values the run's tasks pushed, by task ID."""
    from airflow.models.xcom import XComModel
    from airflow.utils.session import create_session

    with create_session() as session:
        rows = (
            session.query(XComModel)
            .filter(XComModel.dag_id == dag_run.dag_id, XComModel.run_id == dag_run.run_id)
            .filter(XComModel.key == "return_value")
            .all()
        )
        return {row.task_id: row.value for row in rows}


def task_states(dag_run: Any) -> dict[str, str]:
    from airflow.models.taskinstance import TaskInstance
    from airflow.utils.session import create_session

    with create_session() as session:
        rows = (
            session.query(TaskInstance)
            .filter(TaskInstance.dag_id == dag_run.dag_id, TaskInstance.run_id == dag_run.run_id)
            .all()
        )
        return {row.task_id: row.state for row in rows}


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
        "name": "minimax-operator-tests",
        "classpath": "airflow.dag_processing.bundles.local.LocalDagBundle",
        "kwargs": {"path": str(folder), "refresh_interval": 0},
    }
    monkeypatch.setenv("AIRFLOW__DAG_PROCESSOR__DAG_BUNDLE_CONFIG_LIST", json.dumps([bundle]))

    def run(source: str, dag_id: str, **kwargs: Any) -> Any:
        path = folder / f"{dag_id}.py"
        path.write_text(source, "utf-8")
        bag = DagBag(dag_folder=str(path), safe_mode=False)
        assert not bag.import_errors, bag.import_errors
        kwargs.setdefault("logical_date", None)
        return bag.dags[dag_id].test(**kwargs)

    return run
