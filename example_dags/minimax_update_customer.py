"""Read a customer, change some fields, write it back safely with its RowVersion.

    read_customer (by code) -> update_customer (changes, RowVersion from the read)

Minimax refuses a write based on a stale RowVersion. Here the update passes the version it
read (`row_version` from XCom) with `on_conflict="retry"`: if somebody changed the customer in
between, the latest record is read and the changes are applied to it, so that their change is
kept too. Without `on_conflict`, the task would fail with MinimaxConcurrencyError instead.

    airflow dags test minimax_update_customer -c '{"code": "00002", "changes": {"City": "Bled"}}'
"""

from __future__ import annotations

import datetime

from airflow.providers.common.compat.sdk import Param, dag

from airflow_provider_minimax.operators.records import MinimaxGetOperator, MinimaxUpdateOperator


@dag(
    dag_id="minimax_update_customer",
    schedule=None,
    start_date=datetime.datetime(2025, 1, 1, tzinfo=datetime.timezone.utc),
    catchup=False,
    tags=["minimax", "example"],
    doc_md=__doc__,
    render_template_as_native_obj=True,
    params={
        "code": Param("00001", type="string", description="The customer's code."),
        "changes": Param(
            {"City": "Koper", "PostalCode": "6000", "Address": "Pristaniška ulica 3"},
            type="object",
            description="The fields to change.",
        ),
    },
)
def minimax_update_customer() -> None:
    read = MinimaxGetOperator(
        task_id="read_customer",
        resource="customers",
        code="{{ params.code }}",
        fields=["CustomerId", "Name", "City", "RowVersion"],
    )
    MinimaxUpdateOperator(
        task_id="update_customer",
        resource="customers",
        id="{{ ti.xcom_pull(task_ids='read_customer')['CustomerId'] }}",
        changes="{{ params.changes }}",
        row_version="{{ ti.xcom_pull(task_ids='read_customer')['RowVersion'] }}",
        on_conflict="retry",
    ).set_upstream(read)


minimax_update_customer()
