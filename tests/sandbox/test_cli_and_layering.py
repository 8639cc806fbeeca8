"""The command line prints a ready connection; the sandbox shares no code with the client."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
import requests

from airflow_provider_minimax.sandbox import Sandbox
from tests.layering import imported

ROOT = Path(__file__).resolve().parents[2]
SANDBOX_DIR = ROOT / "airflow_provider_minimax" / "sandbox"


@pytest.fixture
def cli_sandbox() -> Iterator[tuple[str, list[str]]]:
    """`python -m airflow_provider_minimax.sandbox --port 0`, its printed lines."""
    process = subprocess.Popen(
        [sys.executable, "-m", "airflow_provider_minimax.sandbox", "--port", "0", "--seed", "3"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    assert process.stdout is not None
    lines = []
    try:
        for line in process.stdout:
            lines.append(line.rstrip("\n"))
            if line.startswith("export AIRFLOW_CONN_MINIMAX_DEFAULT="):
                break
        yield lines[-1], lines
    finally:
        process.terminate()
        process.wait(timeout=10)


def test_cli_prints_a_ready_airflow_connection(cli_sandbox: tuple[str, list[str]]) -> None:
    export, lines = cli_sandbox
    assert any("ready in" in line for line in lines)
    value = re.fullmatch(r"export AIRFLOW_CONN_MINIMAX_DEFAULT='(.*)'", export)
    assert value is not None
    conn = json.loads(value.group(1))
    assert conn["conn_type"] == "minimax"
    assert conn["extra"]["organisation_id"] == 123

    from airflow.models.connection import Connection

    parsed = Connection.from_json(value.group(1), conn_id="minimax_default")
    assert parsed.conn_type == "minimax"
    assert parsed.login == "sandbox-user"
    assert parsed.extra_dejson["client_id"] == "sandbox-client"

    token = requests.post(
        conn["host"] + "AUT/oauth20/token",
        data={
            "grant_type": "password",
            "client_id": conn["extra"]["client_id"],
            "client_secret": conn["extra"]["client_secret"],
            "username": conn["login"],
            "password": conn["password"],
            "scope": "minimax.si",
        },
        timeout=10,
    ).json()["access_token"]
    orgs = requests.get(
        conn["host"] + "API/api/currentuser/orgs",
        headers={"Authorization": f"Bearer {token}"},
        timeout=10,
    ).json()
    assert orgs["TotalRows"] == 2


def _readme_walk() -> str:
    text = (ROOT / "README.md").read_text("utf-8")
    match = re.search(r"<!-- sandbox-walk -->\s*```bash\n(.*?)```", text, re.DOTALL)
    assert match, "README.md has no sandbox walk (a bash block after <!-- sandbox-walk -->)"
    return match.group(1)


@pytest.mark.skipif(shutil.which("curl") is None, reason="the README walk uses curl")
def test_readme_curl_walk_runs_against_the_sandbox(
    minimax_sandbox: Sandbox, tmp_path: Path
) -> None:
    """The README's vendor-style walk: token, orgs, VAT rate, customer, invoice, issue, PDF."""
    script = _readme_walk()
    port = minimax_sandbox.port
    env = dict(os.environ)
    script = script.replace(
        "MINIMAX=http://127.0.0.1:8765/SI", f"MINIMAX=http://127.0.0.1:{port}/SI"
    )
    done = subprocess.run(
        ["bash", "-euo", "pipefail", "-c", script],
        env=env,
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert "%PDF-1.4" in done.stdout


def test_sandbox_imports_nothing_from_the_client_or_hooks() -> None:
    """Every module of the sandbox, sub-packages included; relative imports resolved."""
    forbidden = ("airflow_provider_minimax.client", "airflow_provider_minimax.hooks", "airflow.")
    paths = sorted(SANDBOX_DIR.rglob("*.py"))
    assert SANDBOX_DIR / "app.py" in paths
    for path in paths:
        if path.name == "pytest_plugin.py":
            continue
        where = path.relative_to(SANDBOX_DIR)
        for name in imported(path):
            assert name != "airflow", f"{where} imports airflow"
            assert not name.startswith(forbidden), f"{where} imports {name}"
