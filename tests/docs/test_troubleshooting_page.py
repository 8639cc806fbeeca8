"""The snippets of troubleshooting.md: reading a validation error, clearing the lock-out guard."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import requests

from airflow_provider_minimax.client import MinimaxLockoutGuardError
from airflow_provider_minimax.hooks.minimax import MinimaxHook
from airflow_provider_minimax.sandbox import Sandbox
from tests.docs.snippets import snippet


def test_a_validation_error_names_the_field(run_python: Any, minimax_sandbox: Sandbox) -> None:
    _, printed = run_python("troubleshooting-validation")
    assert printed == snippet("troubleshooting-validation-output").code
    assert minimax_sandbox.writes == 0


def test_clearing_the_guard_after_the_application_was_unlocked(
    run_python: Any,
    minimax_sandbox: Sandbox,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The application is locked by wrong passwords sent elsewhere; then even the right one is
    refused and remembered. Once it is unlocked, the page's snippet lets it be tried again."""
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    creds = minimax_sandbox.settings.credentials
    for attempt in range(minimax_sandbox.settings.lockout_threshold):
        form = creds.token_form(password=f"wrong-{attempt}")
        assert requests.post(minimax_sandbox.token_url, data=form, timeout=10).status_code == 400
    assert minimax_sandbox.stats()["locked_applications"] == 1

    try:
        with pytest.raises(MinimaxLockoutGuardError, match="Minimax refused the login"):
            MinimaxHook().organisations()
        requests.post(f"{minimax_sandbox.root_url}/_sandbox/unlock", timeout=10).raise_for_status()
        asked = minimax_sandbox.stats()["token_requests"]
        with pytest.raises(MinimaxLockoutGuardError, match="Not asking Minimax for a token"):
            MinimaxHook().organisations()
        assert minimax_sandbox.stats()["token_requests"] == asked  # the guard did not ask

        run_python("troubleshooting-clear-guard")
        assert [org["ID"] for org in MinimaxHook().organisations()] == [123, 124]
        assert not list((tmp_path / "cache").rglob("minimax_refused_login_*.json"))
    finally:
        # The sandbox's right credentials must not stay refused for later tests (where an
        # Airflow Variable can be written outside a task, as on Airflow 2, it would).
        MinimaxHook().clear_lockout_guard()
