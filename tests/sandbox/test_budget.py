"""The request budget as Minimax publishes it: a rolling window and a calendar month per
organisation, shared with the web app (sandbox/budget.py), over real HTTP."""

from __future__ import annotations

import datetime
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from zoneinfo import ZoneInfo

import pytest
import requests

from airflow_provider_minimax.sandbox import Sandbox, Settings
from airflow_provider_minimax.sandbox.__main__ import settings_from
from tests.support import ORG, Api


def _offset_to(moment: datetime.datetime) -> float:
    """The clock_offset that makes the sandbox's budget clock read `moment` now."""
    return moment.timestamp() - time.time()


def _next_month_start(zone: str) -> datetime.datetime:
    local = datetime.datetime.now(ZoneInfo(zone))
    year, month = (local.year + 1, 1) if local.month == 12 else (local.year, local.month + 1)
    return datetime.datetime(year, month, 1, tzinfo=ZoneInfo(zone))


def _is_over(response: requests.Response, answer: str) -> bool:
    """The over-limit answer of the switch position (429 + Retry-After, or 400 with words)."""
    if answer == "429":
        return response.status_code == 429 and int(response.headers["Retry-After"]) >= 1
    return response.status_code == 400 and "Retry-After" not in response.headers


@pytest.mark.switch("budget_answer")
def test_both_answers_of_the_window_limit(api: Api, switch_position: str) -> None:
    api.sandbox.configure(request_budget=2, budget_window=3600)
    assert [api.get(api.org("customers")).status_code for _ in range(2)] == [200, 200]
    over = api.get(api.org("customers"))
    assert _is_over(over, switch_position)
    if switch_position == "429":
        assert int(over.headers["Retry-After"]) <= 3600
    else:
        assert "(2 calls per organisation in 1 h)" in over.json()["Message"]
    assert api.sandbox.budget(ORG)["window"] == 2  # the refused call is not counted


@pytest.mark.switch("budget_answer")
def test_both_answers_of_the_monthly_limit(api: Api, switch_position: str) -> None:
    # Ten seconds before the month turns in Ljubljana: Retry-After is those seconds.
    turn = _next_month_start("Europe/Ljubljana")
    api.sandbox.configure(monthly_budget=2, clock_offset=_offset_to(turn) - 10)
    assert [api.get(api.org("customers")).status_code for _ in range(2)] == [200, 200]
    over = api.get(api.org("customers"))
    assert _is_over(over, switch_position)
    if switch_position == "429":
        assert 1 <= int(over.headers["Retry-After"]) <= 10
        assert "per month" in over.json()["Message"]
    else:
        words = over.json()["Message"]
        assert "Presežena je mesečna omejitev" in words
        assert "Monthly API call limit exceeded (2 calls per organisation per month)" in words
    assert api.sandbox.budget(ORG) | {"frees_in": None} == {
        "window": 2,
        "month": 2,
        "limit": None,
        "monthly_limit": 2,
        "window_seconds": 86_400,
        "frees_in": None,
    }


def test_the_month_turns_in_the_organisations_time_zone(api: Api) -> None:
    turn = _next_month_start("Europe/Ljubljana")
    api.sandbox.configure(monthly_budget=1, clock_offset=_offset_to(turn) - 5)
    assert api.get(api.org("customers")).status_code == 200
    over = api.get(api.org("customers"))
    # UTC's month turns an hour or two later than Ljubljana's: the wait says which one counts.
    assert over.status_code == 429 and int(over.headers["Retry-After"]) <= 5
    api.sandbox.configure(clock_offset=_offset_to(turn) + 1)
    assert api.get(api.org("customers")).status_code == 200
    budget = api.sandbox.budget(ORG)
    # The new month counts from its first call; the rolling window still holds both.
    assert (budget["month"], budget["window"]) == (1, 2)


def test_a_croatian_month_is_zagrebs(country_sandboxes: dict[str, Sandbox]) -> None:
    sandbox = country_sandboxes["HR"]
    api = Api(sandbox)
    turn = _next_month_start("Europe/Zagreb")
    sandbox.configure(monthly_budget=1, clock_offset=_offset_to(turn) - 30)
    try:
        assert api.get(api.org("customers")).status_code == 200
        assert 1 <= int(api.get(api.org("customers")).headers["Retry-After"]) <= 30
    finally:
        sandbox.configure(monthly_budget=None, clock_offset=0.0)


def test_the_window_rolls_when_the_clock_moves(api: Api) -> None:
    api.sandbox.configure(request_budget=2, budget_window=60)
    assert api.get(api.org("customers")).status_code == 200
    api.sandbox.configure(clock_offset=30)
    assert api.get(api.org("customers")).status_code == 200
    refused = api.get(api.org("customers"))
    # The first call leaves the window 60 s after it was made, 30 s from "now".
    assert refused.status_code == 429 and 29 <= int(refused.headers["Retry-After"]) <= 31
    assert 29 <= api.sandbox.budget(ORG)["frees_in"] <= 30
    api.sandbox.configure(clock_offset=61)
    assert api.get(api.org("customers")).status_code == 200
    assert api.sandbox.budget(ORG)["window"] == 2  # the second and the third


def test_the_web_apps_calls_eat_the_shared_budget(api: Api) -> None:
    api.sandbox.configure(request_budget=1000, monthly_budget=20_000)
    assert api.get(api.org("customers")).status_code == 200
    after = api.sandbox.spend(ORG, 999)  # someone books a month in the web app
    assert (after["window"], after["month"]) == (1000, 1000)
    refused = api.get(api.org("customers"))
    assert refused.status_code == 429
    # The admin route is the same ledger, and the other organisation's is untouched.
    assert api.admin("GET", f"orgs/{ORG}/budget")["window"] == 1000
    assert api.admin("GET", "orgs/124/budget")["window"] == 0


def test_the_web_app_can_spend_past_the_limit_and_the_wait_covers_it(api: Api) -> None:
    """Retry-After is when enough calls have left for one more, not when the oldest leaves."""
    api.sandbox.configure(request_budget=2, budget_window=100)
    assert api.get(api.org("customers")).status_code == 200
    api.sandbox.configure(clock_offset=50)
    api.admin("POST", f"orgs/{ORG}/budget/spend", json={"calls": 5})
    refused = api.get(api.org("customers"))
    assert refused.status_code == 429 and 99 <= int(refused.headers["Retry-After"]) <= 100


def test_tokens_and_refused_calls_do_not_count(api: Api) -> None:
    api.sandbox.configure(request_budget=1)
    for _ in range(3):
        api.get_token()
    assert api.sandbox.budget(ORG)["window"] == 0
    assert api.get(api.org("customers")).status_code == 200
    assert [api.get(api.org("customers")).status_code for _ in range(3)] == [429] * 3
    assert api.sandbox.budget(ORG)["window"] == 1


def test_exact_under_concurrency(api: Api) -> None:
    api.sandbox.configure(request_budget=500, budget_window=3600)
    admitted = []
    lock = threading.Lock()

    def hammer() -> None:
        mine = Api(api.sandbox)
        try:
            for _ in range(80):
                if mine.get(api.org("countries"), params={"PageSize": 1}).status_code == 200:
                    with lock:
                        admitted.append(1)
        finally:
            mine.session.close()

    threads = [threading.Thread(target=hammer) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert len(admitted) == 500
    assert api.sandbox.budget(ORG)["window"] == 500


def test_the_budget_is_counted_without_a_limit(api: Api) -> None:
    assert api.sandbox.budget(ORG) == {
        "window": 0,
        "month": 0,
        "limit": None,
        "monthly_limit": None,
        "window_seconds": 86_400,
        "frees_in": None,
    }
    assert api.get(api.org("customers")).status_code == 200
    assert api.sandbox.budget(ORG)["month"] == 1


def test_bad_budget_requests_are_refused(api: Api) -> None:
    with pytest.raises(LookupError):
        api.sandbox.budget(999)
    with pytest.raises(ValueError, match="0 or more"):
        api.sandbox.spend(ORG, -1)
    with pytest.raises(ValueError, match="monthly_budget"):
        api.sandbox.configure(monthly_budget=-5)
    missing = api.session.get(f"{api.sandbox.root_url}/_sandbox/orgs/999/budget", timeout=10)
    assert missing.status_code == 404
    bad = api.session.post(
        f"{api.sandbox.root_url}/_sandbox/orgs/{ORG}/budget/spend", json={"calls": "x"}, timeout=10
    )
    assert bad.status_code == 400


def test_the_cli_takes_the_window_and_the_month() -> None:
    _, settings = settings_from(["--request-budget", "5", "--budget-window", "60"])
    assert (settings.request_budget, settings.budget_window, settings.monthly_budget) == (
        5,
        60,
        None,
    )
    _, settings = settings_from(["--monthly-budget", "20000"])
    assert (settings.monthly_budget, settings.budget_window) == (20_000, 86_400)
    assert Settings().monthly_budget is None


@pytest.fixture
def small_budget_cli() -> Iterator[str]:
    """The CLI with a demo's budget: two calls per hour."""
    command = [sys.executable, "-m", "airflow_provider_minimax.sandbox", "--port", "0"]
    command += ["--request-budget", "2", "--budget-window", "3600", "--monthly-budget", "100"]
    process = subprocess.Popen(command, stdout=subprocess.PIPE, text=True)
    assert process.stdout is not None
    try:
        for line in process.stdout:
            if line.strip().startswith("token:"):
                yield line.split()[-1]
                break
    finally:
        process.terminate()
        process.wait(timeout=10)


def test_a_cli_sandbox_with_a_short_window(small_budget_cli: str) -> None:
    token_url = small_budget_cli
    base = token_url.removesuffix("AUT/oauth20/token")
    sandbox_settings = Settings()
    token = requests.post(
        token_url, data=sandbox_settings.credentials.token_form(), timeout=10
    ).json()["access_token"]
    headers = {"Authorization": f"Bearer {token}"}
    statuses = [
        requests.get(f"{base}API/api/orgs/{ORG}/countries", headers=headers, timeout=10)
        for _ in range(3)
    ]
    assert [response.status_code for response in statuses] == [200, 200, 429]
    assert 3500 <= int(statuses[2].headers["Retry-After"]) <= 3600
