"""`make airflow` (demo/airflow_stack.py), run as a user runs it: real processes, no mocks.

Started twice in one folder: the first start migrates a fresh SQLite database, serves the UI
and the REST API with the example DAGs, and the minimax_default connection tests green in the
API server; SIGINT stops every process it started (each process group, children included) and
it exits 0; the second start, in the same folder and with the UI's port taken by somebody else,
says so, takes another port and starts cleanly; killed with SIGKILL (no stop at all), its
processes are stopped by the next start, which then starts as well.
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
import requests

from tests.dagtools import AIRFLOW_3
from tests.local_server import free_port

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(
        not AIRFLOW_3,
        reason="`make airflow` is Airflow 3 (api-server, dag-processor); Airflow 2.11 has neither",
    ),
]

ROOT = Path(__file__).resolve().parents[1]
SCRIPT = ROOT / "demo" / "airflow_stack.py"
EXAMPLE_DAGS = {path.stem for path in (ROOT / "example_dags").glob("minimax_*.py")}
START_TIMEOUT = 180.0
STOP_TIMEOUT = 60.0
CONNECTION_LINE = "export AIRFLOW_CONN_MINIMAX_DEFAULT="


class Stack:
    """The script in a process of its own; what it prints, collected as it prints it."""

    def __init__(self, out: Path, port: int) -> None:
        self.out = out
        self.started = time.monotonic()
        self.process = subprocess.Popen(
            [sys.executable, str(SCRIPT), "--out", str(out), "--port", str(port)],
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
            start_new_session=True,  # SIGINT only to the script, as a terminal's Ctrl-C would
        )
        self.lines: list[str] = []
        self._reader = threading.Thread(target=self._read, daemon=True)
        self._reader.start()

    def _read(self) -> None:
        assert self.process.stdout is not None
        for line in self.process.stdout:
            self.lines.append(line.rstrip("\n"))

    @property
    def output(self) -> str:
        return "\n".join(self.lines)

    def wait_for(self, pattern: str, timeout: float = START_TIMEOUT) -> re.Match[str]:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if found := re.search(pattern, self.output, re.MULTILINE):
                return found
            if self.process.poll() is not None:
                self._reader.join(timeout=5)
                pytest.fail(f"the stack exited with {self.process.returncode}:\n{self.output}")
            time.sleep(0.5)
        pytest.fail(f"not printed within {timeout:.0f} s: {pattern}\n{self.output}")

    def interrupt(self) -> int:
        self.process.send_signal(signal.SIGINT)
        code = self.process.wait(timeout=STOP_TIMEOUT)
        self._reader.join(timeout=5)
        return code

    def clean_up(self) -> None:
        """After a failed test: the script's own stop, else its process groups killed."""
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGINT)
            try:
                self.process.wait(timeout=STOP_TIMEOUT)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait(timeout=10)
        if (self.out / "stack.json").exists():
            for pid in started_processes(self.out).values():
                with contextlib.suppress(ProcessLookupError):
                    os.killpg(pid, signal.SIGKILL)


def group_members(pgids: set[int]) -> set[int]:
    """The live processes of these process groups (from /proc)."""
    found = set()
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue  # it ended while we looked
        if int(fields[2]) in pgids and fields[0] != "Z":
            found.add(int(stat.parent.name))
    return found


@pytest.fixture
def stacks() -> Iterator[list[Stack]]:
    """The stacks a test started: stopped (or what they recorded killed) if the test failed."""
    started: list[Stack] = []
    yield started
    for stack in started:
        stack.clean_up()


def login(ui: str, password: str) -> requests.Session:
    answer = requests.post(
        f"{ui}/auth/token", json={"username": "admin", "password": password}, timeout=30
    )
    assert answer.status_code == 201, answer.text
    session = requests.Session()
    session.headers["Authorization"] = f"Bearer {answer.json()['access_token']}"
    return session


def started_processes(out: Path) -> dict[str, int]:
    record = json.loads((out / "stack.json").read_text())
    return dict(record["processes"])


def test_make_airflow_serves_the_examples_and_stops_every_process(
    tmp_path: Path, stacks: list[Stack]
) -> None:
    out = tmp_path / "airflow"
    first = Stack(out, free_port())
    stacks.append(first)
    ready = first.wait_for(r"^  UI: +(http://\S+)$")
    started_in = time.monotonic() - first.started
    ui = ready.group(1)
    password = first.wait_for(r"^  login: +admin / (\S+)").group(1)
    processes = started_processes(out)
    assert set(processes) == {
        "sandbox", "api-server", "scheduler", "dag-processor", "triggerer"
    }  # fmt: skip

    api = login(ui, password)
    dags = api.get(f"{ui}/api/v2/dags", params={"limit": 100}, timeout=30).json()["dags"]
    assert {dag["dag_id"] for dag in dags} >= EXAMPLE_DAGS
    assert EXAMPLE_DAGS  # the glob found them
    # The UI lists the connection (a row of the database), pointing at this run's sandbox.
    saved = api.get(f"{ui}/api/v2/connections/minimax_default", timeout=30).json()
    sandbox_line = next(
        line
        for line in (out / "logs" / "sandbox.log").read_text().splitlines()
        if line.startswith(CONNECTION_LINE)
    )
    conn = json.loads(sandbox_line.removeprefix(CONNECTION_LINE).strip("'"))
    assert saved["conn_type"] == "minimax"
    assert saved["host"] == conn["host"]
    # The form's Test button: the API server runs MinimaxHook.test_connection() on the fields.
    body = {
        "connection_id": "minimax_default",
        "conn_type": "minimax",
        "host": conn["host"],
        "login": conn["login"],
        "password": conn["password"],
        "extra": json.dumps(conn["extra"]),
    }
    tested = api.post(f"{ui}/api/v2/connections/test", json=body, timeout=60)
    assert tested.status_code == 200, tested.text
    assert tested.json()["status"] is True, tested.json()

    stopping = time.monotonic()
    assert first.interrupt() == 0, first.output
    stopped_in = time.monotonic() - stopping
    assert "stopped every process" in first.output
    assert not group_members(set(processes.values())), "processes left running"
    assert not (out / "stack.json").exists()
    print(f"first start {started_in:.0f} s, stop {stopped_in:.1f} s")

    # Again, in the same folder, with the first UI's port now somebody else's.
    port = int(ui.rsplit(":", 1)[1])
    with socket.socket() as squatter:
        squatter.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)  # past TIME_WAIT
        squatter.bind(("127.0.0.1", port))
        squatter.listen()
        second = Stack(out, port)
        stacks.append(second)
        again = second.wait_for(r"^  UI: +(http://\S+)$")
    assert f"port {port} is taken" in second.output
    assert again.group(1) != ui
    assert requests.get(f"{again.group(1)}/api/v2/monitor/health", timeout=30).ok
    print(f"second start {time.monotonic() - second.started:.0f} s")

    # The script killed outright (no stop): the next start stops what it left, then starts.
    left = set(started_processes(out).values())
    os.kill(second.process.pid, signal.SIGKILL)
    second.process.wait(timeout=10)
    assert group_members(left), "killing the script alone left its processes running"
    third = Stack(out, 0)
    stacks.append(third)
    third.wait_for(r"^  UI: +(http://\S+)$")
    assert "left running by a previous run" in third.output
    assert not group_members(left), "what the killed run left is still running"
    processes = started_processes(out)
    assert third.interrupt() == 0, third.output
    assert not group_members(set(processes.values())), "processes left running"
