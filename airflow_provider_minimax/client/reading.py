"""One HTTP exchange, bounded: no redirect followed, a deadline to the last byte, a size cap.

requests' `timeout` bounds each socket read, not the exchange: a server that sends a byte a
second, or a body without end, holds a call as long as it likes. Here every exchange has a
deadline (a monotonic instant): a watchdog shuts the socket down when it passes, which wakes a
read blocked on it, whether the status line, the headers or the body is trickling; the body is
read in pieces with a clock check between them.

Answers are read streamed up to a cap: a Content-Length over it is refused before reading, a body
that grows past it is refused at the cap, the rest never read. Error pages (status >= 400) are
only read as far as their message needs; redirects not at all (only their Location is used).
Whatever is not read to its end has its connection closed, so that it never returns to the pool.
"""

from __future__ import annotations

import contextlib
import contextvars
import socket
import threading
import time
from typing import Any

import requests
import urllib3.exceptions
from requests.adapters import HTTPAdapter
from urllib3.connection import HTTPConnection, HTTPSConnection
from urllib3.connectionpool import HTTPConnectionPool, HTTPSConnectionPool
from urllib3.response import BaseHTTPResponse

ERROR_BODY_BYTES = 64 * 1024  # enough for any message a person reads; a proxy's page is cut here
CHUNK_BYTES = 64 * 1024


class DeadlineExceeded(requests.exceptions.Timeout):
    """The exchange passed its deadline. A requests Timeout, so retries treat it as one."""


class AnswerTooLarge(Exception):
    """The answer is larger than the cap; `declared` is its Content-Length when it gave one."""

    def __init__(self, response: requests.Response, limit: int, declared: int | None) -> None:
        self.response = response
        self.limit = limit
        self.declared = declared
        super().__init__(limit)


class _Watch:
    """The socket of one exchange, and whether its deadline has cut it."""

    def __init__(self) -> None:
        self.sock: socket.socket | None = None
        self.expired = False
        self._done = False
        self._lock = threading.Lock()

    def attach(self, sock: socket.socket | None) -> None:
        with self._lock:
            if sock is not None and not self._done:
                self.sock = sock
                if self.expired:  # the deadline passed before the socket was known
                    _shut(sock)

    def fire(self) -> None:
        with self._lock:
            if self._done:  # finished in time: the socket may be back in the pool, serving others
                return
            self.expired = True
            if self.sock is not None:
                _shut(self.sock)

    def finish(self) -> None:
        with self._lock:
            self._done = True


def _shut(sock: socket.socket) -> None:
    # socket.socket's own shutdown, also for an SSLSocket: its override would drop the TLS
    # object under the thread reading from it. Shutdown (unlike close) wakes a blocked recv.
    with contextlib.suppress(OSError):  # already closed
        socket.socket.shutdown(sock, socket.SHUT_RDWR)


_WATCH: contextvars.ContextVar[_Watch | None] = contextvars.ContextVar(
    "minimax_watch", default=None
)


class _WatchedHTTPConnection(HTTPConnection):
    def getresponse(self) -> Any:
        # The request is sent; from here the answer may trickle: let the deadline reach this socket.
        watch = _WATCH.get()
        if watch is not None:
            watch.attach(self.sock)
        return super().getresponse()


class _WatchedHTTPSConnection(HTTPSConnection):
    def getresponse(self) -> Any:
        watch = _WATCH.get()
        if watch is not None:
            watch.attach(self.sock)
        return super().getresponse()


class _WatchedHTTPPool(HTTPConnectionPool):
    ConnectionCls = _WatchedHTTPConnection


class _WatchedHTTPSPool(HTTPSConnectionPool):
    ConnectionCls = _WatchedHTTPSConnection


class BoundedAdapter(HTTPAdapter):
    """requests' adapter, with connections the deadline's watchdog can cut while headers come."""

    def init_poolmanager(self, *args: Any, **kwargs: Any) -> None:
        super().init_poolmanager(*args, **kwargs)
        self.poolmanager.pool_classes_by_scheme = {
            "http": _WatchedHTTPPool,
            "https": _WatchedHTTPSPool,
        }


def exchange(
    session: requests.Session,
    method: str,
    url: str,
    *,
    deadline_at: float,
    max_bytes: int,
    timeout: float,
    **kwargs: Any,
) -> requests.Response:
    """Send once and read the whole answer by `deadline_at` (time.monotonic()); no redirect.

    Returns the response with its body read (`.content`, `.json()` work as usual). Raises
    DeadlineExceeded, AnswerTooLarge, or requests' own exceptions for a failed connection.
    """
    remaining = deadline_at - time.monotonic()
    if remaining <= 0:
        raise DeadlineExceeded("the deadline passed before the request was sent")
    watch = _Watch()
    timer = threading.Timer(remaining, watch.fire)
    timer.daemon = True
    timer.start()
    token = _WATCH.set(watch)
    try:
        per_read = min(timeout, remaining)
        try:
            response = session.request(
                method,
                url,
                stream=True,
                allow_redirects=False,
                timeout=(per_read, per_read),
                **kwargs,
            )
        except requests.RequestException as error:
            if watch.expired:
                raise DeadlineExceeded("no answer by the deadline") from error
            raise
        # A session of the caller's own has plain connections: cut the body's socket at least.
        watch.attach(_socket_of(response.raw))
        try:
            _read_body(response, watch, deadline_at, max_bytes)
        except BaseException:
            response.close()
            raise
        return response
    finally:
        watch.finish()
        timer.cancel()
        _WATCH.reset(token)


def _socket_of(raw: Any) -> socket.socket | None:
    connection = getattr(raw, "connection", None)
    sock = getattr(connection, "sock", None)
    return sock if isinstance(sock, socket.socket) else None


def declared_length(response: requests.Response) -> int | None:
    try:
        value = int(response.headers.get("Content-Length", ""))
    except ValueError:
        return None
    return value if value >= 0 else None


def _read_body(
    response: requests.Response, watch: _Watch, deadline_at: float, max_bytes: int
) -> None:
    status = response.status_code
    raw: BaseHTTPResponse = response.raw
    if 300 <= status < 400:
        _keep(response, watch, b"", complete=False)  # only the Location matters; it may not end
        return
    error_page = status >= 400
    limit = min(max_bytes, ERROR_BODY_BYTES) if error_page else max_bytes
    declared = declared_length(response)
    if not error_page and declared is not None and declared > max_bytes:
        raise AnswerTooLarge(response, max_bytes, declared)
    chunks: list[bytes] = []
    size = 0
    complete = False
    try:
        while True:
            if watch.expired or time.monotonic() >= deadline_at:
                raise DeadlineExceeded("the answer did not end by the deadline")
            chunk = raw.read1(CHUNK_BYTES, decode_content=True)
            if not chunk:
                complete = True
                break
            if size + len(chunk) > limit:
                if not error_page:
                    raise AnswerTooLarge(response, max_bytes, declared)
                chunks.append(chunk[: limit - size])  # enough of the page for its message
                break
            size += len(chunk)
            chunks.append(chunk)
    except requests.RequestException:
        raise  # ours (DeadlineExceeded): requests' errors are OSErrors too
    except (urllib3.exceptions.HTTPError, OSError) as error:
        if watch.expired:
            raise DeadlineExceeded("the answer did not end by the deadline") from error
        raise _as_requests_error(error) from error
    _keep(response, watch, b"".join(chunks), complete=complete)


def _keep(response: requests.Response, watch: _Watch, body: bytes, *, complete: bool) -> None:
    """Give the response its body; close a connection whose answer was not read to the end."""
    watch.finish()  # before the connection returns to the pool: the watchdog must not cut it
    if complete:
        response.raw.release_conn()
    else:
        response.raw.close()
        response.raw.release_conn()
    response._content = body
    response._content_consumed = True  # type: ignore[attr-defined]


def _as_requests_error(error: BaseException) -> requests.RequestException:
    """urllib3's error as requests names it when it reads a body (Response.iter_content)."""
    if isinstance(error, urllib3.exceptions.ProtocolError):
        return requests.exceptions.ChunkedEncodingError(error)
    if isinstance(error, urllib3.exceptions.DecodeError):
        return requests.exceptions.ContentDecodingError(error)
    if isinstance(error, urllib3.exceptions.SSLError):
        return requests.exceptions.SSLError(error)
    return requests.exceptions.ConnectionError(error)
