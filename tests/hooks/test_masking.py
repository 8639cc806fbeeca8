"""The hook registers only real secrets with Airflow's masker, and no short value warns.

Airflow's "Skipping masking for a secret as it's too short (<5 chars)" is logged once per
process, so each check runs in a process of its own.
"""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap

import pytest

from airflow_provider_minimax.sandbox import Sandbox
from tests.dagtools import AIRFLOW_3

HOOK_USE = textwrap.dedent(
    """
    import logging, sys
    logging.basicConfig(stream=sys.stderr, level=logging.DEBUG)
    from airflow_provider_minimax.hooks.minimax import MinimaxHook
    hook = MinimaxHook()
    print("reached", [org["ID"] for org in hook.organisations()], flush=True)
    first = next(hook.list("customers"))["CustomerId"]
    print("found", hook.get("customers", first)["CustomerId"] == first)
    """
)


def run_hook(connection: str) -> subprocess.CompletedProcess[str]:
    env = dict(os.environ) | {"AIRFLOW_CONN_MINIMAX_DEFAULT": connection}
    return subprocess.run(
        [sys.executable, "-c", HOOK_USE], capture_output=True, text=True, timeout=120, env=env
    )


def test_a_hook_use_logs_no_short_secret_warning(minimax_sandbox: Sandbox) -> None:
    """The sandbox's connection, as the connection form writes one: a `country` of two letters."""
    assert minimax_sandbox.connection["extra"]["country"] == "SI"
    done = run_hook(minimax_sandbox.airflow_connection)
    assert done.returncode == 0, done.stderr[-2000:]
    assert "reached [123, 124]" in done.stdout
    output = done.stdout + done.stderr
    assert "Minimax token for" in output  # the process's log lines were seen
    assert "too short" not in output


@pytest.mark.skipif(
    not AIRFLOW_3, reason="Airflow 2.11's masker masks short secrets without a word"
)
def test_a_short_password_still_gets_airflows_warning(minimax_sandbox: Sandbox) -> None:
    """Airflow's warning is right about a real secret too short to mask: it stays."""
    import json

    connection = minimax_sandbox.connection
    connection["password"] = "pw4"
    done = run_hook(json.dumps(connection))
    assert "too short" in done.stdout + done.stderr
