"""Processes started in groups of their own, recorded, watched and stopped by their ids.

For demo/airflow_stack.py (`make airflow`), which knows what to start; this knows how:

    processes = ProcessGroups(folder, record=folder / "stack.json")
    processes.clean_up_after_previous_run()   # what a run killed with -9 left behind
    processes.start(Service("sandbox", [...], folder / "sandbox.log"), env)
    processes.wait_for(lambda: ..., "the sandbox ready")   # Failed, with the log's tail,
                                                           # if a started process died
    processes.stop()                           # reverse groups: SIGTERM, grace, SIGKILL

Each process leads a new session (start_new_session), so Ctrl-C in the terminal reaches only
the script, which stops them in its own order, and a group takes its children along (the
scheduler's task runners, the API server's workers). `install_signal_handlers()` turns SIGINT
and SIGTERM into `Stopped`, held back while a process is being started and recorded.
"""

from __future__ import annotations

import contextlib
import json
import os
import signal
import socket
import subprocess
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

STOP_GRACE = 20.0  # SIGTERM to SIGKILL: the scheduler waits for its executor's workers


class Failed(Exception):
    """A process died or a wait timed out; the message says which and has its log's tail."""


class Stopped(Exception):
    """SIGINT or SIGTERM arrived: stop everything and exit 0."""


_held: list[str] = []  # signals that came while a process was being started and recorded
_holding = False


def _stop_signal(signum: int, frame: Any) -> None:
    if _holding:  # raised at the end of start(): a process started is a process stopped
        _held.append(signal.Signals(signum).name)
    else:
        raise Stopped(signal.Signals(signum).name)


@dataclass
class Service:
    name: str
    command: list[str]
    log: Path
    stop_with: int = signal.SIGTERM
    process: subprocess.Popen[bytes] | None = None

    def tail(self, lines: int = 40) -> str:
        text = self.log.read_text(errors="replace") if self.log.exists() else "(no log)"
        return f"--- {self.name} ({self.log}) ends:\n" + "\n".join(text.splitlines()[-lines:])


def free_port(port: int = 0) -> int:
    """`port` if nobody listens on it (0: any free port), else 0."""
    with socket.socket() as probe:
        # As the API server binds: a port whose last connections are in TIME_WAIT (the previous
        # run's UI) is free; one somebody listens on is not.
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind(("127.0.0.1", port))
        except OSError:
            return 0
        return int(probe.getsockname()[1])


def alive(pid: int) -> bool:
    return Path(f"/proc/{pid}").exists()


def group_members(pgid: int) -> list[int]:
    """The processes of a process group, read from /proc (field 5 of stat is the group)."""
    members = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        with contextlib.suppress(OSError, IndexError, ValueError):
            if int(stat.read_text().rsplit(")", 1)[1].split()[2]) == pgid:
                members.append(int(stat.parent.name))
    return members


def cmdline(pid: int) -> str:
    with contextlib.suppress(OSError):
        return Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode()
    return ""


def works_in(pid: int, folder: Path) -> bool:
    """Whether the process's working folder is in `folder` (every process started here is).
    Not its command line or environment: Airflow's processes rename themselves ("airflow
    worker -- …"), which overwrites both in /proc."""
    with contextlib.suppress(OSError):
        return Path(os.readlink(f"/proc/{pid}/cwd")).is_relative_to(folder)
    return False


def install_signal_handlers() -> None:
    signal.signal(signal.SIGINT, _stop_signal)
    signal.signal(signal.SIGTERM, _stop_signal)


def ignore_signals() -> None:
    """While stopping: a second Ctrl-C must not cut the stop short."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_IGN)


class ProcessGroups:
    def __init__(self, folder: Path, record: Path, script: str) -> None:
        self.folder = folder  # the processes' working folder
        self.pid_file = record
        self.script = script  # how the recording process shows in /proc/PID/cmdline
        self.services: list[Service] = []
        self.note = ""  # written into the record beside the process ids (the UI's address)

    def clean_up_after_previous_run(self) -> None:
        """A stack.json is left only when its run could not stop (kill -9, a power cut)."""
        if not self.pid_file.exists():
            return
        previous = json.loads(self.pid_file.read_text())
        if alive(previous["pid"]) and self.script in cmdline(previous["pid"]):
            raise Failed(
                f"`make airflow` already runs here (pid {previous['pid']}, {previous['note']});"
                " stop it with Ctrl-C first"
            )
        for name, pid in previous["processes"].items():
            # Each was the leader of its group; the group's members outlive a killed leader.
            # Only those working in our folder: a process id can be reused.
            left = [member for member in group_members(pid) if works_in(member, self.folder)]
            if left:
                print(f"stopping {name} (pids {left}), left running by a previous run")
            for member in left:
                with contextlib.suppress(ProcessLookupError):
                    os.kill(member, signal.SIGKILL)
        self.pid_file.unlink()

    def write_pid_file(self) -> None:
        running = [s for s in self.services if s.process is not None]
        record = {
            "pid": os.getpid(),
            "note": self.note,
            "processes": {s.name: s.process.pid for s in running if s.process},
            "commands": {s.name: s.command for s in running},
        }
        self.pid_file.write_text(json.dumps(record, indent=1) + "\n")

    def popen(self, command: list[str], log: Path, env: dict[str, str], **run_as: Any) -> Any:
        with log.open("wb") as out:  # this run's lines only: the tail is about it
            return subprocess.Popen(
                command,
                env=env,
                cwd=self.folder,
                stdout=out,
                stderr=subprocess.STDOUT,
                start_new_session=True,  # its own group: Ctrl-C reaches us, we stop it whole
                **run_as,
            )

    def start(self, service: Service, env: dict[str, str], **run_as: Any) -> Service:
        global _holding
        _holding = True
        try:
            service.process = self.popen(service.command, service.log, env, **run_as)
            self.services.append(service)
            self.write_pid_file()
        finally:
            _holding = False
        if _held:
            raise Stopped(_held[0])
        return service

    def check(self) -> None:
        for service in self.services:
            if service.process is not None and service.process.poll() is not None:
                code = service.process.returncode
                raise Failed(f"{service.name} exited with {code}\n{service.tail()}")

    def wait_for(self, condition: Callable[[], Any], what: str, timeout: float) -> Any:
        deadline = time.monotonic() + timeout
        while True:
            self.check()
            outcome = condition()
            if outcome:
                return outcome
            if time.monotonic() > deadline:
                tails = "\n".join(s.tail() for s in self.services)
                raise Failed(f"not within {timeout:.0f} s: {what}\n{tails}")
            time.sleep(0.5)

    def run(self, name: str, command: list[str], log: Path, env: dict[str, str]) -> None:
        """A command to its end (airflow db migrate), the services watched meanwhile."""
        process = self.popen(command, log, env)
        try:
            self.wait_for(lambda: process.poll() is not None, name, timeout=600)
        finally:
            if process.poll() is None:  # Ctrl-C or a dead service: not left running
                with contextlib.suppress(ProcessLookupError):
                    os.killpg(process.pid, signal.SIGKILL)
                process.wait(timeout=10)
        if process.returncode:
            tail = "\n".join(log.read_text(errors="replace").splitlines()[-60:])
            raise Failed(f"{name} exited with {process.returncode} ({log}):\n{tail}")

    def stop(self, last: Sequence[str] = ()) -> None:
        """Every group signalled, waited for, killed after the grace, and its strays killed:
        the names in `last` after the others, in that order (a database after its clients)."""
        for batch in (
            [s for s in self.services if s.name not in last],
            *([s for s in self.services if s.name == name] for name in last),
        ):
            for service in batch:
                assert service.process is not None
                with contextlib.suppress(ProcessLookupError):
                    os.killpg(service.process.pid, service.stop_with)
            deadline = time.monotonic() + STOP_GRACE
            for service in batch:
                process = service.process
                assert process is not None
                try:
                    process.wait(timeout=max(0.1, deadline - time.monotonic()))
                except subprocess.TimeoutExpired:
                    print(f"{service.name} did not stop within {STOP_GRACE:.0f} s: killed")
                with contextlib.suppress(ProcessLookupError):
                    os.killpg(process.pid, signal.SIGKILL)  # the group's strays (task runners)
                process.wait(timeout=10)
        self.pid_file.unlink(missing_ok=True)
