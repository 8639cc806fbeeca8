"""A spent budget defers a deferrable task until calls free up, and fails any other at once
saying when; either way nothing is sent, and Airflow's retries are never burnt on it."""

from __future__ import annotations

import datetime
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from airflow.providers.common.compat.sdk import AirflowFailException, TaskDeferred

from airflow_provider_minimax.exports.manifest import read_export
from airflow_provider_minimax.operators.export import MinimaxExportOperator
from airflow_provider_minimax.operators.records import MinimaxCreateOperator
from airflow_provider_minimax.sandbox import Sandbox
from airflow_provider_minimax.sensors.record import MinimaxRecordSensor
from tests.budget.conftest import spend
from tests.exports.helpers import files

WINDOW = 120  # seconds: the ledger's rolling window in these tests


def _now() -> datetime.datetime:
    return datetime.datetime.now(datetime.timezone.utc)


def _export(tmp_path: Path, **options: Any) -> MinimaxExportOperator:
    return MinimaxExportOperator(
        task_id="export",
        resource="customers",
        destination=str(tmp_path / "{organisation_id}" / "customers.jsonl"),
        **options,
    )


def test_an_export_over_the_budget_defers_until_calls_free_and_sends_nothing(
    budget_conn: Callable[..., str], minimax_sandbox: Sandbox, tmp_path: Path
) -> None:
    budget_conn(daily_budget=3, reserve=0, budget_window=WINDOW)
    spend("minimax_default", 3)
    sent = minimax_sandbox.stats()["api_calls"]
    with pytest.raises(TaskDeferred) as deferred:
        _export(tmp_path, deferrable=True).execute({})
    trigger = deferred.value.trigger
    assert type(trigger).__name__ == "DateTimeTrigger"
    assert deferred.value.method_name == "execute_complete"
    # The first of the three calls leaves the window at the end of its minute plus WINDOW.
    wait = (trigger.moment - _now()).total_seconds()
    assert WINDOW - 5 < wait <= WINDOW + 60 + 5
    assert minimax_sandbox.stats()["api_calls"] == sent
    assert files(tmp_path) == []


def test_without_deferral_a_spent_budget_fails_at_once_saying_when(
    budget_conn: Callable[..., str], minimax_sandbox: Sandbox, tmp_path: Path
) -> None:
    budget_conn(daily_budget=3, reserve=0, budget_window=WINDOW)
    spend("minimax_default", 3)
    sent = minimax_sandbox.stats()["api_calls"]
    with pytest.raises(AirflowFailException) as failed:
        _export(tmp_path, deferrable=False).execute({})
    message = str(failed.value)
    assert "organisation 123" in message
    assert "UTC" in message
    assert "deferrable=True" in message
    assert minimax_sandbox.stats()["api_calls"] == sent


@pytest.mark.switch("budget_answer")
def test_when_minimax_says_spent_the_export_defers_keeping_the_organisations_it_finished(
    budget_conn: Callable[..., str],
    minimax_sandbox: Sandbox,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    switch_position: str,
) -> None:
    """The web app spent the organisation's budget (the ledger cannot know): Minimax refuses
    the second organisation's list. The export defers with the first organisation's manifest;
    after the deferral that file is kept as it is and only the second is exported."""
    budget_conn()
    spend("minimax_default", 1)  # the token and the organisations, out of the way
    limit = minimax_sandbox.stats()["api_calls"]
    # Organisation 124 has spent its whole budget in the web app.
    minimax_sandbox.configure(request_budget=5, budget_window=3600)
    minimax_sandbox.spend(124, 5)
    task = _export(tmp_path, organisation_ids=[123, 124], deferrable=True)
    with pytest.raises(TaskDeferred) as deferred:
        task.execute({})
    done = deferred.value.kwargs["done"]
    assert [m["organisation_id"] for m in done] == [123]
    first = read_export(tmp_path / "123" / "customers.jsonl")
    assert first.manifest == done[0]
    assert minimax_sandbox.stats()["api_calls"] > limit
    # The budget frees (here: the sandbox forgets it); another worker, with a ledger of its
    # own that has not heard Minimax's refusal, takes the task up again.
    minimax_sandbox.configure(request_budget=None)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "another-worker"))
    json.loads(json.dumps(deferred.value.kwargs))  # what Airflow stores must be JSON
    again = _export(tmp_path, organisation_ids=[123, 124], deferrable=True)
    before = minimax_sandbox.stats()["by_route"].copy()
    manifests = again.execute_complete({}, {"status": "fired"}, **deferred.value.kwargs)
    assert manifests[0] == done[0]  # kept: the same file, not exported again
    assert read_export(tmp_path / "123" / "customers.jsonl").data == first.data
    assert manifests[1]["organisation_id"] == 124
    assert manifests[1]["rows"] > 0
    seen = minimax_sandbox.stats()["by_route"]
    route = f"GET /{minimax_sandbox.settings.country}/API/api/orgs/{{id}}/customers"
    assert seen.get(route, 0) - before.get(route, 0) == 1  # organisation 124's one page


def test_a_file_that_is_gone_after_the_deferral_is_exported_again(
    budget_conn: Callable[..., str], minimax_sandbox: Sandbox, tmp_path: Path
) -> None:
    """Another worker's local disk has no file of the first try: it is exported again."""
    budget_conn()
    first = _export(tmp_path).execute({})
    (tmp_path / "123" / "customers.jsonl").unlink()
    again = _export(tmp_path, deferrable=True)
    manifest = again.execute_complete({}, {"status": "fired"}, done=[first])
    assert manifest["sha256"] == first["sha256"]
    assert manifest["api_calls"] >= 1
    assert read_export(tmp_path / "123" / "customers.jsonl").manifest == manifest


def test_a_create_over_the_budget_defers_before_anything_is_sent(
    budget_conn: Callable[..., str], minimax_sandbox: Sandbox
) -> None:
    budget_conn(daily_budget=3, reserve=0, budget_window=WINDOW)
    spend("minimax_default", 3)
    sent = minimax_sandbox.stats()["api_calls"]
    task = MinimaxCreateOperator(
        task_id="create",
        resource="customers",
        payload={"Code": "BUDGET-1", "Name": "Budget d.o.o."},
        deferrable=True,
    )
    with pytest.raises(TaskDeferred):
        task.execute({})
    assert minimax_sandbox.stats()["api_calls"] == sent
    assert minimax_sandbox.count(123, "customers", Code="BUDGET-1") == 0


def test_a_record_sensor_over_the_budget_waits_for_the_next_poke(
    budget_conn: Callable[..., str], minimax_sandbox: Sandbox
) -> None:
    budget_conn(daily_budget=3, reserve=0, budget_window=WINDOW)
    spend("minimax_default", 3)
    sent = minimax_sandbox.stats()["api_calls"]
    customer = next(iter(minimax_sandbox.ids(123, "customers")))
    sensor = MinimaxRecordSensor(task_id="wait", resource="customers", id=customer)
    assert sensor.poke({}).is_done is False
    assert minimax_sandbox.stats()["api_calls"] == sent


def test_the_last_log_line_and_the_manifest_say_what_is_left(
    budget_conn: Callable[..., str],
    minimax_sandbox: Sandbox,
    tmp_path: Path,
    caplog: pytest.LogCaptureFixture,
) -> None:
    budget_conn(daily_budget=500, reserve=50)
    caplog.set_level("INFO")
    manifest = _export(tmp_path).execute({})
    spent = manifest["api_calls"]
    assert manifest["budget"]["available"] == 500 - 50 - spent
    assert manifest["budget"]["used_window"] == spent
    last = [
        r.getMessage() for r in caplog.records if "Minimax export of customers" in r.getMessage()
    ]
    assert f"{450 - spent} of organisation 123's 24 h budget left" in last[-1]


def test_a_plan_that_does_not_fit_defers_and_sends_no_probe_again_until_it_fits(
    budget_conn: Callable[..., str],
    minimax_sandbox: Sandbox,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """customers in full: the first page (the probe) prices 40 reads; 29 calls are left, so the
    export defers with what it needs. Woken while they still do not fit, it defers again
    without a call; once they fit it spends the probe and the 40 reads, nothing more."""
    budget_conn(daily_budget=60, reserve=0, budget_window=WINDOW)
    spend("minimax_default", 30)
    with pytest.raises(TaskDeferred) as deferred:
        _export(tmp_path, detail=True, deferrable=True).execute({})
    assert deferred.value.kwargs["needed"] == {"123": 41}
    sent = minimax_sandbox.stats()["api_calls"]
    with pytest.raises(TaskDeferred) as again:
        _export(tmp_path, detail=True, deferrable=True).execute_complete(
            {}, {"status": "fired"}, **deferred.value.kwargs
        )
    assert minimax_sandbox.stats()["api_calls"] == sent  # no probe spent in vain
    assert again.value.kwargs["needed"] == {"123": 41}
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "the-window-passed"))
    manifest = _export(tmp_path, detail=True, deferrable=True).execute_complete(
        {}, {"status": "fired"}, **again.value.kwargs
    )
    assert manifest["rows"] == 40
    assert minimax_sandbox.stats()["api_calls"] - sent == 41
