"""An export's first page is its probe: the plan is priced from it (no count call), refused when
it can never fit, reserved when it fits, and the reservation is given back when the rows end."""

from __future__ import annotations

import logging
from typing import Any

import pytest

from airflow_provider_minimax.client import MinimaxCallBudgetError, MinimaxPlanTooLargeError
from airflow_provider_minimax.client.feeds import open_feed
from airflow_provider_minimax.sandbox import Sandbox

from .support import ORG


def test_detail_spends_no_count_call_and_reserves_its_plan(
    minimax_sandbox: Sandbox, make_client: Any, caplog: pytest.LogCaptureFixture
) -> None:
    client = make_client(page_size=10)
    records = minimax_sandbox.count(ORG, "customers")
    pages = -(-records // 10)
    minimax_sandbox.reset_stats()
    with (
        caplog.at_level(logging.INFO, "airflow_provider_minimax.client"),
        open_feed(client, "customers", mode="full", detail=True) as feed,
    ):
        assert feed.plan is not None
        assert feed.plan.calls == records + pages - 1 and feed.plan.probe_calls == 1
        assert minimax_sandbox.stats()["api_calls"] == 1  # the first page only
        assert feed.reservation is not None and feed.reservation.calls == feed.plan.calls
        rows = list(feed.rows)
        assert feed.reservation.released and feed.reservation.spent == feed.plan.calls
    assert len(rows) == records
    assert minimax_sandbox.stats()["api_calls"] == records + pages == client.stats.api_calls
    assert any(
        "Minimax export of customers: needs ~" in r.getMessage()
        and "of organisation 123's 24 h budget left" in r.getMessage()
        for r in caplog.records
    )


def test_a_plan_that_can_never_fit_is_refused_before_the_next_call(
    minimax_sandbox: Sandbox, make_client: Any
) -> None:
    client = make_client(daily_budget=20, reserve=5)
    minimax_sandbox.reset_stats()
    with pytest.raises(MinimaxPlanTooLargeError, match="daily_budget of 20 less reserve 5"):
        open_feed(client, "customers", mode="full", detail=True)
    assert minimax_sandbox.stats()["api_calls"] == 1
    with pytest.raises(MinimaxCallBudgetError, match="max_calls"):
        open_feed(make_client(max_calls=5), "customers", mode="full", detail=True)


def test_a_closed_feed_gives_its_reservation_back(
    minimax_sandbox: Sandbox, make_client: Any
) -> None:
    client = make_client(page_size=5)
    with open_feed(client, "customers", mode="full") as feed:
        assert feed.plan is not None and feed.reservation is not None
        next(iter(feed.rows))
    assert feed.reservation is not None and feed.reservation.released
    other = make_client()
    assert other.budget.state().reserved_by_others == 0
