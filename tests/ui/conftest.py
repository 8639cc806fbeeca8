"""An Airflow 3 API server (REST API and React UI) with the provider installed, once per run.

It runs `airflow api-server` in the test run's AIRFLOW_HOME on a free port of 127.0.0.1, with
connection testing enabled and the simple auth manager letting everyone in as admin, so tests
need neither a login nor a token.
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import airflow
import pytest
import requests

from airflow_provider_minimax.get_provider_info import get_provider_info
from tests.dagtools import AIRFLOW_3

NOT_AIRFLOW_3 = (
    f"Airflow {airflow.__version__}: the connection form tests need Airflow 3's API server and "
    "React UI; Airflow 2's Flask webserver is a different application"
)
STARTUP_TIMEOUT = 120  # seconds; a cold start imports all of Airflow and every provider
REQUEST_TIMEOUT = 30


@dataclass
class ApiServer:
    url: str
    log: Path

    def get(self, path: str) -> requests.Response:
        return requests.get(f"{self.url}{path}", timeout=REQUEST_TIMEOUT)

    def post(self, path: str, body: dict[str, Any]) -> requests.Response:
        return requests.post(f"{self.url}{path}", json=body, timeout=REQUEST_TIMEOUT)

    def delete(self, path: str) -> requests.Response:
        return requests.delete(f"{self.url}{path}", timeout=REQUEST_TIMEOUT)

    def log_tail(self, lines: int = 40) -> str:
        text = self.log.read_text(errors="replace") if self.log.exists() else ""
        return "\n".join(text.splitlines()[-lines:])


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


def wait_until_healthy(server: ApiServer, process: subprocess.Popen[bytes]) -> None:
    """Poll the health endpoint until the metadata database answers; fail with the log tail."""
    deadline = time.monotonic() + STARTUP_TIMEOUT
    while time.monotonic() < deadline:
        if process.poll() is not None:
            pytest.fail(
                f"airflow api-server exited with {process.returncode} before it was healthy; "
                f"its log ends:\n{server.log_tail()}"
            )
        try:
            health = requests.get(f"{server.url}/api/v2/monitor/health", timeout=2)
            if health.ok and health.json()["metadatabase"]["status"] == "healthy":
                return
        except requests.RequestException:
            pass  # not listening yet
        time.sleep(0.25)
    pytest.fail(
        f"airflow api-server was not healthy at {server.url} within {STARTUP_TIMEOUT} s; "
        f"its log ends:\n{server.log_tail()}"
    )


def stop(process: subprocess.Popen[bytes]) -> None:
    """Stop the server's whole process group: uvicorn may have started workers of its own."""
    for sig, grace in ((signal.SIGTERM, 15), (signal.SIGKILL, 5)):
        try:
            os.killpg(process.pid, sig)
        except ProcessLookupError:
            return
        try:
            process.wait(timeout=grace)
            return
        except subprocess.TimeoutExpired:
            continue


@pytest.fixture(scope="session")
def api_server(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[ApiServer]:
    if not AIRFLOW_3:
        pytest.skip(NOT_AIRFLOW_3)
    request.getfixturevalue("airflow_db")  # only now: skipping needs no migrated database
    port = free_port()
    server = ApiServer(
        url=f"http://127.0.0.1:{port}", log=tmp_path_factory.mktemp("api-server") / "log"
    )
    env = os.environ | {
        "AIRFLOW__CORE__LOAD_EXAMPLES": "False",
        "AIRFLOW__CORE__TEST_CONNECTION": "Enabled",
        # Airflow 3's default, named so that a developer's environment cannot swap it out.
        "AIRFLOW__CORE__AUTH_MANAGER": (
            "airflow.api_fastapi.auth.managers.simple.simple_auth_manager.SimpleAuthManager"
        ),
        "AIRFLOW__CORE__SIMPLE_AUTH_MANAGER_ALL_ADMINS": "True",
    }
    airflow_cli = Path(sys.executable).parent / "airflow"
    # One worker: quicker to start, and one log to read when it fails.
    command = [airflow_cli, "api-server", "--host", "127.0.0.1", "--port", str(port), "-w", "1"]
    with server.log.open("wb") as log:
        process = subprocess.Popen(
            command,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,  # its own process group, stopped as a whole
        )
    try:
        wait_until_healthy(server, process)
        yield server
    finally:
        stop(process)


@pytest.fixture(scope="session")
def minimax_form() -> dict[str, Any]:
    """The provider's connection type as get_provider_info() declares it: the expected form."""
    (connection_type,) = get_provider_info()["connection-types"]
    return connection_type
