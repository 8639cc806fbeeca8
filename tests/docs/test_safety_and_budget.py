"""The snippets of writing-safely.md and rate-budget.md."""

from __future__ import annotations

import os
import shlex
import subprocess
import sys
from pathlib import Path
from typing import Any

import pendulum

from airflow_provider_minimax.sandbox import FaultRule, Sandbox
from tests.dagtools import task_states
from tests.docs.helpers import route_calls, sandbox_records
from tests.docs.snippets import snippet


def with_code(sandbox: Sandbox, code: str) -> list[dict[str, Any]]:
    return [c for c in sandbox_records(sandbox, "customers") if c["Code"] == code]


# -- writing-safely.md ------------------------------------------------------------------------


def test_match_on_survives_a_lost_answer_and_a_rerun(
    run_python: Any, minimax_sandbox: Sandbox
) -> None:
    """The create is stored but its answer is lost: match_on finds it, nothing is sent again;
    a second run finds it too."""
    minimax_sandbox.add_fault(FaultRule("drop_response", method="POST", times=1))
    names, printed = run_python("safety-match-on")
    [stored] = with_code(minimax_sandbox, "WEB-7")
    assert names["customer"]["CustomerId"] == stored["CustomerId"]
    assert printed == f"{stored['CustomerId']} WEB-7\n"
    assert route_calls(minimax_sandbox, "POST", "customers") == 1
    assert minimax_sandbox.stats()["faults_injected"] == {"drop_response": 1}

    run_python("safety-match-on")
    assert len(with_code(minimax_sandbox, "WEB-7")) == 1
    assert route_calls(minimax_sandbox, "POST", "customers") == 1


def test_without_match_on_a_lost_answer_is_reported_not_repeated(
    run_python: Any, minimax_sandbox: Sandbox
) -> None:
    minimax_sandbox.add_fault(FaultRule("drop_response", method="POST", times=1))
    _, printed = run_python("safety-ambiguous")
    assert printed == snippet("safety-ambiguous-output").code
    assert len(with_code(minimax_sandbox, "WEB-8")) == 1  # stored once, never re-sent
    assert route_calls(minimax_sandbox, "POST", "customers") == 1


def test_row_version_refuses_a_stale_change_unless_told_to_retry(
    run_python: Any, minimax_sandbox: Sandbox
) -> None:
    names, printed = run_python("safety-rowversion")
    assert printed == "MinimaxConcurrencyError\nPrešernova cesta 5 Bled\n"
    [stored] = with_code(minimax_sandbox, "00001")
    assert (stored["Address"], stored["City"]) == ("Prešernova cesta 5", "Bled")
    assert names["updated"]["RowVersion"] == stored["RowVersion"] != names["seen"]


# -- rate-budget.md ---------------------------------------------------------------------------


def test_call_accounting_counts_one_call_for_one_page(
    run_python: Any, minimax_sandbox: Sandbox
) -> None:
    names, printed = run_python("rate-stats")
    november = [
        i
        for i in sandbox_records(minimax_sandbox, "issuedinvoices")
        if i["DateIssued"].startswith("2025-11")
    ]
    stats = names["hook"].get_conn().stats.as_dict()
    assert len(names["invoices"]) == len(november) == stats["rows"]
    assert (stats["api_calls"], stats["pages"], stats["retries"]) == (1, 1, 0)
    assert printed.startswith(f"{len(november)} {{'api_calls': 1, 'token_requests': 1,")


def test_the_pool_command_creates_the_pool(airflow_db: str) -> None:
    from airflow.models.pool import Pool
    from airflow.utils.session import create_session

    [command] = snippet("rate-pool-cli").code.strip().splitlines()
    arguments = shlex.split(command)
    assert arguments[:3] == ["airflow", "pools", "set"]
    airflow = Path(sys.executable).parent / "airflow"
    done = subprocess.run(
        [str(airflow), *arguments[1:]],
        capture_output=True,
        text=True,
        timeout=120,
        env=dict(os.environ),
    )
    assert done.returncode == 0, done.stdout + done.stderr
    try:
        with create_session() as session:
            pool = session.query(Pool).filter(Pool.pool == "minimax").one()
            assert (pool.slots, pool.description) == (2, "Minimax API: at most two tasks at once")
    finally:
        with create_session() as session:
            session.query(Pool).filter(Pool.pool == "minimax").delete()


def test_default_args_put_every_task_in_the_pool(run_dag: Any, data_root: Path) -> None:
    from airflow.models.taskinstance import TaskInstance
    from airflow.utils.session import create_session

    dag_run = run_dag(
        "rate-pool-dag", logical_date=pendulum.datetime(2025, 11, 21, 1, tz="Europe/Ljubljana")
    )
    resources = ("journals", "issuedinvoices", "receivedinvoices", "orders")
    assert task_states(dag_run) == dict.fromkeys(resources, "success")
    with create_session() as session:
        pools = {
            ti.task_id: ti.pool
            for ti in session.query(TaskInstance).filter(TaskInstance.run_id == dag_run.run_id)
        }
    assert pools == dict.fromkeys(resources, "minimax")
    assert sorted(path.name for path in (data_root / "2025-11-20").glob("*.jsonl")) == sorted(
        f"{resource}.jsonl" for resource in resources
    )
