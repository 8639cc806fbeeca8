"""Behaviour 3: retries of idempotent calls on 429/5xx/resets/truncation, never of a risky POST."""

from __future__ import annotations

from typing import Any

import pytest

from airflow_provider_minimax.client import (
    MinimaxAmbiguousWriteError,
    MinimaxBudgetExhaustedError,
    MinimaxRateLimitError,
    MinimaxServerError,
)
from airflow_provider_minimax.sandbox import FaultRule, Sandbox


@pytest.mark.parametrize("status", [500, 502, 503, 504])
def test_server_errors_on_get_are_retried(
    minimax_sandbox: Sandbox, make_client: Any, status: int
) -> None:
    client = make_client()
    minimax_sandbox.add_fault(FaultRule("status", status=status, times=2, method="GET"))
    assert len(list(client.list("countries"))) > 0
    assert client.stats.retries == 2
    assert client.stats.api_calls == 3


def test_retry_after_is_honoured_and_capped(
    minimax_sandbox: Sandbox, make_client: Any, sleeps: list[float]
) -> None:
    """A Retry-After within the cap is waited for; a longer one means the organisation's
    budget is spent: no waiting and no retry, MinimaxBudgetExhaustedError at once."""
    client = make_client(retry_after_cap=7)
    minimax_sandbox.add_fault(FaultRule("status", status=429, times=1, retry_after=5))
    list(client.list("countries"))
    minimax_sandbox.add_fault(FaultRule("status", status=429, times=1, retry_after=3600))
    with pytest.raises(MinimaxBudgetExhaustedError) as caught:
        list(client.list("countries"))
    assert sleeps == [5]
    assert 3590 < caught.value.retry_after <= 3600


def test_backoff_grows_with_jitter_within_its_bounds(
    minimax_sandbox: Sandbox, make_client: Any, sleeps: list[float]
) -> None:
    client = make_client(backoff_initial=1, backoff_max=4)
    minimax_sandbox.add_fault(FaultRule("status", status=500, times=4))
    list(client.list("countries"))
    assert len(sleeps) == 4
    assert all(0 <= s <= 4 for s in sleeps)


def test_retries_stop_at_the_limit(minimax_sandbox: Sandbox, make_client: Any) -> None:
    client = make_client(max_retries=2)
    minimax_sandbox.add_fault(FaultRule("status", status=503))
    with pytest.raises(MinimaxServerError) as caught:
        list(client.list("countries"))
    assert caught.value.status == 503
    assert client.stats.api_calls == 3


def test_429_after_the_last_retry_is_a_rate_limit_error(
    minimax_sandbox: Sandbox, make_client: Any
) -> None:
    client = make_client(max_retries=1)
    minimax_sandbox.add_fault(FaultRule("status", status=429, retry_after=2))
    with pytest.raises(MinimaxBudgetExhaustedError) as caught:
        list(client.list("countries"))
    assert isinstance(caught.value, MinimaxRateLimitError)
    assert caught.value.retry_after == 2


@pytest.mark.parametrize("effect", ["reset", "truncate", "html"])
def test_connection_faults_on_get_are_retried(
    minimax_sandbox: Sandbox, make_client: Any, effect: str
) -> None:
    client = make_client()
    minimax_sandbox.add_fault(FaultRule(effect, status=502, times=1))  # type: ignore[arg-type]
    rows = list(client.list("customers"))
    assert len(rows) == minimax_sandbox.count(123, "customers")
    assert client.stats.retries == 1


def test_timeouts_are_retried(minimax_sandbox: Sandbox, make_client: Any) -> None:
    client = make_client(timeout=1)  # the shortest timeout a configuration accepts
    minimax_sandbox.add_fault(FaultRule("latency", latency_ms=1500, times=1))
    assert list(client.list("countries"))
    assert client.stats.retries == 1


def test_put_is_retried_and_lands_once(minimax_sandbox: Sandbox, make_client: Any) -> None:
    client = make_client()
    customer = next(iter(client.list("customers")))
    minimax_sandbox.add_fault(FaultRule("status", status=503, times=1, method="PUT"))
    updated = client.update("customers", customer["CustomerId"], {"City": "Piran"})
    assert updated["City"] == "Piran"


def test_a_post_whose_answer_is_lost_is_not_sent_again(
    minimax_sandbox: Sandbox, make_client: Any
) -> None:
    client = make_client()
    before = minimax_sandbox.count(123, "customers")
    minimax_sandbox.add_fault(FaultRule("drop_response", times=1, method="POST"))
    with pytest.raises(MinimaxAmbiguousWriteError) as caught:
        client.create("customers", {"Code": "AMB-1", "Name": "Dvoumno d.o.o."})
    assert "AMB-1" in str(caught.value)
    assert "match_on" in str(caught.value)
    assert minimax_sandbox.count(123, "customers") == before + 1
    assert minimax_sandbox.stats()["by_route"]["POST /SI/API/api/orgs/{id}/customers"] == 1


def test_a_post_refused_with_5xx_is_ambiguous_too(
    minimax_sandbox: Sandbox, make_client: Any
) -> None:
    client = make_client()
    minimax_sandbox.add_fault(FaultRule("status", status=502, times=1, method="POST"))
    with pytest.raises(MinimaxAmbiguousWriteError):
        client.create("customers", {"Code": "AMB-2", "Name": "Dvoumno d.o.o."})
    assert minimax_sandbox.stats()["by_route"]["POST /SI/API/api/orgs/{id}/customers"] == 1


def test_a_post_answered_429_is_retried(minimax_sandbox: Sandbox, make_client: Any) -> None:
    client = make_client()
    minimax_sandbox.add_fault(FaultRule("status", status=429, times=1, method="POST"))
    created = client.create("customers", {"Code": "RL-1", "Name": "Počasi d.o.o."})
    assert created["Code"] == "RL-1"


def test_a_post_to_a_closed_port_is_safe_to_retry() -> None:
    import requests

    from airflow_provider_minimax.client.failures import never_sent

    with pytest.raises(requests.RequestException) as caught:
        requests.post("http://127.0.0.1:9/x", timeout=2)
    assert never_sent(caught.value)
