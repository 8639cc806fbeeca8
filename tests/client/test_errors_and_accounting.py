"""Behaviours 8-10: typed errors with the server's words, call accounting, one pooled session."""

from __future__ import annotations

from typing import Any

import pytest

from airflow_provider_minimax.client import (
    MinimaxCallBudgetError,
    MinimaxConfigurationError,
    MinimaxError,
    MinimaxNotFoundError,
    MinimaxResponseError,
    MinimaxServerError,
)
from airflow_provider_minimax.sandbox import FaultRule, Sandbox


def test_not_found_carries_method_path_status_and_words(make_client: Any) -> None:
    with pytest.raises(MinimaxNotFoundError) as caught:
        make_client().get_by_code("customers", "NO SUCH/CODE")
    error = caught.value
    assert error.status == 404
    assert error.method == "GET"
    assert error.path == "orgs/123/customers/code(NO%20SUCH%2FCODE)"
    assert "NO SUCH/CODE" in str(error)


@pytest.mark.switch("error_style")
def test_the_server_words_survive_every_error_shape(
    minimax_sandbox: Sandbox, make_client: Any
) -> None:
    with pytest.raises(MinimaxError, match="The Name field is required"):
        make_client().create("customers", {"Code": "X"})


def test_an_html_error_page_becomes_a_short_message(
    minimax_sandbox: Sandbox, make_client: Any
) -> None:
    minimax_sandbox.add_fault(FaultRule("html", status=502))
    with pytest.raises(MinimaxServerError) as caught:
        list(make_client(max_retries=0).list("countries"))
    assert "HTML error page: Service Unavailable" in str(caught.value)
    assert "<html" not in str(caught.value)


def test_every_error_is_a_minimax_error() -> None:
    import inspect

    import airflow_provider_minimax.client.errors as errors

    classes = [
        c for _, c in inspect.getmembers(errors, inspect.isclass) if c.__module__ == errors.__name__
    ]
    assert all(issubclass(c, MinimaxError) for c in classes if c is not errors.FieldError)


def test_call_accounting(minimax_sandbox: Sandbox, make_client: Any) -> None:
    minimax_sandbox.configure(max_page_size=10)
    client = make_client()
    rows = list(client.list("customers"))
    stats = client.stats.as_dict()
    assert stats["rows"] == len(rows)
    assert stats["pages"] == -(-len(rows) // 10)
    assert stats["api_calls"] == stats["pages"] == minimax_sandbox.stats()["api_calls"]
    assert stats["token_requests"] == 1
    assert stats["seconds"] > 0


def test_max_calls_budget_refuses_before_sending(
    minimax_sandbox: Sandbox, make_client: Any
) -> None:
    minimax_sandbox.configure(max_page_size=5)
    client = make_client(max_calls=3)
    with pytest.raises(MinimaxCallBudgetError, match="max_calls"):
        list(client.list("customers"))
    assert minimax_sandbox.stats()["api_calls"] == 3


def test_one_pooled_session_keeps_connections_alive(
    minimax_sandbox: Sandbox, make_client: Any
) -> None:
    client = make_client()
    for _ in range(5):
        client.get_by_code("vatrates", "S")
    pool = next(iter(client.transport.session.adapters.values())).poolmanager.pools
    connections = sum(p.num_connections for p in pool._container.values())
    assert connections == 1


def test_non_json_answer_is_a_response_error(minimax_sandbox: Sandbox, make_client: Any) -> None:
    minimax_sandbox.add_fault(FaultRule("html", status=200, times=1))
    with pytest.raises(MinimaxResponseError, match="text/html, not JSON"):
        make_client().get_by_code("vatrates", "S")


def test_location_of_another_service_is_refused(make_client: Any) -> None:
    with pytest.raises(MinimaxConfigurationError, match="not an address of this Minimax"):
        make_client().get_location("https://evil.example/SI/API/api/orgs/123/customers/1")


def test_the_client_imports_no_airflow() -> None:
    import subprocess
    import sys

    code = (
        "import sys, airflow_provider_minimax.client; "
        "print(any(m == 'airflow' or m.startswith('airflow.') for m in sys.modules))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"


def test_absurdly_deep_json_is_a_response_error() -> None:
    """An answer nested deeper than Python's recursion limit is a typed error, not a crash."""
    import requests

    from airflow_provider_minimax.client.answers import decode_json

    response = requests.Response()
    response.status_code = 200
    response._content = b"[" * 100_000 + b"]" * 100_000
    response.headers["Content-Type"] = "application/json"
    with pytest.raises(MinimaxResponseError, match="not JSON"):
        decode_json(response, "GET", "orgs/123/customers")
