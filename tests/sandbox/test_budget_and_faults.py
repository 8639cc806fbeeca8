"""Behaviours 9 and 10: the request budget (429 + Retry-After) and injected faults."""

from __future__ import annotations

import http.client
import time

import pytest
import requests

from airflow_provider_minimax.sandbox import FaultRule, Sandbox, Settings
from airflow_provider_minimax.sandbox.faults import parse_rule
from tests.support import Api


def test_request_budget_answers_429_with_retry_after(api: Api) -> None:
    api.sandbox.configure(request_budget=3, budget_window=60)
    for _ in range(3):
        assert api.get(api.org("customers")).status_code == 200
    refused = api.get(api.org("customers"))
    assert refused.status_code == 429
    assert 1 <= int(refused.headers["Retry-After"]) <= 60
    assert "limit" in refused.json()["Message"]
    # The budget is per organisation.
    assert api.get("orgs/124/customers").status_code == 200


def test_budget_window_rolls(api: Api) -> None:
    api.sandbox.configure(request_budget=1, budget_window=1)
    assert api.get(api.org("customers")).status_code == 200
    assert api.get(api.org("customers")).status_code == 429
    time.sleep(1.05)
    assert api.get(api.org("customers")).status_code == 200


def test_budget_is_off_by_default(api: Api) -> None:
    assert all(api.get(api.org("countries")).status_code == 200 for _ in range(30))


@pytest.mark.parametrize("status", [500, 502, 503, 429])
def test_status_fault_once(api: Api, status: int) -> None:
    api.sandbox.add_fault(FaultRule("status", status=status, times=1))
    first = api.get(api.org("customers"))
    assert first.status_code == status
    if status in (429, 503):
        assert first.headers["Retry-After"] == "1"
    assert api.get(api.org("customers")).status_code == 200
    assert api.sandbox.stats()["faults_injected"] == {"status": 1}


def test_fault_with_probability_is_seeded_and_roughly_that_often(api: Api) -> None:
    api.sandbox.add_fault(FaultRule("status", status=503, probability=0.3))
    statuses = [api.get(api.org("countries")).status_code for _ in range(200)]
    failures = statuses.count(503)
    assert 30 <= failures <= 90


def test_fault_matches_method_and_path(api: Api) -> None:
    api.sandbox.add_fault(FaultRule("status", status=500, method="POST", path="/customers$"))
    assert api.get(api.org("customers")).status_code == 200
    assert api.request("POST", api.org("customers"), json={"Name": "X"}).status_code == 500
    assert api.token_request().status_code == 200  # the token endpoint is not under /api/


def test_latency(api: Api) -> None:
    api.sandbox.add_fault(FaultRule("latency", latency_ms=200))
    started = time.perf_counter()
    assert api.get(api.org("countries")).status_code == 200
    assert time.perf_counter() - started >= 0.2


def test_connection_reset_before_responding(api: Api) -> None:
    api.sandbox.add_fault(FaultRule("reset", times=1, method="POST"))
    before = api.sandbox.count(123, "customers")
    with pytest.raises(requests.ConnectionError):
        api.request("POST", api.org("customers"), json={"Name": "Reset d.o.o."})
    assert api.sandbox.count(123, "customers") == before  # not committed


def test_dropped_response_after_commit(api: Api) -> None:
    api.sandbox.add_fault(FaultRule("drop_response", times=1, method="POST"))
    with pytest.raises(requests.ConnectionError):
        api.request(
            "POST", api.org("customers"), json={"Name": "Lost Answer d.o.o.", "Code": "LOST"}
        )
    # The create happened: a client that blindly re-sends it would make a duplicate.
    assert api.ok("GET", api.org("customers/code(LOST)"))["Name"] == "Lost Answer d.o.o."


def test_truncated_body(api: Api) -> None:
    api.sandbox.add_fault(FaultRule("truncate", times=1))
    with pytest.raises(
        (
            requests.exceptions.ChunkedEncodingError,
            requests.ConnectionError,
            http.client.IncompleteRead,
        )
    ):
        api.get(api.org("customers")).json()
    assert api.get(api.org("customers")).status_code == 200


def test_html_error_page(api: Api) -> None:
    api.sandbox.add_fault(FaultRule("html", status=502, times=1))
    response = api.get(api.org("customers"))
    assert response.status_code == 502
    assert response.headers["Content-Type"].startswith("text/html")
    assert "<html>" in response.text


def test_faults_through_the_admin_endpoint(api: Api) -> None:
    api.admin("POST", "faults", json={"effect": "status", "status": 503, "times": 2})
    assert [api.get(api.org("countries")).status_code for _ in range(3)] == [503, 503, 200]
    rules = api.admin("GET", "faults")
    assert rules[0]["fired"] == 2
    api.admin("DELETE", "faults")
    assert api.admin("GET", "faults") == []


def test_faults_from_start_flags() -> None:
    rules = [parse_rule("503:1.0"), parse_rule("latency:latency_ms=10")]
    assert rules[0].status == 503 and rules[1].latency_ms == 10
    with Sandbox(Settings(), faults=[parse_rule("500:1.0")]) as sandbox:
        assert Api(sandbox).get("orgs/123/customers").status_code == 500


@pytest.mark.parametrize("text", ["explode", "reset:times=x", "status:probability=2"])
def test_bad_fault_rules_are_refused(text: str) -> None:
    with pytest.raises((ValueError, TypeError)):
        parse_rule(text)
