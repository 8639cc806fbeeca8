"""CeleryExecutor with two workers that share nothing a machine keeps to itself.

One deployment for the module (tests/airflow_processes.py): PostgreSQL (the metadata database,
Celery's result backend and, in a database of its own, the provider's `sql` call ledger),
Debian's redis-server as the broker (tests/redis_broker.py), the scheduler, the triggerer (and on
Airflow 3 the DAG processor and the API server), and two `airflow celery worker`s, "machine-a"
and "machine-b". Each worker has its own HOME and cache folder (where the provider keeps its
on-disk lock-out guard and its local ledger), its own Celery queue beside the shared `default`,
and names itself to Airflow (`[core] hostname_callable`, so task_instance.hostname says which
machine ran a try). What the two share is what two machines of a deployment share: the
metadata database (Airflow Variables), the broker, the export folder (as it were an object
store) and the budget database.

- `minimax_lockout_two_machines` (written here): a read with a wrong password, first on
  machine-a's queue, then on machine-b's. Minimax refuses machine-a's token request; machine-b
  must refuse to ask at all, from the refusal machine-a shared through an Airflow Variable.
- `minimax_daily_export` (example_dags/, linked, as in test_under_the_scheduler.py) catches up
  the same week over both organisations, its mapped exports taken from the `default` queue by
  whichever worker is free, and `minimax_default` counting its calls in the `sql` store.
"""

from __future__ import annotations

import json
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

from airflow_provider_minimax.sandbox.process import SandboxProcess
from tests.airflow_processes import AirflowDeployment
from tests.dagtools import AIRFLOW_3
from tests.postgres import PostgresServer, airflow_connection_uri, parse_dsn
from tests.redis_broker import RedisServer, redis_server  # noqa: F401 (a fixture)
from tests.scheduler.under_the_scheduler import (
    DAG_FILES,
    DAYS,
    EXAMPLE_DAGS,
    EXPORT_DAG,
    EXPORT_TASKS,
    EXPORTS,
    ORGANISATIONS,
    TOKEN_LINE,
    data_files,
    no_task_failed,
    parsed,
    reference_files,
    sandbox_stats,
)

pytestmark = [pytest.mark.slow, pytest.mark.timeout(900)]

LOCKOUT_DAG = "minimax_lockout_two_machines"
MACHINES = ("machine-a", "machine-b")
WRONG_PASSWORD = "not-the-password"
RUNS_TIMEOUT = 480.0  # seconds for every run, once both DAGs are going
LOCKOUT_SOURCE = f'''
import pendulum
from airflow.providers.common.compat.sdk import dag

from airflow_provider_minimax.operators.records import MinimaxGetOperator


@dag(dag_id="{LOCKOUT_DAG}", schedule=None, start_date=pendulum.datetime(2025, 1, 1),
     catchup=False)
def lockout():
    reads = [
        MinimaxGetOperator(
            task_id=f"read_on_{{queue}}",
            queue=queue,
            minimax_conn_id="minimax_wrong",
            organisation_id=123,
            resource="customers",
            id=1,
            retries=2,  # must not be spent: a refused login is not retried
            trigger_rule="all_done",
        )
        for queue in ("machine_a", "machine_b")
    ]
    reads[0] >> reads[1]


lockout()
'''
# Each worker's Airflow asks this for the name it records as task_instance.hostname.
HOSTNAME_MODULE = 'import os\n\n\ndef hostname():\n    return os.environ["MINIMAX_MACHINE"]\n'


@dataclass
class Scenario:
    tries: list[tuple[str, str, int, str, int, str]] = field(default_factory=list)
    earlier_tries: int = 0
    stats: dict[str, Any] = field(default_factory=dict)
    ledger: tuple[int, int] = (0, 0)
    ledger_keys: int = 0
    variables: list[str] = field(default_factory=list)
    machine_files: dict[str, list[str]] = field(default_factory=dict)
    logs: dict[str, str] = field(default_factory=dict)
    files: dict[str, str] = field(default_factory=dict)
    reference: dict[str, str] = field(default_factory=dict)
    seconds: dict[str, float] = field(default_factory=dict)


def machine_environment(folder: Path, name: str) -> dict[str, str]:
    """A HOME, a cache folder and a hostname of its own; the module that reports the name."""
    root = folder / name
    (root / "home").mkdir(parents=True)
    (root / "python").mkdir()
    (root / "python" / "minimax_machine.py").write_text(HOSTNAME_MODULE)
    return {
        "HOME": str(root / "home"),
        "XDG_CACHE_HOME": str(root / "cache"),
        "PYTHONPATH": str(root / "python"),
        "MINIMAX_MACHINE": name,
        "AIRFLOW__CORE__HOSTNAME_CALLABLE": "minimax_machine.hostname",
    }


def worker_command(name: str) -> list[str]:
    queue = name.replace("-", "_")  # machine-a listens on machine_a and default
    return [
        "celery", "worker",
        "--queues", f"default,{queue}",
        "--celery-hostname", name,
        "--concurrency", "2",
        # The task logs are in one folder both read: no log server needed, none to collide.
        "--skip-serve-logs",
        # Quicker to start, and nothing a worker needs from the other.
        "--without-mingle", "--without-gossip",
    ]  # fmt: skip


def connections(sandbox: SandboxProcess, budget_dsn: str) -> dict[str, str]:
    default = json.loads(sandbox.airflow_connection)
    wrong = {**default, "password": WRONG_PASSWORD}
    default["extra"] = {
        **default.get("extra", {}),
        "budget_store": "sql",
        "budget_conn_id": "minimax_budget",
    }
    return {
        "AIRFLOW_CONN_MINIMAX_DEFAULT": json.dumps(default),
        "AIRFLOW_CONN_MINIMAX_WRONG": json.dumps(wrong),
        "AIRFLOW_CONN_MINIMAX_BUDGET": airflow_connection_uri(budget_dsn),
    }


def workers_ready(deployment: AirflowDeployment) -> bool:
    return all(
        "ready." in service.log.read_text(errors="replace")
        for service in deployment.services
        if service.name in MACHINES and service.log.exists()
    )


def runs_finished(deployment: AirflowDeployment) -> bool:
    # The lock-out run fails by design: only the export's tasks must not.
    no_task_failed_outside(deployment, LOCKOUT_DAG)
    done = Counter(
        dag_id
        for dag_id, state in deployment.query("SELECT dag_id, state FROM dag_run")
        if state in ("success", "failed")
    )
    return done[EXPORT_DAG] >= len(DAYS) and done[LOCKOUT_DAG] >= 1


def no_task_failed_outside(deployment: AirflowDeployment, dag_id: str) -> None:
    [(others,)] = deployment.query(
        "SELECT count(*) FROM task_instance WHERE dag_id <> %s AND "
        "(state IN ('failed', 'up_for_retry', 'upstream_failed') OR try_number > 1)",
        [dag_id],
    )
    if others:
        no_task_failed(deployment)  # fails with the first such try and its log


def ledger_totals(dsn: str) -> tuple[tuple[int, int], int]:
    """(calls, token requests) in the sql ledger, and how many ledger keys it holds."""
    import psycopg2

    connection = psycopg2.connect(dsn)
    try:
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT coalesce(sum(calls), 0), coalesce(sum(token_requests), 0), "
                "count(DISTINCT ledger_key) FROM minimax_ledger_calls"
            )
            calls, tokens, keys = cursor.fetchone()
    finally:
        connection.close()
    return (int(calls), int(tokens)), int(keys)


def run_scenario(
    deployment: AirflowDeployment, budget_dsn: str, machines: Path, recorded: Scenario
) -> None:
    deployment.wait_until(lambda: workers_ready(deployment), 180, "both Celery workers ready")
    deployment.wait_until(
        lambda: parsed(deployment, (EXPORT_DAG, LOCKOUT_DAG)), 180, "both DAGs parsed"
    )
    started = time.monotonic()
    deployment.airflow("dags", "unpause", LOCKOUT_DAG)
    deployment.airflow("dags", "trigger", LOCKOUT_DAG)
    deployment.airflow("dags", "unpause", EXPORT_DAG)  # the catch-up starts
    deployment.wait_until(
        lambda: runs_finished(deployment), RUNS_TIMEOUT, "every run finished", interval=2
    )
    recorded.seconds["runs"] = time.monotonic() - started
    recorded.tries = [
        (dag_id, task_id, int(index), state, int(try_number), hostname)
        for dag_id, task_id, index, state, try_number, hostname in deployment.query(
            "SELECT dag_id, task_id, map_index, state, try_number, hostname FROM task_instance"
        )
    ]
    [(earlier,)] = deployment.query("SELECT count(*) FROM task_instance_history")
    recorded.earlier_tries = int(earlier)
    recorded.variables = [key for (key,) in deployment.query("SELECT key FROM variable")]
    recorded.ledger, recorded.ledger_keys = ledger_totals(budget_dsn)
    recorded.machine_files = {
        name: sorted(
            str(path.relative_to(machines / name))
            for path in (machines / name).rglob("*")
            if path.is_file() and path.suffix != ".py" and "__pycache__" not in path.parts
        )
        for name in MACHINES
    }


@pytest.fixture(scope="module")
def scenario(
    postgres_server: PostgresServer,
    redis_server: RedisServer,  # noqa: F811 (the fixture imported above)
    tmp_path_factory: pytest.TempPathFactory,
    airflow_db: str,
) -> Scenario:
    began = time.monotonic()
    folder = tmp_path_factory.mktemp("celery-two-machines")
    metadata_dsn, budget_dsn = postgres_server.create_database(), postgres_server.create_database()
    export_root, machines = folder / "export", folder / "machines"
    recorded = Scenario()
    try:
        with SandboxProcess("--scale", "small") as sandbox:
            meta = parse_dsn(metadata_dsn)
            deployment = AirflowDeployment(
                folder / "airflow",
                metadata_dsn,
                executor="CeleryExecutor",
                config={
                    "celery.broker_url": redis_server.url,
                    "celery.result_backend": (
                        f"db+postgresql://{meta['user']}@{meta['host']}:{meta['port']}/"
                        f"{meta['dbname']}"
                    ),
                    "celery.worker_concurrency": "2",
                },
                env=connections(sandbox, budget_dsn)
                | {
                    "MINIMAX_EXPORT_ROOT": str(export_root),
                    "MINIMAX_EXPORT_FIRST_DAY": DAYS[0].isoformat(),
                    "MINIMAX_EXPORT_LAST_DAY": DAYS[-1].isoformat(),
                    "MINIMAX_EXPORTS": ",".join(EXPORTS),
                },
                extra_services={name: worker_command(name) for name in MACHINES},
                service_env={name: machine_environment(machines, name) for name in MACHINES},
            )
            deployment.write_dag("lockout_two_machines.py", LOCKOUT_SOURCE)
            for name in DAG_FILES[:1]:  # the daily export only
                (deployment.dags / name).symlink_to(EXAMPLE_DAGS / name)
            try:
                clock = time.monotonic()
                deployment.start()
                recorded.seconds["start"] = time.monotonic() - clock
                run_scenario(deployment, budget_dsn, machines, recorded)
            finally:
                deployment.stop()
            recorded.logs = deployment.task_log_files()
            recorded.stats = sandbox_stats(sandbox)
            recorded.files = data_files(export_root)
            clock = time.monotonic()
            recorded.reference = reference_files(sandbox, folder)
            recorded.seconds["reference"] = time.monotonic() - clock
    finally:
        for dsn in (metadata_dsn, budget_dsn):
            postgres_server.drop_database(parse_dsn(dsn)["dbname"])
    recorded.seconds["module"] = time.monotonic() - began
    print(
        f"\nAirflow {'3' if AIRFLOW_3 else '2.11'}, CeleryExecutor on two machines: "
        + ", ".join(f"{what} {seconds:.0f} s" for what, seconds in recorded.seconds.items())
        + f"; by machine {Counter(t[5] for t in recorded.tries)}; sandbox: "
        f"{recorded.stats['api_calls']} API calls, {recorded.stats['token_requests']} token "
        f"requests, {recorded.stats['rejected_logins']} refused; sql ledger: {recorded.ledger}"
    )
    return recorded


def log_of(scenario: Scenario, task_id: str) -> str:
    [text] = [
        text
        for name, text in scenario.logs.items()
        if f"dag_id={LOCKOUT_DAG}/" in name and f"task_id={task_id}/" in name
    ]
    return text


# -- the tests ----------------------------------------------------------------------------------


def test_a_login_refused_on_one_machine_is_not_tried_on_the_other(scenario: Scenario) -> None:
    reads = sorted(t for t in scenario.tries if t[0] == LOCKOUT_DAG)
    # Each failed at its first try on its own machine: retries=2 was not spent on either.
    assert reads == [
        (LOCKOUT_DAG, "read_on_machine_a", -1, "failed", 1, "machine-a"),
        (LOCKOUT_DAG, "read_on_machine_b", -1, "failed", 1, "machine-b"),
    ]
    # One refused token request in all: machine-b never asked.
    assert scenario.stats["rejected_logins"] == 1
    first, second = log_of(scenario, "read_on_machine_a"), log_of(scenario, "read_on_machine_b")
    assert "Minimax refused the login" in first
    assert "Not asking Minimax for a token: it refused the login" in second
    assert "Minimax refused the login" not in second
    # What told machine-b: the Variable machine-a wrote. machine-a keeps the refusal on its
    # own disk as well; machine-b's disk has none, so the shared Variable is all it went by.
    [key] = scenario.variables
    record = f"cache/airflow-provider-minimax/refused-logins/{key}.json"
    assert record in scenario.machine_files["machine-a"]
    assert not [name for name in scenario.machine_files["machine-b"] if name.endswith(".json")]
    assert WRONG_PASSWORD not in first + second


def test_the_mapped_exports_spread_over_both_machines(scenario: Scenario) -> None:
    exports = [t for t in scenario.tries if t[0] == EXPORT_DAG]
    assert len(exports) == len(DAYS) * len(EXPORT_TASKS)
    assert {(state, try_number) for _, _, _, state, try_number, _ in exports} == {("success", 1)}
    assert scenario.earlier_tries == 0
    mapped = Counter(hostname for _, _, index, _, _, hostname in exports if index >= 0)
    assert set(mapped) == set(MACHINES), mapped  # each machine ran some of the mapped exports
    assert sum(mapped.values()) == len(DAYS) * (len(EXPORT_TASKS) - 1)


def test_every_file_once_and_exactly_what_dag_test_writes(scenario: Scenario) -> None:
    # The export folder holds the expected files and nothing else (no second copy, no
    # temporary left behind), each with the sha256 of dag.test()'s file of the same day.
    assert scenario.files.keys() == scenario.reference.keys()
    assert len(scenario.files) == len(DAYS) * 2 * len(EXPORTS) * 2
    different = sorted(
        name for name, sha256 in scenario.files.items() if sha256 != scenario.reference[name]
    )
    assert not different, different


def test_the_sql_ledger_counted_every_call_of_both_machines_once(scenario: Scenario) -> None:
    calls, tokens = scenario.ledger
    assert calls == scenario.stats["api_calls"] > 0
    # Every token but the refused one was asked for by minimax_default (the wrong password's
    # connection has no sql store: its one try is in machine-a's local ledger).
    assert tokens == scenario.stats["token_requests"] - 1
    # One token per task process: each export try asked once, on whichever machine it ran.
    assert tokens == len(DAYS) * len(EXPORT_TASKS)
    # ... and said so in its log (a refused request gets no token, so no such line).
    assert sum(text.count(TOKEN_LINE) for text in scenario.logs.values()) == tokens
    # One key per organisation and one for the login (the list of organisations is no
    # organisation's call): both machines counted into the same three.
    assert scenario.ledger_keys == len(ORGANISATIONS) + 1
