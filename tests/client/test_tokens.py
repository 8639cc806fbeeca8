"""Behaviour 1: one password grant per credentials per process, shared, renewed, 401 renews once."""

from __future__ import annotations

import threading
from typing import Any

import pytest

from airflow_provider_minimax.sandbox import Sandbox


def test_one_token_for_many_clients_and_threads(make_client: Any, minimax_sandbox: Sandbox) -> None:
    clients = [make_client() for _ in range(4)]
    errors: list[BaseException] = []

    def work(client: Any) -> None:
        try:
            for _ in range(3):
                client.get("customers", next(iter(client.list("customers")))["CustomerId"])
        except BaseException as error:  # reported below
            errors.append(error)

    threads = [threading.Thread(target=work, args=(c,)) for c in clients for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not errors
    assert minimax_sandbox.stats()["token_requests"] == 1


def test_other_credentials_get_their_own_token(make_client: Any, minimax_sandbox: Sandbox) -> None:
    make_client().organisations()
    make_client(scope="minimax.other").organisations()
    assert minimax_sandbox.stats()["token_requests"] == 2


class Clock:
    """The token source's clock, moved by hand (the sandbox keeps its own, real one)."""

    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def with_clock(client: Any) -> Clock:
    clock = Clock()
    client.transport.tokens.clock = clock
    return clock


def test_token_is_renewed_shortly_before_expiry(minimax_sandbox: Sandbox, make_client: Any) -> None:
    # Lifetime 3600 s: renewed 60 s (the renew margin) before it expires, not earlier.
    client = make_client()
    clock = with_clock(client)
    client.organisations()
    client.get("customers", next(iter(client.list("customers")))["CustomerId"])
    clock.now += 3600 - 60 - 1
    client.list("countries").__next__()
    assert minimax_sandbox.stats()["token_requests"] == 1
    clock.now += 2
    client.list("countries").__next__()
    assert minimax_sandbox.stats()["token_requests"] == 2
    assert client.stats.token_requests == 2


def test_a_token_shorter_lived_than_the_margin_serves_many_calls(
    minimax_sandbox: Sandbox, make_client: Any
) -> None:
    """30-second tokens, a 60-second margin: renewed after two thirds of their life, not at once
    (which made one login per call: 163 grants for 163 calls)."""
    minimax_sandbox.expire_tokens(lifetime=30)
    client = make_client()
    calls = 50
    for _ in range(calls):
        client.list("countries").__next__()
    assert minimax_sandbox.stats()["token_requests"] == 1


def test_a_three_second_token_is_renewed_after_two_seconds(
    minimax_sandbox: Sandbox, make_client: Any
) -> None:
    minimax_sandbox.expire_tokens(lifetime=3)
    client = make_client()
    clock = with_clock(client)
    client.list("countries").__next__()
    clock.now += 1.9
    client.list("countries").__next__()
    assert minimax_sandbox.stats()["token_requests"] == 1
    clock.now += 0.2  # 2.1 s of 3: within the last third
    client.list("countries").__next__()
    assert minimax_sandbox.stats()["token_requests"] == 2


def test_a_larger_margin_is_capped_at_a_third_of_the_lifetime() -> None:
    from airflow_provider_minimax.client.auth import renew_margin

    assert renew_margin(3600, 60) == 60
    assert renew_margin(30, 60) == 10
    assert renew_margin(3, 60) == 1
    assert renew_margin(3600, 3599.5) == 1200
    assert renew_margin(3600, 0) == 0


def test_a_401_renews_the_token_once_and_repeats_the_call(
    minimax_sandbox: Sandbox, make_client: Any
) -> None:
    client = make_client()
    first = next(iter(client.list("customers")))
    minimax_sandbox.expire_tokens()
    again = client.get("customers", first["CustomerId"])
    assert again["CustomerId"] == first["CustomerId"]
    stats = minimax_sandbox.stats()
    assert stats["token_requests"] == 2
    assert stats["by_status"]["401"] == 1


def test_a_second_401_is_an_auth_error_not_a_loop(
    minimax_sandbox: Sandbox, make_client: Any
) -> None:
    from airflow_provider_minimax.client import MinimaxAuthError

    client = make_client(renew_margin=0)
    client.organisations()
    # Tokens that are dead on arrival: every token the sandbox issues expires at once.
    minimax_sandbox.expire_tokens(lifetime=0)
    with pytest.raises(MinimaxAuthError) as caught:
        client.get("customers", 1)
    assert caught.value.status == 401
    assert minimax_sandbox.stats()["token_requests"] == 2  # one renewal, no loop
