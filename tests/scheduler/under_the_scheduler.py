"""The helpers of test_under_the_scheduler.py: what its deployment runs and expects, and how it
reads and waits on what the deployment did (the module's docstring tells the scenario)."""

from __future__ import annotations

import datetime
import hashlib
import json
import re
import sqlite3
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pendulum
import pytest
import requests

from airflow_provider_minimax.exports.manifest import MANIFEST_SUFFIX
from airflow_provider_minimax.sandbox.process import SandboxProcess
from tests.airflow_processes import AirflowDeployment
from tests.dagtools import parse_dags, run_dag, use_bundles
from tests.scheduler.grid_view import Grid, GridCheck

EXAMPLE_DAGS = Path(__file__).resolve().parents[2] / "example_dags"
EXPORT_DAG, WEBSHOP_DAG = "minimax_daily_export", "minimax_webshop_invoice"
DAG_IDS = (EXPORT_DAG, WEBSHOP_DAG)
DAG_FILES = tuple(f"{dag_id}.py" for dag_id in DAG_IDS)
TIMEZONE = "Europe/Ljubljana"
DAYS = [datetime.date(2025, 11, 17) + datetime.timedelta(days=n) for n in range(7)]
ORGANISATIONS = (123, 124)
EXPORTS = {"issued_invoices": "issuedinvoices", "journals": "journals"}  # task ID: resource
FORMATS = ("jsonl", "parquet")
WEBSHOP_RUN = "webshop_under_the_scheduler"
TRIGGER = "airflow_provider_minimax.triggers.record.MinimaxRecordTrigger"
TOKEN_LINE = "Minimax token for "  # client/auth.py logs each token request so
# Airflow's task log names (the same on 2.11 and 3): a try's log, and beside it the log of its
# trigger in the triggerer (`.trigger.<triggerer job id>.log`).
LOG_NAME = re.compile(
    r"dag_id=(?P<dag>[^/]+)/run_id=(?P<run>[^/]+)/task_id=(?P<task>[^/]+)/"
    r"(?:map_index=(?P<index>\d+)/)?attempt=1\.log(?P<trigger>\.trigger\.\d+\.log)?"
)

# (task ID, map index) of each run of the daily export: the organisations task, then each
# export and format once per organisation. Every one of them talks to Minimax.
EXPORT_TASKS = {("organisations", -1)} | {
    (f"{task_id}_{file_format}", index)
    for task_id in EXPORTS
    for file_format in FORMATS
    for index in range(len(ORGANISATIONS))
}
# The web shop's tasks that talk to Minimax: look-ups, writes, the action, and the sensor's
# first process (it looks once before it defers; the process that resumes it only reads the
# trigger's event). The order's two VAT codes and two lines make two mapped instances each.
WEBSHOP_API_TASKS = {
    ("country", -1),
    ("currency", -1),
    ("vat_rate", 0),
    ("vat_rate", 1),
    ("ensure_customer", -1),
    ("ensure_item", 0),
    ("ensure_item", 1),
    ("create_invoice", -1),
    ("issue_and_pdf", -1),
    ("wait_until_paid", -1),
}
# ... and those that do not: plain Python, the Slovenian issuing_employee (no param, no look-up)
# and sandbox_pays with the param off.
WEBSHOP_TASKS = WEBSHOP_API_TASKS | {
    (task_id, -1)
    for task_id in (
        "load_order",
        "vat_codes",
        "customer_payload",
        "item_payloads",
        "issuing_employee",
        "invoice_payload",
        "sandbox_pays",
    )
}
RUNS_TIMEOUT = 420.0  # seconds for every run to finish, once both DAGs are going


@dataclass
class Scenario:
    """What the module's deployment did, recorded for the tests."""

    runs: list[tuple[str, str, str, datetime.date | None, datetime.date | None]] = field(
        default_factory=list
    )
    tries: list[tuple[str, str, str, int, str, int]] = field(default_factory=list)
    earlier_tries: int = 0
    deferred: list[tuple[Any, ...]] = field(default_factory=list)
    sensor_result: Any = None
    task_logs: dict[str, str] = field(default_factory=dict)
    stats: dict[str, Any] = field(default_factory=dict)
    ledger_calls: int = 0
    ledger_tokens: int = 0
    files: dict[str, str] = field(default_factory=dict)
    manifests: dict[str, dict[str, Any]] = field(default_factory=dict)
    reference: dict[str, str] = field(default_factory=dict)
    seconds: dict[str, float] = field(default_factory=dict)
    grid: GridCheck = field(default_factory=GridCheck)


# -- small readers -------------------------------------------------------------------------------


def local_midnight(day: datetime.date) -> pendulum.DateTime:
    return pendulum.datetime(day.year, day.month, day.day, tz=TIMEZONE)


def sha256_of(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def data_files(root: Path) -> dict[str, str]:
    """sha256 of every export file under root (not the manifests), by path below root."""
    return {
        str(path.relative_to(root)): sha256_of(path)
        for path in sorted(root.rglob("*"))
        if path.is_file() and not path.name.endswith(MANIFEST_SUFFIX)
    }


def decoded(value: Any) -> Any:
    """An XCom value as the metadata database holds it: JSON (Airflow 3) or JSON bytes (2.11)."""
    if isinstance(value, memoryview):
        value = value.tobytes()
    if isinstance(value, bytes):
        value = value.decode("utf-8")
    while isinstance(value, str):
        value = json.loads(value)
    return value


def admin_root(sandbox: SandboxProcess) -> str:
    """http://127.0.0.1:PORT (the base URL without its country part)."""
    return sandbox.base_url.rstrip("/").rsplit("/", 1)[0]


def sandbox_stats(sandbox: SandboxProcess) -> dict[str, Any]:
    answer = requests.get(f"{admin_root(sandbox)}/_sandbox/stats", timeout=10)
    answer.raise_for_status()
    stats: dict[str, Any] = answer.json()
    return stats


def ledger_totals(cache: Path) -> tuple[int, int]:
    """Calls and token requests in every ledger file under a cache folder."""
    calls = tokens = 0
    files = sorted(cache.rglob("ledger.sqlite"))
    assert files, f"no ledger under {cache}"
    for path in files:
        connection = sqlite3.connect(path)
        try:
            row = connection.execute(
                "SELECT coalesce(sum(calls), 0), coalesce(sum(token_requests), 0) "
                "FROM minimax_ledger_calls"
            ).fetchone()
        finally:
            connection.close()
        calls, tokens = calls + int(row[0]), tokens + int(row[1])
    return calls, tokens


def xcom(deployment: AirflowDeployment, dag_id: str, run_id: str, task_id: str) -> Any:
    [(value,)] = deployment.query(
        "SELECT value FROM xcom WHERE dag_id = %s AND run_id = %s AND task_id = %s "
        "AND map_index = -1 AND key = 'return_value'",
        [dag_id, run_id, task_id],
    )
    return decoded(value)


# -- waiting on the deployment ------------------------------------------------------------------


def no_task_failed(deployment: AirflowDeployment) -> None:
    """Stop waiting at the first failed or retried try, with the end of its log."""
    failed = deployment.query(
        "SELECT dag_id, run_id, task_id, map_index, state, try_number FROM task_instance "
        "WHERE state IN ('failed', 'up_for_retry', 'upstream_failed') OR try_number > 1 LIMIT 1"
    )
    if failed:
        [(dag_id, run_id, task_id, map_index, state, try_number)] = failed
        logs = sorted(
            path
            for path in deployment.task_logs.rglob("*.log*")
            if run_id in str(path) and f"task_id={task_id}" in str(path)
        )
        said = logs[-1].read_text(errors="replace").splitlines()[-25:] if logs else []
        deployment.fail(
            f"{dag_id} {run_id} {task_id}[{map_index}]: {state} at try {try_number}; "
            "its log ends:\n" + "\n".join(said)
        )


def parsed(deployment: AirflowDeployment, dag_ids: tuple[str, ...] = DAG_IDS) -> bool:
    """Whether the DAG processor has stored these DAGs; fails at the first import error."""
    errors = deployment.query("SELECT filename, stacktrace FROM import_error")
    if errors:
        deployment.fail(f"a DAG file did not import: {errors}")
    found = {dag_id for (dag_id,) in deployment.query("SELECT dag_id FROM dag")}
    return set(dag_ids) <= found


def sensor_deferred(deployment: AirflowDeployment) -> list[tuple[Any, ...]]:
    """The sensor's row while deferred: its trigger's class, and the job holding the trigger
    (none until the triggerer has taken it)."""
    no_task_failed(deployment)
    return deployment.query(
        "SELECT ti.state, t.classpath, j.job_type, j.state FROM task_instance ti "
        "JOIN trigger t ON t.id = ti.trigger_id JOIN job j ON j.id = t.triggerer_id "
        "WHERE ti.dag_id = %s AND ti.run_id = %s AND ti.task_id = 'wait_until_paid' "
        "AND ti.state = 'deferred'",
        [WEBSHOP_DAG, WEBSHOP_RUN],
    )


def all_runs_finished(deployment: AirflowDeployment) -> bool:
    no_task_failed(deployment)
    done = Counter(
        dag_id
        for dag_id, state in deployment.query("SELECT dag_id, state FROM dag_run")
        if state in ("success", "failed")
    )
    return done[EXPORT_DAG] >= len(DAYS) and done[WEBSHOP_DAG] >= 1


# -- the scenario -------------------------------------------------------------------------------


def run_under_the_scheduler(
    deployment: AirflowDeployment, sandbox: SandboxProcess, scenario: Scenario
) -> None:
    clock = time.monotonic()
    deployment.wait_until(lambda: parsed(deployment), 180, "both example DAGs parsed")
    scenario.seconds["parsed"] = time.monotonic() - clock
    deployment.airflow("dags", "unpause", WEBSHOP_DAG)
    conf = {"pdf_dir": str(deployment.folder / "pdf"), "sandbox_pays": False}
    deployment.airflow("dags", "trigger", "-r", WEBSHOP_RUN, "-c", json.dumps(conf), WEBSHOP_DAG)
    deployment.airflow("dags", "unpause", EXPORT_DAG)  # the catch-up starts
    started = time.monotonic()

    scenario.deferred = deployment.wait_until(
        lambda: sensor_deferred(deployment), RUNS_TIMEOUT, "the web shop's sensor deferred"
    )
    scenario.seconds["sensor deferred"] = time.monotonic() - started
    invoice = xcom(deployment, WEBSHOP_DAG, WEBSHOP_RUN, "create_invoice")
    paid = requests.post(
        f"{admin_root(sandbox)}/_sandbox/orgs/{ORGANISATIONS[0]}/issuedinvoices/"
        f"{invoice['id']}/pay",
        timeout=30,
    )
    paid.raise_for_status()

    deployment.wait_until(
        lambda: all_runs_finished(deployment), RUNS_TIMEOUT, "every run finished", interval=2
    )
    scenario.seconds["runs"] = time.monotonic() - started
    scenario.runs = [
        # A manual run on Airflow 3 has no data interval.
        (dag_id, run_type, state, start and start.date(), end and end.date())
        for dag_id, run_type, state, start, end in deployment.query(
            "SELECT dag_id, run_type, state, data_interval_start AT TIME ZONE %s, "
            "data_interval_end AT TIME ZONE %s FROM dag_run ORDER BY dag_id, data_interval_start",
            [TIMEZONE, TIMEZONE],
        )
    ]
    scenario.tries = [
        (dag_id, run_id, task_id, int(map_index), state, int(try_number))
        for dag_id, run_id, task_id, map_index, state, try_number in deployment.query(
            "SELECT dag_id, run_id, task_id, map_index, state, try_number FROM task_instance"
        )
    ]
    [(earlier,)] = deployment.query("SELECT count(*) FROM task_instance_history")
    scenario.earlier_tries = int(earlier)
    scenario.sensor_result = xcom(deployment, WEBSHOP_DAG, WEBSHOP_RUN, "wait_until_paid")


def reference_files(sandbox: SandboxProcess, folder: Path) -> dict[str, str]:
    """The same DAG file, run with `dag.test()` in this process over the same seven days."""
    root = folder / "reference-export"
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("AIRFLOW_CONN_MINIMAX_DEFAULT", sandbox.airflow_connection)
        patch.setenv("MINIMAX_EXPORT_ROOT", str(root))
        patch.setenv("MINIMAX_EXPORTS", ",".join(EXPORTS))
        patch.delenv("MINIMAX_EXPORT_FIRST_DAY", raising=False)
        patch.delenv("MINIMAX_EXPORT_LAST_DAY", raising=False)
        patch.setenv("XDG_CACHE_HOME", str(folder / "reference-cache"))
        use_bundles(patch, **{"minimax-example-dags": EXAMPLE_DAGS})
        dag = parse_dags(EXAMPLE_DAGS / f"{EXPORT_DAG}.py")[EXPORT_DAG]
        for day in DAYS:
            # A manual run at a local midnight covers the day that ends there.
            run = run_dag(dag, local_midnight(day + datetime.timedelta(days=1)))
            assert run.state == "success", f"dag.test() of {day}: {run.state}"
    return data_files(root)


def logs_by_try(scenario: Scenario) -> dict[tuple[str, str, str, int, bool], str]:
    """(DAG, run, task, map index, a trigger's log?) -> the log's text."""
    found = {}
    for name, text in scenario.task_logs.items():
        match = LOG_NAME.fullmatch(name)
        assert match, f"a task log of an unexpected name: {name}"
        index = int(match["index"]) if match["index"] else -1
        found[(match["dag"], match["run"], match["task"], index, bool(match["trigger"]))] = text
    return found


def green_grid(tries: list[tuple[str, str, str, int, str, int]], dag_id: str) -> Grid:
    """The grid view of `dag_id` when every run the metadata database has is green: each run's
    bar, and one cell per run and task (a mapped task's instances share one), all shown in
    success's colour; sorted."""
    runs = sorted({run_id for dag, run_id, *_ in tries if dag == dag_id})
    cells = sorted({(run_id, task_id) for dag, run_id, task_id, *_ in tries if dag == dag_id})
    return Grid(
        runs=[(run_id, "success", True) for run_id in runs],
        cells=[(run_id, task_id, "success", True) for run_id, task_id in cells],
    )
