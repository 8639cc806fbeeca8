"""Errors a caller can catch, each carrying the method, the path and the server's own words.

`except MinimaxError` catches every one of them. No secret ever enters an error: paths carry
IDs, never tokens, and the query string (where a RowVersion lives) is left out of the text. The
server's words are scrubbed where they enter (messages.py); the base class scrubs its texts once
more, so that a text built anywhere else (a header's value, a reason phrase) cannot carry one.

Each class says in `retry_may_help` whether running the same call again later can succeed;
the Airflow tasks fail at once, without their retries, where it cannot. A subclass inherits
its parent's answer unless it sets its own.
"""

from __future__ import annotations

import datetime
from collections.abc import Sequence
from dataclasses import dataclass, replace
from typing import Any

from .scrub import scrub


@dataclass(frozen=True)
class FieldError:
    """One `ValidationMessages[]` entry: which field, and what the service said of it."""

    field: str | None
    message: str

    def __str__(self) -> str:
        return f"{self.field}: {self.message}" if self.field else self.message


class MinimaxError(Exception):
    """Base of every error this client raises."""

    # An error of ours not classified below is retried, as every error was before the classes
    # said: failing a task at once is the choice that needs a reason.
    retry_may_help: bool = True

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
        self.path = scrub(path) if path else path
        self.status = status
        self.server_message = scrub(server_message) if server_message else server_message
        self.field_errors = tuple(
            replace(error, message=scrub(error.message)) for error in field_errors
        )
        super().__init__(scrub(message))

    def __str__(self) -> str:
        text = str(self.args[0]) if self.args else ""
        where = " ".join(part for part in (self.method, self.path) if part)
        status = f"HTTP {self.status}" if self.status is not None else ""
        context = ", ".join(part for part in (where, status) if part)
        return f"{text} [{context}]" if context else text


class MinimaxConfigurationError(MinimaxError):
    """The call cannot be made as asked: unknown resource, bad argument, unreachable org."""

    retry_may_help = False  # the same arguments are refused the same way every time


class MinimaxAuthError(MinimaxError):
    """The service refused the credentials or the token."""

    # A 401 has already renewed the token once: what is refused now stays refused until someone
    # fixes the login in Minimax, and repeated refused logins can lock it.
    retry_may_help = False


class MinimaxTokenUnavailableError(MinimaxAuthError):
    """The token endpoint failed (HTTP 5xx, 408 or 429) instead of answering; nothing was refused.

    A MinimaxAuthError still, as it was before it had a class of its own; but an outage passes,
    so unlike a refusal it is worth a retry.
    """

    retry_may_help = True


class MinimaxLockoutGuardError(MinimaxAuthError):
    """A token request was refused earlier for these credentials; trying again could lock them."""

    retry_may_help = False  # the guard refuses until it is cleared: a retry is refused too


class MinimaxNotFoundError(MinimaxError):
    """404: no such record, code or path."""

    # Other systems write to Minimax too: a record or code missing now (a customer a web shop is
    # about to push) may exist by the next try. Waiting for it on purpose is the sensor's job.
    retry_may_help = True


class MinimaxValidationError(MinimaxError):
    """400: the service refused the data; `field_errors` names the fields."""

    retry_may_help = False  # the same data is refused again


class MinimaxConcurrencyError(MinimaxError):
    """The record changed since its RowVersion was read."""

    # Mostly a pinned row_version that is stale: a retry pins the same one and is refused again;
    # the task that read it must run again. The other case, every re-read losing the race, means
    # writers are fighting over the record, which a person should look at before any retry.
    retry_may_help = False


class MinimaxRateLimitError(MinimaxError):
    """429 (or a budget of this client's): too many calls."""

    retry_may_help = True  # the service's limit resets with time

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

    retry_may_help = False  # the budget is the connection's setting: a retry asks for as much


class MinimaxBudgetExhaustedError(MinimaxRateLimitError):
    """The organisation's API budget (the day's window or the month) has no room for the call.

    Raised before sending when the call ledger says so (nothing was sent), and when the service
    itself answers that the limit is spent. `available_at` (an aware UTC datetime) says when
    `needed` calls fit again; `available` is what fits now.
    """

    # An Airflow retry comes minutes later and the budget frees up in hours: it only burns the
    # task's tries. Deferring until `available_at` can help, and that is the sensor's job.
    retry_may_help = False

    def __init__(
        self,
        message: str,
        *,
        available_at: datetime.datetime,
        organisation_id: int | None,
        needed: int = 1,
        available: int = 0,
        **context: Any,
    ) -> None:
        self.available_at = available_at
        self.organisation_id = organisation_id
        self.needed = needed
        self.available = available
        super().__init__(message, **context)


class MinimaxPlanTooLargeError(MinimaxCallBudgetError):
    """A plan needs more calls than the organisation's budget allows in a day or a month."""

    retry_may_help = False  # it never fits, however long one waits: the plan must shrink


class MinimaxServerError(MinimaxError):
    """5xx, or the connection failed, after every retry."""

    retry_may_help = True  # outages and dropped connections pass


class MinimaxResponseError(MinimaxError):
    """The answer was not what the API promises (not JSON, a missing envelope field, no ID …)."""

    # Often a proxy's or a busy server's page instead of the answer, which passes.
    retry_may_help = True


class MinimaxTruncationError(MinimaxResponseError):
    """A list ended with a different number of rows than its TotalRows: nothing may be trusted."""

    retry_may_help = True  # rows written while the list was read: a new read can add up


class MinimaxAmbiguousWriteError(MinimaxError):
    """A write may or may not have reached the service; it was not repeated blindly."""

    retry_may_help = False  # a retry would send it again blindly, perhaps creating it twice


class MinimaxUnreadCreateError(MinimaxAmbiguousWriteError):
    """Minimax accepted a create, but the new record could not be read back (or its Location
    named none). The record exists, so the create is never sent again, not even after a
    lookup finds nothing: a lookup can miss a record the service stored differently."""


class MinimaxRedirectError(MinimaxResponseError):
    """The service answered with a redirect the client does not follow; `location` says where.

    Only a GET to the same scheme, host and port is followed (a few hops at most): anything else
    would send the record, the token or the password to wherever the answer pointed.
    """

    # A redirect elsewhere is the network's or the address's doing (a proxy, a moved service,
    # a wrong base URL), and it answers the same way next time: someone must look at it.
    retry_may_help = False

    def __init__(self, message: str, *, location: str | None = None, **context: Any) -> None:
        self.location = location  # where it pointed, without query or user info
        super().__init__(message, **context)


class MinimaxTokenRedirectError(MinimaxRedirectError, MinimaxAuthError):
    """The token request was answered with a redirect: never followed, the password stays here."""

    retry_may_help = False


class MinimaxDeadlineError(MinimaxServerError):
    """One exchange (a request and its whole answer) took longer than the `deadline` setting."""

    # A slow or stuck server may recover; GET, PUT and DELETE were already retried within the
    # call (each try counted in the stats). A POST over its deadline is an ambiguous write.
    retry_may_help = True


class MinimaxResponseTooLargeError(MinimaxResponseError):
    """An answer was larger than `max_response_bytes`; the rest was not read."""

    retry_may_help = False  # the same page is as large next time: ask for smaller pages
