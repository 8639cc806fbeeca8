"""MinimaxUpdateOperator(changes=<a function of the record>), as docs/operators.md offers it,
in a real DAG run: Airflow 3 calls a callable template field with `context=` and `jinja_env=`,
which once failed every such task (and was retried for nothing)."""

from __future__ import annotations

from typing import Any

from airflow_provider_minimax.operators.records import MinimaxUpdateOperator
from airflow_provider_minimax.sandbox import Sandbox
from tests.dagtools import task_states, try_numbers, xcoms
from tests.operators.helpers import records_where, stored

FUNCTION_DAG = """
import datetime

from airflow.providers.common.compat.sdk import dag

from airflow_provider_minimax.operators.records import (
    MinimaxCreateOperator,
    MinimaxUpdateOperator,
)


def moved_to_koper(record):
    return {**record, "City": "Koper", "Address": f"moved from {record['City']}"}


@dag(dag_id="minimax_update_function", schedule=None, start_date=datetime.datetime(2025, 1, 1))
def update_function():
    create = MinimaxCreateOperator(
        task_id="create",
        resource="customers",
        payload={"Code": "OPS-FUNCTION", "Name": "Funkcija d.o.o.", "City": "Bled"},
        match_on="Code",
    )
    update = MinimaxUpdateOperator(
        task_id="update",
        resource="customers",
        id="{{ ti.xcom_pull(task_ids='create')['id'] }}",  # still rendered
        changes=moved_to_koper,
        retries=2,
    )
    create >> update


update_function()
"""


def test_a_function_of_the_record_updates_it_in_a_dag_run(run_dag: Any, conn: Sandbox) -> None:
    dag_run = run_dag(FUNCTION_DAG, "minimax_update_function")
    assert task_states(dag_run) == {"create": "success", "update": "success"}
    assert try_numbers(dag_run)["update"] == 1
    [listed] = records_where(conn, "customers", Code="OPS-FUNCTION")
    record = stored(conn, "customers", listed["CustomerId"])
    assert (record["City"], record["Address"]) == ("Koper", "moved from Bled")
    assert xcoms(dag_run)["update"] == {
        "id": record["CustomerId"],
        "row_version": record["RowVersion"],
    }


def test_changes_as_a_template_is_still_rendered() -> None:
    """Only a function is kept out of rendering: a dict or JSON text is a template as ever."""
    as_text = MinimaxUpdateOperator(task_id="a", resource="customers", id=1, changes="{{ x }}")
    function = MinimaxUpdateOperator(task_id="b", resource="customers", id=1, changes=dict)
    assert "changes" in as_text.template_fields
    assert "changes" not in function.template_fields
    assert "id" in function.template_fields and "resource" in function.template_fields
