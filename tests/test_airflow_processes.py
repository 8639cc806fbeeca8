"""tests/airflow_processes.py: a deployment from nothing runs a DAG whose task defers."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from tests.airflow_processes import AirflowDeployment, airflow_deployment  # noqa: F401

DAG = """
import datetime

import pendulum
from airflow.providers.common.compat.sdk import DAG

try:
    from airflow.providers.standard.sensors.time_delta import TimeDeltaSensor
except ImportError:  # Airflow 2.11 without the standard provider
    from airflow.sensors.time_delta import TimeDeltaSensorAsync as TimeDeltaSensor

# Airflow 2.11's TimeDeltaSensorAsync always defers and takes no `deferrable`.
DEFERRABLE = {"deferrable": True} if TimeDeltaSensor.__name__ == "TimeDeltaSensor" else {}

with DAG(
    "deferring",
    schedule=None,
    start_date=pendulum.datetime(2025, 1, 1, tz="UTC"),
    catchup=False,
):
    TimeDeltaSensor(task_id="wait", delta=datetime.timedelta(seconds=3), **DEFERRABLE)
"""


@pytest.mark.slow
@pytest.mark.timeout(600)
def test_a_deployment_runs_a_task_that_defers(
    airflow_deployment: Callable[..., AirflowDeployment],  # noqa: F811
) -> None:
    deployment = airflow_deployment()
    deployment.write_dag("deferring.py", DAG)
    with deployment:
        deployment.wait_until(
            lambda: deployment.query("SELECT 1 FROM dag WHERE dag_id = 'deferring'"),
            120,
            "the DAG parsed",
        )
        deployment.airflow("dags", "unpause", "deferring")
        deployment.airflow("dags", "trigger", "deferring")
        states = deployment.wait_until(
            lambda: [
                state
                for (state,) in deployment.query("SELECT state FROM dag_run")
                if state in ("success", "failed")
            ],
            180,
            "the run finished",
        )
        assert states == ["success"]
        assert deployment.query("SELECT task_id, state, try_number FROM task_instance") == [
            ("wait", "success", 1)
        ]
        assert "defer" in deployment.task_log_text().lower()
