"""Lock-out: twenty tasks with a wrong password on one worker must cost one refused login.

Minimax locks the API application after repeated failed logins (the sandbox after
`lockout_threshold`, default 5), and only re-creating it in the web app undoes that. Each "task"
here is a MinimaxHook in a thread of one of several Python processes on the same worker (one
XDG_CACHE_HOME, so one guard folder), as a LocalExecutor or Celery worker runs them. Then the
password is corrected as the refusal's message says, and the next task works without anything
else being cleared.
"""

from __future__ import annotations

import copy
import json
import os
import subprocess
import sys
import textwrap
import time
import uuid
from pathlib import Path
from typing import Any

import pytest

from airflow_provider_minimax.client import MinimaxError
from airflow_provider_minimax.hooks.minimax import MinimaxHook
from airflow_provider_minimax.sandbox import FaultRule, Sandbox
from tests.reliability.conftest import runs

PROCESSES = 4
TASKS_PER_PROCESS = 5
TOKEN_LATENCY_MS = 150  # a token endpoint that takes its time, as the real one can

TASKS = textwrap.dedent(
    """
    import json, sys, threading
    from airflow_provider_minimax.client import MinimaxError
    from airflow_provider_minimax.hooks.minimax import MinimaxHook

    hooks = [MinimaxHook() for _ in range(int(sys.argv[1]))]
    for hook in hooks:
        hook.get_conn()  # the connection is read; nothing is sent yet
    print("ready", flush=True)
    sys.stdin.readline()
    outcomes = []

    def task(hook):
        try:
            outcomes.append({"ok": [org["ID"] for org in hook.organisations()]})
        except MinimaxError as error:
            outcomes.append({"error": type(error).__name__, "message": str(error)})

    threads = [threading.Thread(target=task, args=(hook,)) for hook in hooks]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    print("RESULT " + json.dumps(outcomes), flush=True)
    """
)


@pytest.fixture
def worker_cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """One worker's cache folder (XDG_CACHE_HOME), shared by every process of the test."""
    cache = tmp_path / "worker-cache"
    monkeypatch.setenv("XDG_CACHE_HOME", str(cache))
    return cache / "airflow-provider-minimax" / "refused-logins"


def use_connection(sandbox: Sandbox, monkeypatch: pytest.MonkeyPatch, password: str) -> None:
    conn = copy.deepcopy(sandbox.connection)
    conn["password"] = password
    monkeypatch.setenv("AIRFLOW_CONN_MINIMAX_DEFAULT", json.dumps(conn))


def start_tasks(tasks: int) -> subprocess.Popen[str]:
    """A worker process with `tasks` hooks ready to run; it waits for "go" on stdin."""
    return ready(spawn(tasks))


def spawn(tasks: int) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-c", TASKS, str(tasks)],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=dict(os.environ),
    )


def ready(child: subprocess.Popen[str]) -> subprocess.Popen[str]:
    assert child.stdout is not None
    for line in child.stdout:  # Airflow may print warnings before
        if line.strip() == "ready":
            return child
    raise AssertionError(f"the task process did not start: {child.stderr.read()[-2000:]}")


def finish_tasks(child: subprocess.Popen[str]) -> list[dict[str, Any]]:
    out, err = child.communicate(timeout=120)
    assert child.returncode == 0, err[-2000:]
    [line] = [line for line in out.splitlines() if line.startswith("RESULT ")]
    outcomes: list[dict[str, Any]] = json.loads(line.removeprefix("RESULT "))
    return outcomes


def go(children: list[subprocess.Popen[str]]) -> None:
    for child in children:
        assert child.stdin is not None
        child.stdin.write("go\n")
        child.stdin.flush()


def run_worker(*, at_once: bool) -> list[dict[str, Any]]:
    """PROCESSES x TASKS_PER_PROCESS tasks: all released together, or process after process
    (the tasks of one process always run together)."""
    # Started together (Python and Airflow imports overlap), released as the test wants.
    children = [ready(child) for child in [spawn(TASKS_PER_PROCESS) for _ in range(PROCESSES)]]
    if at_once:
        go(children)
        return [outcome for child in children for outcome in finish_tasks(child)]
    outcomes: list[dict[str, Any]] = []
    for child in children:
        go([child])
        outcomes += finish_tasks(child)
    return outcomes


def check_refusals(outcomes: list[dict[str, Any]], password: str) -> list[str]:
    """Every task failed with a lock-out guard error that names no secret; their messages."""
    assert len(outcomes) == PROCESSES * TASKS_PER_PROCESS
    assert {outcome.get("error") for outcome in outcomes} == {"MinimaxLockoutGuardError"}
    messages = [outcome["message"] for outcome in outcomes]
    for message in messages:
        assert "'sandbox-user'" in message and "lock" in message
        assert password not in message
    return messages


def test_twenty_tasks_one_after_another_cost_one_refusal_and_the_fix_works_at_once(
    minimax_sandbox: Sandbox,
    worker_cache: Path,
    monkeypatch: pytest.MonkeyPatch,
    report: Any,
) -> None:
    """4 processes x 5 concurrent tasks, the processes one after another: one refused token
    request in all, no lock-out; then the password is corrected in the connection, and the next
    task (a new process, and a hook in this one) works with nothing else cleared."""
    assert minimax_sandbox.settings.lockout_threshold == 5
    rounds = runs(1, 3)
    started = time.perf_counter()
    refused_per_round: list[int] = []
    for _ in range(rounds):
        minimax_sandbox.reset_if_used()
        password = f"wrong-{uuid.uuid4().hex[:10]}"
        use_connection(minimax_sandbox, monkeypatch, password)
        messages = check_refusals(run_worker(at_once=False), password)
        stats = minimax_sandbox.stats()
        refused_per_round.append(stats["rejected_logins"])
        assert stats["rejected_logins"] == 1
        assert stats["token_requests"] == 1
        assert stats["locked_applications"] == 0
        assert sum("Not asking Minimax for a token" in m for m in messages) == len(messages) - 1
        first = next(m for m in messages if m.startswith("Minimax refused the login"))
        # What the message tells the user to do: fix the password; changed ones are tried once.
        assert "Fix the password" in first and "changed credentials are tried once" in first
        guard_file = MinimaxHook().get_conn().transport.guard.path
        assert guard_file.parent == worker_cache and guard_file.exists()
        assert password not in guard_file.read_text("utf-8")

        creds = minimax_sandbox.settings.credentials
        use_connection(minimax_sandbox, monkeypatch, creds.password)  # the password, fixed
        child = start_tasks(1)
        go([child])
        assert finish_tasks(child) == [{"ok": [123, 124]}]
        hook = MinimaxHook()
        assert hook.test_connection()[0] is True
        assert [org["ID"] for org in hook.organisations()] == [123, 124]
        fixed = minimax_sandbox.stats()
        assert fixed["rejected_logins"] == 1
        assert fixed["locked_applications"] == 0
        assert fixed["token_requests"] == 3  # the refused one, the new process, this process

        # A task still holding the old password is stopped without asking (no second refusal).
        use_connection(minimax_sandbox, monkeypatch, password)
        with pytest.raises(MinimaxError, match="Not asking Minimax for a token"):
            MinimaxHook().organisations()
        assert minimax_sandbox.stats()["rejected_logins"] == 1

    report(
        "lockout_sequential_processes",
        rounds=rounds,
        processes=PROCESSES,
        tasks_per_process=TASKS_PER_PROCESS,
        tasks=PROCESSES * TASKS_PER_PROCESS,
        rejected_logins_per_round=refused_per_round,
        locked_applications=0,
        lockout_threshold=minimax_sandbox.settings.lockout_threshold,
        fixed_password_worked=True,
        seconds=round(time.perf_counter() - started, 2),
    )


def test_twenty_tasks_in_four_processes_at_once_cost_one_refusal(
    minimax_sandbox: Sandbox,
    worker_cache: Path,
    monkeypatch: pytest.MonkeyPatch,
    report: Any,
) -> None:
    """4 processes x 5 tasks released together (a worker picking up a DAG's parallel tasks),
    with a token endpoint that answers in 150 ms: still one refused login, no lock-out.

    Today each process sends the wrong password once (4 refusals); with five or more processes
    released together the sandbox locks the application, as Minimax would."""
    minimax_sandbox.add_fault(
        FaultRule("latency", latency_ms=TOKEN_LATENCY_MS, path="/AUT/oauth20/token")
    )
    password = f"wrong-{uuid.uuid4().hex[:10]}"
    use_connection(minimax_sandbox, monkeypatch, password)
    started = time.perf_counter()
    outcomes = run_worker(at_once=True)
    stats = minimax_sandbox.stats()
    report(
        "lockout_parallel_processes",
        processes=PROCESSES,
        tasks_per_process=TASKS_PER_PROCESS,
        tasks=PROCESSES * TASKS_PER_PROCESS,
        token_latency_ms=TOKEN_LATENCY_MS,
        rejected_logins=stats["rejected_logins"],
        token_requests=stats["token_requests"],
        locked_applications=stats["locked_applications"],
        lockout_threshold=minimax_sandbox.settings.lockout_threshold,
        seconds=round(time.perf_counter() - started, 2),
    )
    check_refusals(outcomes, password)
    assert stats["locked_applications"] == 0
    assert stats["rejected_logins"] == 1
