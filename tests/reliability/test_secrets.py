"""Secrets canary: the client secret, the passwords and every access token stay out of sight.

A sandbox of its own logs in with canary credentials (`CANARY-SECRET-…`, `CANARY-PASSWORD-…`, and
a wrong `CANARY-WRONG-…` password for a refused login). The operators' main paths run twice:
directly (`execute()` / `poke()`), and in a DAG run with dag.test(). Then no canary (nor any token
the sandbox issued) may appear in task logs (structlog, stdlib logging, stdout/stderr, log
files), XCom values, rendered template fields, exception texts and reprs, reprs of hooks, configs
and clients, the lock-out guard's file and Variable, or the files exports and actions wrote.
"""

from __future__ import annotations

import json
import logging
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pendulum
import pytest
from airflow.providers.common.compat.sdk import AirflowFailException

from airflow_provider_minimax.client import MinimaxError
from airflow_provider_minimax.hooks.minimax import MinimaxHook
from airflow_provider_minimax.operators.action import MinimaxActionOperator
from airflow_provider_minimax.operators.export import MinimaxExportOperator
from airflow_provider_minimax.operators.records import (
    MinimaxCreateOperator,
    MinimaxGetOperator,
    MinimaxUpdateOperator,
)
from airflow_provider_minimax.sandbox import Credentials, Sandbox, Settings
from airflow_provider_minimax.sensors.record import MinimaxRecordSensor
from tests.dagtools import bundle_runner, task_states, xcoms
from tests.logtools import operator_logs
from tests.support import Api, draft_invoice

CANARY = uuid.uuid4().hex[:16]
SECRET = f"CANARY-SECRET-{CANARY}"
PASSWORD = f"CANARY-PASSWORD-{CANARY}"
WRONG_PASSWORD = f"CANARY-WRONG-{CANARY}"
FORMATS = ("jsonl", "csv", "parquet")
CONTEXT = {
    "data_interval_start": pendulum.datetime(2025, 11, 1, tz="UTC"),
    "data_interval_end": pendulum.datetime(2025, 11, 2, tz="UTC"),
}


@pytest.fixture(scope="module")
def canary() -> Iterator[Sandbox]:
    """A sandbox whose login is made of canaries."""
    credentials = Credentials(
        client_id=f"canary-client-{CANARY}",
        client_secret=SECRET,
        username=f"canary-user-{CANARY}",
        password=PASSWORD,
    )
    with Sandbox(Settings(credentials=credentials)) as sandbox:
        yield sandbox


@pytest.fixture
def connections(canary: Sandbox, monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> dict[str, str]:
    """`minimax_default` logs in with the canary password, `minimax_wrong` with a wrong one; a
    cache folder of this test's own (the guard file lands there)."""
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    wrong = canary.connection
    wrong["password"] = WRONG_PASSWORD
    values = {
        "AIRFLOW_CONN_MINIMAX_DEFAULT": canary.airflow_connection,
        "AIRFLOW_CONN_MINIMAX_WRONG": json.dumps(wrong),
    }
    for name, value in values.items():
        monkeypatch.setenv(name, value)
    return values


def secrets(canary: Sandbox) -> list[str]:
    """Every canary, and every token the sandbox has issued so far."""
    tokens = canary.issued_tokens()
    assert tokens, "no token was issued: the runs did not log in"
    return [SECRET, PASSWORD, WRONG_PASSWORD, *tokens]


def leaks(texts: dict[str, str], canary: Sandbox) -> list[str]:
    """Where a secret occurs: `place: …context…` for each find."""
    found = []
    for place, text in texts.items():
        for secret in secrets(canary):
            at = text.find(secret)
            if at >= 0:
                found.append(f"{place}: …{text[max(0, at - 80) : at + len(secret) + 20]}…")
    return found


def file_texts(folder: Path) -> dict[str, str]:
    """Every file below `folder`, decoded leniently (a PDF or Parquet file is bytes)."""
    return {
        str(path): path.read_bytes().decode("utf-8", "replace")
        for path in sorted(folder.rglob("*"))
        if path.is_file()
    }


def error_texts(name: str, error: BaseException) -> dict[str, str]:
    """str and repr of an error and of every error it was raised from or during."""
    texts: dict[str, str] = {}
    depth = 0
    current: BaseException | None = error
    while current is not None and depth < 10:
        texts[f"{name} str {depth}"] = str(current)
        texts[f"{name} repr {depth}"] = repr(current)
        texts[f"{name} attributes {depth}"] = repr(vars(current))
        current = current.__cause__ or current.__context__
        depth += 1
    return texts


def object_texts(name: str, hook: MinimaxHook) -> dict[str, str]:
    client = hook.get_conn()
    return {
        f"{name} hook": f"{hook!s} {hook!r}",
        f"{name} config": f"{hook.config!s} {hook.config!r}",
        f"{name} credentials": repr(hook.config.credentials),
        f"{name} client": f"{client!s} {client!r} {client.stats!r}",
        f"{name} transport": f"{client.transport!r} {client.transport.guard!r}",
        f"{name} token source": repr(client.transport.tokens),
    }


def guard_texts(tmp_path: Path) -> dict[str, str]:
    files = file_texts(tmp_path / "cache")
    assert files, "the refused login left no guard file"
    return {f"guard file {name}": text for name, text in files.items()}


# -- directly ---------------------------------------------------------------------------------


def test_no_canary_escapes_operators_run_directly(
    canary: Sandbox,
    connections: dict[str, str],
    tmp_path: Path,
    caplog: pytest.LogCaptureFixture,
    capfd: pytest.CaptureFixture[str],
    report: Any,
) -> None:
    """create, get, update, an action with its PDF written to a file, a sensor's poke, an export
    in each format, a failing create and a refused login, each run with execute() / poke()."""
    caplog.set_level(logging.DEBUG)
    invoice = draft_invoice(Api(canary))["IssuedInvoiceId"]
    code = f"CANARY-DIRECT-{CANARY[:6]}"
    out = tmp_path / "out"
    results: dict[str, Any] = {}
    texts: dict[str, str] = {}
    with operator_logs() as events:
        results["create"] = MinimaxCreateOperator(
            task_id="create",
            resource="customers",
            payload={"Code": code, "Name": "Canary d.o.o.", "City": "Koper"},
            match_on="Code",
        ).execute({})
        customer = results["create"]["id"]
        results["get"] = MinimaxGetOperator(
            task_id="get", location=results["create"]["location"]
        ).execute({})
        results["update"] = MinimaxUpdateOperator(
            task_id="update",
            resource="customers",
            id=customer,
            changes={"City": "Piran"},
            row_version=results["create"]["row_version"],
        ).execute({})
        results["pdf"] = MinimaxActionOperator(
            task_id="pdf",
            resource="issuedinvoices",
            id=invoice,
            action="issueAndGeneratepdf",
            attachment_path=str(out / "invoice.pdf"),
        ).execute({})
        poked = MinimaxRecordSensor(
            task_id="wait", resource="customers", id=customer, expect={"City": "Piran"}
        ).poke({})
        assert poked.is_done
        results["wait"] = poked.xcom_value
        for file_format in FORMATS:
            results[f"export_{file_format}"] = MinimaxExportOperator(
                task_id=f"export_{file_format}",
                resource="customers",
                mode="full",
                format=file_format,
                destination=str(out / f"customers.{file_format}"),
            ).execute(dict(CONTEXT))
        failing = MinimaxCreateOperator(
            task_id="failing_create", resource="customers", payload={"Code": f"{code}-NO-NAME"}
        )
        with pytest.raises(AirflowFailException) as failed:
            failing.execute({})
        assert "Name" in str(failed.value)
        texts |= error_texts("failing create", failed.value)
        refused = MinimaxCreateOperator(
            task_id="refused_login",
            minimax_conn_id="minimax_wrong",
            resource="customers",
            payload={"Code": "X", "Name": "Y"},
        )
        with pytest.raises(AirflowFailException) as refusal:
            refused.execute({})
        assert "refused the login" in str(refusal.value)
        texts |= error_texts("refused login", refusal.value)
        hook = MinimaxHook(minimax_conn_id="minimax_wrong")
        with pytest.raises(MinimaxError) as guarded:
            hook.organisations()
        texts |= error_texts("guarded login", guarded.value)
        texts["test_connection wrong"] = hook.test_connection()[1]
        texts |= object_texts("wrong", hook)
        good = MinimaxHook()
        texts["test_connection"] = good.test_connection()[1]
        texts |= object_texts("good", good)
        texts |= object_texts("failing task", failing.hook)

    assert canary.stats()["rejected_logins"] == 1
    written = file_texts(out)
    assert sorted(Path(name).name for name in written) == sorted(
        [
            "invoice.pdf",
            *(f"customers.{f}" for f in FORMATS),
            *(f"customers.{f}.manifest.json" for f in FORMATS),
        ]
    )
    captured = capfd.readouterr()
    texts |= {f"file {name}": text for name, text in written.items()}
    texts |= guard_texts(tmp_path)
    texts["xcom"] = json.dumps(results, default=str)
    texts["operator log events"] = "\n".join(repr(event) for event in events)
    texts["stdlib log"] = caplog.text
    texts["stdlib records"] = "\n".join(repr(vars(record)) for record in caplog.records)
    texts["stdout"], texts["stderr"] = captured.out, captured.err
    # The checks see the client's lines and the operators' lines: they are not empty.
    assert "Minimax token for 'canary-user-" in caplog.text
    assert any(str(event.get("event", "")).startswith("Minimax create") for event in events)

    found = leaks(texts, canary)
    report(
        "secrets_direct",
        places_checked=len(texts),
        files_checked=len(written),
        secrets_checked=len(secrets(canary)),
        tokens_issued=len(canary.issued_tokens()),
        leaks=len(found),
    )
    assert not found, "\n".join(found)


# -- in a DAG run -----------------------------------------------------------------------------

DAG_SOURCE = """
import datetime

from airflow.providers.common.compat.sdk import DAG

from airflow_provider_minimax.operators.action import MinimaxActionOperator
from airflow_provider_minimax.operators.export import MinimaxExportOperator
from airflow_provider_minimax.operators.records import (
    MinimaxCreateOperator,
    MinimaxGetOperator,
    MinimaxUpdateOperator,
)
from airflow_provider_minimax.sensors.record import MinimaxRecordSensor

CREATED = "ti.xcom_pull(task_ids='create')"

with DAG(
    dag_id="minimax_secrets_canary",
    schedule=None,
    start_date=datetime.datetime(2025, 1, 1),
    catchup=False,
    params={{"code": {code!r}, "invoice": {invoice}}},
):
    create = MinimaxCreateOperator(
        task_id="create",
        resource="customers",
        payload='{{"Code": "{{{{ params.code }}}}", "Name": "Canary d.o.o.", "City": "Koper"}}',
        match_on="Code",
    )
    get = MinimaxGetOperator(task_id="get", location="{{{{ " + CREATED + "['location'] }}}}")
    update = MinimaxUpdateOperator(
        task_id="update",
        resource="customers",
        id="{{{{ " + CREATED + "['id'] }}}}",
        row_version="{{{{ " + CREATED + "['row_version'] }}}}",
        changes='{{"City": "Piran"}}',
    )
    wait = MinimaxRecordSensor(
        task_id="wait",
        resource="customers",
        id="{{{{ " + CREATED + "['id'] }}}}",
        expect='{{"City": "Piran"}}',
        mode="poke",
        poke_interval=0.2,
        timeout=60,
    )
    pdf = MinimaxActionOperator(
        task_id="pdf",
        resource="issuedinvoices",
        id="{{{{ params.invoice }}}}",
        action="issueAndGeneratepdf",
        attachment_path="{folder}/{{{{ dag.dag_id }}}}/invoice.pdf",
    )
    for file_format in ("jsonl", "csv", "parquet"):
        MinimaxExportOperator(
            task_id="export_" + file_format,
            resource="customers",
            mode="full",
            format=file_format,
            destination="{folder}/{{{{ dag.dag_id }}}}/customers." + file_format,
        )
    MinimaxCreateOperator(
        task_id="failing_create",
        resource="customers",
        payload='{{"Code": "{{{{ params.code }}}}-NO-NAME"}}',
    )
    MinimaxCreateOperator(
        task_id="refused_login",
        minimax_conn_id="minimax_wrong",
        resource="customers",
        payload={{"Code": "X", "Name": "Y"}},
    )
    create >> get >> update >> wait
"""


def rendered_fields(dag_run: Any) -> dict[str, Any]:
    """The rendered template fields Airflow stored for the run's task instances."""
    from airflow.models.renderedtifields import RenderedTaskInstanceFields
    from airflow.utils.session import create_session

    with create_session() as session:
        rows = (
            session.query(RenderedTaskInstanceFields)
            .filter(RenderedTaskInstanceFields.dag_id == dag_run.dag_id)
            .filter(RenderedTaskInstanceFields.run_id == dag_run.run_id)
            .all()
        )
        return {row.task_id: row.rendered_fields for row in rows}


def refused_variables() -> dict[str, str]:
    """The lock-out guard's Airflow Variables (what other workers read)."""
    from airflow.models.variable import Variable
    from airflow.utils.session import create_session

    with create_session() as session:
        rows = session.query(Variable).filter(Variable.key.like("minimax_refused_login_%")).all()
        return {row.key: str(row.val) for row in rows}


def log_files(airflow_home: str) -> dict[str, str]:
    folder = Path(airflow_home) / "logs"
    return file_texts(folder) if folder.exists() else {}


def test_no_canary_escapes_a_dag_run(
    canary: Sandbox,
    connections: dict[str, str],
    airflow_db: str,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
    capfd: pytest.CaptureFixture[str],
    report: Any,
) -> None:
    """The same paths as tasks of one DAG run (templated from params and XCom): no canary in
    the run's logs, XComs, rendered fields, Variables, guard file or written files."""
    caplog.set_level(logging.DEBUG)
    invoice = draft_invoice(Api(canary))["IssuedInvoiceId"]
    out = tmp_path / "out"
    source = DAG_SOURCE.format(code=f"CANARY-DAG-{CANARY[:6]}", invoice=invoice, folder=out)
    run = bundle_runner(tmp_path / "dags", monkeypatch, "minimax-secrets-canary")
    logs_before = set(log_files(airflow_db))
    with operator_logs() as events:
        dag_run = run(source, "minimax_secrets_canary")
    states = task_states(dag_run)
    assert states == {
        "create": "success",
        "get": "success",
        "update": "success",
        "wait": "success",
        "pdf": "success",
        "export_jsonl": "success",
        "export_csv": "success",
        "export_parquet": "success",
        "failing_create": "failed",
        "refused_login": "failed",
    }
    assert canary.stats()["rejected_logins"] >= 1
    values = xcoms(dag_run)
    assert {"create", "get", "update", "wait", "pdf", "export_csv"} <= set(values)
    rendered = rendered_fields(dag_run)
    assert rendered["update"]["id"] == str(values["create"]["id"])  # rendered from XCom
    variables = refused_variables()
    written = file_texts(out)
    assert len(written) == 1 + 2 * len(FORMATS)  # the PDF, each export and its manifest
    captured = capfd.readouterr()
    new_logs = {k: v for k, v in log_files(airflow_db).items() if k not in logs_before}

    texts: dict[str, str] = {
        "xcom": json.dumps(values, default=str),
        "rendered fields": json.dumps(rendered, default=str),
        "variables": json.dumps(variables),
        "operator log events": "\n".join(repr(event) for event in events),
        "stdlib log": caplog.text,
        "stdlib records": "\n".join(repr(vars(record)) for record in caplog.records),
        "stdout": captured.out,
        "stderr": captured.err,
    }
    texts |= {f"file {name}": text for name, text in written.items()}
    texts |= {f"log file {name}": text for name, text in new_logs.items()}
    texts |= guard_texts(tmp_path)
    everything = "\n".join(texts.values())
    # The task logs were seen: the failures and the refusal are in them.
    assert "refused the login" in everything and "Name" in everything

    found = leaks(texts, canary)
    report(
        "secrets_dag_run",
        tasks=len(states),
        places_checked=len(texts),
        files_checked=len(written),
        log_files_checked=len(new_logs),
        rendered_tasks=len(rendered),
        secrets_checked=len(secrets(canary)),
        leaks=len(found),
    )
    assert not found, "\n".join(found)


def test_the_token_a_client_holds_has_no_revealing_repr(
    canary: Sandbox, connections: dict[str, str]
) -> None:
    """repr() of the token object a client keeps (as a debugger, a traceback with locals or an
    error reporter would show it) does not contain the token."""
    client = MinimaxHook().get_conn()
    client.organisations()
    held = client.transport.tokens._token
    assert held is not None
    texts = {"token repr": repr(held), "token str": str(held)}
    assert not leaks(texts, canary), leaks(texts, canary)
