"""The errors of a request that went wrong on its way: no answer, a redirect, too large an answer.

Each one names the call and says what to do; none carries a secret (a redirect's target is
shown without its query).
"""

from __future__ import annotations

from typing import Any

import requests

from .config import ClientConfig
from .errors import (
    MinimaxAmbiguousWriteError,
    MinimaxDeadlineError,
    MinimaxError,
    MinimaxRedirectError,
    MinimaxResponseTooLargeError,
    MinimaxServerError,
)
from .reading import AnswerTooLarge, DeadlineExceeded
from .redirects import MAX_REDIRECT_HOPS, same_origin, shown


def never_sent(error: BaseException) -> bool:
    """True when a failed request surely never reached the service (safe to send again).

    requests wraps urllib3's errors, which wrap the socket's: walk the whole chain.
    """
    if isinstance(error, requests.ConnectTimeout):
        return True
    pending: list[BaseException] = [error]
    seen: set[int] = set()
    while pending:
        current = pending.pop()
        if id(current) in seen:
            continue
        seen.add(id(current))
        if isinstance(current, ConnectionRefusedError) or type(current).__name__ in (
            "NewConnectionError",
            "ConnectTimeoutError",
        ):
            return True
        linked = (current.__cause__, current.__context__, getattr(current, "reason", None))
        pending += [item for item in (*linked, *current.args) if isinstance(item, BaseException)]
    return False


def connection_error(
    config: ClientConfig, method: str, where: str, error: BaseException
) -> MinimaxError:
    """The error for a request that got no usable answer after its retries."""
    kind = type(error).__name__
    late = isinstance(error, DeadlineExceeded)
    if late:
        kind = f"over its deadline of {config.exchange_deadline:g} s"
    if method == "POST" and not never_sent(error):
        return MinimaxAmbiguousWriteError(
            f"The connection failed ({kind}) after the request was sent: Minimax may or may "
            "not have stored it. It was not sent again.",
            method=method,
            path=where,
        )
    if late:
        return MinimaxDeadlineError(
            f"Minimax did not finish answering within the deadline of "
            f"{config.exchange_deadline:g} s, in {config.max_retries + 1} attempts. "
            "If the service is slow rather than stuck, raise deadline in the connection's "
            "extra (or timeout, of which the default deadline is three times).",
            method=method,
            path=where,
        )
    return MinimaxServerError(
        f"Could not get an answer from Minimax ({kind}) after {config.max_retries + 1} attempts.",
        method=method,
        path=where,
    )


def redirect_error(
    method: str,
    where: str,
    url: str,
    response: requests.Response,
    target: str | None,
    hops: int,
) -> MinimaxRedirectError:
    """The error for a redirect not followed; `url` is where the request went first."""
    where = shown(target)
    if target is None:
        why = "without a Location"
    elif hops == MAX_REDIRECT_HOPS:
        why = f"to {where} after {hops} redirects already followed"
    elif not same_origin(target, url):
        why = f"to another origin, {where}, which was not contacted"
    else:
        why = f"to {where}; only a GET is redirected, and this {method} was not re-sent"
    return MinimaxRedirectError(
        f"Minimax answered with a redirect (HTTP {response.status_code}) {why}. The Minimax "
        "API does not redirect: check the base URL, and any proxy between this worker and "
        "Minimax.",
        location=where,
        method=method,
        path=where,
        status=response.status_code,
    )


def too_large_error(
    config: ClientConfig, method: str, where: str, error: AnswerTooLarge
) -> MinimaxError:
    limit = config.max_response_bytes
    size = f"declares {error.declared:,} bytes" if error.declared else "grew past it"
    context: dict[str, Any] = {
        "method": method,
        "path": where,
        "status": error.response.status_code,
    }
    if method == "POST":
        # The request was handled (it has a status); whether it stored anything is unknown.
        return MinimaxAmbiguousWriteError(
            f"Minimax's answer is larger than max_response_bytes ({limit:,}) and {size}; "
            "it was not read, so whether the record was stored is unknown. It was not sent "
            "again.",
            **context,
        )
    return MinimaxResponseTooLargeError(
        f"Minimax's answer is larger than max_response_bytes ({limit:,} bytes) and {size}; "
        "the rest was not read. Ask for smaller pages (page_size), or raise "
        "max_response_bytes in the connection's extra if such answers are expected.",
        **context,
    )
