"""Running small DAGs in tests, the same way on Airflow 2.11 and 3.x.

What differs between the two, in one place: where DagBag lives, that Airflow 3's `dag.test()`
runs only DAGs of a DAG bundle, that its run date is `logical_date` (2.x: `execution_date`),
and the XCom table's model.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import airflow
import pytest

AIRFLOW_3 = int(airflow.__version__.split(".")[0]) >= 3


def parse_dags(path: Path) -> dict[str, Any]:
    """The DAGs of a file or folder, parsed as the DAG processor does; fails on an import error."""
    if AIRFLOW_3:
        from airflow.dag_processing.dagbag import DagBag
    else:
        from airflow.models.dagbag import DagBag

    bag = DagBag(dag_folder=str(path), safe_mode=False)
    assert not bag.import_errors, bag.import_errors
    return dict(bag.dags)


def use_bundles(monkeypatch: pytest.MonkeyPatch, **folders: Path) -> None:
    """Make each folder a DAG bundle (Airflow 3's dag.test() runs only DAGs of a bundle).
    Airflow 2 has no bundles: its dag.test() runs any DAG object."""
    bundles = [
        {
            "name": name,
            "classpath": "airflow.dag_processing.bundles.local.LocalDagBundle",
            "kwargs": {"path": str(folder), "refresh_interval": 0},
        }
        for name, folder in folders.items()
    ]
    monkeypatch.setenv("AIRFLOW__DAG_PROCESSOR__DAG_BUNDLE_CONFIG_LIST", json.dumps(bundles))


def run_dag(dag: Any, logical_date: Any = None, **kwargs: Any) -> Any:
    """One run of `dag` with dag.test(); the DagRun. No logical date: a manual run (Airflow 3
    gives it no data interval; Airflow 2 dates it now)."""
    if AIRFLOW_3:
        return dag.test(logical_date=logical_date, **kwargs)
    # Airflow 2's dag.test() skips what its DAG processor would have written first: without
    # the DAG's Dataset rows, outlet events are dropped ("DatasetModel ... not found"). Writing
    # them needs FAB's tables known to SQLAlchemy (a dag_run_note refers to ab_user), as they
    # are in Airflow's own processes.
    import airflow.providers.fab.auth_manager.models  # noqa: F401

    dag.sync_to_db()
    return dag.test(execution_date=logical_date, **kwargs)


def bundle_runner(folder: Path, monkeypatch: pytest.MonkeyPatch, name: str) -> Callable[..., Any]:
    """`run(source, dag_id, **dag_test_kwargs)`: the source written into `folder`, a DAG bundle
    of its own, parsed with DagBag, run with run_dag(); the DagRun."""
    folder.mkdir(parents=True, exist_ok=True)
    use_bundles(monkeypatch, **{name: folder})

    def run(source: str, dag_id: str, **kwargs: Any) -> Any:
        path = folder / f"{dag_id}.py"
        path.write_text(source, "utf-8")
        return run_dag(parse_dags(path)[dag_id], **kwargs)

    return run


def xcoms(dag_run: Any) -> dict[str, Any]:
    """The return values the run's tasks pushed, by task ID."""
    from airflow.utils.session import create_session

    if AIRFLOW_3:
        from airflow.models.xcom import XComModel as XCom
    else:
        from airflow.models.xcom import XCom

    with create_session() as session:
        rows = (
            session.query(XCom)
            .filter(XCom.dag_id == dag_run.dag_id, XCom.run_id == dag_run.run_id)
            .filter(XCom.key == "return_value")
            .all()
        )
        return {row.task_id: row.value for row in rows}


def task_states(dag_run: Any) -> dict[str, str]:
    """Each task's final state in the run."""
    return _by_task(dag_run, "state")


def try_numbers(dag_run: Any) -> dict[str, int]:
    """Each task's try number in the run (1: it ran once, however often it was rescheduled)."""
    return _by_task(dag_run, "try_number")


def _by_task(dag_run: Any, column: str) -> dict[str, Any]:
    from airflow.models.taskinstance import TaskInstance
    from airflow.utils.session import create_session

    with create_session() as session:
        rows = (
            session.query(TaskInstance)
            .filter(TaskInstance.dag_id == dag_run.dag_id, TaskInstance.run_id == dag_run.run_id)
            .all()
        )
        return {row.task_id: getattr(row, column) for row in rows}


def reschedules(dag_run: Any, task_id: str) -> int:
    """How often the task was rescheduled (a sensor in mode="reschedule") in the run."""
    from airflow.models.taskinstance import TaskInstance
    from airflow.models.taskreschedule import TaskReschedule
    from airflow.utils.session import create_session

    with create_session() as session:
        query = session.query(TaskReschedule)
        if AIRFLOW_3:  # rows point at the task instance's ID
            [ti_id] = (
                session.query(TaskInstance.id)
                .filter(TaskInstance.run_id == dag_run.run_id, TaskInstance.task_id == task_id)
                .one()
            )
            return int(query.filter(TaskReschedule.ti_id == ti_id).count())
        return int(
            query.filter(
                TaskReschedule.dag_id == dag_run.dag_id,
                TaskReschedule.run_id == dag_run.run_id,
                TaskReschedule.task_id == task_id,
            ).count()
        )


def asset_events(dag_run: Any) -> list[tuple[str, dict[str, Any]]]:
    """(asset name, event extra) of the Asset events the run's tasks emitted (Airflow 2 calls
    them Dataset events and names a Dataset by its URI)."""
    from airflow.utils.session import create_session

    if AIRFLOW_3:
        from airflow.models.asset import AssetEvent as Event
        from airflow.models.asset import AssetModel as Model

        name, key = Model.name, Event.asset_id
    else:
        from airflow.models.dataset import DatasetEvent as Event
        from airflow.models.dataset import DatasetModel as Model

        name, key = Model.uri, Event.dataset_id
    with create_session() as session:
        events = (
            session.query(name, Event.extra)
            .join(Model, key == Model.id)
            .filter(Event.source_dag_id == dag_run.dag_id)
            .filter(Event.source_run_id == dag_run.run_id)
            .all()
        )
        return [(asset, dict(extra or {})) for asset, extra in events]
