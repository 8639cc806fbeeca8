"""Shared fixtures. The `minimax_sandbox` fixture comes from the package's own pytest plugin.

Airflow reads its configuration when first imported, so the test run's private AIRFLOW_HOME
(SQLite, no example DAGs) is set here, before any test module imports Airflow.
"""

from __future__ import annotations

import base64
import os
import tempfile
from collections.abc import Iterator
from typing import Any

_AIRFLOW_HOME = tempfile.mkdtemp(prefix="minimax-airflow-home-")
os.environ["AIRFLOW_HOME"] = _AIRFLOW_HOME
os.environ["AIRFLOW__CORE__LOAD_EXAMPLES"] = "False"
# One encryption key for this process and the Airflow processes it starts (`db migrate`, the
# API server): each would otherwise read or invent its own, and the others' Variables would be
# ciphertext to it.
os.environ["AIRFLOW__CORE__FERNET_KEY"] = base64.urlsafe_b64encode(os.urandom(32)).decode()
# The lock-out guard remembers refused logins in the user's cache directory: keep tests' apart.
os.environ["XDG_CACHE_HOME"] = tempfile.mkdtemp(prefix="minimax-cache-")
os.environ.pop("AIRFLOW_CONN_MINIMAX_DEFAULT", None)

import pytest  # noqa: E402 (after the environment is set)

from airflow_provider_minimax.client import ClientConfig, Credentials, MinimaxClient  # noqa: E402
from airflow_provider_minimax.client.auth import forget_tokens  # noqa: E402
from airflow_provider_minimax.client.guard import forget_in_process  # noqa: E402
from airflow_provider_minimax.client.scrub import forget_secrets  # noqa: E402
from airflow_provider_minimax.sandbox import Sandbox, Settings  # noqa: E402

from .postgres import postgres_dsn, postgres_server  # noqa: E402, F401
from .support import Api  # noqa: E402
from .switches import (  # noqa: E402, F401
    _switch_set,
    pytest_generate_tests,
    switch_name,
    switch_position,
)


@pytest.fixture(autouse=True)
def _fresh_process_state() -> Iterator[None]:
    """Tokens and refused logins are process-wide by design; each test starts without them."""
    forget_tokens()
    forget_in_process()
    forget_secrets()
    yield
    forget_tokens()
    forget_in_process()
    forget_secrets()


@pytest.fixture(autouse=True)
def _fresh_ledger(
    tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Each test counts its API calls in a ledger of its own: the suite makes thousands of calls
    to one sandbox organisation, which one shared ledger would refuse after the first 900.
    The ledger lives in the user's cache folder, so each test gets its own; refused logins
    live there too, and a test starts without them anyway (above)."""
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path_factory.mktemp("cache")))


@pytest.fixture(scope="module")
def country_sandboxes() -> Iterator[dict[str, Sandbox]]:
    """The Croatian and Serbian worlds, for this module (the session's sandbox is Slovenian)."""
    started = {country: Sandbox(Settings(country=country)).start() for country in ("HR", "RS")}
    yield started
    for sandbox in started.values():
        sandbox.stop()


@pytest.fixture(scope="session")
def airflow_db() -> str:
    """`airflow db migrate`, once per test run, in the run's private AIRFLOW_HOME."""
    import subprocess
    import sys
    from pathlib import Path

    airflow = Path(sys.executable).parent / "airflow"
    subprocess.run([str(airflow), "db", "migrate"], check=True, capture_output=True, timeout=600)
    return _AIRFLOW_HOME


@pytest.fixture
def sleeps() -> list[float]:
    """The waits a client asked for (recorded instead of slept, so retry tests are fast)."""
    return []


@pytest.fixture
def make_client(minimax_sandbox: Sandbox, tmp_path: Any, sleeps: list[float]) -> Any:
    """A MinimaxClient for the sandbox; keyword arguments override ClientConfig fields (and
    `clock`, `ledger` are handed to MinimaxClient)."""
    made: list[MinimaxClient] = []

    def make(**overrides: Any) -> MinimaxClient:
        creds = minimax_sandbox.settings.credentials
        credentials = overrides.pop(
            "credentials",
            Credentials(creds.client_id, creds.client_secret, creds.username, creds.password),
        )
        wiring = {name: overrides.pop(name) for name in ("clock", "ledger") if name in overrides}
        options: dict[str, Any] = {
            "base_url": minimax_sandbox.base_url,
            "organisation_id": 123,
            "guard_dir": tmp_path / "guard",
            "backoff_initial": 0.01,
            "backoff_max": 0.05,
        } | overrides
        client = MinimaxClient(ClientConfig(credentials, **options), sleep=sleeps.append, **wiring)
        made.append(client)
        return client

    yield make
    for client in made:
        client.close()


@pytest.fixture
def api(minimax_sandbox: Sandbox) -> Iterator[Api]:
    client = Api(minimax_sandbox)
    yield client
    client.session.close()
