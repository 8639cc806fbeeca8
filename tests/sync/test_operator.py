"""MinimaxSyncOperator against the sandbox: the plan, the files it leaves, the summary, when it
fails, reruns, and the budget checked before the first write (execute() called directly)."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from airflow.providers.common.compat.sdk import (
    AirflowException,
    AirflowFailException,
    TaskDeferred,
)

from airflow_provider_minimax.operators.sync import MinimaxSyncOperator
from airflow_provider_minimax.sandbox import FaultRule, Sandbox
from tests.logtools import operator_logs
from tests.sync.helpers import ORG, codes, customer, seeded

CUSTOMER_POSTS = r"/orgs/123/customers$"
WINDOW = 120  # seconds: the ledger's rolling window in the budget tests


def sync_task(source: Any, **options: Any) -> MinimaxSyncOperator:
    return MinimaxSyncOperator(
        task_id="sync_customers", resource="customers", source=source, key="Code", **options
    )


def write_jsonl(path: Path, records: list[Any]) -> Path:
    path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records), "utf-8")
    return path


def lines(path: Path) -> list[dict[str, Any]]:
    return [json.loads(line) for line in path.read_text("utf-8").splitlines()]


@pytest.fixture
def shop(
    connection: Callable[..., Sandbox], tmp_path: Path
) -> tuple[Sandbox, Path, list[dict[str, Any]]]:
    """A night's file of the web shop: three new customers, one existing whose city changed,
    one unchanged, one with a misspelt field, one Minimax refuses (no name)."""
    sandbox = connection()
    first, second = seeded(sandbox)
    records = [
        customer(1),
        customer(2),
        {"Code": first["Code"], "Name": first["Name"], "City": "Bled"},
        {"Code": second["Code"], "Name": second["Name"]},
        {"Code": "WEB-0004", "Name": "Napaka", "Cty": "Koper"},
        customer(5, Name=""),
        customer(3),
    ]
    return sandbox, write_jsonl(tmp_path / "2025-11-20.jsonl", records), records


def test_a_sync_keeps_every_outcome_and_fails_after_writing_both_files(
    shop: tuple[Sandbox, Path, list[dict[str, Any]]], tmp_path: Path
) -> None:
    sandbox, source, _ = shop
    with pytest.raises(AirflowFailException, match=r"2 of 7 records failed \(max_failures=0\)"):
        sync_task(str(source)).execute({})
    results = lines(tmp_path / "2025-11-20.results.jsonl")
    assert [(r["record"], r["line"], r["outcome"]) for r in results] == [
        (1, 1, "created"),
        (2, 2, "created"),
        (3, 3, "updated"),
        (4, 4, "unchanged"),
        (5, 5, "invalid"),
        (6, 6, "failed"),
        (7, 7, "created"),
    ]
    for result in results:
        if result["outcome"] in ("created", "updated", "unchanged"):
            held = sandbox.record(ORG, "customers", result["id"])
            assert held["Code"] == result["key"]["Code"]
            assert result["location"].endswith(f"/api/orgs/{ORG}/customers/{result['id']}")
    assert (
        results[0]["row_version"]
        == sandbox.record(ORG, "customers", results[0]["id"])["RowVersion"]
    )
    assert results[2]["changes"] == ["City"]
    assert results[4]["fields"] == ["Cty"] and "Did you mean 'City'?" in results[4]["error"]
    assert results[5]["server_message"] == "The Name field is required."
    assert results[5]["status"] == 400
    # The dead letter: the failed lines as they were, ready to be the next run's source.
    failed = (tmp_path / "2025-11-20.failed.jsonl").read_text("utf-8").splitlines()
    assert failed == source.read_text("utf-8").splitlines()[4:6]
    assert not (tmp_path / "2025-11-20.plan.jsonl").exists()
    # The misspelt field never reached Minimax, which would have ignored it without a word.
    assert sandbox.stats()["ignored_properties"] == {}


def test_within_max_failures_the_summary_is_the_xcom(
    shop: tuple[Sandbox, Path, list[dict[str, Any]]], tmp_path: Path
) -> None:
    sandbox, source, _ = shop
    summary = sync_task(f"file://{source}", max_failures=2).execute({})
    assert summary["outcomes"] == {
        "created": 3,
        "updated": 1,
        "unchanged": 1,
        "invalid": 1,
        "failed": 1,
    }
    assert summary["records"] == 7 and summary["dry_run"] is False
    assert summary["ids"]["WEB-0001"] == sandbox.ids(ORG, "customers", Code="WEB-0001")[0]
    assert "WEB-0005" not in summary["ids"]
    # The key index (one page), the organisations, three creates and one update; the refused
    # create is its POST alone.
    assert summary["calls"] == 1 + 1 + 3 * 2 + 3 + 1
    assert summary["plan"]["index"] == "list" and summary["plan"]["write_calls"] == 3 * 2 + 2 + 3
    assert summary["files"] == {
        "results": f"file://{tmp_path}/2025-11-20.results.jsonl",
        "dead_letter": f"file://{tmp_path}/2025-11-20.failed.jsonl",
    }
    assert summary["seconds"] > 0
    json.dumps(summary)  # XCom holds JSON


def test_a_dry_run_writes_nothing_and_keeps_the_plan(
    shop: tuple[Sandbox, Path, list[dict[str, Any]]], tmp_path: Path
) -> None:
    sandbox, source, _ = shop
    writes = sandbox.writes
    summary = sync_task(str(source), dry_run=True).execute({})
    assert sandbox.writes == writes
    assert summary["outcomes"] == {"create": 4, "update": 1, "unchanged": 1, "invalid": 1}
    assert summary["calls"] == 1  # the key index
    assert summary["plan"]["write_calls"] == 4 * 2 + 3
    plan = lines(tmp_path / "2025-11-20.plan.jsonl")
    assert [p["outcome"] for p in plan] == [
        "create",
        "create",
        "update",
        "unchanged",
        "invalid",
        "create",
        "create",
    ]
    assert plan[2]["changes"] == ["City"] and plan[2]["id"]
    assert plan[4]["fields"] == ["Cty"]
    assert summary["files"] == {"plan": f"file://{tmp_path}/2025-11-20.plan.jsonl"}
    assert not (tmp_path / "2025-11-20.results.jsonl").exists()


def test_a_rerun_of_the_dead_letter_after_a_retryable_failure_writes_only_what_is_missing(
    connection: Callable[..., Sandbox], tmp_path: Path
) -> None:
    """Three creates meet 503s (no retry of a POST: max_retries 0): the task fails for a retry
    (not at once), and the rerun creates those three and nothing else."""
    sandbox = connection(max_retries=0)
    records = [customer(n) for n in range(1, 9)]
    source = write_jsonl(tmp_path / "night.jsonl", records)
    sandbox.add_fault(FaultRule("status", status=503, method="POST", path=CUSTOMER_POSTS, times=3))
    with pytest.raises(AirflowException) as failed:
        sync_task(str(source), max_workers=1).execute({})
    assert not isinstance(failed.value, AirflowFailException)
    assert len(lines(tmp_path / "night.failed.jsonl")) == 3
    posts_before = sandbox.stats()["by_route"]["POST /SI/API/api/orgs/{id}/customers"]
    summary = sync_task(str(tmp_path / "night.failed.jsonl")).execute({})
    assert summary["outcomes"] == {"created": 3}
    assert sandbox.stats()["by_route"]["POST /SI/API/api/orgs/{id}/customers"] == posts_before + 3
    again = sync_task(str(source)).execute({})
    assert again["outcomes"] == {"unchanged": 8} and again["calls"] == 1
    assert all(codes(sandbox)[r["Code"]] == 1 for r in records)


def test_a_list_source_needs_results_and_gets_a_jsonl_dead_letter(
    connection: Callable[..., Sandbox], tmp_path: Path
) -> None:
    connection()
    with pytest.raises(AirflowFailException, match="give results="):
        sync_task([customer(1)]).execute({})
    summary = sync_task(
        [customer(1), customer(2, Name="")],
        results=str(tmp_path / "out" / "customers.results.jsonl"),
        max_failures=1,
    ).execute({})
    assert summary["outcomes"] == {"created": 1, "failed": 1}
    assert lines(tmp_path / "out" / "customers.failed.jsonl") == [customer(2, Name="")]


def test_a_csv_source_gets_a_csv_dead_letter(
    connection: Callable[..., Sandbox], tmp_path: Path
) -> None:
    connection()
    source = tmp_path / "kupci.csv"
    source.write_text("Code,Name,City\nWEB-0001,Prvi,Koper\nWEB-0002,,Celje\n", "utf-8")
    summary = sync_task(str(source), max_failures=1).execute({})
    assert summary["outcomes"] == {"created": 1, "failed": 1}
    assert (tmp_path / "kupci.failed.csv").read_text("utf-8") == "Code,Name,City\nWEB-0002,,Celje\n"


def test_progress_is_logged_while_the_records_are_written(
    connection: Callable[..., Sandbox], tmp_path: Path
) -> None:
    connection()
    source = write_jsonl(tmp_path / "n.jsonl", [customer(n) for n in range(1, 6)])
    with operator_logs() as events:
        sync_task(str(source), progress_interval=0).execute({})
    progress = [str(e["event"]) for e in events if "records done" in str(e["event"])]
    assert progress, "no progress line"
    assert progress[-1].startswith("Minimax sync of customers: 5 of 5 records done, 11 API calls")
    assert "0 failed, about 0 s left" in progress[-1]


def test_the_writes_are_checked_against_the_budget_before_the_first(
    connection: Callable[..., Sandbox], tmp_path: Path
) -> None:
    """Ten new customers take 20 calls; the connection may spend 15 a day: refused before any
    write, at once (a plan that never fits cannot be helped by waiting)."""
    sandbox = connection(daily_budget=15, reserve=0, budget_window=WINDOW)
    source = write_jsonl(tmp_path / "n.jsonl", [customer(n) for n in range(1, 11)])
    writes = sandbox.writes
    with pytest.raises(AirflowFailException, match="needs 20 API calls"):
        sync_task(str(source), deferrable=True).execute({})
    assert sandbox.writes == writes
    assert not (tmp_path / "n.results.jsonl").exists()


def test_a_budget_spent_for_now_defers_the_sync_before_the_first_write(
    connection: Callable[..., Sandbox], tmp_path: Path
) -> None:
    sandbox = connection(daily_budget=30, reserve=0, budget_window=WINDOW)
    source = write_jsonl(tmp_path / "n.jsonl", [customer(n) for n in range(1, 11)])
    first = write_jsonl(tmp_path / "f.jsonl", [customer(n) for n in range(20, 25)])
    sync_task(str(first)).execute({})  # 1 page, the organisations, 5 creates: 12 calls
    writes = sandbox.writes
    with pytest.raises(TaskDeferred) as deferred:
        sync_task(str(source), deferrable=True).execute({})  # a page more, then 20 do not fit
    assert deferred.value.method_name == "execute_complete"
    assert sandbox.writes == writes
    with pytest.raises(AirflowFailException, match="Set deferrable=True"):
        sync_task(str(source), deferrable=False).execute({})


@pytest.mark.parametrize(
    ("options", "message"),
    [
        ({"key": ""}, "key is required"),
        ({"dry_run": "maybe"}, "dry_run must be true or false"),
        ({"max_failures": "-1"}, "max_failures must be a whole number"),
        ({"max_workers": "40"}, "max_workers"),
        ({"progress_interval": "soon"}, "progress_interval must be a number"),
        ({"mode": "replace"}, "mode must be one of upsert, create"),
        ({"key": "Name"}, "cannot be checked on customers"),
    ],
)
def test_wrong_arguments_fail_at_once_before_any_call(
    connection: Callable[..., Sandbox], tmp_path: Path, options: dict[str, Any], message: str
) -> None:
    sandbox = connection()
    source = write_jsonl(tmp_path / "n.jsonl", [customer(1)])
    calls = sandbox.stats()["api_calls"]
    task = MinimaxSyncOperator(
        task_id="t", resource="customers", source=str(source), **({"key": "Code"} | options)
    )
    with pytest.raises(AirflowFailException, match=message):
        task.execute({})
    assert sandbox.stats()["api_calls"] == calls


def test_a_budget_minimax_says_is_spent_mid_run_keeps_the_files_and_defers(
    connection: Callable[..., Sandbox], tmp_path: Path
) -> None:
    """The ledger let the plan through, but Minimax's own count (the web app spent calls too)
    runs out after a few creates: the files say what was done and what was not sent; the task
    defers, and its next start finds the done records by their key."""
    sandbox = connection()
    records = [customer(n) for n in range(1, 11)]
    source = write_jsonl(tmp_path / "n.jsonl", records)
    sandbox.configure(request_budget=1 + 3 * 2, budget_answer="message")  # page, 3 creates
    with pytest.raises(TaskDeferred):
        sync_task(str(source), deferrable=True, max_workers=1).execute({})
    results = lines(tmp_path / "n.results.jsonl")
    assert [r["outcome"] for r in results][:3] == ["created"] * 3
    assert len(lines(tmp_path / "n.failed.jsonl")) == 7
    # Calls have freed (a new day, here a ledger that has not seen Minimax's refusal).
    sandbox.configure(request_budget=None)
    connection(ledger_dir=str(tmp_path / "next-day"))
    summary = sync_task(str(source)).execute({})
    assert summary["outcomes"]["unchanged"] >= 3 and "failed" not in summary["outcomes"]
    assert all(codes(sandbox)[r["Code"]] == 1 for r in records)
