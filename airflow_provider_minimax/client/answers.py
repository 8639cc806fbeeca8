"""What an answer of the service means: its JSON, or the typed error it stands for.

Minimax publishes neither its error bodies nor every status it uses; the mapping below is the
reference's reading of them (a stale RowVersion is known by its words, whatever the status).
"""

from __future__ import annotations

import decimal
from typing import Any

import requests

from .errors import (
    MinimaxAmbiguousWriteError,
    MinimaxAuthError,
    MinimaxConcurrencyError,
    MinimaxConfigurationError,
    MinimaxError,
    MinimaxNotFoundError,
    MinimaxRateLimitError,
    MinimaxResponseError,
    MinimaxServerError,
    MinimaxValidationError,
)
from .messages import field_errors, server_words

CONCURRENCY_TEXT = "record changed by another action"
# How Minimax refuses a call over the organisation's budget is not published (reference.md,
# "Limits"): a 429, or a 4xx with a message. A message is known by words about calls or
# requests, never by "limit" alone, which a validation of the user's data may say too
# ("credit limit exceeded"). Slovenian first, as the service words its own messages.
BUDGET_WORDS = (
    "omejitev števila klicev",
    "call limit",
    "calls per",
    "request limit",
    "requests per",
    "rate limit",
    "too many requests",
)


def error_for(response: requests.Response, method: str, where: str) -> MinimaxError:
    status = response.status_code
    words = server_words(response)
    context: dict[str, Any] = {
        "method": method,
        "path": where,
        "status": status,
        "server_message": words,
    }
    if CONCURRENCY_TEXT in words.lower():
        return MinimaxConcurrencyError(
            f"The record changed since its RowVersion was read: {words}", **context
        )
    if status != 429 and 400 <= status < 500 and over_budget(words):
        return MinimaxRateLimitError(
            f"Minimax's request limit for the organisation was reached (HTTP {status}): "
            f"{words} Wait until the limit's window has passed, or spend fewer calls.",
            retry_after=retry_after_of(response),
            **context,
        )
    if status == 400 or status == 422:
        fields = field_errors(response)
        return MinimaxValidationError(
            f"Minimax refused the data: {words}", field_errors=fields, **context
        )
    if status == 401:
        return MinimaxAuthError(f"Minimax refused the access token: {words}", **context)
    if status == 403:
        return MinimaxAuthError(f"Minimax refused access: {words}", **context)
    if status == 404:
        return MinimaxNotFoundError(f"Not found: {words}", **context)
    if status == 405:
        return MinimaxConfigurationError(
            f"Minimax does not allow {method} here: {words}", **context
        )
    if status == 429:
        return MinimaxRateLimitError(
            f"Minimax's request limit was reached: {words}",
            retry_after=retry_after_of(response),
            **context,
        )
    if status >= 500 and method == "POST":
        return MinimaxAmbiguousWriteError(
            f"Minimax failed while handling the request ({words}); it may or may not have "
            "stored it. It was not sent again.",
            **context,
        )
    if status >= 500:
        return MinimaxServerError(f"Minimax failed: {words}", **context)
    return MinimaxError(f"Unexpected answer from Minimax: {words}", **context)


def over_budget(words: str) -> bool:
    """Whether the service's words say the organisation's call budget is spent."""
    lowered = words.lower()
    return any(phrase in lowered for phrase in BUDGET_WORDS)


def retry_after_of(response: requests.Response) -> float | None:
    value = response.headers.get("Retry-After")
    if value is None:
        return None
    try:
        return max(0.0, float(value))
    except ValueError:
        return None


def decode_json(
    response: requests.Response, method: str, where: str, *, decimals: bool = False
) -> Any:
    """The answer's JSON, or a MinimaxResponseError that says what came instead."""
    if not response.content:
        raise MinimaxResponseError(
            f"Minimax answered HTTP {response.status_code} with an empty body where JSON was "
            "expected.",
            method=method,
            path=where,
            status=response.status_code,
        )
    try:
        return response.json(parse_float=decimal.Decimal) if decimals else response.json()
    except (ValueError, RecursionError):  # RecursionError: absurdly deep nesting
        kind = response.headers.get("Content-Type", "unknown content type")
        raise MinimaxResponseError(
            f"Minimax answered with {kind}, not JSON: {server_words(response)}",
            method=method,
            path=where,
            status=response.status_code,
        ) from None
