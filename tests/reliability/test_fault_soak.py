"""Fault soak of exports: many exports, each under its own random (seeded) fault schedule.

The promise under test (MinimaxExportOperator's docstring): a file is written whole and exactly,
or the task fails with a typed error and leaves nothing behind. A run may end either way; what it
may never do is write a file that differs from the fault-free one, leave a temporary file, or fail
with an error that is not a MinimaxError (or an AirflowFailException caused by one).

Each run draws its schedule from `random.Random(run)`, so a failing run can be replayed alone:
5xx (500/502/503) answers, 429 with Retry-After 0 or 1, connection resets, a little latency,
truncated bodies, HTML error pages (some with status 200, as a proxy's login page would be), and
sometimes every token expiring part-way through the list.
"""

from __future__ import annotations

import hashlib
import random
import time
from collections import Counter
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from airflow.providers.common.compat.sdk import AirflowFailException

from airflow_provider_minimax.client import MinimaxError
from airflow_provider_minimax.operators.export import MinimaxExportOperator
from airflow_provider_minimax.sandbox import FaultRule, Sandbox
from tests.exports.helpers import (
    FORMATS,
    Meanwhile,
    context,
    expected,
    files,
    ids,
    list_path,
    read_rows,
    utc,
)
from tests.reliability.conftest import FULL, runs

RESOURCE = "issuedinvoices"
MONTH = (utc(2025, 11, 1), utc(2025, 12, 1))  # November 2025 of the small sandbox: 88 invoices
PAGE_CAP = 20  # the sandbox serves at most 20 rows a page: five pages per export
MAX_RETRIES = 4


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def run_export(client: Any, destination: Path, file_format: str, workers: int) -> Any:
    """MinimaxExportOperator.execute() for November, through a fast-backoff client."""
    task = MinimaxExportOperator(
        task_id="export",
        resource=RESOURCE,
        destination=str(destination),
        format=file_format,
        max_workers=workers,
    )
    task.hook.client = client  # the hook's cached client: the connection's, with fast backoff
    return task.execute(context(*MONTH))


def typed(error: BaseException) -> bool:
    """A failure a user can act on: a MinimaxError, or the task's AirflowFailException of one."""
    if isinstance(error, MinimaxError):
        return True
    return isinstance(error, AirflowFailException) and isinstance(error.__cause__, MinimaxError)


def schedule(rng: random.Random, sandbox: Sandbox, expiries: list[int]) -> list[FaultRule]:
    """One to four fault rules on the list's requests, and sometimes a token expiry."""
    path = list_path(RESOURCE)
    rules: list[FaultRule] = []
    for _ in range(rng.randint(1, 4)):
        kind = rng.choice(("5xx", "429", "reset", "latency", "truncate", "html"))
        if rng.random() < 0.6:
            how: dict[str, Any] = {"probability": round(rng.uniform(0.05, 0.45), 2)}
        else:
            how = {"times": rng.randint(1, 6)}
        if kind == "5xx":
            rule = FaultRule("status", status=rng.choice((500, 502, 503)), path=path, **how)
        elif kind == "429":
            rule = FaultRule("status", status=429, retry_after=rng.choice((0, 1)), path=path, **how)
        elif kind == "latency":
            rule = FaultRule("latency", latency_ms=rng.randint(2, 25), path=path, **how)
        elif kind == "html":
            # Mostly a gateway's error page; now and then one served with 200 (a proxy's page).
            status = rng.choice((502, 503, 503, 500, 200))
            rule = FaultRule("html", status=status, path=path, **how)
        else:
            rule = FaultRule(kind, path=path, **how)  # type: ignore[arg-type]
        rules.append(rule)
    if rng.random() < 0.35:

        def expire() -> None:
            expiries.append(sandbox.expire_tokens())

        rules.append(Meanwhile("latency", path=path, at=rng.randint(2, 5), then=expire))
    return rules


def test_exports_under_random_faults_write_the_exact_file_or_fail_cleanly(
    minimax_connection: str,
    minimax_sandbox: Sandbox,
    make_client: Callable[..., Any],
    sleeps: list[float],
    tmp_path: Path,
    report: Callable[..., None],
) -> None:
    """Every run writes exactly the fault-free file (rows and sha256) or fails with a typed error
    leaving no file and no temporary file; wrong files: 0."""
    sandbox = minimax_sandbox
    sandbox.configure(max_page_size=PAGE_CAP)
    want = expected(sandbox, RESOURCE, *MONTH)
    assert len(want) > 3 * PAGE_CAP  # several pages per export

    reference: dict[str, tuple[list[dict[str, Any]], str]] = {}
    for file_format in FORMATS:
        path = tmp_path / "reference" / f"invoices.{file_format}"
        manifest = run_export(make_client(max_retries=0), path, file_format, 1)
        rows = read_rows(path, file_format)
        assert manifest["rows"] == len(rows) == len(want)
        assert manifest["sha256"] == sha256(path)
        reference[file_format] = (rows, manifest["sha256"])
    assert ids(reference["jsonl"][0], RESOURCE) == ids(want, RESOURCE)

    total = runs(10, 100)
    exact = clean = wrong = 0
    faults_injected = 0
    by_effect: Counter[str] = Counter()
    outcomes: Counter[str] = Counter()
    expiries: list[int] = []
    problems: list[str] = []
    tokens_before = sandbox.stats()["token_requests"]
    started = time.perf_counter()
    for run in range(total):
        rng = random.Random(run)
        sandbox.clear_faults()
        before = Counter(sandbox.stats()["faults_injected"])
        rules = schedule(rng, sandbox, expiries)
        for rule in rules:
            sandbox.add_fault(rule)
        file_format = rng.choice(FORMATS)
        workers = rng.choice((1, 1, 3))
        folder = tmp_path / f"run-{run:03d}"
        target = folder / f"invoices.{file_format}"
        try:
            manifest = run_export(
                make_client(max_retries=MAX_RETRIES), target, file_format, workers
            )
        except Exception as error:  # every failure is classified below
            left = files(folder) if folder.exists() else []
            cause = error.__cause__ if isinstance(error, AirflowFailException) else None
            outcomes[type(cause or error).__name__] += 1
            if typed(error) and not left:
                clean += 1
            else:
                wrong += 1
                problems.append(f"run {run}: {type(error).__name__}: {error}; left {left}")
        else:
            rows, digest = reference[file_format]
            outcomes["exact file"] += 1
            written = files(folder)
            if (
                written == [target.name, f"{target.name}.manifest.json"]
                and manifest["sha256"] == sha256(target) == digest
                and manifest["rows"] == len(rows)
                and read_rows(target, file_format) == rows
            ):
                exact += 1
            else:
                wrong += 1
                problems.append(f"run {run}: a {file_format} file unlike the reference: {written}")
        injected = Counter(sandbox.stats()["faults_injected"]) - before
        by_effect.update(injected)
        faults_injected += sum(injected.values())
    sandbox.clear_faults()
    seconds = round(time.perf_counter() - started, 1)
    stats = sandbox.stats()

    report(
        "fault_soak",
        runs=total,
        resource=RESOURCE,
        rows_per_file=len(want),
        page_cap=PAGE_CAP,
        max_retries=MAX_RETRIES,
        faults_injected=faults_injected,
        faults_by_effect=dict(sorted(by_effect.items())),
        token_expiries=len(expiries),
        token_requests=stats["token_requests"] - tokens_before,
        answers_401=stats["by_status"].get("401", 0),
        retry_after_1s_waits=sum(1 for wait in sleeps if wait == 1.0),  # 429/503 honoured
        exact_files=exact,
        clean_failures=clean,
        wrong_files=wrong,
        outcomes=dict(sorted(outcomes.items())),
        seconds=seconds,
    )
    assert wrong == 0, "\n".join(problems)
    assert exact + clean == total
    assert faults_injected > total  # the schedules really did fire
    assert exact >= 1
    if FULL:
        assert clean >= 1
        assert expiries  # some runs had every token expire part-way
        assert stats["by_status"].get("401", 0) >= 1  # and the client renewed its token


@pytest.mark.parametrize("file_format", FORMATS)
def test_the_reference_file_is_the_same_bytes_every_time(
    minimax_connection: str,
    minimax_sandbox: Sandbox,
    make_client: Callable[..., Any],
    tmp_path: Path,
    file_format: str,
) -> None:
    """What the soak compares against must itself be stable: two fault-free exports of the
    same interval are byte for byte the same (else "exact" would mean nothing)."""
    minimax_sandbox.configure(max_page_size=PAGE_CAP)
    first = run_export(make_client(), tmp_path / "a" / f"x.{file_format}", file_format, 1)
    second = run_export(make_client(), tmp_path / "b" / f"x.{file_format}", file_format, 3)
    assert first["sha256"] == second["sha256"]
    assert first["rows"] == second["rows"] > 3 * PAGE_CAP
