"""OAuth2 password grant, bearer tokens, and the lock-out that makes wrong passwords dangerous.

Minimax locks a user's API *application* after repeated failed logins, and only deleting and
re-creating it in the web app undoes that. The sandbox does the same (with an admin reset instead)
so that a client's protection against it can be tested for real.
"""

from __future__ import annotations

import secrets
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Literal

from .errors import ApiError

LoginErrorStyle = Literal["oauth", "plain"]


@dataclass(frozen=True)
class Credentials:
    client_id: str = "sandbox-client"
    client_secret: str = "sandbox-secret"
    username: str = "sandbox-user"
    password: str = "sandbox-password"

    def token_form(self, **overrides: str) -> dict[str, str]:
        """The password-grant form a client posts to the token URL with these credentials
        (for tests, benchmarks and walks that talk to the sandbox without the client)."""
        form = {
            "grant_type": "password",
            "client_id": self.client_id,
            "client_secret": self.client_secret,
            "username": self.username,
            "password": self.password,
            "scope": "minimax.si",
        }
        return form | overrides


@dataclass
class Token:
    value: str
    username: str
    expires_at: float


@dataclass
class LoginRefused(Exception):
    """A rejected token request; the body depends on the configured style."""

    error: str
    description: str


@dataclass
class Authority:
    """Issues and checks tokens for one application login."""

    credentials: Credentials
    token_lifetime: int = 3600
    lockout_threshold: int = 5
    clock: Callable[[], float] = time.monotonic
    tokens: dict[str, Token] = field(default_factory=dict)
    failures: dict[tuple[str, str], int] = field(default_factory=dict)
    locked: set[tuple[str, str]] = field(default_factory=set)
    token_requests: int = 0
    rejected_logins: int = 0

    def __post_init__(self) -> None:
        # Counts must be exact under concurrent logins: tests assert "exactly one rejection".
        self._lock = threading.Lock()

    def grant(self, form: dict[str, str]) -> dict[str, object]:
        """Answer a token request, or raise LoginRefused."""
        with self._lock:
            self.token_requests += 1
            try:
                return self._grant(form)
            except LoginRefused:
                self.rejected_logins += 1
                raise

    def _grant(self, form: dict[str, str]) -> dict[str, object]:
        expected = self.credentials
        if form.get("grant_type") != "password":
            raise LoginRefused("unsupported_grant_type", "Only the password grant is supported.")
        if (form.get("client_id"), form.get("client_secret")) != (
            expected.client_id,
            expected.client_secret,
        ):
            raise LoginRefused("invalid_client", "The client credentials are invalid.")
        who = (form.get("client_id", ""), form.get("username", ""))
        if who in self.locked:
            raise LoginRefused(
                "invalid_grant", "The application is locked after repeated failed logins."
            )
        if (form.get("username"), form.get("password")) != (expected.username, expected.password):
            self.failures[who] = self.failures.get(who, 0) + 1
            if self.failures[who] >= self.lockout_threshold:
                self.locked.add(who)
            raise LoginRefused("invalid_grant", "The user name or password is incorrect.")
        self.failures.pop(who, None)
        value = secrets.token_urlsafe(32)
        self.tokens[value] = Token(value, expected.username, self.clock() + self.token_lifetime)
        return {
            "access_token": value,
            "token_type": "bearer",
            "expires_in": self.token_lifetime,
            "refresh_token": secrets.token_urlsafe(24),
            "scope": form.get("scope") or "minimax.si",
        }

    def check(self, authorization: str | None) -> Token:
        """The token of an `Authorization: Bearer …` header, or a 401."""
        scheme, _, value = (authorization or "").partition(" ")
        token = self.tokens.get(value.strip()) if scheme.lower() == "bearer" else None
        if token is None or token.expires_at <= self.clock():
            raise ApiError(401, "Authorization has been denied for this request.")
        return token

    def issued(self, *, valid_only: bool = False) -> list[str]:
        """The values of the tokens issued so far, oldest first (only unexpired ones if asked)."""
        with self._lock:
            now = self.clock()
            return [
                value
                for value, token in self.tokens.items()
                if not valid_only or token.expires_at > now
            ]

    def expire_all(self) -> int:
        """Make every issued token stale at once (a test of renewal in mid-export)."""
        with self._lock:
            count = len(self.tokens)
            for token in self.tokens.values():
                token.expires_at = self.clock() - 1
            return count

    def unlock(self) -> None:
        """The admin's cure for a locked application (in Minimax: re-create it)."""
        self.locked.clear()
        self.failures.clear()
