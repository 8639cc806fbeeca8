"""The snippets of index.md, installation.md and connection.md."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pendulum
import pytest

from airflow_provider_minimax.get_provider_info import CONNECTION_EXTRAS
from airflow_provider_minimax.hooks.minimax import MinimaxHook, config_from_connection
from airflow_provider_minimax.sandbox import Sandbox
from tests.dagtools import AIRFLOW_3, task_states, xcoms
from tests.docs.helpers import sandbox_records
from tests.docs.snippets import DOCS, single_quoted, snippet

AIRFLOW = Path(sys.executable).parent / "airflow"


def connection_from_env_value(value: str, conn_id: str = "minimax_default") -> Any:
    """What Airflow makes of an AIRFLOW_CONN_… value: JSON, or else a URI."""
    from airflow.models.connection import Connection

    if value.lstrip().startswith("{"):
        return Connection.from_json(value, conn_id=conn_id)
    return Connection(conn_id=conn_id, uri=value)


def airflow_cli(*args: str, **env: str) -> subprocess.CompletedProcess[str]:
    """The airflow command in this test run's AIRFLOW_HOME (tests/conftest.py)."""
    return subprocess.run(
        [str(AIRFLOW), *args],
        capture_output=True,
        text=True,
        timeout=120,
        env={**os.environ, **env},
    )


# -- index.md -------------------------------------------------------------------------------


def test_the_first_dag_exports_the_day_that_ended(
    run_dag: Any, minimax_sandbox: Sandbox, data_root: Path
) -> None:
    """The run at local midnight of 21 November exports the invoices issued on 20 November."""
    dag_run = run_dag(
        "index-first-dag", logical_date=pendulum.datetime(2025, 11, 21, tz="Europe/Ljubljana")
    )
    assert task_states(dag_run) == {"issued_invoices": "success"}
    written = data_root / "2025-11-20" / "issued-invoices.jsonl"
    rows = [json.loads(line) for line in written.read_text("utf-8").splitlines()]
    expected = sorted(
        record["IssuedInvoiceId"]
        for record in sandbox_records(minimax_sandbox, "issuedinvoices")
        if record["DateIssued"].startswith("2025-11-20")
    )
    assert expected and sorted(row["IssuedInvoiceId"] for row in rows) == expected
    manifest = json.loads(Path(f"{written}.manifest.json").read_text("utf-8"))
    assert manifest["rows"] == len(expected)
    assert xcoms(dag_run)["issued_invoices"]["sha256"] == manifest["sha256"]


# -- installation.md ------------------------------------------------------------------------


def test_the_compat_imports_work_and_are_airflow_s_own(run_python: Any) -> None:
    namespace, _ = run_python("installation-compat-imports")
    if AIRFLOW_3:
        from airflow.sdk import DAG, Param, dag, task
    else:  # the Airflow 2 spellings the page lists
        from airflow import DAG
        from airflow.decorators import dag, task
        from airflow.models.param import Param
    expected = {"DAG": DAG, "Param": Param, "dag": dag, "task": task}
    assert {name: namespace[name] for name in expected} == expected


def test_the_version_check_message_is_the_one_on_the_page() -> None:
    from airflow_provider_minimax._compat import check_airflow_version

    with pytest.raises(RuntimeError) as refused:
        check_airflow_version("2.10.5")
    assert f"RuntimeError: {refused.value}" in (DOCS / "installation.md").read_text("utf-8")


# -- connection.md --------------------------------------------------------------------------


def test_the_json_connection_is_accepted_and_works_with_real_values(
    minimax_sandbox: Sandbox, use_connection: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The page's JSON: valid, every extra key one the provider knows, read as documented; the
    same JSON with the sandbox's address and secrets passes Test connection."""
    value = single_quoted(snippet("connection-json").code)
    document = json.loads(value)
    assert document["conn_type"] == "minimax"
    assert set(document["extra"]) <= set(CONNECTION_EXTRAS)

    config = config_from_connection(connection_from_env_value(value))
    assert config.base_url == "https://moj.minimax.si/SI/"
    assert config.scope == "minimax.si" and config.country == "SI"
    assert (config.organisation_id, config.page_size, config.max_calls) == (123456, 1000, 800)
    assert config.credentials.username == "my-app-user"

    creds = minimax_sandbox.settings.credentials
    real = document | {
        "host": minimax_sandbox.base_url,
        "login": creds.username,
        "password": creds.password,
    }
    real["extra"] = document["extra"] | {
        "client_id": creds.client_id,
        "client_secret": creds.client_secret,
        "organisation_id": 123,
    }
    monkeypatch.setenv("AIRFLOW_CONN_MINIMAX_DEFAULT", json.dumps(real))
    ok, message = MinimaxHook().test_connection()
    assert ok, message
    assert message.startswith(f"Connected to {minimax_sandbox.base_url} as 'sandbox-user'")
    assert "reaches 2 organisations: 123 Demo d.o.o., 124 Primer d.o.o." in message


def test_the_uri_connection_is_completed_and_decoded() -> None:
    config = config_from_connection(
        connection_from_env_value(single_quoted(snippet("connection-uri").code))
    )
    assert config.base_url == "https://moj.minimax.si/SI/"
    assert config.credentials.username == "my-app-user"
    assert config.credentials.password == "my@app/password"
    assert config.credentials.client_secret == "my-client-secret"
    assert config.organisation_id == 123456


def test_the_uri_form_reaches_a_local_sandbox(
    minimax_sandbox: Sandbox, monkeypatch: pytest.MonkeyPatch
) -> None:
    """What the page says of localhost URIs: http, and the port kept."""
    creds = minimax_sandbox.settings.credentials
    uri = (
        f"minimax://{creds.username}:{creds.password}@127.0.0.1:{minimax_sandbox.port}/SI"
        f"?client_id={creds.client_id}&client_secret={creds.client_secret}&organisation_id=123"
    )
    monkeypatch.setenv("AIRFLOW_CONN_MINIMAX_DEFAULT", uri)
    hook = MinimaxHook()
    assert hook.config.base_url == minimax_sandbox.base_url
    assert [org["ID"] for org in hook.organisations()] == [123, 124]


def test_the_cli_adds_a_connection_that_passes_test_connection(
    airflow_db: str, minimax_sandbox: Sandbox, monkeypatch: pytest.MonkeyPatch
) -> None:
    """`airflow connections add` with the page's JSON (the sandbox's values put in), then
    `airflow connections test` as the page shows it, with the setting it needs."""
    [add] = snippet("connection-cli").code.strip().splitlines()
    document = json.loads(single_quoted(add))
    creds = minimax_sandbox.settings.credentials
    document.update(host=minimax_sandbox.base_url, login=creds.username, password=creds.password)
    document["extra"].update(client_id=creds.client_id, client_secret=creds.client_secret)
    document["extra"]["organisation_id"] = 123
    conn_id = "minimax_docs_cli"
    assert add.startswith("airflow connections add minimax_default --conn-json '")
    monkeypatch.delenv("AIRFLOW_CONN_MINIMAX_DEFAULT", raising=False)
    added = airflow_cli("connections", "add", conn_id, "--conn-json", json.dumps(document))
    try:
        assert added.returncode == 0, added.stdout + added.stderr
        lines = snippet("connection-test-cli").code.strip().splitlines()
        assert lines[0].startswith("export AIRFLOW__CORE__TEST_CONNECTION=Enabled")
        assert lines[1] == "airflow connections test minimax_default"
        tested = airflow_cli(
            "connections", "test", conn_id, AIRFLOW__CORE__TEST_CONNECTION="Enabled"
        )
        assert tested.returncode == 0, tested.stdout + tested.stderr
        assert "Connection success!" in tested.stdout
        assert minimax_sandbox.stats()["token_requests"] == 1
    finally:
        from airflow.models.connection import Connection
        from airflow.utils.session import create_session

        with create_session() as session:
            session.query(Connection).filter(Connection.conn_id == conn_id).delete()
