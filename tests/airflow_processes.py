"""A real Airflow deployment for one test, from nothing, as an operator would run it.

A temporary AIRFLOW_HOME, a PostgreSQL metadata database (tests/postgres.py), `airflow db
migrate`, a dags folder, and the processes this Airflow needs to run tasks and deferrals, each
with its own log file:

    Airflow 3:    scheduler, triggerer, dag-processor, api-server (tasks reach the Execution
                  API through it, so [core] execution_api_server_url names its free port)
    Airflow 2.11: scheduler (it parses the DAGs itself), triggerer

    deployment = AirflowDeployment(tmp_path, postgres_dsn, env={"AIRFLOW_CONN_…": "…"})
    deployment.write_dag("my_dag.py", source)
    with deployment:                         # migrated, started, every process healthy
        deployment.airflow("dags", "unpause", "my_dag")
        deployment.wait_until(lambda: …, timeout=300, what="every run done")
        deployment.query("SELECT state, count(*) FROM dag_run GROUP BY state")

Every wait checks the processes: one that died fails the test with the tails of the logs.
Processes are stopped by their process id (their process group: the scheduler's executor and
the API server's workers are children): SIGTERM, a grace period, SIGKILL as a last resort.
The executor is a parameter (LocalExecutor by default); a CeleryExecutor deployment passes its
broker settings in `config`, adds `airflow celery worker`s with `extra_services`, and gives
each worker an environment of its own (a HOME, a cache folder: another machine) in
`service_env`.
"""

from __future__ import annotations

import base64
import contextlib
import os
import secrets
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from types import TracebackType
from typing import Any, TypeVar

import pytest
import requests

from tests.dagtools import AIRFLOW_3
from tests.local_server import free_port
from tests.postgres import parse_dsn

AIRFLOW_CLI = str(Path(sys.executable).parent / "airflow")
STARTUP_TIMEOUT = 240.0  # seconds: on 2 cores four processes import all of Airflow at once
CLI_TIMEOUT = 300.0
STOP_GRACE = 20.0  # SIGTERM to SIGKILL: the scheduler waits for its executor's workers
HEARTBEAT_FRESH = 60  # seconds: a job row heartbeating within this is alive
T = TypeVar("T")


class DeploymentFailed(AssertionError):
    """A process died, a command failed or a wait timed out; the message has the log tails."""


@dataclass
class Service:
    """One long-running Airflow process and its log file."""

    name: str
    command: list[str]
    log: Path
    env: Mapping[str, str] = field(default_factory=dict)  # over the deployment's environment
    process: subprocess.Popen[bytes] | None = None

    def tail(self, lines: int = 40) -> str:
        text = self.log.read_text(errors="replace") if self.log.exists() else "(no log)"
        return "\n".join(text.splitlines()[-lines:])


def sqlalchemy_uri(dsn: str) -> str:
    """`postgresql+psycopg2://…` of a libpq DSN (Airflow's metadata database URI)."""
    parts = parse_dsn(dsn)
    return (
        f"postgresql+psycopg2://{parts['user']}@{parts['host']}:{parts['port']}/{parts['dbname']}"
    )


def _inherited() -> dict[str, str]:
    """This process's environment without what would make the deployment someone else's: the
    test run's (or a developer's) Airflow settings, connections and variables."""
    return {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("AIRFLOW__", "AIRFLOW_CONN_", "AIRFLOW_VAR_", "AIRFLOW_HOME"))
    }


class AirflowDeployment:
    """Airflow's processes against one metadata database, in `folder`; see the module doc."""

    def __init__(
        self,
        folder: Path,
        dsn: str,
        *,
        executor: str = "LocalExecutor",
        parallelism: int = 4,
        config: Mapping[str, str] | None = None,  # {"scheduler.parsing_processes": "1"}
        env: Mapping[str, str] | None = None,
        extra_services: Mapping[str, Sequence[str]] | None = None,
        service_env: Mapping[str, Mapping[str, str]] | None = None,  # {"worker-a": {"HOME": …}}
    ) -> None:
        self.folder = folder
        self.dsn = dsn
        self.home = folder / "airflow-home"
        self.dags = folder / "dags"
        self.logs = folder / "logs"  # one file per process and command
        self.task_logs = folder / "task-logs"  # Airflow's own per-try task logs
        for path in (self.home, self.dags, self.logs, self.task_logs):
            path.mkdir(parents=True, exist_ok=True)
        self.api_port = free_port() if AIRFLOW_3 else 0
        self.api_url = f"http://127.0.0.1:{self.api_port}"
        self.env = self._environment(executor, parallelism, config or {}, env or {})
        self.services = [
            Service(
                name,
                [AIRFLOW_CLI, *args],
                self.logs / f"{name}.log",
                env=dict((service_env or {}).get(name, {})),
            )
            for name, args in self._service_commands(extra_services or {})
        ]
        self._commands = 0

    # -- configuration --------------------------------------------------------------------

    def _environment(
        self,
        executor: str,
        parallelism: int,
        config: Mapping[str, str],
        env: Mapping[str, str],
    ) -> dict[str, str]:
        settings = {
            "AIRFLOW_HOME": str(self.home),
            "AIRFLOW__DATABASE__SQL_ALCHEMY_CONN": sqlalchemy_uri(self.dsn),
            "AIRFLOW__CORE__EXECUTOR": executor,
            "AIRFLOW__CORE__PARALLELISM": str(parallelism),
            "AIRFLOW__CORE__DAGS_FOLDER": str(self.dags),
            "AIRFLOW__CORE__LOAD_EXAMPLES": "False",
            # One key for every process: each would otherwise invent its own.
            "AIRFLOW__CORE__FERNET_KEY": base64.urlsafe_b64encode(os.urandom(32)).decode(),
            "AIRFLOW__LOGGING__BASE_LOG_FOLDER": str(self.task_logs),
            # The provider's call ledger and login guard live in the cache folder: a fresh one
            # per deployment, shared by all its processes (as on one machine).
            "XDG_CACHE_HOME": str(self.folder / "cache"),
            # The log servers of the workers and the triggerer: free ports, not the defaults
            # another Airflow on this machine (or a test running beside) may hold.
            "AIRFLOW__LOGGING__WORKER_LOG_SERVER_PORT": str(free_port()),
            "AIRFLOW__LOGGING__TRIGGER_LOG_SERVER_PORT": str(free_port()),
        }
        if AIRFLOW_3:
            # The scheduler signs the tasks' tokens, the API server checks them: one secret.
            jwt = secrets.token_urlsafe(32)
            settings |= {
                "AIRFLOW__API_AUTH__JWT_SECRET": jwt,
                "AIRFLOW__API__SECRET_KEY": secrets.token_urlsafe(32),
                "AIRFLOW__API__BASE_URL": self.api_url,
                "AIRFLOW__CORE__EXECUTION_API_SERVER_URL": f"{self.api_url}/execution/",
                "AIRFLOW__CORE__AUTH_MANAGER": (
                    "airflow.api_fastapi.auth.managers.simple.simple_auth_manager.SimpleAuthManager"
                ),
                # The REST API answers tests without a login or a token.
                "AIRFLOW__CORE__SIMPLE_AUTH_MANAGER_ALL_ADMINS": "True",
                # A DAG file written while the deployment runs is seen within seconds.
                "AIRFLOW__DAG_PROCESSOR__REFRESH_INTERVAL": "5",
            }
        else:
            settings["AIRFLOW__WEBSERVER__SECRET_KEY"] = secrets.token_urlsafe(32)
            settings["AIRFLOW__SCHEDULER__DAG_DIR_LIST_INTERVAL"] = "5"
        for name, value in config.items():  # "section.key": value
            section, key = name.split(".", 1)
            settings[f"AIRFLOW__{section.upper()}__{key.upper()}"] = value
        return _inherited() | settings | dict(env)

    def _service_commands(self, extra: Mapping[str, Sequence[str]]) -> list[tuple[str, list[str]]]:
        commands = [("scheduler", ["scheduler"]), ("triggerer", ["triggerer"])]
        if AIRFLOW_3:
            commands += [
                ("dag-processor", ["dag-processor"]),
                # One worker: quicker to start on a small machine, and one log to read.
                (
                    "api-server",
                    ["api-server", "--host", "127.0.0.1", "--port", str(self.api_port), "-w", "1"],
                ),
            ]
        return commands + [(name, list(args)) for name, args in extra.items()]

    def write_dag(self, name: str, source: str) -> Path:
        path = self.dags / name
        path.write_text(source, "utf-8")
        return path

    # -- lifecycle ------------------------------------------------------------------------

    def start(self) -> AirflowDeployment:
        try:
            self.airflow("db", "migrate", timeout=600)
            for service in self.services:
                with service.log.open("ab") as log:
                    service.process = subprocess.Popen(
                        service.command,
                        env=self.env | dict(service.env),
                        cwd=self.folder,
                        stdout=log,
                        stderr=subprocess.STDOUT,
                        start_new_session=True,  # its own group: stopped with its children
                    )
            self.wait_until(self._healthy, STARTUP_TIMEOUT, "every Airflow process healthy")
        except BaseException:
            self.stop()
            raise
        return self

    def stop(self) -> None:
        """SIGTERM every process group, then SIGKILL those still there after the grace."""
        running = [s.process for s in self.services if s.process and s.process.poll() is None]
        for process in running:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(process.pid, signal.SIGTERM)
        deadline = time.monotonic() + STOP_GRACE
        for process in running:
            try:
                process.wait(timeout=max(0.1, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                with contextlib.suppress(ProcessLookupError):
                    os.killpg(process.pid, signal.SIGKILL)
                process.wait(timeout=10)
            # Children that outlived a leader which exited by itself (task runners).
            with contextlib.suppress(ProcessLookupError):
                os.killpg(process.pid, signal.SIGKILL)

    def __enter__(self) -> AirflowDeployment:
        return self.start()

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        trace: TracebackType | None,
    ) -> None:
        self.stop()

    # -- health and waiting -----------------------------------------------------------------

    def check(self) -> None:
        """Raise DeploymentFailed if a started process has exited."""
        for service in self.services:
            if service.process is not None and service.process.poll() is not None:
                self.fail(f"airflow {service.name} exited with {service.process.returncode}")

    def fail(self, why: str) -> None:
        raise DeploymentFailed(f"{why}\n{self.log_tails()}")

    def log_tails(self, lines: int = 40) -> str:
        return "\n".join(
            f"--- {service.name} ({service.log}) ends:\n{service.tail(lines)}"
            for service in self.services
        )

    def wait_until(
        self, condition: Callable[[], T], timeout: float, what: str, interval: float = 1.0
    ) -> T:
        """Poll `condition` until it returns something true, checking the processes between."""
        deadline = time.monotonic() + timeout
        while True:
            self.check()
            outcome = condition()
            if outcome:
                return outcome
            if time.monotonic() > deadline:
                self.fail(f"not within {timeout:.0f} s: {what}")
            time.sleep(interval)

    def _healthy(self) -> bool:
        alive = {
            job_type
            for (job_type,) in self.query(
                "SELECT DISTINCT job_type FROM job WHERE state = 'running' "
                f"AND latest_heartbeat > now() - interval '{HEARTBEAT_FRESH} seconds'"
            )
        }
        wanted = {"SchedulerJob", "TriggererJob"} | ({"DagProcessorJob"} if AIRFLOW_3 else set())
        if not wanted <= alive:
            return False
        if not AIRFLOW_3:
            return True
        try:
            health = requests.get(f"{self.api_url}/api/v2/monitor/health", timeout=5)
        except requests.RequestException:
            return False  # not listening yet
        return health.ok and health.json()["metadatabase"]["status"] == "healthy"

    # -- commands, the database, the REST API -----------------------------------------------

    def airflow(
        self, *args: str, timeout: float = CLI_TIMEOUT, watch: Callable[[], None] | None = None
    ) -> str:
        """Run an `airflow` command to its end, the processes checked while it runs (and
        `watch()` called, which may raise to stop early); its output (also kept in a log file
        of its own). A non-zero exit fails with its output."""
        self._commands += 1
        log = self.logs / f"cli-{self._commands:02d}-{'-'.join(args[:2])}.log"
        with log.open("wb") as out:
            process = subprocess.Popen(
                [AIRFLOW_CLI, *args],
                env=self.env,
                cwd=self.folder,
                stdout=out,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        try:

            def ended() -> bool:
                if watch is not None:
                    watch()
                return process.poll() is not None

            self.wait_until(ended, timeout, f"airflow {' '.join(args)}", 0.5)
        finally:
            if process.poll() is None:
                with contextlib.suppress(ProcessLookupError):
                    os.killpg(process.pid, signal.SIGKILL)
                process.wait(timeout=10)
        output = log.read_text(errors="replace")
        if process.returncode != 0:
            tail = "\n".join(output.splitlines()[-60:])
            self.fail(f"airflow {' '.join(args)} exited with {process.returncode}:\n{tail}")
        return output

    def query(self, sql: str, params: Sequence[Any] = ()) -> list[tuple[Any, ...]]:
        """Rows of a query on the metadata database (read what Airflow recorded)."""
        import psycopg2

        connection = psycopg2.connect(self.dsn, connect_timeout=10)
        try:
            with connection.cursor() as cursor:
                cursor.execute(sql, params)
                return list(cursor.fetchall())
        finally:
            connection.close()

    def api(self, path: str, **params: Any) -> Any:
        """GET the Airflow 3 REST API (`/api/v2/…`); the JSON answer."""
        assert AIRFLOW_3, "Airflow 2.11 runs no API server here"
        answer = requests.get(f"{self.api_url}{path}", params=params, timeout=30)
        answer.raise_for_status()
        return answer.json()

    def task_log_files(self) -> dict[str, str]:
        """Every task try's log (and trigger's), by its path below the task-log folder."""
        return {
            str(path.relative_to(self.task_logs)): path.read_text(errors="replace")
            for path in sorted(self.task_logs.rglob("*"))
            if path.is_file()
        }

    def task_log_text(self) -> str:
        """Every task try's log, concatenated (what the tasks said, for evidence)."""
        return "\n".join(self.task_log_files().values())


@pytest.fixture
def airflow_deployment(
    tmp_path: Path, postgres_dsn: str
) -> Iterator[Callable[..., AirflowDeployment]]:
    """`make(**options)`: an AirflowDeployment in this test's folder on a fresh database, not
    yet started (write DAGs, then `with deployment:`); stopped at the end of the test."""
    made: list[AirflowDeployment] = []

    def make(**options: Any) -> AirflowDeployment:
        deployment = AirflowDeployment(tmp_path / f"airflow-{len(made)}", postgres_dsn, **options)
        made.append(deployment)
        return deployment

    yield make
    for deployment in made:
        deployment.stop()
