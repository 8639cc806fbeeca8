"""Behaviour 11: statistics, reset, another writer, mark paid (see also test_actions)."""

from __future__ import annotations

import json

from airflow_provider_minimax.sandbox import Sandbox, Settings
from tests.support import Api


def test_statistics_by_route(api: Api) -> None:
    api.get(api.org("customers"))
    api.get(api.org("customers"))
    api.get(api.org("customers/code(NOPE)"))
    stats = api.admin("GET", "stats")
    assert stats["by_route"]["GET /SI/API/api/orgs/{id}/customers"] == 2
    assert stats["by_route"]["GET /SI/API/api/orgs/{id}/customers/code({value})"] == 1
    assert stats["token_requests"] == 1
    assert stats["api_calls"] == 3
    assert stats["by_status"] == {"200": 3, "404": 1}  # the token request included
    assert stats["pages_served"] == 2
    assert stats["rows_served"] == 2 * min(100, api.sandbox.count(123, "customers"))


def test_reset_restores_the_initial_world(api: Api) -> None:
    before = api.rows(api.org("customers"))
    api.ok("POST", api.org("customers"), json={"Name": "Nova d.o.o.", "Code": "NEW-1"})
    api.sandbox.configure(max_page_size=5)
    api.admin("POST", "reset")
    api.token = api.get_token()  # tokens go with the old world
    assert api.rows(api.org("customers")) == before
    assert api.sandbox.settings.max_page_size == 1000
    assert api.admin("GET", "stats")["api_calls"] >= 1


def test_runtime_settings(api: Api) -> None:
    settings = api.admin("PATCH", "settings", json={"max_page_size": 10})
    assert settings["max_page_size"] == 10
    assert api.ok("GET", api.org("customers"), params={"PageSize": 50})["PageSize"] == 10
    bad = api.session.patch(
        f"{api.sandbox.root_url}/_sandbox/settings", json={"seed": 3}, timeout=5
    )
    assert bad.status_code == 400


def test_info_gives_a_ready_connection(api: Api) -> None:
    info = api.admin("GET", "info")
    assert info["connection"]["conn_type"] == "minimax"
    assert info["connection"]["host"] == api.sandbox.base_url
    assert [org["id"] for org in info["organisations"] if org["api_access"]] == [123, 124]


def test_generated_data_is_the_same_for_a_seed(api: Api) -> None:
    def portable(sandbox: Sandbox, rows: list) -> str:  # ResourceUrls name the port
        return json.dumps(rows).replace(sandbox.root_url, "http://sandbox")

    mine = portable(api.sandbox, api.rows(api.org("issuedinvoices")))
    with Sandbox(Settings(seed=1)) as again:
        assert portable(again, Api(again).rows("orgs/123/issuedinvoices")) == mine
    with Sandbox(Settings(seed=2)) as different:
        assert portable(different, Api(different).rows("orgs/123/issuedinvoices")) != mine
