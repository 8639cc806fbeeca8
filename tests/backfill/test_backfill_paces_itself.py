"""A 90-day history backfill through Airflow's own backfill paces itself on a small API budget.

A real deployment (tests/airflow_processes.py: PostgreSQL, LocalExecutor, scheduler, triggerer,
and on Airflow 3 the DAG processor and API server), a sandbox in a process of its own whose
budget is BUDGET calls per WINDOW seconds, and a connection whose ledger knows that budget.
`airflow backfill create` (Airflow 3) or `airflow dags backfill` (2.11) runs the daily export
over 90 days with detail=True: the budget is spent several times over, runs defer in the
triggerer and go on when calls free up, and in the end every day's file holds exactly what the
sandbox holds for that day, no run failed or was retried, the sandbox never had to refuse a
call, and the API calls add up to the minimum (see `minimum_calls`).

The DAG is a faithful subset of example_dags/minimax_daily_export.py, under its DAG ID: the same
timetable (a data interval per local day in Ljubljana), destination pattern and operator, for
issued invoices only, with detail=True and deferrable=True. The example's other eleven exports
and its organisations task would make a 90-day backfill 13 times as many tasks, more than a
2-core machine runs within the test's time.
"""

from __future__ import annotations

import datetime
import functools
import json
import re
import time
from collections import defaultdict
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import requests

from airflow_provider_minimax.sandbox import Settings, listing
from airflow_provider_minimax.sandbox.catalogue import BY_KEY
from airflow_provider_minimax.sandbox.process import SandboxProcess
from airflow_provider_minimax.sandbox.world import build_store
from tests.airflow_processes import AirflowDeployment, airflow_deployment  # noqa: F401
from tests.backfill.commands import commands, without_pacing
from tests.dagtools import AIRFLOW_3

DAG_ID = "minimax_daily_export"
ORG = 123
FIRST_DAY, LAST_DAY = datetime.date(2025, 10, 3), datetime.date(2025, 12, 31)
DAYS = (LAST_DAY - FIRST_DAY).days + 1  # 90; the small sandbox's invoices are Nov and Dec
# The budget: the backfill's ~270 calls need three windows of 110, so runs defer at least twice.
# 60 s is the shortest window the ledger counts (it counts in minutes).
BUDGET, WINDOW = 110, 60
PAGE_SIZE = 1000  # the client's page size: a day's invoices are one list page
DEFERRING = re.compile(r"the API budget is spent; deferring until (\S+ \S+) UTC")
# Why a try deferred (budgetwords.over_budget): its probe, the first list page, did not fit
# ("This call does not fit": nothing sent), or the plan's reservation did not, after the probe
# was sent (the plan's purpose names the export). Only the second costs a call: the next try
# sends its probe again.
BEFORE_THE_PROBE = re.compile(r"deferring until [^.]*\. This call does not fit")
AFTER_THE_PROBE = re.compile(r"deferring until [^.]*\. Minimax export of \S+ does not fit")
# A third, as free as the first: a try resumed after the second checks that its plan's calls
# fit before it sends the probe again (operators/_resume.wait_for_plan), and defers once more,
# sending nothing, when other tries' reservations still hold the budget at that moment.
CHECK_BEFORE_THE_PROBE = re.compile(r"deferring until [^.]*\. a check does not fit")

DAG_SOURCE = f'''
"""{DAG_ID}, issued invoices only, read in full: what tests/backfill backfills."""

import os

import pendulum
from airflow.providers.common.compat.sdk import DAG
from airflow.timetables.interval import CronDataIntervalTimetable

from airflow_provider_minimax.operators.export import MinimaxExportOperator

EXPORT_ROOT = os.environ["MINIMAX_EXPORT_ROOT"]
DAY_DESTINATION = EXPORT_ROOT + "/{{first_day}}/{{organisation_id}}/{{resource}}."

with DAG(
    dag_id="{DAG_ID}",
    schedule=CronDataIntervalTimetable("0 0 * * *", timezone="Europe/Ljubljana"),
    start_date=pendulum.datetime(2025, 1, 1, tz="Europe/Ljubljana"),
    # Unpausing (Airflow 3 runs a backfill only of an unpaused DAG) must not add a nightly run
    # of today: its calls would be outside the test's count.
    end_date=pendulum.datetime(2026, 1, 1, tz="Europe/Ljubljana"),
    catchup=False,
    max_active_runs=8,
    max_active_tasks=4,
):
    MinimaxExportOperator(
        task_id="issued_invoices_jsonl",
        resource="issuedinvoices",
        mode="window",
        detail=True,
        format="jsonl",
        destination=DAY_DESTINATION + "jsonl",
        deferrable=True,
        retries=2,  # as the example has: a retry would show as a second try, and fail the test
    )
'''


# -- what the sandbox holds, and what it saw ---------------------------------------------------


def invoices_by_day(base_url: str) -> dict[datetime.date, list[dict[str, Any]]]:
    """The sandbox's issued invoices per DateIssued, in its list order: the same world the
    process built (same seed and scale; its base URL is in the records' ResourceUrls)."""
    store = build_store(Settings(scale="small"), base_url)
    kind = BY_KEY["issuedinvoices"]
    ordered = listing.sort(
        list(store.organisations[ORG].tables["issuedinvoices"].records.values()),
        kind,
        listing.Query(),
    )
    days: dict[datetime.date, list[dict[str, Any]]] = defaultdict(list)
    for record in ordered:
        days[datetime.date.fromisoformat(record["DateIssued"][:10])].append(record)
    return days


def sandbox_stats(sandbox: SandboxProcess) -> dict[str, Any]:
    root = sandbox.base_url.rstrip("/").rsplit("/", 1)[0]
    answer = requests.get(f"{root}/_sandbox/stats", timeout=10)
    answer.raise_for_status()
    stats: dict[str, Any] = answer.json()
    return stats


def minimum_calls(invoices: dict[datetime.date, list[Any]]) -> int:
    """Each day: its list pages (one at least, even for a day without invoices) and one read
    per invoice. Nothing else is needed: the probe of a plan is its first list page. What the
    provider guarantees on a spent budget is this plus one call (the repeated probe) per try
    that deferred after its probe was sent; a probe that does not fit is not sent."""
    total = 0
    for offset in range(DAYS):
        count = len(invoices.get(FIRST_DAY + datetime.timedelta(days=offset), []))
        total += max(1, -(-count // PAGE_SIZE)) + count
    return total


# -- Airflow ------------------------------------------------------------------------------


def backfill(deployment: AirflowDeployment) -> None:
    """Airflow's own backfill over the 90 days, to the end of its last run: the commands of
    docs/rate-budget.md, without its pacing options (tests/backfill/commands.py)."""
    found = [without_pacing(command) for command in commands(AIRFLOW_3)]
    assert FIRST_DAY.isoformat() in found[-1] and LAST_DAY.isoformat() in found[-1], found
    watch = functools.partial(no_task_failed, deployment)
    if not AIRFLOW_3:  # `airflow dags backfill` runs the backfill itself, to its end
        [run] = found
        deployment.airflow(*run, timeout=420, watch=watch)
        return
    deployment.wait_until(
        lambda: deployment.query("SELECT 1 FROM serialized_dag WHERE dag_id = %s", [DAG_ID]),
        120,
        "the DAG processor has parsed the DAG",
    )
    unpause, create = found  # Airflow 3 runs a backfill of an unpaused DAG only
    deployment.airflow(*unpause)
    deployment.airflow(*create)
    deployment.wait_until(
        lambda: watch() or finished_runs(deployment) >= DAYS,
        420,
        f"all {DAYS} backfill runs finished",
        interval=3,
    )
    # What an operator sees: the REST API says the backfill is complete (the scheduler marks
    # it so at its next look after the last run).
    deployment.wait_until(
        lambda: all_completed(deployment.api("/api/v2/backfills", dag_id=DAG_ID)["backfills"]),
        60,
        "the REST API reports the backfill complete",
    )


def all_completed(backfills: list[dict[str, Any]]) -> bool:
    """One backfill, and it has a completion time."""
    return len(backfills) == 1 and backfills[0]["completed_at"] is not None


def no_task_failed(deployment: AirflowDeployment) -> None:
    """Stop waiting at the first failed try (Airflow would retry it minutes later), with what
    its log said last."""
    failed = deployment.query(
        "SELECT run_id FROM task_instance WHERE dag_id = %s "
        "AND (state IN ('failed', 'up_for_retry') OR try_number > 1) LIMIT 1",
        [DAG_ID],
    )
    if failed:
        [(run_id,)] = failed
        logs = sorted(path for path in deployment.task_logs.rglob("*.log") if run_id in str(path))
        said = logs[-1].read_text(errors="replace").splitlines()[-15:] if logs else []
        deployment.fail(f"a task of {run_id} failed; its log ends:\n" + "\n".join(said))


def finished_runs(deployment: AirflowDeployment) -> int:
    [(count,)] = deployment.query(
        "SELECT count(*) FROM dag_run WHERE dag_id = %s AND state IN ('success', 'failed')",
        [DAG_ID],
    )
    return int(count)


def runs(deployment: AirflowDeployment) -> dict[datetime.date, str]:
    """Each run's local day (its data interval's start in Ljubljana) and state."""
    rows = deployment.query(
        "SELECT data_interval_start AT TIME ZONE 'Europe/Ljubljana', state, run_type "
        "FROM dag_run WHERE dag_id = %s",
        [DAG_ID],
    )
    assert {run_type for _, _, run_type in rows} == {"backfill"}, rows
    return {start.date(): state for start, state, _ in rows}


def task_tries(deployment: AirflowDeployment) -> list[tuple[str, int]]:
    """(state, try_number) of every task instance of the DAG."""
    return [
        (state, int(try_number))
        for state, try_number in deployment.query(
            "SELECT state, try_number FROM task_instance WHERE dag_id = %s", [DAG_ID]
        )
    ]


def earlier_tries(deployment: AirflowDeployment) -> int:
    """Tries that ended before the last (failed or retried ones are kept in this table)."""
    [(count,)] = deployment.query(
        "SELECT count(*) FROM task_instance_history WHERE dag_id = %s", [DAG_ID]
    )
    return int(count)


def read_jsonl(path: Path) -> list[dict[str, Any]]:
    return [json.loads(line) for line in path.read_text("utf-8").splitlines() if line]


# -- the test -------------------------------------------------------------------------------


@pytest.mark.slow
@pytest.mark.timeout(900)
def test_a_90_day_backfill_defers_on_the_budget_and_spends_the_minimum(
    airflow_deployment: Callable[..., AirflowDeployment],  # noqa: F811
    tmp_path: Path,
) -> None:
    started = time.monotonic()
    export_root = tmp_path / "export"
    arguments = ["--scale", "small", "--request-budget", str(BUDGET)]
    with SandboxProcess(*arguments, "--budget-window", str(WINDOW)) as sandbox:
        connection = sandbox.connection
        connection["extra"] |= {"daily_budget": BUDGET, "reserve": 0, "budget_window": WINDOW}
        deployment = airflow_deployment(
            env={
                "AIRFLOW_CONN_MINIMAX_DEFAULT": json.dumps(connection),
                "MINIMAX_EXPORT_ROOT": str(export_root),
            },
            # Plain dates on the command line are local days, as for a Slovenian team.
            config={"core.default_timezone": "Europe/Ljubljana"},
        )
        deployment.write_dag(f"{DAG_ID}.py", DAG_SOURCE)
        with deployment:
            ready = time.monotonic()
            backfill(deployment)
            done = time.monotonic()
            measured_runs = runs(deployment)
            tries = task_tries(deployment)
            retried = earlier_tries(deployment)
            logs = deployment.task_log_text()
        stats = sandbox_stats(sandbox)
        invoices = invoices_by_day(sandbox.base_url)

    days = [FIRST_DAY + datetime.timedelta(days=offset) for offset in range(DAYS)]
    # Every day one run, and every run a success at its first try.
    assert sorted(measured_runs) == days
    assert set(measured_runs.values()) == {"success"}
    assert tries == [("success", 1)] * DAYS
    assert retried == 0
    # The budget was spent: tasks deferred (more than one round of them), and the ledger kept
    # every call under the sandbox's limit, which therefore refused none.
    wake_times = DEFERRING.findall(logs)
    deferrals, rounds = len(wake_times), len(set(wake_times))
    before, after = len(BEFORE_THE_PROBE.findall(logs)), len(AFTER_THE_PROBE.findall(logs))
    checked = len(CHECK_BEFORE_THE_PROBE.findall(logs))
    assert rounds >= 2, f"the budget ran out {rounds} times, not at least twice"
    assert before + after + checked == deferrals, "a deferral for another reason than the three"
    assert "429" not in stats["by_status"], stats["by_status"]
    assert set(stats["by_status"]) == {"200"}, stats["by_status"]
    # Every day's file holds exactly the sandbox's invoices of that day, in its list order.
    for day in days:
        path = export_root / day.isoformat() / str(ORG) / "issuedinvoices.jsonl"
        assert read_jsonl(path) == invoices.get(day, []), day
        manifest = json.loads(path.with_name(path.name + ".manifest.json").read_text())
        assert manifest["rows"] == len(invoices.get(day, []))
    # The calls: the minimum, plus what tries that deferred after sending had sent.
    manifests = [json.loads(path.read_text()) for path in export_root.rglob("*.manifest.json")]
    in_final_tries = sum(int(m["api_calls"]) for m in manifests)
    minimum = minimum_calls(invoices)
    print(
        f"\nAirflow {'3' if AIRFLOW_3 else '2.11'}: {len(measured_runs)} runs, "
        f"{stats['api_calls']} API calls (minimum {minimum}; {in_final_tries} in the runs' "
        f"final tries), {deferrals} deferrals ({after} after the probe) to {rounds} wake "
        "times, "
        f"backfill {done - ready:.0f} s, "
        f"test {time.monotonic() - started:.0f} s, by route {stats['by_route']}"
    )
    assert in_final_tries == minimum
    assert stats["api_calls"] == minimum + after
