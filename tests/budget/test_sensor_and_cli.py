"""Seeing the budget: MinimaxBudgetSensor, MinimaxHook.budget() and the command line, all read
from the ledger without an API call of their own."""

from __future__ import annotations

import datetime
import json
import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest
from airflow.providers.common.compat.sdk import AirflowFailException, TaskDeferred

from airflow_provider_minimax.hooks.minimax import MinimaxHook
from airflow_provider_minimax.sandbox import Sandbox
from airflow_provider_minimax.sensors.budget import MinimaxBudgetSensor
from tests.budget.conftest import spend


def test_the_hook_reports_calls_used_and_left_without_a_call(
    budget_conn: Callable[..., str], minimax_sandbox: Sandbox
) -> None:
    budget_conn(daily_budget=200, monthly_budget=5000, reserve=20)
    spend("minimax_default", 7)
    sent = minimax_sandbox.stats()["api_calls"]
    state = MinimaxHook().budget()
    assert minimax_sandbox.stats()["api_calls"] == sent
    assert (state.used_window, state.used_month, state.reserve) == (7, 7, 20)
    assert state.available == 200 - 20 - 7
    assert state.frees_at is None
    assert "173 of organisation 123's 24 h budget left" in state.describe()


def test_the_sensor_is_done_when_enough_calls_are_free(
    budget_conn: Callable[..., str], minimax_sandbox: Sandbox
) -> None:
    budget_conn(daily_budget=50, reserve=10)
    spend("minimax_default", 5)
    assert MinimaxBudgetSensor(task_id="b", needed=35).poke({}).is_done is True
    waiting = MinimaxBudgetSensor(task_id="b", needed=36).poke({})
    assert waiting.is_done is False


def test_the_sensor_refuses_what_can_never_fit(budget_conn: Callable[..., str]) -> None:
    budget_conn(daily_budget=50, reserve=10)
    with pytest.raises(AirflowFailException, match="can never be free"):
        MinimaxBudgetSensor(task_id="b", needed=41).poke({})
    with pytest.raises(AirflowFailException, match="needed must be"):
        MinimaxBudgetSensor(task_id="b", needed="lots").poke({})


def test_a_deferrable_sensor_sleeps_in_the_triggerer_until_the_calls_free(
    budget_conn: Callable[..., str],
) -> None:
    budget_conn(daily_budget=10, reserve=0, budget_window=120)
    spend("minimax_default", 10)
    sensor = MinimaxBudgetSensor(task_id="b", needed=4, deferrable=True, timeout=3600)
    with pytest.raises(TaskDeferred) as deferred:
        sensor.execute({})
    wait = deferred.value.trigger.moment - datetime.datetime.now(datetime.timezone.utc)
    assert 100 < wait.total_seconds() <= 185
    # Woken with the calls still spent (here: nobody waited), it defers again, not fails.
    with pytest.raises(TaskDeferred):
        sensor.execute_complete({}, {"status": "fired"}, **deferred.value.kwargs)


def test_a_deferrable_sensor_gives_up_at_its_timeout(budget_conn: Callable[..., str]) -> None:
    budget_conn(daily_budget=10, reserve=0, budget_window=3600)
    spend("minimax_default", 10)
    sensor = MinimaxBudgetSensor(task_id="b", needed=4, deferrable=True, timeout=60)
    with pytest.raises(Exception, match="not free before the sensor's timeout"):
        sensor.execute({})


def _cli(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "airflow_provider_minimax.budget", *args],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
        check=False,
    )


def test_the_command_line_prints_the_budget(
    budget_conn: Callable[..., str], minimax_sandbox: Sandbox, tmp_path: Path
) -> None:
    budget_conn("minimax_cli", daily_budget=300, reserve=30)
    spend("minimax_cli", 4)
    sent = minimax_sandbox.stats()["api_calls"]
    env = dict(os.environ)
    shown = _cli("--conn-id", "minimax_cli", "--json", env=env)
    assert shown.returncode == 0, shown.stderr
    state = json.loads(shown.stdout)
    assert (state["organisation_id"], state["used_window"], state["available"]) == (123, 4, 266)
    lines = _cli("--conn-id", "minimax_cli", "--organisation-id", "123", env=env)
    assert lines.returncode == 0, lines.stderr
    assert "left for this conn:  266" in lines.stdout
    assert minimax_sandbox.stats()["api_calls"] == sent
    missing = _cli("--conn-id", "minimax_nowhere", env=env)
    assert missing.returncode != 0
    assert "minimax_nowhere" in missing.stderr
