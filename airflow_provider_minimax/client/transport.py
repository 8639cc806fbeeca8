"""One pooled HTTP session to Minimax: tokens, retries, call accounting (errors: answers.py).

Retries follow what a request may have done at the service:
- GET, PUT and DELETE are retried on 429 (after its Retry-After, capped), on 500/502/503/504,
  on connection errors, timeouts and truncated answers, with exponential backoff and jitter. A
  PUT carries a RowVersion, so a repeated one cannot apply twice.
- POST is retried only when it surely never reached the service (refused connection, connect
  timeout, 429). Any other failure may have created the record: it is reported as
  `MinimaxAmbiguousWriteError`, and the caller decides (see MinimaxClient.create's match_on).
- A 401 renews the token once and repeats the call once.
- Each exchange is bounded in time (`deadline`) and size (`max_response_bytes`), and follows
  no redirect but a GET's to the same origin (reading.py, redirects.py).
"""

from __future__ import annotations

import logging
import re
import threading
import time
import urllib.parse
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import requests
import tenacity

from .answers import decode_json, error_for, retry_after_of
from .auth import TokenSource, token_source
from .budget import Budget
from .config import ClientConfig
from .errors import (
    MinimaxCallBudgetError,
    MinimaxConfigurationError,
    MinimaxError,
    MinimaxRateLimitError,
)
from .failures import connection_error, never_sent, redirect_error, too_large_error
from .guard import LockoutGuard, SharedGuardStore, guard_for
from .ledger import Ledger
from .reading import AnswerTooLarge, BoundedAdapter, exchange
from .redirects import MAX_REDIRECT_HOPS, is_redirect, same_origin, shown, target_of

log = logging.getLogger("airflow_provider_minimax.client")

RETRY_STATUSES = frozenset({429, 500, 502, 503, 504})
USER_AGENT = "airflow-provider-minimax"
_ORGANISATION_PATH = re.compile(r"orgs/(\d+)(?:/|$)")


@dataclass
class CallStats:
    """What a client spent: the numbers users ask about, and Minimax counts."""

    api_calls: int = 0  # requests sent to the API, retries included
    token_requests: int = 0
    retries: int = 0
    pages: int = 0
    rows: int = 0
    seconds: float = 0.0  # waiting for API answers
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False, compare=False)

    def add(self, **amounts: float) -> None:
        with self._lock:
            for name, amount in amounts.items():
                setattr(self, name, getattr(self, name) + amount)

    def as_dict(self) -> dict[str, float]:
        with self._lock:
            return {
                "api_calls": self.api_calls,
                "token_requests": self.token_requests,
                "retries": self.retries,
                "pages": self.pages,
                "rows": self.rows,
                "seconds": round(self.seconds, 3),
            }


class _RetryableAnswer(Exception):
    """An answer worth another attempt; carries it so the last one can be reported."""

    def __init__(self, response: requests.Response) -> None:
        self.response = response
        super().__init__(response.status_code)


def new_session(pool_size: int) -> requests.Session:
    session = requests.Session()
    adapter = BoundedAdapter(pool_connections=2, pool_maxsize=max(pool_size, 4), max_retries=0)
    session.mount("https://", adapter)
    session.mount("http://", adapter)
    session.headers["User-Agent"] = USER_AGENT
    session.headers["Accept"] = "application/json"
    return session


class Transport:
    def __init__(
        self,
        config: ClientConfig,
        *,
        session: requests.Session | None = None,
        guard_store: SharedGuardStore | None = None,
        on_token: Callable[[str], None] | None = None,
        sleep: Callable[[float], None] = time.sleep,
        ledger: Ledger | None = None,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self.config = config
        self.budget = Budget(config, ledger, clock=clock)
        self.session = session or new_session(config.max_workers)
        self.tokens: TokenSource = token_source(config)
        self.guard: LockoutGuard = guard_for(config, shared=guard_store)
        self.stats = CallStats()
        self._on_token = on_token
        self._announced: set[str] = set()
        self._sleep = sleep

    # -- addresses ------------------------------------------------------------------------------

    def url(self, path: str) -> str:
        """`orgs/1/customers` -> absolute URL; absolute URLs must be this service's."""
        if "://" in path:
            if not path.lower().startswith(self.config.api_root.lower()):
                raise MinimaxConfigurationError(
                    f"{path!r} is not an address of this Minimax service ({self.config.api_root})."
                )
            return path.split("?", 1)[0]
        return self.config.api_root + path.lstrip("/")

    def relative(self, url: str) -> str:
        """The part of a URL below the API root, for messages and logs."""
        return url[len(self.config.api_root) :] if url.startswith(self.config.api_root) else url

    # -- tokens -----------------------------------------------------------------------------------

    def token(self, stale: str | None = None) -> str:
        value = self.tokens.token(
            self.session,
            self.guard,
            on_request=self._count_token,
            stale=stale,
        )
        if value not in self._announced:
            self._announced.add(value)
            if self._on_token is not None:
                self._on_token(value)  # the hook masks it in Airflow's logs
        return value

    # -- requests ---------------------------------------------------------------------------------

    def request(
        self,
        method: str,
        path: str,
        *,
        params: dict[str, Any] | None = None,
        json: Any = None,
    ) -> requests.Response:
        """Send with retries as the module explains; a 2xx answer, or a typed MinimaxError."""
        url = self.url(path)
        where = self.relative(url)
        retrying = tenacity.Retrying(
            stop=tenacity.stop_after_attempt(self.config.max_retries + 1),
            wait=self._wait,
            retry=tenacity.retry_if_exception(lambda error: self._retryable(method, error)),
            before_sleep=lambda state: self._before_sleep(method, where, state),
            sleep=self._sleep,
            reraise=True,
        )
        try:
            response: requests.Response = retrying(self._attempt, method, url, params, json)
        except _RetryableAnswer as last:
            response = last.response
        except requests.RequestException as error:
            raise connection_error(self.config, method, where, error) from None
        if response.status_code >= 300:
            refused = error_for(response, method, where)
            if isinstance(refused, MinimaxRateLimitError):
                # A 429 left after the retries, one whose Retry-After is longer than we wait,
                # or the 4xx words of a spent limit: the organisation's budget is gone. The
                # ledger remembers until when, so that no client sharing it spends a call on it.
                raise self.budget.refused_by_service(
                    self.organisation_of(url),
                    refused.retry_after,
                    method=method,
                    path=where,
                    status=refused.status,
                    server_message=refused.server_message,
                ) from None
            raise refused
        return response

    def json(self, method: str, path: str, *, decimals: bool = False, **kwargs: Any) -> Any:
        """The answer's JSON; with `decimals`, numbers with a fraction as exact Decimals."""
        response = self.request(method, path, **kwargs)
        where = self.relative(response.url or self.url(path))
        return decode_json(response, method, where, decimals=decimals)

    def _attempt(
        self, method: str, url: str, params: dict[str, Any] | None, body: Any
    ) -> requests.Response:
        token = self.token()
        response = self._send(method, url, params, body, token)
        if response.status_code == 401:
            log.info("Minimax refused the token for %s %s; renewing it once", method, url)
            response = self._send(method, url, params, body, self.token(stale=token))
        if response.status_code == 429 and (retry_after_of(response) or 0) > (
            self.config.retry_after_cap
        ):
            return response  # longer than we would wait: the budget is spent, say so now
        if response.status_code in RETRY_STATUSES and (
            method != "POST" or response.status_code == 429
        ):
            raise _RetryableAnswer(response)
        return response

    def _send(
        self, method: str, url: str, params: dict[str, Any] | None, body: Any, token: str
    ) -> requests.Response:
        """One exchange, and the same-origin redirects of a GET; one deadline for them all."""
        deadline_at = time.monotonic() + self.config.exchange_deadline
        first = url
        for hop in range(MAX_REDIRECT_HOPS + 1):
            response = self._exchange(method, url, params, body, token, deadline_at)
            if not is_redirect(response.status_code):
                return response
            target = target_of(response.headers.get("Location"), url)
            if (
                method != "GET"
                or target is None
                or not same_origin(target, first)
                or hop == MAX_REDIRECT_HOPS
            ):
                raise redirect_error(method, self.relative(first), first, response, target, hop)
            log.info("Minimax %s %s redirected to %s", method, self.relative(url), shown(target))
            url, params = target, None  # the Location carries its own query
        raise AssertionError("unreachable")  # pragma: no cover

    def _exchange(
        self,
        method: str,
        url: str,
        params: dict[str, Any] | None,
        body: Any,
        token: str,
        deadline_at: float,
    ) -> requests.Response:
        self._spend_call(method, url)
        started = time.perf_counter()
        try:
            response = exchange(
                self.session,
                method,
                url,
                params=params,
                json=body,
                headers={"Authorization": f"Bearer {token}"},
                timeout=self.config.timeout,
                deadline_at=deadline_at,
                max_bytes=self.config.max_response_bytes,
            )
        except AnswerTooLarge as too_large:
            raise too_large_error(self.config, method, self.relative(url), too_large) from None
        finally:
            self.stats.add(seconds=time.perf_counter() - started)
        log.debug(
            "Minimax %s %s -> %s in %.3f s",
            method,
            self.relative(url),
            response.status_code,
            time.perf_counter() - started,
        )
        return response

    def _spend_call(self, method: str, url: str) -> None:
        """Count one exchange about to be sent: this client's max_calls first, then the
        organisation's budget in the ledger (either refuses before anything is sent, and
        says which call it refused)."""
        budget = self.config.max_calls
        with self.stats._lock:
            if budget is not None and self.stats.api_calls >= budget:
                raise MinimaxCallBudgetError(
                    f"This client may make {budget} API calls (max_calls) and has made them all; "
                    "nothing more was sent. Minimax allows about 1,000 calls per organisation a "
                    "day: raise max_calls in the connection's extra if this run needs more."
                )
            self.stats.api_calls += 1
        try:
            self.budget.take(self.organisation_of(url))
        except MinimaxError as refused:
            self.stats.add(api_calls=-1)  # not sent
            refused.method = refused.method or method
            refused.path = refused.path or self.relative(url)
            raise
        except BaseException:
            self.stats.add(api_calls=-1)  # not sent
            raise

    def _count_token(self) -> None:
        self.stats.add(token_requests=1)
        self.budget.record_token()

    def organisation_of(self, url: str) -> int | None:
        """The organisation a call is about (its path `orgs/{id}/…`); None: the login's own."""
        match = _ORGANISATION_PATH.match(self.relative(url))
        return int(match.group(1)) if match else None

    def _retryable(self, method: str, error: BaseException) -> bool:
        if isinstance(error, _RetryableAnswer):
            return True
        if isinstance(error, MinimaxError):
            return False
        if isinstance(error, requests.RequestException):
            return method != "POST" or never_sent(error)
        return False

    def _wait(self, state: tenacity.RetryCallState) -> float:
        error = state.outcome.exception() if state.outcome else None
        if isinstance(error, _RetryableAnswer):
            retry_after = retry_after_of(error.response)
            if retry_after is not None:
                return min(retry_after, self.config.retry_after_cap)
        exponential = tenacity.wait_random_exponential(
            multiplier=self.config.backoff_initial, max=self.config.backoff_max
        )
        return float(exponential(state))

    def _before_sleep(self, method: str, where: str, state: tenacity.RetryCallState) -> None:
        self.stats.add(retries=1)
        error = state.outcome.exception() if state.outcome else None
        reason = (
            f"HTTP {error.response.status_code}"
            if isinstance(error, _RetryableAnswer)
            else type(error).__name__
        )
        seconds = state.next_action.sleep if state.next_action else 0.0
        log.warning(
            "Minimax %s %s failed (%s); retry %d of %d in %.1f s",
            method,
            where,
            reason,
            state.attempt_number,
            self.config.max_retries,
            seconds,
        )


def quote_segment(value: str) -> str:
    """A value inside a path segment such as `code(…)`: every reserved character escaped."""
    return urllib.parse.quote(value, safe="")
