"""The pytest plugin users put in their own DAG tests (entry point `pytest11`)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from importlib.metadata import entry_points
from pathlib import Path

from airflow_provider_minimax.sandbox import Sandbox
from tests.support import Api

ROOT = Path(__file__).resolve().parents[2]
# What loading the plugin must not import: every pytest run of an environment with the provider
# installed loads it, and only a test that uses a fixture needs the sandbox.
NOT_ON_LOAD = (
    "airflow_provider_minimax.sandbox.app",
    "airflow_provider_minimax.sandbox.store",
    "airflow_provider_minimax.sandbox.service",
    "airflow_provider_minimax.sandbox.settings",
    "airflow_provider_minimax.client",
    "airflow",
    "http.server",
    "requests",
)


def test_the_plugin_is_registered_for_pytest() -> None:
    plugins = {ep.name: ep.value for ep in entry_points(group="pytest11")}
    assert plugins["minimax_sandbox"] == "airflow_provider_minimax.sandbox.pytest_plugin"


def test_loading_the_plugin_imports_no_sandbox() -> None:
    """In a fresh interpreter: the plugin module and its package, nothing of the sandbox yet."""
    code = (
        "import json, sys; import airflow_provider_minimax.sandbox.pytest_plugin as plugin; "
        "print(json.dumps([plugin.__file__, sorted(sys.modules)]))"
    )
    env = os.environ | {
        "PYTHONPATH": os.pathsep.join([str(ROOT), os.environ.get("PYTHONPATH", "")])
    }
    done = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True, timeout=60
    )
    assert done.returncode == 0, done.stderr
    plugin_file, loaded = json.loads(done.stdout)
    assert Path(plugin_file).is_relative_to(ROOT)  # this checkout's plugin
    assert "airflow_provider_minimax.sandbox.pytest_plugin" in loaded
    assert not [name for name in loaded if name in NOT_ON_LOAD]


def test_the_package_names_are_there_on_first_use() -> None:
    import airflow_provider_minimax.sandbox as sandbox

    assert sandbox.Sandbox is Sandbox
    assert set(sandbox.__all__) <= set(dir(sandbox))
    assert sandbox.DEFAULT_ORGANISATION_ID == 123


def test_minimax_connection_points_airflow_at_the_sandbox(
    minimax_connection: str, minimax_sandbox: Sandbox
) -> None:
    assert os.environ["AIRFLOW_CONN_MINIMAX_DEFAULT"] == minimax_connection
    from airflow.models.connection import Connection

    conn = Connection.from_json(os.environ["AIRFLOW_CONN_MINIMAX_DEFAULT"], conn_id="x")
    assert conn.host == minimax_sandbox.base_url
    assert conn.password == minimax_sandbox.settings.credentials.password


def test_a_test_that_writes_and_breaks_things(api: Api) -> None:
    api.ok("POST", api.org("customers"), json={"Name": "Leak d.o.o.", "Code": "LEAK-1"})
    api.sandbox.configure(max_page_size=3)
    for _ in range(5):
        api.token_request(password="wrong")


def test_the_next_test_gets_a_fresh_sandbox(api: Api) -> None:
    assert api.get(api.org("customers/code(LEAK-1)")).status_code == 404
    assert api.sandbox.settings.max_page_size == 1000
    assert api.sandbox.stats()["locked_applications"] == 0
    assert api.sandbox.stats()["token_requests"] == 1  # this test's own


def test_a_backdated_record_and_a_pdf_count_as_writes(minimax_sandbox: Sandbox) -> None:
    """Changes made without a new RowVersion (a backdated record, a PDF kept as an attachment)
    still make the next test's sandbox rebuild its books."""
    import datetime

    customer_id = minimax_sandbox.ids(123, "customers")[0]
    minimax_sandbox.backdate(123, "customers", customer_id, datetime.datetime(2020, 1, 1))
    assert minimax_sandbox.writes
    minimax_sandbox.reset_if_used()
    assert minimax_sandbox.record(123, "customers", customer_id)["RecordDtModified"] != (
        "2020-01-01T00:00:00"
    )
    issued = minimax_sandbox.ids(123, "issuedinvoices", Status="I")[0]
    api = Api(minimax_sandbox)
    api.ok(
        "PUT",
        api.org(f"issuedinvoices/{issued}/actions/generatepdf"),
        params={"rowVersion": minimax_sandbox.record(123, "issuedinvoices", issued)["RowVersion"]},
    )
    assert minimax_sandbox.writes
