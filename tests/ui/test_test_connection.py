"""'Test connection' through the API server: the hook in the server logs in to the sandbox.

`POST /api/v2/connections/test` is what the UI's Test button calls; the server runs
MinimaxHook.test_connection() itself, so this needs `[core] test_connection = Enabled`.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import uuid
from pathlib import Path
from typing import Any

import pytest

from airflow_provider_minimax.hooks.minimax import MinimaxHook
from airflow_provider_minimax.sandbox import Sandbox

from .conftest import ApiServer

TEST_URL = "/api/v2/connections/test"
ROOT = Path(__file__).resolve().parents[2]
# The UI's Test button sends every field of a saved connection, unset ones as "" and the port as
# Number(null), that is 0; the hook must not read those as a schema or a port.
AS_THE_UI_SENDS = {"description": "", "schema": "", "port": 0}


def connection_body(sandbox: Sandbox, **changes: Any) -> dict[str, Any]:
    """The sandbox's connection as the API takes it: `extra` is a JSON string there."""
    conn = json.loads(sandbox.airflow_connection)
    body = {
        "connection_id": "minimax_ui_test",
        "conn_type": conn["conn_type"],
        "host": conn["host"],
        "login": conn["login"],
        "password": conn["password"],
        "extra": json.dumps(conn["extra"]),
    }
    return body | changes


@pytest.mark.parametrize("unset", [{}, AS_THE_UI_SENDS], ids=["fields-set", "as-the-ui-sends"])
def test_the_sandbox_connection_tests_green(
    api_server: ApiServer,
    minimax_sandbox: Sandbox,
    minimax_connection: str,
    unset: dict[str, Any],
) -> None:
    response = api_server.post(TEST_URL, connection_body(minimax_sandbox, **unset))
    assert response.status_code == 200, response.text
    # The same test in this process, on the same connection: the server passes on its message.
    ok, message = MinimaxHook().test_connection()
    assert ok is True
    assert response.json() == {"status": True, "message": message}
    assert minimax_sandbox.stats()["rejected_logins"] == 0


def test_a_wrong_password_tests_red_and_never_locks_the_application(
    api_server: ApiServer, minimax_sandbox: Sandbox
) -> None:
    # A password of its own: the server remembers refused logins for as long as it runs.
    password = f"wrong-{uuid.uuid4().hex[:12]}"
    body = connection_body(minimax_sandbox, password=password)
    # As many tests as it takes Minimax to lock the application after failed logins.
    tries = minimax_sandbox.settings.lockout_threshold
    answers = [api_server.post(TEST_URL, body) for _ in range(tries)]

    assert all(answer.status_code == 200 for answer in answers)
    results = [answer.json() for answer in answers]
    assert [result["status"] for result in results] == [False] * tries
    first, *later = [result["message"] for result in results]
    assert f"refused the login '{body['login']}'" in first
    assert all(message.startswith("Not asking Minimax for a token") for message in later)
    assert not any(password in result["message"] for result in results)

    stats = minimax_sandbox.stats()
    assert stats["token_requests"] == 1  # only the first test reached Minimax
    assert stats["rejected_logins"] == 1
    assert stats["locked_applications"] == 0


# "Another worker": a process of its own, with a cache folder of its own, runs the guard-check
# DAG with dag.test() and prints the task's result. Not this test process: an earlier dag.test()
# here leaves the task SDK's SUPERVISOR_COMMS set, after which Airflow routes every Variable read
# through that finished run and gets nothing back; a worker starts clean.
ANOTHER_WORKER = """
import json
import sys
from pathlib import Path

import pytest

from tests.dagtools import bundle_runner, xcoms
from tests.support import GUARD_DAGS

with pytest.MonkeyPatch.context() as monkeypatch:
    run = bundle_runner(Path(sys.argv[1]), monkeypatch, "minimax-ui-guard")
    dag_run = run(GUARD_DAGS, "minimax_guard_check")
    print("RESULT " + json.dumps(xcoms(dag_run)["check"]))
"""


def test_a_login_refused_in_the_server_is_refused_by_tasks_elsewhere(
    api_server: ApiServer, minimax_sandbox: Sandbox, tmp_path: Path
) -> None:
    """The server keeps the refusal in an Airflow Variable: a task on a worker that never saw
    it (a process and a cache folder of its own) refuses the same credentials at once."""
    password = f"wrong-{uuid.uuid4().hex[:12]}"
    refused = api_server.post(TEST_URL, connection_body(minimax_sandbox, password=password))
    assert refused.json()["status"] is False

    connection = json.loads(minimax_sandbox.airflow_connection) | {"password": password}
    worker = os.environ | {
        "AIRFLOW_CONN_MINIMAX_DEFAULT": json.dumps(connection),
        "XDG_CACHE_HOME": str(tmp_path / "another-worker"),
    }
    done = subprocess.run(
        [sys.executable, "-c", ANOTHER_WORKER, str(tmp_path / "dags")],
        cwd=ROOT,
        env=worker,
        capture_output=True,
        text=True,
        timeout=180,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    [line] = [line for line in done.stdout.splitlines() if line.startswith("RESULT ")]
    result = json.loads(line.removeprefix("RESULT "))
    assert result["ok"] is False
    # The server's record, read whole: who was refused, when, and Minimax's own words.
    variable = r"the Airflow Variable (minimax_refused_login_[0-9a-f]{24})"
    [key] = re.findall(variable, result["message"])
    assert api_server.delete(f"/api/v2/variables/{key}").status_code == 204
    assert re.search(
        r"refused the login 'sandbox-user' at \d{4}-\d\d-\d\dT[\d:]+\+00:00 \(HTTP 400: ",
        result["message"],
    ), result["message"]
    assert minimax_sandbox.stats()["token_requests"] == 1  # the server's one try
