"""Behaviour 2: a refused login is never retried, and is remembered in the process and on disk."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path
from typing import Any

import pytest

from airflow_provider_minimax.client import (
    Credentials,
    MinimaxAuthError,
    MinimaxLockoutGuardError,
)
from airflow_provider_minimax.client.guard import forget_in_process
from airflow_provider_minimax.sandbox import Sandbox


def wrong(sandbox: Sandbox, password: str = "wrong-password") -> Credentials:
    creds = sandbox.settings.credentials
    return Credentials(creds.client_id, creds.client_secret, creds.username, password)


def test_a_refused_login_is_not_retried_and_says_why(
    minimax_sandbox: Sandbox, make_client: Any
) -> None:
    client = make_client(credentials=wrong(minimax_sandbox), max_retries=5)
    with pytest.raises(MinimaxLockoutGuardError) as caught:
        client.organisations()
    text = str(caught.value)
    assert "sandbox-user" in text
    assert "lock" in text
    assert "wrong-password" not in text
    assert str(client.transport.guard.path) in text
    assert minimax_sandbox.stats()["token_requests"] == 1
    assert minimax_sandbox.stats()["rejected_logins"] == 1


@pytest.mark.switch("login_error_style")
def test_both_refusal_shapes_are_recognised(
    minimax_sandbox: Sandbox, make_client: Any, switch_position: str
) -> None:
    style = switch_position
    with pytest.raises(MinimaxLockoutGuardError) as caught:
        make_client(credentials=wrong(minimax_sandbox)).organisations()
    assert ("Bad Request" if style == "plain" else "invalid_grant") in str(caught.value)


def test_other_clients_in_the_process_fail_without_asking(
    minimax_sandbox: Sandbox, make_client: Any
) -> None:
    for _ in range(10):
        with pytest.raises(MinimaxAuthError):
            make_client(credentials=wrong(minimax_sandbox)).organisations()
    assert minimax_sandbox.stats()["rejected_logins"] == 1
    assert minimax_sandbox.stats()["locked_applications"] == 0


def test_the_refusal_is_remembered_on_disk(minimax_sandbox: Sandbox, make_client: Any) -> None:
    client = make_client(credentials=wrong(minimax_sandbox))
    with pytest.raises(MinimaxAuthError):
        client.organisations()
    record = json.loads(client.transport.guard.path.read_text())
    assert record["username"] == "sandbox-user"
    assert "wrong-password" not in client.transport.guard.path.read_text()
    forget_in_process()  # as if this were another task on the same worker
    with pytest.raises(MinimaxLockoutGuardError, match="Not asking Minimax"):
        make_client(credentials=wrong(minimax_sandbox)).organisations()
    assert minimax_sandbox.stats()["rejected_logins"] == 1


def test_an_unreadable_record_still_refuses_and_says_so(
    minimax_sandbox: Sandbox, make_client: Any
) -> None:
    """A damaged record (or a Variable encrypted with another key) is kept as a refusal, to be
    safe, and the error says it could not be read instead of quoting its bytes."""
    client = make_client(credentials=wrong(minimax_sandbox))
    client.transport.guard.path.parent.mkdir(parents=True, exist_ok=True)
    client.transport.guard.path.write_text("gAAAAABq-not-json", "utf-8")
    with pytest.raises(MinimaxLockoutGuardError) as caught:
        client.organisations()
    text = str(caught.value)
    assert "refused the login 'sandbox-user' earlier (HTTP ?: the record of the refusal" in text
    assert "gAAAAABq" not in text
    assert minimax_sandbox.stats()["token_requests"] == 0


def test_another_process_on_the_worker_does_not_ask_either(
    minimax_sandbox: Sandbox, make_client: Any, tmp_path: Path
) -> None:
    with pytest.raises(MinimaxAuthError):
        make_client(credentials=wrong(minimax_sandbox)).organisations()
    script = textwrap.dedent(
        f"""
        from pathlib import Path
        from airflow_provider_minimax.client import *
        creds = Credentials("sandbox-client", "sandbox-secret", "sandbox-user", "wrong-password")
        config = ClientConfig(creds, base_url={minimax_sandbox.base_url!r},
                              guard_dir=Path({str(tmp_path / "guard")!r}))
        try:
            MinimaxClient(config).organisations()
        except MinimaxLockoutGuardError:
            print("guarded")
        """
    )
    done = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, timeout=60, env=os.environ
    )
    assert done.stdout.strip() == "guarded", done.stderr
    assert minimax_sandbox.stats()["rejected_logins"] == 1


def test_corrected_credentials_are_tried_at_once(
    minimax_sandbox: Sandbox, make_client: Any
) -> None:
    with pytest.raises(MinimaxAuthError):
        make_client(credentials=wrong(minimax_sandbox)).organisations()
    assert [org["ID"] for org in make_client().organisations()] == [123, 124]


def test_clearing_the_guard_allows_one_new_attempt(
    minimax_sandbox: Sandbox, make_client: Any
) -> None:
    client = make_client(credentials=wrong(minimax_sandbox))
    with pytest.raises(MinimaxAuthError):
        client.organisations()
    client.clear_lockout_guard()
    assert not client.transport.guard.path.exists()
    with pytest.raises(MinimaxLockoutGuardError, match="refused the login"):
        client.organisations()
    assert minimax_sandbox.stats()["rejected_logins"] == 2


def test_a_network_failure_is_not_a_refusal(make_client: Any, tmp_path: Path) -> None:
    from airflow_provider_minimax.client import MinimaxServerError

    client = make_client(base_url="http://127.0.0.1:9/SI/", timeout=2)
    with pytest.raises(MinimaxServerError, match="not retried"):
        client.organisations()
    assert not client.transport.guard.path.exists()
