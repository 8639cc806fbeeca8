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


# -- the guard's key: what the service locks, however it is spelled ------------------------------


class DictStore:
    """A shared guard store in a dict (what the hook keeps in Airflow Variables)."""

    def __init__(self) -> None:
        self.values: dict[str, str] = {}

    def read(self, key: str) -> str | None:
        return self.values.get(key)

    def write(self, key: str, value: str) -> None:
        self.values[key] = value

    def delete(self, key: str) -> None:
        self.values.pop(key, None)

    def describe(self, key: str) -> str:
        return f"the store's {key}"


def spellings_of_one_login(sandbox: Sandbox) -> list[dict[str, Any]]:
    """One wrong password, four spellings of the same application login at the same service."""
    creds = sandbox.settings.credentials
    localhost = sandbox.base_url.replace("127.0.0.1", "localhost")
    return [
        {},
        {"base_url": localhost},
        {"scope": "minimax.si "},
        {
            "credentials": Credentials(
                f" {creds.client_id}", creds.client_secret, creds.username, "wrong-password"
            )
        },
    ]


@pytest.mark.parametrize("store", ["process", "file", "shared"])
def test_four_spellings_of_one_login_cost_one_refusal(
    minimax_sandbox: Sandbox, tmp_path: Path, store: str
) -> None:
    """127.0.0.1 or localhost, a space after the scope or before the client id: one refused
    login in all (these gave four, and the sandbox locks at five), whichever store stops them."""
    from airflow_provider_minimax.client import ClientConfig, MinimaxClient

    assert minimax_sandbox.settings.lockout_threshold == 5
    shared = DictStore()
    outcomes = []
    for number, overrides in enumerate(spellings_of_one_login(minimax_sandbox)):
        if store != "process":
            forget_in_process()  # another task: only the file, or only the shared store, knows
        options: dict[str, Any] = {
            "credentials": wrong(minimax_sandbox),
            "base_url": minimax_sandbox.base_url,
            "guard_dir": tmp_path / ("guard" if store != "shared" else f"guard-{number}"),
        } | overrides
        client = MinimaxClient(
            ClientConfig(**options), guard_store=shared if store == "shared" else None
        )
        with pytest.raises(MinimaxLockoutGuardError) as caught:
            client.organisations()
        outcomes.append(str(caught.value))
        client.close()
    assert minimax_sandbox.stats()["rejected_logins"] == 1
    assert sum("Not asking Minimax for a token" in text for text in outcomes) == 3


def test_what_is_sent_is_what_the_guard_knows(minimax_sandbox: Sandbox, make_client: Any) -> None:
    """The client id's and username's pasted spaces are not sent (so a fix of them cannot be
    stopped by a refusal of the same login); the password is sent as it is."""
    creds = minimax_sandbox.settings.credentials
    spaced = Credentials(
        f" {creds.client_id} ", creds.client_secret, f"{creds.username} ", creds.password
    )
    assert [org["ID"] for org in make_client(credentials=spaced).organisations()] == [123, 124]
    with pytest.raises(MinimaxLockoutGuardError):
        make_client(
            credentials=Credentials(
                creds.client_id, creds.client_secret, creds.username, f"{creds.password} "
            )
        ).organisations()


def test_the_service_is_its_country_not_the_hosts_spelling() -> None:
    from airflow_provider_minimax.client.identity import service_of

    assert service_of("https://moj.minimax.si/SI/") == "SI"
    assert service_of("https://MOJ.minimax.si./si/") == "SI"
    assert service_of("http://127.0.0.1:8080/SI/") == service_of("http://localhost:9/SI/") == "SI"
    assert service_of("https://moj.minimax.hr/HR/") == "HR"
    assert service_of("https://moj.minimax.rs/RS/") != service_of("https://moj.minimax.si/SI/")
    # Without a country segment: the host, normalised, with its port.
    assert service_of("http://localhost.:8080/") == service_of("http://127.0.0.1:8080/")
    assert service_of("http://127.0.0.1:8080/") != service_of("http://127.0.0.1:8081/")


def test_a_record_of_the_old_key_is_still_a_refusal(
    minimax_sandbox: Sandbox, make_client: Any
) -> None:
    """A refusal remembered before the key was normalised (its file named after the exact token
    URL and scope) still stops the login; its raw message is shown scrubbed; clearing removes it."""
    client = make_client(credentials=wrong(minimax_sandbox))
    guard = client.transport.guard
    legacy = f"minimax_refused_login_{client.config.fingerprint[:24]}"  # the key until now
    assert legacy != guard.key
    old = guard.directory / f"{legacy}.json"
    guard.directory.mkdir(parents=True, exist_ok=True)
    old.write_text(
        json.dumps(
            {
                "username": "sandbox-user",
                "token_url": client.config.token_url,
                "status": "400",
                "server_message": "bad: password=wrong-password&client_secret=sandbox-secret",
                "refused_at": "2026-01-01T00:00:00+00:00",
            }
        ),
        "utf-8",
    )
    with pytest.raises(MinimaxLockoutGuardError, match="Not asking Minimax") as caught:
        client.organisations()
    assert "wrong-password" not in str(caught.value) and "sandbox-secret" not in str(caught.value)
    assert str(old) in str(caught.value)  # the file to delete is the one that holds it
    assert minimax_sandbox.stats()["token_requests"] == 0
    client.clear_lockout_guard()
    assert not old.exists()
