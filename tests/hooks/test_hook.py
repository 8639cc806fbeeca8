"""MinimaxHook over real HTTP to the sandbox: connection handling, the lock-out guard, secrets.

Every test gets its own guard directory (XDG_CACHE_HOME), so a refusal remembered on disk by one
test never answers for another.
"""

from __future__ import annotations

import copy
import importlib.util
import itertools
import json
import logging
import os
import subprocess
import sys
import uuid
from pathlib import Path
from typing import Any

import pytest

from airflow_provider_minimax.client import MinimaxConfigurationError, MinimaxError
from airflow_provider_minimax.client.guard import forget_in_process
from airflow_provider_minimax.get_provider_info import get_provider_info
from airflow_provider_minimax.hooks.minimax import MinimaxHook, VariableGuardStore
from airflow_provider_minimax.sandbox import Sandbox
from tests.dagtools import parse_dags, run_dag, use_bundles, xcoms
from tests.support import FORM_FIELDS, GUARD_DAGS

CONN_ENV = "AIRFLOW_CONN_MINIMAX_DEFAULT"


@pytest.fixture(autouse=True)
def guard_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """This test's own cache directory, where the on-disk guard keeps refused logins."""
    cache = tmp_path / "cache"
    monkeypatch.setenv("XDG_CACHE_HOME", str(cache))
    return cache / "airflow-provider-minimax" / "refused-logins"


def connection(sandbox: Sandbox, drop_extra: tuple[str, ...] = (), **changes: Any) -> str:
    """The sandbox's connection JSON with fields changed (`extra` entries merged in)."""
    conn = copy.deepcopy(sandbox.connection)
    conn["extra"].update(changes.pop("extra", {}))
    for name in drop_extra:
        conn["extra"].pop(name, None)
    conn.update(changes)
    return json.dumps(conn)


def use(monkeypatch: pytest.MonkeyPatch, conn_json: str) -> None:
    monkeypatch.setenv(CONN_ENV, conn_json)


def wrong_password() -> str:
    """A wrong password of its own: refusals shared through Variables outlive a test."""
    return f"wrong-{uuid.uuid4().hex[:12]}"


def org_customer_ids(sandbox: Sandbox, organisation_id: int) -> set[int]:
    return set(sandbox.ids(organisation_id, "customers"))


# -- one connection read and one session per hook ---------------------------------------------


def test_connection_is_read_once_per_hook(
    minimax_connection: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Many calls on one hook read the Airflow connection once; a new hook reads it again."""
    calls: list[str] = []
    original = MinimaxHook.get_connection

    def counting(cls: type, conn_id: str) -> Any:
        calls.append(conn_id)
        return original(conn_id)

    monkeypatch.setattr(MinimaxHook, "get_connection", classmethod(counting))
    hook = MinimaxHook()
    assert hook.test_connection()[0]
    hook.organisations()
    first = next(hook.list("customers"))
    hook.get("customers", first["CustomerId"])
    hook.get_by_code("vatrates", "S")
    hook.get_conn()
    assert calls == ["minimax_default"]
    MinimaxHook().get_conn()
    assert calls == ["minimax_default", "minimax_default"]


def test_one_pooled_session_per_hook(minimax_connection: str, minimax_sandbox: Sandbox) -> None:
    """get_conn() returns the same client; its calls reuse one kept-alive HTTP connection."""
    hook = MinimaxHook()
    client = hook.get_conn()
    assert hook.get_conn() is client
    session = client.transport.session
    hook.organisations()
    rows = list(itertools.islice(hook.list("customers"), 3))
    for row in rows:
        hook.get("customers", row["CustomerId"])
    assert hook.get_conn().transport.session is session
    manager = session.get_adapter(minimax_sandbox.base_url).poolmanager
    pools = [manager.pools[key] for key in manager.pools.keys()]  # noqa: SIM118 (no __iter__)
    # The token, the organisations, a list page and three reads: one TCP connection.
    assert [pool.num_connections for pool in pools] == [1]
    assert minimax_sandbox.stats()["requests"] == 6
    assert minimax_sandbox.stats()["token_requests"] == 1
    other = MinimaxHook()
    assert other.get_conn() is not client
    assert other.get_conn().transport.session is not session


# -- test_connection and the lock-out guard ---------------------------------------------------


def test_test_connection_lists_the_organisations(minimax_connection: str) -> None:
    """A working connection: True, and the organisations the login reaches by ID and name."""
    ok, message = MinimaxHook().test_connection()
    assert ok is True
    assert message.endswith(": reaches 2 organisations: 123 Demo d.o.o., 124 Primer d.o.o.")


def test_several_organisations_without_a_choice_are_listed_once_each(make_client: Any) -> None:
    """The error names every organisation and ends with one full stop after "d.o.o."."""
    with pytest.raises(MinimaxError) as caught:
        make_client(organisation_id=None).organisation_id()
    assert str(caught.value).endswith(
        "choose one with organisation_id: 123 Demo d.o.o., 124 Primer d.o.o."
    )


def test_test_connection_with_a_wrong_password_asks_once(
    minimax_sandbox: Sandbox, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A wrong password: False, a message naming the login and the lock-out, one refusal; a
    second test (another hook) sends no token request at all."""
    use(monkeypatch, connection(minimax_sandbox, password=wrong_password()))
    ok, message = MinimaxHook().test_connection()
    assert ok is False
    assert "'sandbox-user'" in message
    assert "refused" in message and "lock" in message
    stats = minimax_sandbox.stats()
    assert stats["rejected_logins"] == 1
    assert stats["token_requests"] == 1

    ok, again = MinimaxHook().test_connection()
    assert ok is False
    assert "Not asking Minimax for a token" in again
    assert minimax_sandbox.stats()["token_requests"] == 1


def test_guard_holds_across_hooks_and_processes_until_the_password_is_fixed(
    minimax_sandbox: Sandbox, monkeypatch: pytest.MonkeyPatch, guard_dir: Path
) -> None:
    """Several hooks and another Python process with the refused password make no second
    login (so the application is never locked); the fixed password works right away."""
    use(monkeypatch, connection(minimax_sandbox, password=wrong_password()))
    for _ in range(4):
        assert MinimaxHook().test_connection()[0] is False
    with pytest.raises(MinimaxError):
        MinimaxHook().organisations()
    # One remembered refusal (beside it, the worker-wide login lock of these credentials).
    assert sorted(path.suffix for path in guard_dir.iterdir()) == [".json", ".lock"]

    forget_in_process()  # this process forgets: the file alone must stop the next one
    code = (
        "from airflow_provider_minimax.hooks.minimax import MinimaxHook\n"
        "ok, message = MinimaxHook().test_connection()\n"
        "print('RESULT', ok, message)\n"
    )
    child = subprocess.run(
        [sys.executable, "-c", code],
        env=dict(os.environ),
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    [result] = [line for line in child.stdout.splitlines() if line.startswith("RESULT")]
    assert result.startswith("RESULT False Not asking Minimax for a token")
    assert MinimaxHook().test_connection()[0] is False

    stats = minimax_sandbox.stats()
    assert stats["rejected_logins"] == 1
    assert stats["token_requests"] == 1
    assert stats["locked_applications"] == 0

    use(monkeypatch, minimax_sandbox.airflow_connection)  # the password, fixed
    ok, message = MinimaxHook().test_connection()
    assert ok is True, message
    assert minimax_sandbox.stats()["rejected_logins"] == 1


# -- the Airflow Variable side of the guard --------------------------------------------------


@pytest.fixture
def guard_dags(airflow_db: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> dict[str, Any]:
    """Two small DAGs in a DAG bundle of their own."""
    folder = tmp_path / "dags"
    folder.mkdir()
    (folder / "minimax_guard_dags.py").write_text(GUARD_DAGS, "utf-8")
    use_bundles(monkeypatch, **{"minimax-guard-tests": folder})
    return parse_dags(folder)


def run_and_return(dag: Any) -> Any:
    """Run the one-task DAG with dag.test(); its task's return value."""
    dag_run = run_dag(dag)
    assert dag_run.state == "success"
    [value] = xcoms(dag_run).values()
    return value


def core_variable(key: str) -> str | None:
    """A Variable as the metadata database holds it (read directly, not through a task)."""
    from airflow.models.variable import Variable

    return Variable.get(key, default_var=None)


def test_variable_guard_store_round_trip_in_a_task(guard_dags: dict[str, Any]) -> None:
    """Inside a task, the guard's Variable store writes, reads back and deletes."""
    result = run_and_return(guard_dags["minimax_guard_round_trip"])
    assert result == {"seen": '{"status": "400"}', "after_delete": None}
    assert core_variable("minimax_refused_login_round_trip") is None


def test_refusal_in_a_task_is_shared_through_a_variable(
    guard_dags: dict[str, Any],
    minimax_sandbox: Sandbox,
    monkeypatch: pytest.MonkeyPatch,
    tmp_path: Path,
) -> None:
    """A task's refused login leaves a minimax_refused_login_… Variable (no secret in it); a task
    on a "worker" without the file or the in-process memory stops at that Variable."""
    password = wrong_password()
    use(monkeypatch, connection(minimax_sandbox, password=password))
    key = MinimaxHook().get_conn().transport.guard.key
    assert key.startswith("minimax_refused_login_")
    assert core_variable(key) is None
    try:
        first = run_and_return(guard_dags["minimax_guard_check"])
        assert first["ok"] is False and "refused the login 'sandbox-user'" in first["message"]
        stored = core_variable(key)
        assert stored is not None
        assert json.loads(stored)["username"] == "sandbox-user"
        assert password not in stored and "sandbox-secret" not in stored

        forget_in_process()
        monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "another-worker"))
        second = run_and_return(guard_dags["minimax_guard_check"])
        assert second["ok"] is False
        assert f"the Airflow Variable {key}" in second["message"]
        assert "Not asking Minimax for a token" in second["message"]
        assert minimax_sandbox.stats()["rejected_logins"] == 1
        assert minimax_sandbox.stats()["token_requests"] == 1
    finally:
        from airflow.models.variable import Variable

        Variable.delete(key)


# -- secrets ----------------------------------------------------------------------------------


def test_no_secret_in_errors_config_or_logs(
    minimax_sandbox: Sandbox, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    """Password, client secret and access token appear in no error text, repr or log line."""
    caplog.set_level(logging.DEBUG)
    bad_password = wrong_password()
    use(monkeypatch, connection(minimax_sandbox, password=bad_password))
    refused = MinimaxHook()
    with pytest.raises(MinimaxError) as failed_login:
        refused.organisations()
    texts = [str(failed_login.value), repr(failed_login.value), refused.test_connection()[1]]
    texts += [repr(refused.config), repr(refused.config.credentials)]

    use(monkeypatch, minimax_sandbox.airflow_connection)
    hook = MinimaxHook()
    texts.append(hook.test_connection()[1])
    customer = next(hook.list("customers"))
    hook.get("customers", customer["CustomerId"])
    with pytest.raises(MinimaxError) as not_found:
        hook.get("customers", 1)
    texts += [str(not_found.value), repr(not_found.value), repr(hook.config), repr(hook)]
    texts += [caplog.text, *(record.getMessage() for record in caplog.records)]

    tokens = minimax_sandbox.issued_tokens()
    assert tokens, "the good hook got a token"
    assert any(
        "Minimax token for 'sandbox-user' obtained" in r.getMessage() for r in caplog.records
    )
    assert any(
        r.name.startswith("airflow_provider_minimax") and r.levelno == logging.DEBUG
        for r in caplog.records
    )
    creds = minimax_sandbox.settings.credentials
    for secret in (bad_password, creds.password, creds.client_secret, *tokens):
        leaks = [text for text in texts if secret in text]
        assert not leaks, f"a secret leaked into: {leaks[0][:200]}"


# -- organisation resolution ------------------------------------------------------------------


def test_without_organisation_the_error_lists_the_choices(
    minimax_sandbox: Sandbox, monkeypatch: pytest.MonkeyPatch
) -> None:
    """No organisation in hook or connection, and two reachable: a clear error naming both."""
    use(monkeypatch, connection(minimax_sandbox, drop_extra=("organisation_id",)))
    some_id = min(org_customer_ids(minimax_sandbox, 123))
    with pytest.raises(MinimaxConfigurationError) as error:
        MinimaxHook().get("customers", some_id)
    message = str(error.value)
    assert "organisation_id" in message
    assert "123 Demo d.o.o." in message and "124 Primer d.o.o." in message


def test_hook_organisation_selects_the_organisation(
    minimax_sandbox: Sandbox, monkeypatch: pytest.MonkeyPatch
) -> None:
    """organisation_id=124 on the hook reads organisation 124's customers (not 123's)."""
    use(monkeypatch, connection(minimax_sandbox, drop_extra=("organisation_id",)))
    hook = MinimaxHook(organisation_id=124)
    listed = {row["CustomerId"] for row in hook.list("customers")}
    expected = org_customer_ids(minimax_sandbox, 124)
    assert listed == expected
    assert not listed & org_customer_ids(minimax_sandbox, 123)
    one = min(expected)
    assert hook.get("customers", one)["CustomerId"] == one


def test_hook_organisation_overrides_the_connections(
    minimax_connection: str, minimax_sandbox: Sandbox
) -> None:
    """The connection says 123; a hook made with organisation_id=124 still reads 124."""
    one = min(org_customer_ids(minimax_sandbox, 124))
    assert MinimaxHook(organisation_id=124).get("customers", one)["CustomerId"] == one
    with pytest.raises(MinimaxError):
        MinimaxHook().get("customers", one)  # not a customer of 123


# -- connection parsing -----------------------------------------------------------------------


def test_base_url_comes_from_host_even_when_it_names_the_api_root(
    minimax_sandbox: Sandbox, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Host is the base URL; a pasted API root (…/SI/API/) is accepted and works over HTTP."""
    use(monkeypatch, connection(minimax_sandbox, host=minimax_sandbox.api_url))
    hook = MinimaxHook()
    assert hook.config.base_url == minimax_sandbox.base_url
    assert hook.config.token_url == minimax_sandbox.token_url
    assert len(hook.organisations()) == 2


def test_empty_host_takes_the_country_base_url(
    minimax_sandbox: Sandbox, monkeypatch: pytest.MonkeyPatch
) -> None:
    """No host and extra country HR: the Croatian instance and its scope (no HTTP made)."""
    use(monkeypatch, connection(minimax_sandbox, host="", extra={"country": "HR"}))
    config = MinimaxHook().config
    assert config.base_url == "https://moj.minimax.hr/HR/"
    assert config.token_url == "https://moj.minimax.hr/HR/AUT/oauth20/token"
    assert config.scope == "minimax.hr"


def test_bare_host_name_keeps_the_country_path(
    minimax_sandbox: Sandbox, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Host `moj.minimax.hr` without a scheme, country HR: the HR base URL."""
    use(monkeypatch, connection(minimax_sandbox, host="moj.minimax.hr", extra={"country": "HR"}))
    assert MinimaxHook().config.base_url == "https://moj.minimax.hr/HR/"


def test_uri_form_connection(minimax_sandbox: Sandbox, monkeypatch: pytest.MonkeyPatch) -> None:
    """AIRFLOW_CONN_… in URI form (`minimax://user:pw@moj.minimax.si/SI?…`): the SI base URL."""
    use(
        monkeypatch, "minimax://user:secret-pw@moj.minimax.si/SI?client_id=c&client_secret=s-secret"
    )
    assert MinimaxHook().config.base_url == "https://moj.minimax.si/SI/"


def test_legacy_prefixed_extra_keys_are_accepted(
    minimax_sandbox: Sandbox, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    """extra__minimax__client_id / _client_secret / _organisation_id, as older UIs saved them."""
    creds = minimax_sandbox.settings.credentials
    conn = json.loads(minimax_sandbox.airflow_connection)
    conn["extra"] = {
        "extra__minimax__client_id": creds.client_id,
        "extra__minimax__client_secret": creds.client_secret,
        "extra__minimax__organisation_id": "124",
        "extra__minimax__page_size": "",  # an empty form field: the default
    }
    use(monkeypatch, json.dumps(conn))
    caplog.set_level(logging.WARNING)
    hook = MinimaxHook()
    assert hook.config.organisation_id == 124
    assert hook.config.page_size == 1000
    assert {row["CustomerId"] for row in hook.list("customers")} == org_customer_ids(
        minimax_sandbox, 124
    )
    assert "does not use" not in caplog.text


def test_non_numeric_page_size_names_connection_and_field(
    minimax_sandbox: Sandbox, monkeypatch: pytest.MonkeyPatch
) -> None:
    """page_size "lots": MinimaxConfigurationError naming the connection and the field; the
    connection test reports it instead of raising, and nothing is sent."""
    use(monkeypatch, connection(minimax_sandbox, extra={"page_size": "lots"}))
    with pytest.raises(MinimaxConfigurationError) as error:
        MinimaxHook().get_conn()
    message = str(error.value)
    assert "minimax_default" in message and "page_size" in message and "'lots'" in message
    ok, reported = MinimaxHook().test_connection()
    assert ok is False and "page_size" in reported
    assert minimax_sandbox.stats()["requests"] == 0


# -- the connection form ----------------------------------------------------------------------


def minimax_connection_type() -> dict[str, Any]:
    [conn_type] = get_provider_info()["connection-types"]
    assert conn_type["connection-type"] == "minimax"
    return conn_type


def test_ui_field_behaviour_mirrors_provider_info() -> None:
    """The hook's field behaviour (older Airflow) is the provider info's (Airflow >= 3.2)."""
    info = minimax_connection_type()["ui-field-behaviour"]
    behaviour = MinimaxHook.get_ui_field_behaviour()
    assert behaviour["hidden_fields"] == info["hidden-fields"] == ["schema", "port"]
    assert behaviour["relabeling"] == info["relabeling"]
    assert behaviour["relabeling"]["host"] == "Base URL"
    assert behaviour["relabeling"]["login"] == "API username"
    assert behaviour["relabeling"]["password"] == "API password"
    assert behaviour["placeholders"] == info["placeholders"]


def test_connection_form_widgets_mirror_conn_fields() -> None:
    """Widgets for every conn-field where WTForms exists; {} where it does not (Airflow 3)."""
    fields = minimax_connection_type()["conn-fields"]
    assert set(fields) == set(FORM_FIELDS)
    assert fields["client_secret"]["schema"]["format"] == "password"
    widgets = MinimaxHook.get_connection_form_widgets()
    if importlib.util.find_spec("wtforms") is None:
        assert widgets == {}
    else:
        assert set(widgets) == set(fields)


def test_guard_store_outside_a_task_is_best_effort(airflow_db: str) -> None:
    """Outside a task (Airflow 3) the Variable store reads nothing and never raises on read or
    delete; the on-disk guard is what protects code run there."""
    store = VariableGuardStore()
    assert store.read("minimax_refused_login_outside") is None
    store.delete("minimax_refused_login_outside")
    assert store.describe("k") == "the Airflow Variable k"


def test_a_non_numeric_organisation_id_is_a_clear_failure(
    minimax_sandbox: Sandbox, monkeypatch: pytest.MonkeyPatch
) -> None:
    """MinimaxHook(organisation_id="abc"): test_connection says so instead of raising."""
    use(monkeypatch, minimax_sandbox.airflow_connection)
    ok, message = MinimaxHook(organisation_id="abc").test_connection()
    assert not ok
    assert "organisation_id must be a number, not 'abc'" in message
