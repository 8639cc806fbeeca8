"""Errors a caller can catch, each carrying the method, the path and the server's own words.

`except MinimaxError` catches every one of them. No secret ever enters an error: paths carry
IDs, never tokens, and the query string (where a RowVersion lives) is left out of the text.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass


@dataclass(frozen=True)
class FieldError:
    """One `ValidationMessages[]` entry: which field, and what the service said of it."""

    field: str | None
    message: str

    def __str__(self) -> str:
        return f"{self.field}: {self.message}" if self.field else self.message


class MinimaxError(Exception):
    """Base of every error this client raises."""

    def __init__(
        self,
        message: str,
        *,
        method: str | None = None,
        path: str | None = None,
        status: int | None = None,
        server_message: str | None = None,
        field_errors: Sequence[FieldError] = (),
    ) -> None:
        self.method = method
        self.path = path
        self.status = status
        self.server_message = server_message
        self.field_errors = tuple(field_errors)
        super().__init__(message)

    def __str__(self) -> str:
        text = str(self.args[0]) if self.args else ""
        where = " ".join(part for part in (self.method, self.path) if part)
        status = f"HTTP {self.status}" if self.status is not None else ""
        context = ", ".join(part for part in (where, status) if part)
        return f"{text} [{context}]" if context else text


class MinimaxConfigurationError(MinimaxError):
    """The call cannot be made as asked: unknown resource, bad argument, unreachable org."""


class MinimaxAuthError(MinimaxError):
    """The service refused the credentials or the token."""


class MinimaxLockoutGuardError(MinimaxAuthError):
    """A token request was refused earlier for these credentials; trying again could lock them."""


class MinimaxNotFoundError(MinimaxError):
    """404: no such record, code or path."""


class MinimaxValidationError(MinimaxError):
    """400: the service refused the data; `field_errors` names the fields."""


class MinimaxConcurrencyError(MinimaxError):
    """The record changed since its RowVersion was read."""


class MinimaxRateLimitError(MinimaxError):
    """429 (or a budget of this client's): too many calls."""

    def __init__(
        self,
        message: str,
        *,
        retry_after: float | None = None,
        method: str | None = None,
        path: str | None = None,
        status: int | None = None,
        server_message: str | None = None,
    ) -> None:
        self.retry_after = retry_after
        super().__init__(
            message, method=method, path=path, status=status, server_message=server_message
        )


class MinimaxCallBudgetError(MinimaxRateLimitError):
    """This client's own `max_calls` budget would be exceeded; nothing was sent."""


class MinimaxServerError(MinimaxError):
    """5xx, or the connection failed, after every retry."""


class MinimaxResponseError(MinimaxError):
    """The answer was not what the API promises (not JSON, a missing envelope field, no ID …)."""


class MinimaxTruncationError(MinimaxResponseError):
    """A list ended with a different number of rows than its TotalRows: nothing may be trusted."""


class MinimaxAmbiguousWriteError(MinimaxError):
    """A write may or may not have reached the service; it was not repeated blindly."""
