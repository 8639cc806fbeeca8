"""The snippets of testing.md: the example conftest and tests, run by pytest as a user would;
the sandbox's command line; the admin endpoints with curl."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

from airflow_provider_minimax.sandbox import Sandbox
from tests.docs.helpers import sandbox_records
from tests.docs.snippets import DOCS, for_this_airflow, snippet

# What a user's environment would not have set: the test run's own connection and bundles.
NOT_INHERITED = (
    "AIRFLOW_CONN_MINIMAX_DEFAULT",
    "AIRFLOW__CORE__DAGS_FOLDER",
    "AIRFLOW__DAG_PROCESSOR__DAG_BUNDLE_CONFIG_LIST",
    "PYTEST_ADDOPTS",
)


def test_the_example_tests_pass_under_pytest(airflow_db: str, tmp_path: Path) -> None:
    """A project with the page's conftest.py, its tests and the operators page's DAG in dags/,
    run by pytest in a process of its own (the fixtures come from the installed plugin)."""
    project = tmp_path / "project"
    (project / "tests").mkdir(parents=True)
    (project / "dags").mkdir()
    (project / "pytest.ini").write_text("[pytest]\n", "utf-8")
    files = {
        "conftest.py": snippet("testing-conftest"),
        "tests/test_minimax.py": snippet("testing-tests"),
        "dags/minimax_create_customer.py": snippet("operators-create"),
    }
    for path, block in files.items():
        (project / path).write_text(for_this_airflow(block.code), "utf-8")
    # A metadata database of its own: a copy of this run's migrated one.
    home = tmp_path / "airflow-home"
    home.mkdir()
    shutil.copyfile(Path(airflow_db) / "airflow.db", home / "airflow.db")
    env = {key: value for key, value in os.environ.items() if key not in NOT_INHERITED}
    env["AIRFLOW_HOME"] = str(home)
    env["AIRFLOW__DATABASE__SQL_ALCHEMY_CONN"] = f"sqlite:///{home / 'airflow.db'}"
    env["XDG_CACHE_HOME"] = str(tmp_path / "cache")
    done = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "-p", "no:randomly"],
        cwd=project,
        env=env,
        capture_output=True,
        text=True,
        timeout=240,
    )
    output = done.stdout + done.stderr
    assert done.returncode == 0, output[-5000:]
    assert re.search(r"\b4 passed\b", done.stdout), output[-3000:]


def test_the_options_table_is_the_command_s_help() -> None:
    [command] = snippet("testing-cli-help").code.strip().splitlines()
    assert command == "python -m airflow_provider_minimax.sandbox --help"
    done = subprocess.run(
        [sys.executable, *command.split()[1:]], capture_output=True, text=True, timeout=60
    )
    assert done.returncode == 0, done.stderr
    offered = set(re.findall(r"--[a-z][a-z-]+", done.stdout)) - {"--help"}
    table = [
        line
        for line in (DOCS / "testing.md").read_text("utf-8").splitlines()
        if line.startswith("| `--")
    ]
    documented = {option for line in table for option in re.findall(r"`(--[a-z-]+)", line)}
    assert documented == offered


def test_the_admin_endpoints_do_what_the_page_says(minimax_sandbox: Sandbox) -> None:
    """The page's curl commands against this test's sandbox (its port, customer 00001's ID)."""
    [customer] = [c for c in sandbox_records(minimax_sandbox, "customers") if c["Code"] == "00001"]
    script = snippet("testing-admin-curl").code
    assert "http://127.0.0.1:8765" in script and "/customers/100085/" in script
    script = script.replace("http://127.0.0.1:8765", minimax_sandbox.root_url)
    script = script.replace("/customers/100085/", f"/customers/{customer['CustomerId']}/")
    done = subprocess.run(
        ["bash", "-euo", "pipefail", "-c", script], capture_output=True, text=True, timeout=60
    )
    assert done.returncode == 0, done.stderr
    [rule] = minimax_sandbox.faults.rules
    assert (rule.effect, rule.status, rule.times) == ("status", 503, 2)
    [changed] = [c for c in sandbox_records(minimax_sandbox, "customers") if c["Code"] == "00001"]
    assert changed["City"] == "Piran" and changed["RowVersion"] != customer["RowVersion"]
    assert '"by_route"' in done.stdout.splitlines()[-1]  # the stats, as JSON


def test_the_inspection_example_runs(minimax_sandbox: Sandbox) -> None:
    """The page's test of the inspection methods, given this test's sandbox."""
    names: dict[str, object] = {}
    exec(snippet("testing-inspection").code, names)
    [example] = [value for name, value in names.items() if name.startswith("test_")]
    assert callable(example)
    example(minimax_sandbox)
    assert minimax_sandbox.writes == 1
