"""Behaviour 1: one password grant per credentials per process, shared, renewed, 401 renews once."""

from __future__ import annotations

import threading
import time
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


def test_token_is_renewed_shortly_before_expiry(minimax_sandbox: Sandbox, make_client: Any) -> None:
    # Lifetime 3600 s, renew margin 3599.5 s: the token is "about to expire" after half a second.
    client = make_client(renew_margin=3599.5)
    client.organisations()
    client.get("customers", next(iter(client.list("customers")))["CustomerId"])
    assert minimax_sandbox.stats()["token_requests"] == 1
    time.sleep(0.6)
    client.list("countries").__next__()
    assert minimax_sandbox.stats()["token_requests"] == 2
    assert client.stats.token_requests == 2


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
