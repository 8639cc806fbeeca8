"""The pytest plugin users put in their own DAG tests (entry point `pytest11`)."""

from __future__ import annotations

import os
from importlib.metadata import entry_points

from airflow_provider_minimax.sandbox import Sandbox
from tests.support import Api


def test_the_plugin_is_registered_for_pytest() -> None:
    plugins = {ep.name: ep.value for ep in entry_points(group="pytest11")}
    assert plugins["minimax_sandbox"] == "airflow_provider_minimax.sandbox.pytest_plugin"


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
