"""A server a test starts from a Debian package: its own folder, a free port, stopped by its id.

tests/postgres.py (PostgreSQL) and tests/redis_broker.py (Redis) say what to run and when it is
ready; this says how: a temporary folder, a loopback port found free (and another when the
server finds it taken after all), a process in a session of its own (a Ctrl-C meant for pytest
does not stop it behind the tests' back), a bounded wait for it to answer, and a stop by its
process id: its own shutdown signal, then SIGKILL to its group as a last resort.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import socket
import subprocess
import tempfile
import time
from pathlib import Path
from types import TracebackType
from typing import Any, TypeVar

PORT_ATTEMPTS = 3
S = TypeVar("S", bound="LocalServer")


def free_port() -> int:
    """A TCP port nobody listens on now (the server binds it a moment later)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


class LocalServer:
    """Subclasses give `name`, `command()`, `ready()` and `port_taken()`; maybe `prepare()`."""

    name = "server"
    stop_signal = signal.SIGTERM  # the signal of a clean, quick shutdown
    stop_timeout = 30.0

    def __init__(self, start_timeout: float = 60.0) -> None:
        self.start_timeout = start_timeout
        self.port = 0
        self.folder: Path | None = None
        self.process: subprocess.Popen[bytes] | None = None

    # -- what a subclass says --------------------------------------------------------------

    def command(self) -> list[str]:
        raise NotImplementedError

    def ready(self) -> bool:
        """Whether the server answers on self.port."""
        raise NotImplementedError

    def port_taken(self, log_text: str) -> bool:
        """Whether the server exited because somebody took self.port first."""
        raise NotImplementedError

    def prepare(self) -> None:
        """What runs once in the new folder before the first start (initdb)."""

    def make_folder(self) -> Path:
        return Path(tempfile.mkdtemp(prefix=f"minimax-{self.name}-"))

    def run_as(self) -> dict[str, Any]:
        """subprocess arguments for the server's process (another account's, for one)."""
        return {}

    def log_opened(self, path: Path) -> None:
        """Called once the log file exists, before the server writes to it."""

    # -- how ---------------------------------------------------------------------------------

    @property
    def log(self) -> Path:
        assert self.folder is not None, f"{self.name} was not started"
        return self.folder / f"{self.name}.log"

    def start(self: S) -> S:
        self.folder = self.make_folder()
        try:
            self.prepare()
            # A port found free can be taken before the server binds it: try a few.
            for attempt in range(PORT_ATTEMPTS):
                self.port = free_port()
                if self._launch(last=attempt == PORT_ATTEMPTS - 1):
                    return self
        except BaseException:
            self.stop()
            raise
        raise AssertionError("unreachable")  # _launch(last=True) raises instead

    def _launch(self, last: bool) -> bool:
        """Start the server and wait for it to answer; False: its port was taken."""
        with self.log.open("ab") as log:
            self.log_opened(self.log)
            assert self.folder is not None
            self.process = subprocess.Popen(
                self.command(),
                cwd=self.folder,
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,
                **self.run_as(),
            )
        deadline = time.monotonic() + self.start_timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                text = self.log.read_text(errors="replace")
                self.process = None
                if not last and self.port_taken(text):
                    return False
                raise RuntimeError(f"{self.name} exited while starting:\n{text[-2000:]}")
            if self.ready():
                return True
            time.sleep(0.05)
        self._terminate()
        raise RuntimeError(f"{self.name} did not answer within {self.start_timeout} s")

    def _terminate(self) -> None:
        process, self.process = self.process, None
        if process is None or process.poll() is not None:
            return
        process.send_signal(self.stop_signal)
        try:
            process.wait(timeout=self.stop_timeout)
        except subprocess.TimeoutExpired:
            # Last resort: the server and whatever it started (PostgreSQL's backends).
            with contextlib.suppress(ProcessLookupError):
                os.killpg(process.pid, signal.SIGKILL)
            process.wait(timeout=self.stop_timeout)

    def stop(self) -> None:
        """Stop the server by its process id and remove its folder."""
        self._terminate()
        folder, self.folder = self.folder, None
        if folder is not None:
            shutil.rmtree(folder, ignore_errors=True)

    def __enter__(self: S) -> S:
        return self.start()

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        trace: TracebackType | None,
    ) -> None:
        self.stop()
