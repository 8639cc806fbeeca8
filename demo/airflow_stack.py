"""`make airflow`: the sandbox and a whole Airflow 3 on this machine, to click through.

Starts, each in a process group of its own and with its own log under out/airflow/logs/:

    sandbox        python -m airflow_provider_minimax.sandbox --scale demo, on a free port
    postgres       only with --db postgres: a throwaway cluster in out/airflow/postgres/
    api-server     the UI and the REST API (also the Execution API the tasks report to)
    scheduler      LocalExecutor: the tasks run as its children
    dag-processor  parses example_dags/
    triggerer      where deferred sensors wait

`minimax_default` points at the sandbox: as AIRFLOW_CONN_MINIMAX_DEFAULT in every process
(what tasks use) and as a row of the metadata database (what the UI's connection list shows,
so its form can be opened and tested). When the UI is healthy it prints the address, the simple
auth manager's login and what to trigger. Ctrl-C or SIGTERM stops every process it started,
by process group, and it exits 0; the process ids are in out/airflow/stack.json meanwhile, so a
start after a crash (kill -9) stops what that run left behind before it starts anew.
"""

from __future__ import annotations

import argparse
import base64
import json
import os
import secrets
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import postgres_cluster  # demo/, beside this file
import requests
from process_groups import (
    Failed,
    ProcessGroups,
    Service,
    Stopped,
    free_port,
    ignore_signals,
    install_signal_handlers,
)

ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent
START_TIMEOUT = 240.0  # seconds: on 2 cores four processes import all of Airflow at once
CONNECTION_LINE = "export AIRFLOW_CONN_MINIMAX_DEFAULT="
EXAMPLE_DAGS = {p.stem for p in (ROOT / "example_dags").glob("minimax_*.py")}
NOT_INHERITED = ("AIRFLOW__", "AIRFLOW_CONN_", "AIRFLOW_VAR_", "AIRFLOW_HOME")
SIMPLE_AUTH = "airflow.api_fastapi.auth.managers.simple.simple_auth_manager.SimpleAuthManager"


class Stack:
    def __init__(self, out: Path, port: int, db: str) -> None:
        self.out = out
        self.home = out / "home"
        self.logs = out / "logs"
        self.processes = ProcessGroups(out, out / "stack.json", "airflow_stack")
        for folder in (self.home, self.logs, out / "task-logs", out / "export", out / "cache"):
            folder.mkdir(parents=True, exist_ok=True)
        self.db = db
        self.wanted_port = port
        self.started = time.monotonic()

    def start_sandbox(self, env: dict[str, str]) -> str:
        command = [sys.executable, "-m", "airflow_provider_minimax.sandbox", "--port", "0"]
        log = self.logs / "sandbox.log"
        sandbox = self.processes.start(Service("sandbox", [*command, "--scale", "demo"], log), env)

        def connection() -> str:
            for line in sandbox.log.read_text().splitlines():
                if line.startswith(CONNECTION_LINE):
                    return line[len(CONNECTION_LINE) :].strip().strip("'")
            return ""

        conn: str = self.processes.wait_for(connection, "the sandbox ready", timeout=120)
        return conn

    def start_postgres(self, env: dict[str, str]) -> str:
        """The cluster of demo/postgres_cluster.py in out/airflow/postgres; its SQLAlchemy URI."""
        try:
            cluster = postgres_cluster.prepare(self.out / "postgres")
        except (RuntimeError, subprocess.CalledProcessError) as failure:
            raise Failed(f"PostgreSQL: {failure}") from None
        # SIGINT: PostgreSQL's fast shutdown (SIGTERM would wait for every session to end).
        postgres = Service("postgres", cluster.command, self.logs / "postgres.log", signal.SIGINT)
        self.processes.start(postgres, env, **cluster.run_as)
        up = lambda: postgres_cluster.accepts_connections(cluster.dsn)  # noqa: E731
        self.processes.wait_for(up, "PostgreSQL accepting connections", timeout=60)
        return cluster.uri

    def secrets(self) -> dict[str, str]:
        """Kept between runs: the Fernet key encrypts the connection rows in the database."""
        path = self.home / "stack-secrets.json"
        if not path.exists():
            made = {name: secrets.token_urlsafe(32) for name in ("jwt", "api")}
            made["fernet"] = base64.urlsafe_b64encode(os.urandom(32)).decode()
            path.write_text(json.dumps(made))
            path.chmod(0o600)
        loaded: dict[str, str] = json.loads(path.read_text())
        return loaded

    def environment(self, connection: str, database: str, ui: str) -> dict[str, str]:
        # Not a developer's own Airflow settings, connections and variables.
        keep = {k: v for k, v in os.environ.items() if not k.startswith(NOT_INHERITED)}
        key = self.secrets()
        return keep | {
            "AIRFLOW_HOME": str(self.home),
            "AIRFLOW__DATABASE__SQL_ALCHEMY_CONN": database,
            "AIRFLOW__CORE__EXECUTOR": "LocalExecutor",
            "AIRFLOW__CORE__PARALLELISM": "4",
            "AIRFLOW__CORE__DAGS_FOLDER": str(ROOT / "example_dags"),
            "AIRFLOW__CORE__LOAD_EXAMPLES": "False",
            "AIRFLOW__CORE__FERNET_KEY": key["fernet"],
            "AIRFLOW__CORE__TEST_CONNECTION": "Enabled",  # the form's Test button
            "AIRFLOW__CORE__AUTH_MANAGER": SIMPLE_AUTH,
            "AIRFLOW__CORE__SIMPLE_AUTH_MANAGER_USERS": "admin:admin",
            "AIRFLOW__CORE__SIMPLE_AUTH_MANAGER_ALL_ADMINS": "False",  # a login, as in real life
            "AIRFLOW__CORE__SIMPLE_AUTH_MANAGER_PASSWORDS_FILE": str(self.home / "passwords.json"),
            # The scheduler signs the tasks' tokens, the API server checks them: one secret.
            "AIRFLOW__API_AUTH__JWT_SECRET": key["jwt"],
            "AIRFLOW__API__SECRET_KEY": key["api"],
            "AIRFLOW__API__BASE_URL": ui,
            "AIRFLOW__CORE__EXECUTION_API_SERVER_URL": f"{ui}/execution/",
            "AIRFLOW__LOGGING__BASE_LOG_FOLDER": str(self.out / "task-logs"),
            # Not the default ports another Airflow on this machine may hold.
            "AIRFLOW__LOGGING__WORKER_LOG_SERVER_PORT": str(free_port()),
            "AIRFLOW__LOGGING__TRIGGER_LOG_SERVER_PORT": str(free_port()),
            "AIRFLOW_CONN_MINIMAX_DEFAULT": connection,
            "MINIMAX_EXPORT_ROOT": str(self.out / "export"),
            # minimax_webshop_invoice: the sandbox is paid this much later, so that its
            # deferrable sensor is seen waiting in the triggerer (poked again after 60 s).
            "MINIMAX_SANDBOX_PAYS_AFTER": "20",
            "XDG_CACHE_HOME": str(self.out / "cache"),  # the provider's call ledger
        }

    def ui_port(self) -> int:
        if self.wanted_port and free_port(self.wanted_port):
            return self.wanted_port
        port = free_port()
        if self.wanted_port:
            print(f"port {self.wanted_port} is taken: the UI gets port {port} (PORT=… to choose)")
        return port

    def up(self) -> None:
        self.processes.clean_up_after_previous_run()
        env = self.environment("", "", "")
        connection = self.start_sandbox(env)
        database = (
            self.start_postgres(env)
            if self.db == "postgres"
            else f"sqlite:///{self.home / 'airflow.db'}"
        )
        ui = f"http://127.0.0.1:{self.ui_port()}"
        env = self.environment(connection, database, ui)
        airflow = str(BIN / "airflow")
        print(f"airflow db migrate ({self.db}) …", flush=True)
        self.processes.run("migrate", [airflow, "db", "migrate"], self.logs / "migrate.log", env)
        port = ui.rsplit(":", 1)[1]
        for name, args in (
            ("api-server", ["api-server", "--host", "127.0.0.1", "--port", port, "-w", "1"]),
            ("scheduler", ["scheduler"]),
            ("dag-processor", ["dag-processor"]),
            ("triggerer", ["triggerer"]),
        ):
            self.processes.start(Service(name, [airflow, *args], self.logs / f"{name}.log"), env)
        print("starting api-server, scheduler, dag-processor, triggerer …", flush=True)
        self.processes.wait_for(lambda: healthy(ui), "every process healthy", START_TIMEOUT)
        password = json.loads((self.home / "passwords.json").read_text())["admin"]
        api = requests.Session()
        login = {"username": "admin", "password": password}
        answer = api.post(f"{ui}/auth/token", json=login, timeout=30)
        if answer.status_code != 201:
            raise Failed(f"the API server refused the admin login: {answer.text[:500]}")
        api.headers["Authorization"] = f"Bearer {answer.json()['access_token']}"
        self.save_connection(api, ui, json.loads(connection))
        parsed = lambda: listed_dags(api, ui) >= EXAMPLE_DAGS  # noqa: E731
        self.processes.wait_for(parsed, "the example DAGs parsed", START_TIMEOUT)
        self.processes.note = ui
        self.processes.write_pid_file()
        seconds, sandbox = time.monotonic() - self.started, json.loads(connection)["host"]
        pids = ", ".join(f"{s.name} {s.process.pid}" for s in self.processes.services if s.process)
        print(BANNER.format(db=self.db, out=self.out, **locals()), flush=True)

    def save_connection(self, api: requests.Session, ui: str, conn: dict[str, Any]) -> None:
        """The UI lists only the database's connections: put this run's sandbox there too."""
        api.delete(f"{ui}/api/v2/connections/minimax_default", timeout=30)
        body = conn | {
            "connection_id": "minimax_default",
            "extra": json.dumps(conn["extra"]),
            "description": "The local Minimax sandbox of `make airflow`",
        }
        api.post(f"{ui}/api/v2/connections", json=body, timeout=30).raise_for_status()


def healthy(ui: str) -> bool:
    try:
        answer = requests.get(f"{ui}/api/v2/monitor/health", timeout=5)
        parts = answer.json() if answer.ok else {"api": {}}  # metadatabase, scheduler, …
    except requests.RequestException:
        return False  # not listening yet
    return all(part.get("status") == "healthy" for part in parts.values() if isinstance(part, dict))


def listed_dags(api: requests.Session, ui: str) -> set[str]:
    answer = api.get(f"{ui}/api/v2/dags", params={"limit": 100}, timeout=30)
    return {dag["dag_id"] for dag in answer.json()["dags"]} if answer.ok else set()


BANNER = """
Airflow is up in {seconds:.0f} s: {db} metadata, LocalExecutor, everything under {out}/
  UI:       {ui}
  login:    admin / {password}   (the simple auth manager's generated password)
  sandbox:  {sandbox} (demo scale); the connection minimax_default points at it
  pids:     {pids}

Try, in the UI (the DAGs are paused: the Trigger form offers to unpause; or use the switch):
  1. minimax_hook_tasks: trigger it; five small tasks talk to the sandbox through the hook
  2. minimax_webshop_invoice: an order becomes an issued invoice, paid 20 s later; its
     wait_until_paid sensor waits in the triggerer meanwhile (state "deferred", about a minute)
  3. minimax_daily_export: trigger with logical date 2025-06-16; files go to {out}/export/
  4. Admin -> Connections -> minimax_default -> Edit -> Test
     (the tasks read AIRFLOW_CONN_MINIMAX_DEFAULT, which Airflow looks up before the
     database: a change saved in this form is what Test tries, not what the tasks use)
Logs: {out}/logs/ (one per process), task logs in {out}/task-logs/. Ctrl-C stops everything.
"""


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--port", type=int, default=8080, help="the UI's (0: any free port)")
    parser.add_argument("--db", choices=("sqlite", "postgres"), default="sqlite")
    parser.add_argument("--out", default=str(ROOT / "out" / "airflow"), help="state and logs")
    args = parser.parse_args()
    install_signal_handlers()
    stack = Stack(Path(args.out).resolve(), args.port, args.db)
    code = 0
    try:
        stack.up()
        while True:  # the processes watched until a signal; one that dies stops the rest
            stack.processes.check()
            time.sleep(1)
    except Stopped as why:
        print(f"\n{why}: stopping …", flush=True)
    except Failed as failure:
        print(f"\nFAILED: {failure}", flush=True)
        code = 1
    finally:
        ignore_signals()
        stopping = time.monotonic()
        # Airflow first (it writes to the database), then PostgreSQL, then the sandbox.
        stack.processes.stop(last=("postgres", "sandbox"))
        print(f"stopped every process in {time.monotonic() - stopping:.1f} s", flush=True)
    return code


if __name__ == "__main__":
    sys.exit(main())
