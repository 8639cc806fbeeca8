"""The settings that lied (issue 14): each is now refused by the connection with a message that
names the connection, the field and what to do, and fails the task at once; the base URL as a
user types it is completed, never doubled."""

from __future__ import annotations

import json
from typing import Any

import pytest
from airflow.providers.common.compat.sdk import AirflowFailException

from airflow_provider_minimax.client import MinimaxConfigurationError
from airflow_provider_minimax.hooks.minimax import MinimaxHook
from airflow_provider_minimax.operators.records import MinimaxCreateOperator
from airflow_provider_minimax.sandbox import Sandbox

CONN_ENV = "AIRFLOW_CONN_MINIMAX_DEFAULT"
BASE = {
    "conn_type": "minimax",
    "login": "user",
    "password": "pw-secret",
    "extra": {"client_id": "c", "client_secret": "s-secret"},
}


def use(monkeypatch: pytest.MonkeyPatch, **changes: Any) -> None:
    conn = {**BASE, **changes, "extra": {**BASE["extra"], **changes.get("extra", {})}}
    monkeypatch.setenv(CONN_ENV, json.dumps(conn))


def refusal(monkeypatch: pytest.MonkeyPatch, **changes: Any) -> str:
    use(monkeypatch, **changes)
    with pytest.raises(MinimaxConfigurationError) as caught:
        _ = MinimaxHook().config
    assert caught.value.retry_may_help is False
    message = str(caught.value)
    assert message.startswith("Connection minimax_default: "), message
    return message


@pytest.mark.parametrize(
    ("extra", "words"),
    [
        ({"timeout": "nan"}, ["timeout must be between 1 and 600 seconds", "not nan"]),
        ({"timeout": "inf"}, ["timeout must be between 1 and 600 seconds", "not inf"]),
        ({"timeout": "1e400"}, ["timeout must be", "not inf"]),
        ({"max_workers": 100_000}, ["max_workers must be between 1 and 16", "100000"]),
        ({"max_workers": "100000"}, ["max_workers must be between 1 and 16", "100000"]),
        ({"page_size": 2.5}, ["page_size must be between 1 and 10000 (a whole number)", "2.5"]),
        ({"page_size": "2.5"}, ["page_size must be between 1 and 10000 (a whole number)", "2.5"]),
        ({"max_retries": 1000}, ["max_retries must be between 0 and 10", "1000"]),
        ({"max_calls": 0}, ["max_calls must be 1 or more", "no budget"]),
        ({"organisation_id": "0"}, ["organisation_id must be 1 or more"]),
        ({"timeout": "soon"}, ["extra timeout must be a number", "'soon'"]),
    ],
)
def test_a_setting_out_of_range_names_the_connection_and_the_field(
    monkeypatch: pytest.MonkeyPatch, extra: dict[str, Any], words: list[str]
) -> None:
    message = refusal(monkeypatch, host="https://moj.minimax.si/SI/", extra=extra)
    for word in words:
        assert word in message, message
    assert "Set it in that range" in message or "must be a number" in message


def test_a_whole_number_spelt_as_a_float_is_that_number(monkeypatch: pytest.MonkeyPatch) -> None:
    use(monkeypatch, extra={"page_size": 500.0, "timeout": 30, "max_workers": "4"})
    config = MinimaxHook().config
    assert (config.page_size, config.timeout, config.max_workers) == (500, 30.0, 4)


@pytest.mark.parametrize(
    ("host", "schema", "extra", "base"),
    [
        ("moj.minimax.si/SI", None, {}, "https://moj.minimax.si/SI/"),  # was …/SI/SI/
        ("moj.minimax.si/SI/", None, {"country": "SI"}, "https://moj.minimax.si/SI/"),
        ("moj.minimax.hr/HR", None, {"country": "hr"}, "https://moj.minimax.hr/HR/"),
        ("moj.minimax.hr", None, {"country": "HR"}, "https://moj.minimax.hr/HR/"),
        ("moj.minimax.rs", "RS", {}, "https://moj.minimax.rs/RS/"),
        ("moj.minimax.si/SI/API/", None, {}, "https://moj.minimax.si/SI/"),
    ],
)
def test_a_host_without_a_scheme_gets_https_and_its_path_once(
    monkeypatch: pytest.MonkeyPatch, host: str, schema: str | None, extra: dict[str, Any], base: str
) -> None:
    use(monkeypatch, host=host, schema=schema, extra=extra)
    config = MinimaxHook().config
    assert config.base_url == base
    assert config.token_url == f"{base}AUT/oauth20/token"


@pytest.mark.parametrize(
    ("host", "schema"),
    [("https://moj.minimax.si/SI/", None), ("moj.minimax.si/SI", None), ("moj.minimax.si", "SI")],
)
def test_country_hr_with_an_si_host_is_refused_naming_both(
    monkeypatch: pytest.MonkeyPatch, host: str, schema: str | None
) -> None:
    """Once, country HR was silently ignored and the Slovenian service used."""
    message = refusal(monkeypatch, host=host, schema=schema, extra={"country": "HR"})
    assert "country HR contradicts the base URL https://moj.minimax.si/SI/" in message
    assert "Remove country, or make the base URL https://moj.minimax.hr/HR/" in message


def test_a_lie_in_the_connection_fails_the_task_at_once_without_a_call(
    minimax_sandbox: Sandbox, monkeypatch: pytest.MonkeyPatch
) -> None:
    """timeout "nan" once raised a raw ValueError from requests, retried for nothing."""
    conn = minimax_sandbox.connection
    conn["extra"]["timeout"] = "nan"
    monkeypatch.setenv(CONN_ENV, json.dumps(conn))
    task = MinimaxCreateOperator(task_id="t", resource="customers", payload={"Code": "T-1"})
    with pytest.raises(AirflowFailException, match="Connection minimax_default: timeout must be"):
        task.execute({})
    assert minimax_sandbox.stats()["requests"] == 0
    ok, said = MinimaxHook().test_connection()
    assert ok is False and "timeout must be" in said


@pytest.mark.parametrize("workers", [0, 17, 100_000, 2.5])
def test_a_list_or_an_export_asking_for_too_many_workers_is_refused(
    minimax_sandbox: Sandbox, make_client: Any, tmp_path: Any, workers: Any, monkeypatch: Any
) -> None:
    """The per-call max_workers has the connection's range; the export's template text too."""
    with pytest.raises(MinimaxConfigurationError, match="max_workers must be between 1 and 16"):
        make_client().list("customers", max_workers=workers)
    from airflow_provider_minimax.operators.export import MinimaxExportOperator

    monkeypatch.setenv(CONN_ENV, json.dumps(minimax_sandbox.connection))
    task = MinimaxExportOperator(
        task_id="t",
        resource="customers",
        mode="full",
        destination=str(tmp_path / "c.jsonl"),
        max_workers=str(workers),  # as a template renders it
    )
    with pytest.raises(AirflowFailException, match="max_workers must be between 1 and 16"):
        task.execute({})
    assert not (tmp_path / "c.jsonl").exists()
