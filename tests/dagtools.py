"""Running small DAGs in tests: a DAG bundle of their own, dag.test(), and what the run left."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest


def bundle_runner(folder: Path, monkeypatch: pytest.MonkeyPatch, name: str) -> Callable[..., Any]:
    """`run(source, dag_id, **dag_test_kwargs)`: the source written into `folder`, a DAG bundle
    of its own (dag.test() runs only DAGs of a bundle), parsed with DagBag, run; the DagRun."""
    from airflow.dag_processing.dagbag import DagBag

    folder.mkdir(parents=True, exist_ok=True)
    bundle = {
        "name": name,
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
    """Each task's final state in the run."""
    from airflow.models.taskinstance import TaskInstance
    from airflow.utils.session import create_session

    with create_session() as session:
        rows = (
            session.query(TaskInstance)
            .filter(TaskInstance.dag_id == dag_run.dag_id, TaskInstance.run_id == dag_run.run_id)
            .all()
        )
        return {row.task_id: row.state for row in rows}
