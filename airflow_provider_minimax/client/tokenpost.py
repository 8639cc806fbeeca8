"""Sending the token request: once, bounded in time and size, and never after a redirect.

The request carries the password and the client secret in its form. requests would re-send that
form to wherever a 307/308 points, and after a 302 take a token from whatever host answered: so
no redirect is followed, and one is an error naming where it pointed (without its query).
"""

from __future__ import annotations

import time
from typing import Any

import requests

from .config import ClientConfig
from .errors import (
    MinimaxDeadlineError,
    MinimaxResponseTooLargeError,
    MinimaxServerError,
    MinimaxTokenRedirectError,
)
from .reading import ERROR_BODY_BYTES, AnswerTooLarge, DeadlineExceeded, exchange
from .redirects import is_redirect, shown, target_of

TOKEN_ANSWER_BYTES = ERROR_BODY_BYTES  # a token answer is a few hundred bytes


def send_token_request(
    session: requests.Session, config: ClientConfig, form: dict[str, str]
) -> requests.Response:
    """The token endpoint's answer (any status but a redirect), or a typed error."""
    url = config.token_url
    context: dict[str, Any] = {"method": "POST", "path": url}
    deadline = config.exchange_deadline
    try:
        response = exchange(
            session,
            "POST",
            url,
            data=form,
            timeout=config.timeout,
            deadline_at=time.monotonic() + deadline,
            max_bytes=min(config.max_response_bytes, TOKEN_ANSWER_BYTES),
        )
    except DeadlineExceeded:
        raise MinimaxDeadlineError(
            f"The token request got no complete answer within its deadline of {deadline:g} s; "
            "token requests are not retried. Raise deadline in the connection's extra if "
            "Minimax is slow rather than stuck.",
            **context,
        ) from None
    except AnswerTooLarge as error:
        raise MinimaxResponseTooLargeError(
            f"The token answer is larger than {error.limit:,} bytes, far more than a token "
            "needs: this is not Minimax's token endpoint. Check the base URL.",
            status=error.response.status_code,
            **context,
        ) from None
    except requests.RequestException as error:
        raise MinimaxServerError(
            f"Could not reach Minimax for a token ({type(error).__name__}); "
            "token requests are not retried.",
            **context,
        ) from None
    if is_redirect(response.status_code):
        where = shown(target_of(response.headers.get("Location"), url))
        raise MinimaxTokenRedirectError(
            f"Minimax answered the token request with a redirect (HTTP "
            f"{response.status_code}) to {where}. It was not followed: the request carries the "
            "password and the client secret. Check the base URL (the Minimax API does not "
            "redirect), and any proxy between this worker and Minimax.",
            location=where,
            status=response.status_code,
            **context,
        )
    return response
