"""MinimaxRecordSensor (poke, reschedule, deferrable) and MinimaxRecordTrigger."""

from __future__ import annotations

import asyncio
import datetime
import importlib
import json
import time
from pathlib import Path
from typing import Any

import pytest
from airflow.providers.common.compat.sdk import (
    AirflowException,
    AirflowFailException,
    AirflowSensorTimeout,
    TaskDeferred,
)

from airflow_provider_minimax.operators.records import (
    MinimaxCreateOperator,
    MinimaxDeleteOperator,
)
from airflow_provider_minimax.sandbox import Sandbox
from airflow_provider_minimax.sandbox.faults import FaultRule
from airflow_provider_minimax.sensors.record import MinimaxRecordSensor, check_event
from airflow_provider_minimax.triggers.record import MinimaxRecordTrigger
from tests.dagtools import reschedules, task_states, try_numbers, xcoms
from tests.operators.helpers import (
    pay,
    stored,
    unpaid_issued_invoice,
)

PAID = {"PaymentStatus": "Placan"}


def sensor(**kwargs: Any) -> MinimaxRecordSensor:
    kwargs.setdefault("resource", "issuedinvoices")
    return MinimaxRecordSensor(task_id="wait", **kwargs)


# -- poke -------------------------------------------------------------------------------------


def test_poke_waits_for_a_deleted_record(conn: Sandbox) -> None:
    """The ID of a deleted record: not done (and no error)."""
    created = MinimaxCreateOperator(
        task_id="c", resource="customers", payload={"Code": "OPS-GONE", "Name": "Gone"}
    ).execute({})
    MinimaxDeleteOperator(task_id="d", resource="customers", id=created["id"]).execute({})
    result = sensor(resource="customers", id=created["id"]).poke({})
    assert result.is_done is False


def test_poke_waits_for_a_code_that_does_not_exist(conn: Sandbox) -> None:
    assert sensor(resource="customers", code="NO-SUCH-CODE").poke({}).is_done is False


def test_poke_waits_while_filters_select_nothing(conn: Sandbox) -> None:
    assert sensor(filters={"InvoiceNumber": "999999"}).poke({}).is_done is False


def test_poke_done_returns_id_row_version_and_expected_fields(conn: Sandbox) -> None:
    """A matching record: done, with {"id", "row_version", …expect's fields} to XCom."""
    invoice = unpaid_issued_invoice(conn)
    pay(conn, invoice)
    result = sensor(id=invoice, expect={"Status": "I", **PAID}).poke({})
    assert result.is_done is True
    record = stored(conn, "issuedinvoices", invoice)
    assert result.xcom_value == {
        "id": invoice,
        "row_version": record["RowVersion"],
        "Status": "I",
        "PaymentStatus": "Placan",
    }


def test_poke_by_filters_and_expect_as_json_text(conn: Sandbox) -> None:
    """Filters that select one record (JSON text) and expect as JSON text."""
    invoice = unpaid_issued_invoice(conn)
    number = stored(conn, "issuedinvoices", invoice)["InvoiceNumber"]
    result = sensor(filters=json.dumps({"InvoiceNumber": number}), expect='{"Status": "I"}').poke(
        {}
    )
    assert result.is_done is True and result.xcom_value["id"] == invoice


def test_poke_expect_a_list_of_accepted_values(conn: Sandbox) -> None:
    """A list in expect accepts any of its values, and only those."""
    invoice = unpaid_issued_invoice(conn)
    assert sensor(id=invoice, expect={"Status": ["O", "I"]}).poke({}).is_done is True
    assert sensor(id=invoice, expect={"Status": ["O", "X"]}).poke({}).is_done is False


def test_poke_not_done_while_expect_is_unmet(conn: Sandbox) -> None:
    invoice = unpaid_issued_invoice(conn)
    assert sensor(id=invoice, expect=PAID).poke({}).is_done is False


def test_filters_that_select_several_records_fail(conn: Sandbox) -> None:
    """A wait must be for one record: several matches fail the task at once."""
    with pytest.raises(AirflowFailException, match="select"):
        sensor(filters={"Status": "I"}).poke({})


def test_a_filter_the_resource_does_not_document_is_refused(conn: Sandbox) -> None:
    """Minimax ignores unknown filters and answers every row; the wait refuses them instead."""
    with pytest.raises(AirflowFailException, match="no list filter 'DocumentReference'"):
        sensor(filters={"DocumentReference": "WS-1001"}).poke({})


def test_the_documented_filter_example_selects_one_invoice(conn: Sandbox) -> None:
    """The docstring's example (InvoiceNumber and Year) names one issued invoice."""
    invoice = unpaid_issued_invoice(conn)
    record = conn.record(123, "issuedinvoices", invoice)
    filters = {"InvoiceNumber": record["InvoiceNumber"], "Year": record["Year"]}
    result = sensor(filters=filters).poke({})
    assert result.is_done is True and result.xcom_value["id"] == invoice


def test_deferrable_defers_with_a_json_trigger_and_skips_deferral_when_done(
    conn: Sandbox,
) -> None:
    """deferrable=True: an unmet record defers to execute_complete with a JSON-only trigger;
    a record that already matches returns at once."""
    invoice = unpaid_issued_invoice(conn)
    waiting = sensor(id=invoice, expect=PAID, deferrable=True, poke_interval=5, timeout=60)
    with pytest.raises(TaskDeferred) as deferred:
        waiting.execute({})
    assert deferred.value.method_name == "execute_complete"
    assert deferred.value.timeout == datetime.timedelta(seconds=60)
    trigger = deferred.value.trigger
    assert isinstance(trigger, MinimaxRecordTrigger)
    _, kwargs = trigger.serialize()
    assert kwargs["id"] == invoice and kwargs["expect"] == PAID
    assert kwargs["poll_interval"] == 5.0
    assert time.time() + 50 < kwargs["timeout_at"] <= time.time() + 60
    json.dumps(kwargs)

    pay(conn, invoice)
    assert waiting.execute({})["PaymentStatus"] == "Placan"


# -- check_event ------------------------------------------------------------------------------


def test_check_event_success_returns_the_record() -> None:
    record = {"id": 5, "row_version": "AAA=", "Status": "I"}
    assert check_event({"status": "success", "record": record}, "Waiting") == record


def test_check_event_timeout_raises_sensor_timeout() -> None:
    with pytest.raises(AirflowSensorTimeout, match="Timed out waiting"):
        check_event({"status": "timeout", "message": "Timed out waiting for x"}, "Waiting")


def test_check_event_error_raises_with_the_message() -> None:
    with pytest.raises(AirflowException, match="MinimaxAuthError: no access") as failed:
        check_event({"status": "error", "message": "MinimaxAuthError: no access"}, "Waiting")
    assert not isinstance(failed.value, AirflowSensorTimeout)


@pytest.mark.parametrize(
    "event", [None, "success", {"record": {}}, {"status": "success"}, {"status": "odd"}]
)
def test_check_event_malformed_raises(event: Any) -> None:
    with pytest.raises(AirflowException) as failed:
        check_event(event, "Waiting for issuedinvoices")
    assert "Waiting for issuedinvoices" in str(failed.value)
    assert not isinstance(failed.value, AirflowSensorTimeout)


# -- the trigger ------------------------------------------------------------------------------


async def first_event(trigger: MinimaxRecordTrigger) -> dict[str, Any]:
    events = trigger.run()
    try:
        event = await asyncio.wait_for(events.__anext__(), timeout=30)
    finally:
        await events.aclose()
    return dict(event.payload)


def test_trigger_serialize_round_trip(conn: Sandbox) -> None:
    """Rebuilt from classpath and kwargs it serialises the same; JSON only; no secret."""
    trigger = MinimaxRecordTrigger(
        resource="issuedinvoices",
        filters={"InvoiceNumber": 913},
        expect={"Status": ["I"], **PAID},
        organisation_id=123,
        poll_interval=2.5,
        timeout_at=1_900_000_000.0,
    )
    asyncio.run(first_event(trigger))  # a token now exists
    classpath, kwargs = trigger.serialize()
    module, _, name = classpath.rpartition(".")
    rebuilt = getattr(importlib.import_module(module), name)(**kwargs)
    assert rebuilt.serialize() == (classpath, kwargs)
    text = json.dumps(kwargs)
    assert json.loads(text) == kwargs
    creds = conn.settings.credentials
    tokens = conn.issued_tokens()
    assert tokens
    for secret in (creds.password, creds.client_secret, *tokens):
        assert secret not in text


def test_trigger_success_event(conn: Sandbox) -> None:
    invoice = unpaid_issued_invoice(conn)
    trigger = MinimaxRecordTrigger(resource="issuedinvoices", id=invoice, expect={"Status": "I"})
    event = asyncio.run(first_event(trigger))
    assert event["status"] == "success"
    assert event["record"]["id"] == invoice and event["record"]["Status"] == "I"


def test_trigger_timeout_event(conn: Sandbox) -> None:
    """timeout_at in the past and an unmet record: a timeout event saying what was missing."""
    invoice = unpaid_issued_invoice(conn)
    trigger = MinimaxRecordTrigger(
        resource="issuedinvoices", id=invoice, expect=PAID, timeout_at=time.time() - 1
    )
    event = asyncio.run(first_event(trigger))
    assert event["status"] == "timeout"
    assert "PaymentStatus" in event["message"] and "Placan" in event["message"]


@pytest.mark.parametrize(
    ("kwargs", "words"),
    [
        ({"resource": "nosuchresource", "id": 1}, "MinimaxConfigurationError"),
        ({"resource": "customers", "code": "X", "organisation_id": 125}, "125"),
    ],
)
def test_trigger_error_event(conn: Sandbox, kwargs: dict, words: str) -> None:
    """An unknown resource, or an organisation without API access: an error event."""
    event = asyncio.run(first_event(MinimaxRecordTrigger(**kwargs)))
    assert event["status"] == "error"
    assert words in event["message"]


def test_trigger_does_not_block_the_event_loop(conn: Sandbox, later: Any) -> None:
    """Checks with 500 ms latency run off the loop: a 50 ms ticker keeps ticking."""
    invoice = unpaid_issued_invoice(conn)
    conn.add_fault(FaultRule("latency", latency_ms=500, path="issuedinvoices"))
    trigger = MinimaxRecordTrigger(
        resource="issuedinvoices", id=invoice, expect=PAID, poll_interval=0.05
    )
    later("GET", "issuedinvoices/{id}", 1, lambda: pay(conn, invoice))

    async def main() -> tuple[dict[str, Any], int, float]:
        ticks = 0
        done = asyncio.Event()

        async def ticker() -> None:
            nonlocal ticks
            while not done.is_set():
                await asyncio.sleep(0.05)
                ticks += 1

        ticking = asyncio.create_task(ticker())
        started = time.monotonic()
        event = await first_event(trigger)
        elapsed = time.monotonic() - started
        done.set()
        await ticking
        return event, ticks, elapsed

    event, ticks, elapsed = asyncio.run(main())
    assert event["status"] == "success"
    assert elapsed >= 1.0  # two checks of 500 ms each
    assert ticks >= 0.6 * elapsed / 0.05, (ticks, elapsed)


# -- end to end with dag.test() ---------------------------------------------------------------

DAG_HEAD = """
import datetime
import json

import requests
from airflow.providers.common.compat.sdk import dag, task

from airflow_provider_minimax.sensors.record import MinimaxRecordSensor

START = datetime.datetime(2025, 1, 1)


class MarkedSensor(MinimaxRecordSensor):
    \"\"\"Notes the trigger's event in a file before the usual handling.\"\"\"

    def execute_complete(self, context, event=None):
        with open({marker!r}, "w") as out:
            json.dump(event, out)
        return {{"via": "execute_complete", **super().execute_complete(context, event)}}

"""

# The sensor under test, as both DAGs below place it (indented as a DAG function's body).
SENSOR = """MarkedSensor(
        task_id="wait",
        resource="issuedinvoices",
        id={invoice},
        expect={{"PaymentStatus": "Placan"}},
        mode={mode!r},
        poke_interval={interval},
        timeout={timeout},
        deferrable={deferrable},
    )


waits()
"""

POKE_DAG = (
    DAG_HEAD
    + """
@dag(dag_id={dag_id!r}, schedule=None, start_date=START, catchup=False)
def waits():
    @task
    def pay():
        url = {root!r} + "/_sandbox/orgs/123/issuedinvoices/{invoice}/pay"
        requests.post(url, timeout=10).raise_for_status()

    pay() >> """
    + SENSOR
)

ALONE_DAG = (
    DAG_HEAD
    + """
@dag(dag_id={dag_id!r}, schedule=None, start_date=START, catchup=False)
def waits():
    """
    + SENSOR
)


def dag_source(template: str, tmp_path: Path, conn: Sandbox, **values: Any) -> str:
    values = {
        "marker": str(tmp_path / "event.json"),
        "root": conn.root_url,
        "mode": "poke",
        "interval": 1,
        "timeout": 30,
        "deferrable": False,
    } | values
    return template.format(**values)


def test_poke_mode_in_a_dag_run_sees_the_payment(
    run_dag: Any, conn: Sandbox, tmp_path: Path
) -> None:
    """A task pays the invoice; the sensor (poke mode) downstream succeeds with "Placan"."""
    invoice = unpaid_issued_invoice(conn)
    dag_id = "minimax_ops_sensor_poke"
    dag_run = run_dag(dag_source(POKE_DAG, tmp_path, conn, dag_id=dag_id, invoice=invoice), dag_id)
    assert dag_run.state == "success", task_states(dag_run)
    result = xcoms(dag_run)["wait"]
    assert result["id"] == invoice and result["PaymentStatus"] == "Placan"
    assert not (tmp_path / "event.json").exists()  # no deferral in poke mode


def test_reschedule_mode_in_a_dag_run(
    run_dag: Any, conn: Sandbox, tmp_path: Path, later: Any
) -> None:
    """mode="reschedule": the first poke finds the invoice unpaid, the task is rescheduled, a
    later poke sees it paid."""
    invoice = unpaid_issued_invoice(conn)
    later("GET", "issuedinvoices/{id}", 1, lambda: pay(conn, invoice))
    dag_id = "minimax_ops_sensor_reschedule"
    source = dag_source(
        ALONE_DAG, tmp_path, conn, dag_id=dag_id, invoice=invoice, mode="reschedule"
    )
    dag_run = run_dag(source, dag_id)
    assert dag_run.state == "success", task_states(dag_run)
    assert xcoms(dag_run)["wait"]["PaymentStatus"] == "Placan"
    assert reschedules(dag_run, "wait") >= 1
    assert try_numbers(dag_run) == {"wait": 1}


def test_deferrable_in_a_dag_run_succeeds_through_execute_complete(
    run_dag: Any, conn: Sandbox, tmp_path: Path, later: Any
) -> None:
    """deferrable=True: the invoice is paid only after the trigger's first check; the trigger's
    success event resumes the task in execute_complete."""
    invoice = unpaid_issued_invoice(conn)
    # 1: the sensor's own first look; 2: the trigger's first check. Then the payment.
    later("GET", "issuedinvoices/{id}", 2, lambda: pay(conn, invoice))
    dag_id = "minimax_ops_sensor_deferred"
    source = dag_source(
        ALONE_DAG, tmp_path, conn, dag_id=dag_id, invoice=invoice, interval=0.5, deferrable=True
    )
    dag_run = run_dag(source, dag_id)
    assert dag_run.state == "success", task_states(dag_run)
    result = xcoms(dag_run)["wait"]
    assert result["via"] == "execute_complete"
    assert result["id"] == invoice and result["PaymentStatus"] == "Placan"
    assert json.loads((tmp_path / "event.json").read_text())["status"] == "success"


def test_deferrable_in_a_dag_run_times_out(run_dag: Any, conn: Sandbox, tmp_path: Path) -> None:
    """deferrable=True, timeout=2 and a record that never matches: a timeout event, the task
    fails."""
    invoice = unpaid_issued_invoice(conn)
    dag_id = "minimax_ops_sensor_deferred_timeout"
    source = dag_source(
        ALONE_DAG,
        tmp_path,
        conn,
        dag_id=dag_id,
        invoice=invoice,
        interval=0.5,
        timeout=2,
        deferrable=True,
    )
    started = time.monotonic()
    dag_run = run_dag(source, dag_id)
    assert dag_run.state == "failed"
    assert task_states(dag_run) == {"wait": "failed"}
    assert json.loads((tmp_path / "event.json").read_text())["status"] == "timeout"
    assert time.monotonic() - started >= 2
    assert stored(conn, "issuedinvoices", invoice)["PaymentStatus"] != "Placan"
