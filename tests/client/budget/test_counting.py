"""The ledger counts every exchange the sandbox sees (retries, 401 re-sends), tokens apart;
the window rolls, the month turns in Ljubljana, the reserve is left alone, and a call over the
budget is refused before it is sent, saying when calls free up."""

from __future__ import annotations

import datetime
from pathlib import Path
from typing import Any

import pytest

from airflow_provider_minimax.client import MinimaxBudgetExhaustedError
from airflow_provider_minimax.sandbox import FaultRule, Sandbox

from .support import ORG, Clock, ledger_sums

UTC = datetime.timezone.utc


def test_every_exchange_is_counted_retries_and_401_resends_included(
    minimax_sandbox: Sandbox, make_client: Any, tmp_path: Path
) -> None:
    client = make_client(ledger_dir=tmp_path / "ledger")
    minimax_sandbox.reset_stats()
    minimax_sandbox.add_fault(FaultRule("status", status=503, times=2))
    list(client.list("customers"))
    minimax_sandbox.expire_tokens()  # the next call is answered 401, renewed and sent again
    client.get("customers", next(iter(minimax_sandbox.ids(ORG, "customers"))))
    seen = minimax_sandbox.stats()["api_calls"]
    calls, tokens = ledger_sums(tmp_path / "ledger")
    state = client.budget.state()
    assert seen == client.stats.api_calls == calls == state.used_window == state.used_month
    assert client.stats.retries == 2 and seen == 5
    # Token requests are counted apart, under the login, never against the budget.
    assert tokens == client.stats.token_requests >= 2
    assert state.available == 900 - seen
    assert state.store == f"local {tmp_path / 'ledger' / 'ledger.sqlite'}"


def test_calls_outside_an_organisation_count_under_the_login(
    minimax_sandbox: Sandbox, make_client: Any
) -> None:
    client = make_client(organisation_id=None)
    client.organisations()
    assert client.budget.state().key.split("/login/")[1] != "sandbox-user"
    assert client.budget.state().used_window == 1
    assert client.budget.state(ORG).used_window == 0


def test_the_window_rolls(minimax_sandbox: Sandbox, make_client: Any) -> None:
    clock = Clock(datetime.datetime(2025, 11, 20, 10, 0, 30, tzinfo=UTC))
    client = make_client(clock=clock, daily_budget=4, reserve=1, budget_window=600)
    for _ in range(3):
        client.count("customers")
    before = minimax_sandbox.stats()["api_calls"]
    with pytest.raises(MinimaxBudgetExhaustedError) as caught:
        client.count("customers")
    assert minimax_sandbox.stats()["api_calls"] == before  # nothing was sent
    # The calls' bucket (10:00) leaves the 10-minute window at 10:11.
    assert caught.value.available_at == datetime.datetime(2025, 11, 20, 10, 11, tzinfo=UTC)
    assert caught.value.organisation_id == ORG and caught.value.needed == 1
    message = str(caught.value)
    assert "organisation 123" in message and "3 of 3" in message and "reserve 1" in message
    assert "2025-11-20 10:11 UTC (in 11 min)" in message and "Defer" in message
    state = client.budget.state()
    assert state.available == 0 and state.frees_at == caught.value.available_at
    clock.advance(10 * 60 + 29)  # 10:10:59: still inside
    with pytest.raises(MinimaxBudgetExhaustedError):
        client.count("customers")
    clock.advance(1)
    client.count("customers")
    assert client.budget.state().used_window == 1


def test_the_month_turns_at_midnight_in_ljubljana(
    minimax_sandbox: Sandbox, make_client: Any
) -> None:
    # 23:30 on 31 October in Ljubljana (CET, UTC+1) is 22:30 UTC.
    clock = Clock(datetime.datetime(2025, 10, 31, 22, 30, tzinfo=UTC))
    client = make_client(clock=clock, monthly_budget=3, reserve=0, daily_budget=100)
    for _ in range(3):
        client.count("customers")
    with pytest.raises(MinimaxBudgetExhaustedError) as caught:
        client.count("customers")
    assert caught.value.available_at == datetime.datetime(2025, 10, 31, 23, 0, tzinfo=UTC)
    clock.advance(29 * 60 + 59)
    with pytest.raises(MinimaxBudgetExhaustedError):
        client.count("customers")
    clock.advance(1)  # midnight in Ljubljana: November's budget
    client.count("customers")
    state = client.budget.state()
    assert state.used_month == 1 and state.used_window == 4


def test_state_reads_make_no_call_and_describe_themselves(
    minimax_sandbox: Sandbox, make_client: Any
) -> None:
    client = make_client()
    client.count("customers")
    minimax_sandbox.reset_stats()
    state = client.budget.state()
    assert minimax_sandbox.stats()["api_calls"] == 0
    assert state.describe() == (
        "899 of organisation 123's 24 h budget left (1 used, 100 kept in reserve; "
        "1 used this month of 20,000)"
    )
    data = state.as_dict()
    assert (
        data["available"] == 899
        and data["frees_at"] is None
        and data["key"].endswith("/SI/org/123")
    )
    assert client.budget.available_at(899) is None
    assert client.budget.available_at(900) is not None
