"""Every numeric setting of ClientConfig has a range, and a value outside it is refused with a
message naming the field and what to do; base URLs are completed, never doubled or contradicted.
No HTTP: a configuration is refused before any call."""

from __future__ import annotations

import dataclasses
from typing import Any

import pytest

from airflow_provider_minimax.client import ClientConfig, Credentials, MinimaxConfigurationError
from airflow_provider_minimax.client.config import normalise_base_url
from airflow_provider_minimax.client.settings import LIMITS, from_text

CREDENTIALS = Credentials("c", "s", "u", "p")
NAN, INF = float("nan"), float("inf")

# field -> (good values, bad values). Bad: out of range, not finite, the wrong kind of number.
TABLE: dict[str, tuple[list[Any], list[Any]]] = {
    "organisation_id": ([None, 1, 123456], [0, -1, 2.5, True, "123"]),
    "page_size": ([1, 1000, 10_000], [0, -5, 10_001, 2.5, 1000.0, True, "100", None]),
    "timeout": ([1, 1.5, 60.0, 600], [0, 0.3, -1, 601, NAN, INF, -INF, True, "60", None]),
    "max_retries": ([0, 5, 10], [-1, 11, 100, 2.5, False, None]),
    "backoff_initial": ([0, 0.01, 60], [-0.1, 61, NAN, INF]),
    "backoff_max": ([0, 30.0, 600], [-1, 601, NAN]),
    "retry_after_cap": ([0, 120.0, 3600], [-1, 3601, INF]),
    "max_calls": ([None, 1, 10**9], [0, -3, 1.5, NAN]),
    "max_workers": ([1, 4, 16], [0, 17, 100_000, 2.5, None]),
    "renew_margin": ([0, 60.0, 3599.5], [-1, 3601, NAN]),
    "deadline": ([None, 0.1, 2.5, 3600], [0, 0.05, -1.5, 3601, NAN, INF]),
    "max_response_bytes": ([65_536, 64 * 1024 * 1024], [1000, 65_535, 2**31, 1.5e6, None]),
    "daily_budget": ([101, 1000, 10_000_000], [0, -1, 10_000_001, 2.5, NAN, True, "1000", None]),
    "monthly_budget": ([101, 20_000], [0, -1, 100_000_001, 1.5, None]),
    "reserve": ([0, 100, 999], [-1, 2.5, NAN, None, "100"]),
    "budget_window": ([60, 600, 86_400, 31 * 86_400], [0, 59, 31 * 86_400 + 1, 60.5, INF, None]),
}


def config(**settings: Any) -> ClientConfig:
    return ClientConfig(CREDENTIALS, **settings)


def test_every_numeric_setting_has_a_range_and_a_row_here() -> None:
    """A new numeric field of ClientConfig needs its line in LIMITS (and its cases here)."""
    numeric = {
        item.name
        for item in dataclasses.fields(ClientConfig)
        if any(kind in str(item.type) for kind in ("int", "float"))
    }
    assert numeric == set(LIMITS) == set(TABLE)


@pytest.mark.parametrize(
    ("name", "value"), [(name, value) for name, (good, _) in TABLE.items() for value in good]
)
def test_good_values_are_accepted(name: str, value: Any) -> None:
    assert getattr(config(**{name: value}), name) == value


@pytest.mark.parametrize(
    ("name", "value"), [(name, value) for name, (_, bad) in TABLE.items() for value in bad]
)
def test_bad_values_are_refused_naming_the_field_the_range_and_what_to_do(
    name: str, value: Any
) -> None:
    with pytest.raises(MinimaxConfigurationError) as caught:
        config(**{name: value})
    message = str(caught.value)
    assert message.startswith(f"{name} must be "), message
    assert repr(value) in message and LIMITS[name].describe() in message
    assert "leave it out for " in message
    assert caught.value.retry_may_help is False


def test_the_messages_say_the_default_or_what_leaving_it_out_means() -> None:
    with pytest.raises(MinimaxConfigurationError, match=r"the default, 60 seconds\.$"):
        config(timeout=NAN)
    with pytest.raises(MinimaxConfigurationError, match=r"leave it out for no budget\.$"):
        config(max_calls=0)
    with pytest.raises(MinimaxConfigurationError, match="between 1 and 16 "):
        config(max_workers=100_000)


@pytest.mark.parametrize(
    ("name", "text", "number"),
    [
        ("timeout", "30", 30.0),
        ("timeout", " 2.5 ", 2.5),
        ("timeout", "nan", NAN),
        ("page_size", "500", 500),
        ("page_size", 500.0, 500),  # JSON may spell a whole number so
        ("page_size", "2.5", 2.5),  # kept as it is, for ClientConfig to refuse
        ("max_workers", 4, 4),
    ],
)
def test_connection_text_becomes_the_number_it_says(name: str, text: Any, number: Any) -> None:
    value = from_text(name, text)
    assert type(value) is type(number)
    assert value == number or (value != value and number != number)  # nan equals nothing


def test_text_that_is_no_number_is_refused_naming_the_field() -> None:
    with pytest.raises(MinimaxConfigurationError, match=r"page_size must be a number, .*'lots'"):
        from_text("page_size", "lots")


# -- the base URL -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("given", "country", "base"),
    [
        ("https://moj.minimax.si/SI/", None, "https://moj.minimax.si/SI/"),
        ("https://moj.minimax.si/SI", None, "https://moj.minimax.si/SI/"),
        ("https://moj.minimax.si/SI/API/", None, "https://moj.minimax.si/SI/"),
        ("moj.minimax.si/SI", None, "https://moj.minimax.si/SI/"),  # once, not …/SI/SI/
        ("moj.minimax.hr/HR/", "hr", "https://moj.minimax.hr/HR/"),
        ("localhost:8080/SI", None, "http://localhost:8080/SI/"),
        ("127.0.0.1:8080/SI/", "SI", "http://127.0.0.1:8080/SI/"),
        ("https://proxy.example/minimax/", "HR", "https://proxy.example/minimax/"),
        (None, "RS", "https://moj.minimax.rs/RS/"),
        ("", None, "https://moj.minimax.si/SI/"),
    ],
)
def test_base_urls_as_users_paste_them(given: str | None, country: str | None, base: str) -> None:
    assert normalise_base_url(given, country) == base


def test_a_scheme_less_base_url_in_the_client_config_gets_https() -> None:
    made = config(base_url="moj.minimax.hr/HR")
    assert made.base_url == "https://moj.minimax.hr/HR/"
    assert made.token_url == "https://moj.minimax.hr/HR/AUT/oauth20/token"
    assert made.country == "HR" and made.scope == "minimax.hr"


def test_a_country_the_base_url_contradicts_is_refused_naming_both() -> None:
    with pytest.raises(MinimaxConfigurationError) as caught:
        normalise_base_url("https://moj.minimax.si/SI/", "HR")
    message = str(caught.value)
    assert "country HR" in message and "https://moj.minimax.si/SI/" in message
    assert "https://moj.minimax.hr/HR/" in message  # what to write instead
    assert caught.value.retry_may_help is False


@pytest.mark.parametrize("country", ["XX", "Slovenia", "S I"])
def test_an_unknown_country_is_refused_even_with_a_base_url(country: str) -> None:
    with pytest.raises(MinimaxConfigurationError, match="country must be one of SI, HR, RS"):
        normalise_base_url("https://moj.minimax.si/SI/", country)
