"""The bounds of one exchange as settings: deadline and max_response_bytes, checked and read."""

from __future__ import annotations

from types import SimpleNamespace

import pytest

from airflow_provider_minimax.client import ClientConfig, Credentials, MinimaxConfigurationError
from airflow_provider_minimax.client.redirects import same_origin, shown
from airflow_provider_minimax.hooks.connection import config_from_connection

CREDENTIALS = Credentials("id", "secret", "user", "password")


@pytest.mark.parametrize(
    ("options", "words"),
    [
        ({"deadline": 0}, "deadline must be between 0.1 and 3600 seconds"),
        ({"deadline": -1.5}, "deadline must be between 0.1 and 3600 seconds"),
        ({"max_response_bytes": 1000}, "max_response_bytes must be between 65536 and"),
    ],
)
def test_bounds_that_cannot_work_are_refused(options: dict[str, float], words: str) -> None:
    with pytest.raises(MinimaxConfigurationError, match=words):
        ClientConfig(CREDENTIALS, **options)  # type: ignore[arg-type]


def test_the_connection_extra_sets_both_bounds() -> None:
    conn = SimpleNamespace(
        conn_id="minimax_default",
        host="http://127.0.0.1:1/SI/",
        schema=None,
        port=None,
        login="user",
        password="password",
        extra_dejson={
            "client_id": "id",
            "client_secret": "secret",
            "deadline": "45.5",
            "max_response_bytes": 2_000_000,
        },
    )
    config = config_from_connection(conn)
    assert config.exchange_deadline == 45.5
    assert config.max_response_bytes == 2_000_000
    assert ClientConfig(CREDENTIALS).max_response_bytes == 64 * 1024 * 1024


@pytest.mark.parametrize(
    ("first", "second", "same"),
    [
        ("https://moj.minimax.si/SI/a", "https://MOJ.minimax.si:443/SI/b?x=1", True),
        ("https://moj.minimax.si/SI/a", "http://moj.minimax.si/SI/a", False),
        ("https://moj.minimax.si/SI/a", "https://moj.minimax.si:8443/SI/a", False),
        ("https://moj.minimax.si/SI/a", "https://moj.minimax.si.evil.example/SI/a", False),
        ("https://moj.minimax.si/SI/a", "https://user@evil.example/@moj.minimax.si/", False),
        ("https://moj.minimax.si/SI/a", "https://moj.minimax.si:x/SI/a", False),
    ],
)
def test_same_origin_means_scheme_host_and_port(first: str, second: str, same: bool) -> None:
    assert same_origin(first, second) is same


def test_a_redirect_target_is_shown_without_user_info_or_query() -> None:
    assert shown("https://me:pw@evil.example:8443/p/q?password=x#f") == (
        "https://evil.example:8443/p/q?…"
    )
    assert shown(None) == "(no Location)"
