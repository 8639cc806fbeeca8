"""The snippets of budget.md, and the budget sensor's example on operators.md."""

from __future__ import annotations

import json
import os
import shlex
import subprocess
import sys
from pathlib import Path
from typing import Any

from airflow_provider_minimax.sandbox import Sandbox
from tests.dagtools import task_states
from tests.docs.snippets import snippet


def test_the_hook_reads_the_budget_without_a_call(
    run_python: Any, minimax_sandbox: Sandbox
) -> None:
    run_python("rate-stats")  # spends one call: a list of one page
    sent = minimax_sandbox.stats()["api_calls"]
    names, printed = run_python("budget-hook")
    assert minimax_sandbox.stats()["api_calls"] == sent
    budget = names["budget"]
    assert budget.used_window == 1
    assert printed.splitlines()[1] == f"{1000 - 100 - 1} 1 1 100"
    assert printed.splitlines()[0] == budget.describe()
    assert "899 of organisation 123's 24 h budget left" in printed


def test_the_command_line_of_the_page_prints_the_budget(minimax_connection: str) -> None:
    [command] = snippet("budget-cli").code.strip().splitlines()
    arguments = shlex.split(command)
    assert arguments[:3] == ["python", "-m", "airflow_provider_minimax.budget"]
    done = subprocess.run(
        [sys.executable, *arguments[1:], "--json"],
        capture_output=True,
        text=True,
        timeout=120,
        env=dict(os.environ),
        check=False,
    )
    assert done.returncode == 0, done.stderr
    shown = json.loads(done.stdout)
    assert (shown["organisation_id"], shown["reserve"], shown["daily_budget"]) == (123, 100, 1000)


def test_the_budget_sensor_lets_the_export_start_when_its_calls_fit(
    run_dag: Any, data_root: Path
) -> None:
    dag_run = run_dag("operators-budget-sensor")
    assert task_states(dag_run) == {"calls_free": "success", "invoices_in_full": "success"}
    manifest = json.loads((data_root / "invoices-in-full.jsonl.manifest.json").read_text())
    assert manifest["detail"] is True
    assert manifest["budget"]["used_window"] >= manifest["api_calls"]
