"""Create, get, update and delete operators against the sandbox (execute() called directly)."""

from __future__ import annotations

import json
import uuid
from typing import Any

import pytest
import requests
from airflow.providers.common.compat.sdk import AirflowFailException

from airflow_provider_minimax.client import (
    MinimaxAmbiguousWriteError,
    MinimaxConcurrencyError,
    MinimaxValidationError,
)
from airflow_provider_minimax.operators.records import (
    MinimaxCreateOperator,
    MinimaxDeleteOperator,
    MinimaxGetOperator,
    MinimaxUpdateOperator,
)
from airflow_provider_minimax.sandbox import Sandbox
from airflow_provider_minimax.sandbox.faults import FaultRule
from tests.dagtools import xcoms
from tests.operators.helpers import ORG, calls, change, records_where, stored
from tests.support import Api


def new_code() -> str:
    return f"OPS-{uuid.uuid4().hex[:8].upper()}"


def create(payload: Any, **kwargs: Any) -> dict[str, Any]:
    return MinimaxCreateOperator(
        task_id="create", resource="customers", payload=payload, **kwargs
    ).execute(context={})


@pytest.fixture
def customer(conn: Sandbox) -> dict[str, Any]:
    """A new customer: the create operator's return value plus its code."""
    code = new_code()
    return create({"Code": code, "Name": f"Kupec {code}", "City": "Ljubljana"}) | {"code": code}


# -- create -----------------------------------------------------------------------------------


@pytest.mark.switch("location_style")
def test_create_returns_id_location_and_row_version(conn: Sandbox, api: Api) -> None:
    """The result names the new record; its location is the sandbox URL and a GET on it works."""
    code = new_code()
    result = create({"Code": code, "Name": "Novi kupec"})
    assert set(result) == {"id", "location", "row_version"}
    record = stored(conn, "customers", result["id"])
    assert record is not None and record["Code"] == code
    assert result["row_version"] == record["RowVersion"]
    assert result["location"] == f"{conn.api_url}api/orgs/{ORG}/customers/{result['id']}"
    assert api.ok("GET", result["location"])["CustomerId"] == result["id"]


@pytest.mark.switch("search_scope", "location_style")
def test_create_with_match_on_posts_once(conn: Sandbox) -> None:
    """With match_on="Code" a second run returns the same record; the sandbox saw one POST."""
    payload = {"Code": new_code(), "Name": "Enkraten kupec"}
    first = create(payload, match_on="Code")
    second = create(payload, match_on="Code")
    assert second["id"] == first["id"]
    assert calls(conn, "POST", "customers") == 1
    assert len(records_where(conn, "customers", Code=payload["Code"])) == 1


@pytest.mark.switch("search_scope")
def test_match_on_a_field_no_exact_means_covers_fails_before_writing(conn: Sandbox) -> None:
    """Run twice, this made two customers wherever SearchString does not search
    RegistrationNumber: now the task fails at once, writes nothing, and names Code."""
    payload = {"Name": "X", "RegistrationNumber": "8765432000"}
    with pytest.raises(AirflowFailException, match="match on Code"):
        create(payload, match_on="RegistrationNumber")
    assert calls(conn, "POST", "customers") == 0


def test_a_misspelt_payload_field_fails_before_writing(conn: Sandbox) -> None:
    with pytest.raises(AirflowFailException, match=r"'Cty'.*Did you mean 'City'"):
        create({"Code": new_code(), "Name": "X", "Cty": "Koper"})
    assert calls(conn, "POST", "customers") == 0


def test_create_payload_as_json_text(conn: Sandbox) -> None:
    """A payload rendered to JSON text is parsed and stored."""
    code = new_code()
    result = create(json.dumps({"Code": code, "Name": "Iz JSON"}))
    assert stored(conn, "customers", result["id"])["Name"] == "Iz JSON"


@pytest.mark.parametrize(
    "payload", ['{"Code": "X", "Name": ', "not json at all", '[{"Code": "X"}]', "[]"]
)
def test_create_bad_payload_text_fails_naming_payload(conn: Sandbox, payload: str) -> None:
    """Invalid JSON or a JSON list: the task fails at once, naming `payload`; nothing is sent."""
    with pytest.raises(AirflowFailException, match="payload"):
        create(payload)
    assert calls(conn, "POST", "customers") == 0


def test_create_payload_text_that_breaks_literal_eval_fails_naming_payload(conn: Sandbox) -> None:
    """Text that is neither JSON nor a Python literal always fails as AirflowFailException."""
    with pytest.raises(AirflowFailException, match="payload"):
        create("{[1]: 2}")


def test_create_validation_error_fails_with_server_message(conn: Sandbox) -> None:
    """A missing Name: AirflowFailException with the server's words and the field; the cause is
    MinimaxValidationError."""
    with pytest.raises(AirflowFailException) as failed:
        create({"Code": new_code()})
    text = str(failed.value)
    assert "The Name field is required" in text
    assert "Name" in text
    assert isinstance(failed.value.__cause__, MinimaxValidationError)
    assert [error.field for error in failed.value.__cause__.field_errors] == ["Name"]


def test_lost_create_answer_without_match_on_fails_for_good(conn: Sandbox) -> None:
    """A dropped create answer without match_on: AirflowFailException (no retry) caused by
    MinimaxAmbiguousWriteError; the POST was sent once."""
    conn.add_fault(FaultRule("drop_response", times=1, method="POST"))
    code = new_code()
    with pytest.raises(AirflowFailException) as failed:
        create({"Code": code, "Name": "Izgubljen odgovor"})
    assert isinstance(failed.value.__cause__, MinimaxAmbiguousWriteError)
    assert calls(conn, "POST", "customers") == 1


def test_lost_create_answer_with_match_on_finds_the_record(conn: Sandbox) -> None:
    """A dropped create answer with match_on: the stored record is found; exactly one exists."""
    conn.add_fault(FaultRule("drop_response", times=1, method="POST"))
    code = new_code()
    result = create({"Code": code, "Name": "Izgubljen odgovor"}, match_on="Code")
    [record] = records_where(conn, "customers", Code=code)
    assert result["id"] == record["CustomerId"]
    assert conn.stats()["faults_injected"] == {"drop_response": 1}


def test_bad_organisation_id_fails_without_retry(conn: Sandbox) -> None:
    """organisation_id that is not a number is a configuration error no retry cures."""
    with pytest.raises(AirflowFailException, match="organisation_id"):
        create({"Code": new_code(), "Name": "X"}, organisation_id="not-a-number")


# -- get --------------------------------------------------------------------------------------


@pytest.mark.switch("location_style")
def test_get_by_id_code_and_location(customer: dict[str, Any]) -> None:
    """The same record by ID, by code and by the create's location."""
    by_id = MinimaxGetOperator(task_id="g", resource="customers", id=customer["id"]).execute({})
    by_code = MinimaxGetOperator(task_id="g", resource="customers", code=customer["code"]).execute(
        {}
    )
    by_location = MinimaxGetOperator(task_id="g", location=customer["location"]).execute({})
    assert by_id["CustomerId"] == by_code["CustomerId"] == by_location["CustomerId"]
    assert by_id == by_code == by_location
    assert by_id["Code"] == customer["code"]


@pytest.mark.switch("location_style")
def test_get_by_the_location_header_of_a_create(
    conn: Sandbox, api: Api, switch_position: str
) -> None:
    """The Location as the service answered it, `…/customers/5` or `…/customers?id=5`."""
    code = new_code()
    answer = api.request("POST", api.org("customers"), json={"Code": code, "Name": "Glava"})
    location = answer.headers["Location"]
    assert ("?id=" in location) == (switch_position == "query")
    got = MinimaxGetOperator(task_id="g", location=location).execute({})
    assert got["Code"] == code


@pytest.mark.parametrize("fields", [["Code", "City"], "Code, City", '["Code", "City"]'])
def test_get_fields_projection(customer: dict[str, Any], fields: Any) -> None:
    """fields as a list, comma text or JSON text returns only those fields."""
    got = MinimaxGetOperator(
        task_id="g", resource="customers", id=customer["id"], fields=fields
    ).execute({})
    assert got == {"Code": customer["code"], "City": "Ljubljana"}


def test_get_unknown_field_lists_the_records_fields(customer: dict[str, Any]) -> None:
    """An unknown field fails, naming it and listing the fields the record has."""
    with pytest.raises(AirflowFailException) as failed:
        MinimaxGetOperator(
            task_id="g", resource="customers", id=customer["id"], fields="Code,Nmae"
        ).execute({})
    text = str(failed.value)
    assert "Nmae" in text
    assert "CustomerId" in text and "RowVersion" in text and "City" in text


@pytest.mark.parametrize(
    "names",
    [{}, {"id": 1, "code": "X"}, {"code": "X", "location": "http://x/1"}, {"id": "", "code": ""}],
)
def test_get_needs_exactly_one_of_id_code_location(conn: Sandbox, names: dict) -> None:
    """None, or two, of id/code/location fail at once without an API call."""
    with pytest.raises(AirflowFailException, match="exactly one of id, code or location"):
        MinimaxGetOperator(task_id="g", resource="customers", **names).execute({})
    assert conn.stats()["api_calls"] == 0


def test_get_by_code_with_query(conn: Sandbox) -> None:
    """VAT rate S on a date: the query travels with the code lookup."""
    seen: list[str] = []
    operator = MinimaxGetOperator(
        task_id="g", resource="vatrates", code="S", query={"date": "2025-11-20"}
    )
    session = operator.hook.get_conn().transport.session
    session.hooks["response"].append(lambda response, *a, **k: seen.append(response.url))
    rate = operator.execute({})
    assert rate["Code"] == "S" and rate["Percent"] == 22.0
    assert any("code(S)" in url and "date=2025-11-20" in url for url in seen), seen


# -- update -----------------------------------------------------------------------------------


@pytest.mark.switch("write_answer", "concurrency_status")
def test_update_returns_the_new_row_version(customer: dict[str, Any], conn: Sandbox) -> None:
    """The result is {"id", "row_version"} with the RowVersion the sandbox now holds."""
    result = MinimaxUpdateOperator(
        task_id="u", resource="customers", id=customer["id"], changes={"City": "Maribor"}
    ).execute({})
    record = stored(conn, "customers", customer["id"])
    assert result == {"id": customer["id"], "row_version": record["RowVersion"]}
    assert result["row_version"] != customer["row_version"]
    assert record["City"] == "Maribor"
    assert calls(conn, "PUT", "customers/{id}") == 1


def test_update_with_stale_row_version_fails_and_changes_nothing(
    customer: dict[str, Any], conn: Sandbox
) -> None:
    """Another writer changed the record after it was read: AirflowFailException caused by
    MinimaxConcurrencyError; the other writer's record stands unchanged."""
    read = MinimaxGetOperator(
        task_id="g", resource="customers", id=customer["id"], fields="RowVersion"
    ).execute({})
    change(conn, "customers", customer["id"], Address="Druga ulica 2")
    before = stored(conn, "customers", customer["id"])
    with pytest.raises(AirflowFailException) as failed:
        MinimaxUpdateOperator(
            task_id="u",
            resource="customers",
            id=customer["id"],
            changes={"City": "Celje"},
            row_version=read["RowVersion"],
        ).execute({})
    assert isinstance(failed.value.__cause__, MinimaxConcurrencyError)
    assert stored(conn, "customers", customer["id"]) == before
    assert calls(conn, "PUT", "customers/{id}") == 0


def test_update_on_conflict_retry_keeps_the_other_writers_field(
    customer: dict[str, Any], conn: Sandbox
) -> None:
    """on_conflict="retry" applies the change to the latest record and keeps the other field."""
    change(conn, "customers", customer["id"], Address="Druga ulica 2")
    result = MinimaxUpdateOperator(
        task_id="u",
        resource="customers",
        id=customer["id"],
        changes={"City": "Celje"},
        row_version=customer["row_version"],
        on_conflict="retry",
    ).execute({})
    record = stored(conn, "customers", customer["id"])
    assert record["City"] == "Celje" and record["Address"] == "Druga ulica 2"
    assert result["row_version"] == record["RowVersion"]


def test_update_rerun_keeps_another_writers_change(customer: dict[str, Any], conn: Sandbox) -> None:
    """Update, another writer changes another field, the update runs again: both stay."""
    operator = MinimaxUpdateOperator(
        task_id="u", resource="customers", id=customer["id"], changes={"City": "Koper"}
    )
    operator.execute({})
    change(conn, "customers", customer["id"], Address="Pristaniška 1")
    MinimaxUpdateOperator(
        task_id="u", resource="customers", id=customer["id"], changes={"City": "Koper"}
    ).execute({})
    record = stored(conn, "customers", customer["id"])
    assert record["City"] == "Koper" and record["Address"] == "Pristaniška 1"


def test_update_changes_as_json_text(customer: dict[str, Any], conn: Sandbox) -> None:
    """changes rendered to JSON text are applied."""
    MinimaxUpdateOperator(
        task_id="u",
        resource="customers",
        id=str(customer["id"]),
        changes='{"City": "Novo mesto", "PostalCode": "8000"}',
    ).execute({})
    record = stored(conn, "customers", customer["id"])
    assert (record["City"], record["PostalCode"]) == ("Novo mesto", "8000")


def test_update_unknown_field_suggests_the_right_one(
    customer: dict[str, Any], conn: Sandbox
) -> None:
    """A misspelt field fails at once with "Did you mean 'City'?"; nothing is written."""
    before = stored(conn, "customers", customer["id"])
    with pytest.raises(AirflowFailException, match="Did you mean 'City'"):
        MinimaxUpdateOperator(
            task_id="u", resource="customers", id=customer["id"], changes={"Cty": "Kranj"}
        ).execute({})
    assert stored(conn, "customers", customer["id"]) == before


# -- delete -----------------------------------------------------------------------------------


@pytest.mark.switch("write_answer")
def test_delete_removes_the_record(customer: dict[str, Any], conn: Sandbox, api: Api) -> None:
    """After the delete the sandbox has no such record and a GET answers 404."""
    assert (
        MinimaxDeleteOperator(task_id="d", resource="customers", id=customer["id"]).execute({})
        is None
    )
    assert stored(conn, "customers", customer["id"]) is None
    response: requests.Response = api.get(customer["location"])
    assert response.status_code == 404


# -- XCom between the operators in a real run -------------------------------------------------

CHAIN_DAG = """
import datetime

from airflow.providers.common.compat.sdk import dag, task

from airflow_provider_minimax.operators.records import (
    MinimaxCreateOperator,
    MinimaxGetOperator,
    MinimaxUpdateOperator,
)


@dag(dag_id="minimax_ops_chain", schedule=None, start_date=datetime.datetime(2025, 1, 1))
def chain():
    @task
    def payload():
        return {"Code": "OPS-CHAIN", "Name": "Veriga d.o.o.", "City": "Bled"}

    create = MinimaxCreateOperator(
        task_id="create",
        resource="customers",
        payload="{{ ti.xcom_pull(task_ids='payload') }}",
        match_on="Code",
    )
    get = MinimaxGetOperator(
        task_id="get",
        location="{{ ti.xcom_pull(task_ids='create')['location'] }}",
        fields="Code,City",
    )
    update = MinimaxUpdateOperator(
        task_id="update",
        resource="customers",
        id="{{ ti.xcom_pull(task_ids='create')['id'] }}",
        row_version="{{ ti.xcom_pull(task_ids='create')['row_version'] }}",
        changes='{"City": "Bohinj"}',
    )
    payload() >> create >> get >> update


chain()
"""


def test_operators_pass_xcom_through_templates_in_a_dag_run(run_dag: Any, conn: Sandbox) -> None:
    """A payload from XCom (rendered as a Python repr), then get by the create's location and
    update with its row_version, all through rendered templates."""
    dag_run = run_dag(CHAIN_DAG, "minimax_ops_chain")
    assert dag_run.state == "success"
    values = xcoms(dag_run)
    [record] = records_where(conn, "customers", Code="OPS-CHAIN")
    assert values["create"]["id"] == record["CustomerId"]
    assert values["get"] == {"Code": "OPS-CHAIN", "City": "Bled"}
    assert values["update"] == {"id": record["CustomerId"], "row_version": record["RowVersion"]}
    assert record["City"] == "Bohinj"
