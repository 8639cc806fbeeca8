"""Bad input from a DAG author: a clear error that names what is wrong, before anything is written.

Unknown resources, payloads that are not a mapping, templates that render to invalid JSON, page
sizes out of range and an organisation the login cannot reach (125 in the sandbox), given to the
client and to the operators. Each must fail with an error that names the field or resource and
says what would be right, and the sandbox must have seen no POST, PUT or DELETE.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pendulum
import pytest
from airflow.providers.common.compat.sdk import AirflowFailException

from airflow_provider_minimax.client import (
    ClientConfig,
    Credentials,
    MinimaxConfigurationError,
    MinimaxError,
)
from airflow_provider_minimax.operators.action import MinimaxActionOperator
from airflow_provider_minimax.operators.export import MinimaxExportOperator
from airflow_provider_minimax.operators.records import (
    MinimaxCreateOperator,
    MinimaxDeleteOperator,
    MinimaxGetOperator,
    MinimaxUpdateOperator,
)
from airflow_provider_minimax.sandbox import Sandbox
from airflow_provider_minimax.sensors.record import MinimaxRecordSensor

ORG = 123
UNREACHABLE = 125  # "Zaklenjeno d.o.o.": in the sandbox, but the login has no API access there
CONTEXT = {
    "data_interval_start": pendulum.datetime(2025, 11, 1, tz="UTC"),
    "data_interval_end": pendulum.datetime(2025, 11, 2, tz="UTC"),
}
CHECKED: Counter[str] = Counter()  # cases checked, by kind, for the report

Case = Callable[[Any, int, Path], Any]  # (make_client, a customer ID, a folder) -> the call


@pytest.fixture
def sandbox(minimax_connection: str, minimax_sandbox: Sandbox, report: Any) -> Iterator[Sandbox]:
    """`minimax_default` points at the sandbox; no write may reach it; figures reported after."""
    yield minimax_sandbox
    writes = {
        route: count
        for route, count in minimax_sandbox.stats()["by_route"].items()
        if route.split(" ")[0] in ("POST", "PUT", "DELETE", "PATCH") and "/API/" in route
    }
    assert not writes, f"bad input reached the service as writes: {writes}"
    report("bad_input", cases_checked=dict(CHECKED), writes_seen=0)


@pytest.fixture
def customer(minimax_sandbox: Sandbox) -> int:
    return min(minimax_sandbox.ids(ORG, "customers"))


def failure(call: Callable[[], Any]) -> BaseException:
    """The exception the call raised: a MinimaxError, or the AirflowFailException of a task."""
    try:
        call()
    except (MinimaxError, AirflowFailException) as error:
        return error
    raise AssertionError("the bad input was accepted")


def assert_clear(error: BaseException, *words: str) -> str:
    text = str(error)
    for word in words:
        assert word in text, f"{word!r} not in {text!r}"
    return text


# -- unknown resources ------------------------------------------------------------------------

UNKNOWN = "custmers"
UNKNOWN_RESOURCE: dict[str, Case] = {
    "client.list": lambda make, cid, folder: make().list(UNKNOWN),
    "client.get": lambda make, cid, folder: make().get(UNKNOWN, cid),
    "client.create": lambda make, cid, folder: make().create(UNKNOWN, {"Code": "X", "Name": "Y"}),
    "client.update": lambda make, cid, folder: make().update(UNKNOWN, cid, {"City": "Kranj"}),
    "client.delete": lambda make, cid, folder: make().delete(UNKNOWN, cid),
    "client.action": lambda make, cid, folder: make().action(UNKNOWN, cid, "issue"),
    "create operator": lambda make, cid, folder: MinimaxCreateOperator(
        task_id="t", resource=UNKNOWN, payload={"Code": "X", "Name": "Y"}
    ).execute({}),
    "get operator": lambda make, cid, folder: MinimaxGetOperator(
        task_id="t", resource=UNKNOWN, id=cid
    ).execute({}),
    "update operator": lambda make, cid, folder: MinimaxUpdateOperator(
        task_id="t", resource=UNKNOWN, id=cid, changes={"City": "Kranj"}
    ).execute({}),
    "delete operator": lambda make, cid, folder: MinimaxDeleteOperator(
        task_id="t", resource=UNKNOWN, id=cid
    ).execute({}),
    "action operator": lambda make, cid, folder: MinimaxActionOperator(
        task_id="t", resource=UNKNOWN, id=cid, action="issue"
    ).execute({}),
    "export operator": lambda make, cid, folder: MinimaxExportOperator(
        task_id="t", resource=UNKNOWN, destination=str(folder / "x.jsonl"), mode="full"
    ).execute(CONTEXT),
    "sensor": lambda make, cid, folder: MinimaxRecordSensor(
        task_id="t", resource=UNKNOWN, id=cid
    ).poke({}),
}


@pytest.mark.parametrize("case", list(UNKNOWN_RESOURCE))
def test_unknown_resource_is_named_with_a_suggestion(
    sandbox: Sandbox, make_client: Any, customer: int, tmp_path: Path, case: str
) -> None:
    """`custmers`: the error names it and suggests `customers`; nothing is sent at all."""
    error = failure(lambda: UNKNOWN_RESOURCE[case](make_client, customer, tmp_path))
    assert_clear(error, f"Unknown Minimax resource {UNKNOWN!r}", "Did you mean 'customers'")
    if case.endswith(("operator", "sensor")):
        assert isinstance(error, AirflowFailException)  # no Airflow retry can cure it
    assert sandbox.stats()["api_calls"] == 0
    # Nothing written; the guard folder holds only the login lock of these credentials.
    assert [path.name for path in tmp_path.iterdir() if path.name != "guard"] == []
    CHECKED["unknown resource"] += 1


# -- payloads that are not a mapping ----------------------------------------------------------

NOT_A_MAPPING: dict[str, tuple[Case, tuple[str, ...]]] = {
    "client.create list": (
        lambda make, cid, folder: make().create("customers", [("Code", "X")]),
        ("payload for customers", "mapping of fields", "not list"),
    ),
    "client.create text": (
        lambda make, cid, folder: make().create("customers", '{"Code": "X"}'),
        ("payload for customers", "mapping of fields", "not str"),
    ),
    "client.update list": (
        lambda make, cid, folder: make().update("customers", cid, [("City", "Kranj")]),
        ("changes must be a mapping of fields or a function", "not list"),
    ),
    "client.update returns text": (
        lambda make, cid, folder: make().update("customers", cid, lambda record: "Kranj"),
        ("changes function for customers", "must return the record", "not str"),
    ),
    "create operator list": (
        lambda make, cid, folder: MinimaxCreateOperator(
            task_id="t", resource="customers", payload=[{"Code": "X"}]
        ).execute({}),
        ("payload must be a mapping of fields or JSON text", "not list"),
    ),
    "create operator JSON list": (
        lambda make, cid, folder: MinimaxCreateOperator(
            task_id="t", resource="customers", payload='[{"Code": "X"}]'
        ).execute({}),
        ("payload must be a JSON object", "rendered to list"),
    ),
    "create operator JSON number": (
        lambda make, cid, folder: MinimaxCreateOperator(
            task_id="t", resource="customers", payload="42"
        ).execute({}),
        ("payload must be a JSON object", "rendered to int"),
    ),
    "create operator empty": (
        lambda make, cid, folder: MinimaxCreateOperator(
            task_id="t", resource="customers", payload=""
        ).execute({}),
        ("payload is required",),
    ),
    "update operator JSON list": (
        lambda make, cid, folder: MinimaxUpdateOperator(
            task_id="t", resource="customers", id=cid, changes='["City", "Kranj"]'
        ).execute({}),
        ("changes must be a JSON object", "rendered to list"),
    ),
    "update operator unknown field": (
        lambda make, cid, folder: MinimaxUpdateOperator(
            task_id="t", resource="customers", id=cid, changes={"Cty": "Kranj"}
        ).execute({}),
        ("no field 'Cty'", "Did you mean 'City'", "Nothing was written"),
    ),
    "create operator match_on missing": (
        lambda make, cid, folder: MinimaxCreateOperator(
            task_id="t", resource="customers", payload={"Name": "Y"}, match_on="Code"
        ).execute({}),
        ("match_on names 'Code'", "the payload has no value"),
    ),
}


@pytest.mark.parametrize("case", list(NOT_A_MAPPING))
def test_payload_that_is_not_a_mapping_is_refused_before_writing(
    sandbox: Sandbox, make_client: Any, customer: int, tmp_path: Path, case: str
) -> None:
    call, words = NOT_A_MAPPING[case]
    before = sandbox.record(ORG, "customers", customer)
    error = failure(lambda: call(make_client, customer, tmp_path))
    assert_clear(error, *words)
    if "operator" in case:
        assert isinstance(error, AirflowFailException)
    assert sandbox.record(ORG, "customers", customer) == before
    CHECKED["payload not a mapping"] += 1


# -- templates that render to invalid JSON ----------------------------------------------------

PARAMS = {"name": "Ana Novak", "year": "2025"}
BAD_TEMPLATES: dict[str, tuple[Callable[[int, Path], Any], str, tuple[str, ...]]] = {
    # the author forgot the quotes around a rendered text
    "create payload": (
        lambda cid, folder: MinimaxCreateOperator(
            task_id="t",
            resource="customers",
            payload='{"Code": "T-1", "Name": {{ params.name }} }',
        ),
        "payload",
        ("payload is not valid JSON", "line 1 column", "Ana Novak"),
    ),
    "update changes": (
        lambda cid, folder: MinimaxUpdateOperator(
            task_id="t", resource="customers", id=cid, changes='{"City": {{ params.name }}'
        ),
        "changes",
        ("changes is not valid JSON", "line 1 column"),
    ),
    "export filters": (
        lambda cid, folder: MinimaxExportOperator(
            task_id="t",
            resource="issuedinvoices",
            destination=str(folder / "x.jsonl"),
            filters='{"Year": {{ params.year }}, }}',
        ),
        "filters",
        ("filters is not valid JSON", "line 1 column"),
    ),
    "get query": (
        lambda cid, folder: MinimaxGetOperator(
            task_id="t", resource="vatrates", code="S", query="{'date': {{ params.year }}"
        ),
        "query",
        ("query is not valid JSON",),
    ),
    "sensor expect": (
        lambda cid, folder: MinimaxRecordSensor(
            task_id="t", resource="customers", id=cid, expect="{City: {{ params.name }}}"
        ),
        "expect",
        ("expect is not valid JSON",),
    ),
}


@pytest.mark.parametrize("case", list(BAD_TEMPLATES))
def test_template_that_renders_to_invalid_json_is_refused_before_writing(
    sandbox: Sandbox, customer: int, tmp_path: Path, case: str
) -> None:
    """The field is rendered as Airflow does (Jinja, with params), then executed: the error
    names the field, where the JSON breaks and the rendered text."""
    make, field, words = BAD_TEMPLATES[case]
    task = make(customer, tmp_path)
    task.render_template_fields({"params": PARAMS, **CONTEXT})
    rendered = getattr(task, field)
    assert "{{" not in rendered
    run = task.poke if isinstance(task, MinimaxRecordSensor) else task.execute
    error = failure(lambda: run(dict(CONTEXT)))
    assert isinstance(error, AirflowFailException)
    assert_clear(error, *words)
    # Nothing written; the guard folder holds only the login lock of these credentials.
    assert [path.name for path in tmp_path.iterdir() if path.name != "guard"] == []
    CHECKED["invalid template JSON"] += 1


# -- page sizes -------------------------------------------------------------------------------


@pytest.mark.parametrize("size", [-1, 0, 10_001, 10**6, 10**12, True, 2.5, "100"])
def test_page_size_out_of_range_is_refused_before_reading(
    sandbox: Sandbox, make_client: Any, size: Any
) -> None:
    error = failure(lambda: make_client().list("customers", page_size=size))
    assert_clear(error, "page_size must be between 1 and 10000", repr(size))
    assert sandbox.stats()["api_calls"] == 0
    CHECKED["page size"] += 1


@pytest.mark.parametrize("size", [-5, 0, 100_000_000])
def test_page_size_out_of_range_in_the_client_config(size: int, tmp_path: Path) -> None:
    error = failure(
        lambda: ClientConfig(
            Credentials("c", "s", "u", "p"), page_size=size, guard_dir=tmp_path / "guard"
        )
    )
    assert isinstance(error, MinimaxConfigurationError)
    assert_clear(error, "page_size must be between 1 and 10000", str(size))
    CHECKED["page size"] += 1


@pytest.mark.parametrize("size", ["-5", "0", "1000000000", "lots"])
def test_page_size_out_of_range_in_the_connection_fails_the_task(
    sandbox: Sandbox, monkeypatch: pytest.MonkeyPatch, size: str
) -> None:
    """The connection's extra page_size: the task fails at once (no retry), naming page_size."""
    connection = sandbox.connection
    connection["extra"]["page_size"] = size
    monkeypatch.setenv("AIRFLOW_CONN_MINIMAX_DEFAULT", json.dumps(connection))
    error = failure(
        lambda: MinimaxCreateOperator(
            task_id="t", resource="customers", payload={"Code": "PS-1", "Name": "Page size"}
        ).execute({})
    )
    assert isinstance(error, AirflowFailException)
    assert_clear(error, "page_size", size)
    assert sandbox.stats()["api_calls"] == 0
    CHECKED["page size"] += 1


# -- an organisation the login cannot reach ---------------------------------------------------

UNREACHABLE_WRITES: dict[str, Case] = {
    "client.create": lambda make, cid, folder: make().create(
        "customers", {"Code": "X", "Name": "Y"}, organisation_id=UNREACHABLE
    ),
    "client.update": lambda make, cid, folder: make().update(
        "customers", cid, {"City": "Kranj"}, organisation_id=UNREACHABLE
    ),
    "client.delete": lambda make, cid, folder: make().delete(
        "customers", cid, organisation_id=UNREACHABLE
    ),
    "client.action": lambda make, cid, folder: make().action(
        "issuedinvoices", cid, "issue", organisation_id=UNREACHABLE
    ),
    "client config": lambda make, cid, folder: make(organisation_id=UNREACHABLE).create(
        "customers", {"Code": "X", "Name": "Y"}
    ),
    "create operator": lambda make, cid, folder: MinimaxCreateOperator(
        task_id="t",
        resource="customers",
        payload={"Code": "X", "Name": "Y"},
        organisation_id=UNREACHABLE,
    ).execute({}),
    "create operator templated": lambda make, cid, folder: _rendered(
        MinimaxCreateOperator(
            task_id="t",
            resource="customers",
            payload={"Code": "X", "Name": "Y"},
            organisation_id="{{ params.org }}",
        )
    ).execute({}),
    "update operator": lambda make, cid, folder: MinimaxUpdateOperator(
        task_id="t",
        resource="customers",
        id=cid,
        changes={"City": "Kranj"},
        organisation_id=UNREACHABLE,
    ).execute({}),
    "delete operator": lambda make, cid, folder: MinimaxDeleteOperator(
        task_id="t", resource="customers", id=cid, organisation_id=UNREACHABLE
    ).execute({}),
    "action operator": lambda make, cid, folder: MinimaxActionOperator(
        task_id="t",
        resource="issuedinvoices",
        id=cid,
        action="issueAndGeneratepdf",
        attachment_path=str(folder / "x.pdf"),
        organisation_id=UNREACHABLE,
    ).execute({}),
}


def _rendered(task: Any) -> Any:
    task.render_template_fields({"params": {"org": UNREACHABLE}})
    return task


@pytest.mark.parametrize("case", list(UNREACHABLE_WRITES))
def test_unreachable_organisation_is_refused_before_any_write(
    sandbox: Sandbox, make_client: Any, customer: int, tmp_path: Path, case: str
) -> None:
    """A write to 125: the error names 125, the login and the organisations it reaches, and says
    nothing was written; no request at all goes to organisation 125."""
    error = failure(lambda: UNREACHABLE_WRITES[case](make_client, customer, tmp_path))
    assert_clear(
        error,
        f"Organisation {UNREACHABLE} is not one the login 'sandbox-user' reaches",
        "(123, 124)",
        "nothing was written",
    )
    if "operator" in case:
        assert isinstance(error, AirflowFailException)
    assert not [route for route in sandbox.stats()["by_route"] if "/orgs/{id}/" in route]
    # Nothing written; the guard folder holds only the login lock of these credentials.
    assert [path.name for path in tmp_path.iterdir() if path.name != "guard"] == []
    CHECKED["unreachable organisation"] += 1


@pytest.mark.parametrize("organisation_ids", [UNREACHABLE, [UNREACHABLE], "[125]"])
def test_export_of_an_unreachable_organisation_says_so(
    sandbox: Sandbox, tmp_path: Path, organisation_ids: Any
) -> None:
    """An export (a read) of 125: a typed error naming the organisation and its lack of API
    access; no file is left."""
    task = MinimaxExportOperator(
        task_id="t",
        resource="customers",
        destination=str(tmp_path / "{organisation_id}" / "customers.jsonl"),
        mode="full",
        organisation_ids=organisation_ids,
    )
    error = failure(lambda: task.execute(dict(CONTEXT)))
    assert_clear(error, "organisation 125", "API access")
    assert not [path for path in tmp_path.rglob("*") if path.is_file()]
    CHECKED["unreachable organisation"] += 1


# -- a known inconsistency --------------------------------------------------------------------


@pytest.mark.parametrize("bad", ["unknown resource, default mode", "page_size in connection"])
def test_export_configuration_errors_fail_the_task_without_retry(
    sandbox: Sandbox, monkeypatch: pytest.MonkeyPatch, tmp_path: Path, bad: str
) -> None:
    resource = "issuedinvoices"
    if bad.startswith("unknown"):
        resource = UNKNOWN
    else:
        connection = sandbox.connection
        connection["extra"]["page_size"] = "-5"
        monkeypatch.setenv("AIRFLOW_CONN_MINIMAX_DEFAULT", json.dumps(connection))
    task = MinimaxExportOperator(
        task_id="t", resource=resource, destination=str(tmp_path / "x.jsonl")
    )
    error = failure(lambda: task.execute(dict(CONTEXT)))
    assert isinstance(error, AirflowFailException), type(error).__name__


def test_a_page_size_out_of_range_in_the_connection_names_the_connection(
    minimax_sandbox: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    """extra page_size 0: the error names the connection and the field."""
    import json

    from airflow_provider_minimax.client import MinimaxConfigurationError
    from airflow_provider_minimax.hooks.minimax import MinimaxHook

    conn = minimax_sandbox.connection
    conn["extra"]["page_size"] = 0
    monkeypatch.setenv("AIRFLOW_CONN_MINIMAX_DEFAULT", json.dumps(conn))
    with pytest.raises(MinimaxConfigurationError, match="Connection minimax_default: page_size"):
        _ = MinimaxHook().config
