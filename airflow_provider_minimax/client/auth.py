"""Access tokens: one password grant per credentials per process, shared, renewed before expiry.

A token request is never retried: a refusal goes to the lock-out guard, a network failure is
reported as it is. Threads needing a token wait for the one request in flight.

A token is renewed `renew_margin` (60 s) before it expires, but never earlier than two thirds of
its life: a service that issues 30-second tokens would otherwise get a login for every call.
The credentials and every token issued are registered with scrub.py, so that no answer of the
service can carry them back into an error or a log line.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field

import requests

from .config import ClientConfig
from .errors import (
    MinimaxAuthError,
    MinimaxResponseError,
    MinimaxTokenUnavailableError,
)
from .guard import LockoutGuard
from .identity import identity_of
from .messages import server_words
from .scrub import register_credentials, register_token
from .tokenpost import send_token_request

log = logging.getLogger(__name__)


# The share of a token's life spent before it is renewed, at the latest: with a short lifetime
# the fixed margin would make every token "about to expire" the moment it arrives.
RENEW_FRACTION = 1 / 3


@dataclass
class Token:
    value: str = field(repr=False)
    expires_at: float = 0.0  # time.monotonic() seconds
    renew_at: float = 0.0  # from here on, a call first gets a new token


def renew_margin(lifetime: float, margin: float) -> float:
    """Seconds before expiry to renew: the configured margin, at most a third of the lifetime."""
    return max(0.0, min(margin, lifetime * RENEW_FRACTION))


class TokenSource:
    """The token of one set of credentials at one service, for the whole process."""

    def __init__(self, config: ClientConfig, clock: Callable[[], float] = time.monotonic) -> None:
        self.config = config
        self.clock = clock
        credentials = config.credentials
        register_credentials(
            identity_of(config).client_id, credentials.client_secret, credentials.password
        )
        self._token: Token | None = None
        self._lock = threading.Lock()
        self.requests_made = 0  # token requests sent by this process for these credentials

    def token(
        self,
        session: requests.Session,
        guard: LockoutGuard,
        *,
        on_request: Callable[[], None] | None = None,
        stale: str | None = None,
    ) -> str:
        """A valid token. `stale` names a token the service just refused: replace it."""
        with self._lock:
            current = self._token
            fresh_enough = current is not None and self.clock() < current.renew_at
            if current is not None and fresh_enough and current.value != stale:
                return current.value
            # One login attempt at a time across every process of this worker: tasks started
            # together must not each send a wrong password (the service locks the application).
            with guard.exclusive():
                guard.check()
                if on_request is not None:
                    on_request()
                self._token = self._request(session, guard)
            return self._token.value

    def forget(self) -> None:
        with self._lock:
            self._token = None

    def _request(self, session: requests.Session, guard: LockoutGuard) -> Token:
        config = self.config
        who = identity_of(config)  # trimmed, as the lock-out guard knows the login
        form = {
            "grant_type": "password",
            "client_id": who.client_id,
            "client_secret": who.client_secret,
            "username": who.username,
            "password": who.password,
            "scope": (config.scope or "").strip(),
        }
        self.requests_made += 1
        started = self.clock()
        response = send_token_request(session, config, form)
        if response.status_code in (400, 401, 403):
            raise guard.record_refusal(response.status_code, server_words(response))
        if response.status_code != 200:
            unavailable = response.status_code >= 500 or response.status_code in (408, 429)
            error_type = MinimaxTokenUnavailableError if unavailable else MinimaxAuthError
            raise error_type(
                f"Minimax answered the token request with HTTP {response.status_code}: "
                f"{server_words(response)}",
                method="POST",
                path=config.token_url,
                status=response.status_code,
            )
        try:
            body = response.json()
            value = body["access_token"]
            # Registered before anything can go wrong with the rest of the answer.
            register_token(value, body.get("refresh_token"))
            lifetime = float(body.get("expires_in") or 3600)
        except (ValueError, KeyError, TypeError, AttributeError):
            raise MinimaxResponseError(
                "The token answer has no access_token.", method="POST", path=config.token_url
            ) from None
        if not isinstance(value, str) or not value:
            raise MinimaxResponseError(
                "The token answer has an empty access_token.", method="POST", path=config.token_url
            )
        log.info(
            "Minimax token for %r obtained in %.3f s, valid %d s",
            config.credentials.username,
            self.clock() - started,
            lifetime,
        )
        margin = renew_margin(lifetime, config.renew_margin)
        return Token(value, started + lifetime, started + lifetime - margin)


_SOURCES: dict[str, TokenSource] = {}
_SOURCES_LOCK = threading.Lock()


def token_source(config: ClientConfig) -> TokenSource:
    """The process-wide token source for these credentials at this service."""
    with _SOURCES_LOCK:
        source = _SOURCES.get(config.fingerprint)
        if source is None:
            source = _SOURCES[config.fingerprint] = TokenSource(config)
        return source


def forget_tokens() -> None:
    """Drop every cached token of this process (tests; a fresh worker does the same)."""
    with _SOURCES_LOCK:
        _SOURCES.clear()
