"""The sandbox in a process of its own, as the command line starts it.

For measurements (the server must not share the measured process's memory or GIL) and demos:

    with SandboxProcess("--scale", "bench", "--ledger-rows", "200000") as sandbox:
        sandbox.base_url            # http://127.0.0.1:PORT/SI/
        sandbox.airflow_connection  # the AIRFLOW_CONN_MINIMAX_DEFAULT value it printed
"""

from __future__ import annotations

import json
import subprocess
import sys
from types import TracebackType
from typing import Any

_CONNECTION_LINE = "export AIRFLOW_CONN_MINIMAX_DEFAULT="


class SandboxProcess:
    """`python -m airflow_provider_minimax.sandbox --port 0 *arguments`, started and stopped."""

    def __init__(self, *arguments: str) -> None:
        self.arguments = arguments
        self.lines: list[str] = []  # what it printed up to the connection line
        self.airflow_connection = ""
        self._process: subprocess.Popen[str] | None = None

    @property
    def connection(self) -> dict[str, Any]:
        loaded: dict[str, Any] = json.loads(self.airflow_connection)
        return loaded

    @property
    def base_url(self) -> str:
        return str(self.connection["host"])

    @property
    def pid(self) -> int:
        assert self._process is not None, "not started"
        return self._process.pid

    def __enter__(self) -> SandboxProcess:
        command = [sys.executable, "-m", "airflow_provider_minimax.sandbox", "--port", "0"]
        self._process = subprocess.Popen(
            [*command, *self.arguments], stdout=subprocess.PIPE, text=True
        )
        assert self._process.stdout is not None
        for line in self._process.stdout:
            self.lines.append(line.rstrip("\n"))
            if line.startswith(_CONNECTION_LINE):
                self.airflow_connection = line[len(_CONNECTION_LINE) :].strip().strip("'")
                return self
        self.__exit__(None, None, None)
        raise RuntimeError("the sandbox stopped before it was ready:\n" + "\n".join(self.lines))

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        if self._process is not None:
            self._process.terminate()
            self._process.wait(timeout=10)
            if self._process.stdout is not None:
                self._process.stdout.close()
            self._process = None
