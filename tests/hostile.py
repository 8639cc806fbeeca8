"""A hostile HTTP server of the tests' own: scripted answers per path, and a record of what came.

The sandbox is an honest Minimax; this one is what a client meets when something between it and
Minimax (a proxy, a hijacked DNS name, a broken load balancer) is not. It listens on loopback
only: 127.0.0.1, or 127.0.0.2 as "another host" (Linux routes all of 127.0.0.0/8 to loopback).

    with HostileServer("127.0.0.2") as other:
        other.script("GET", "/SI/API/api/orgs/1/customers/1", Json({"ID": 1}))
        ...
        assert other.received == []

Answers (each one an object with `send(handler)`):
- `Json(value, status=200)`, `Reply(status, body, headers)`: ordinary answers;
- `Redirect(status, location)`: a 3xx with a Location;
- `Trickle(total, interval)`: a body of `total` bytes, one byte every `interval` seconds;
- `Endless(chunk, gap)`: a body without end (chunked), until the client leaves;
- `Huge(size, status, content_type, declare_length)`: `size` bytes generated while sent, never
  held in memory;
- `Echo()`: what the request carried (headers, query, body) back as JSON.
A path without a script answers 404. Every request is recorded in `received` (method, path with
query, headers, body), so a test can assert what a host was sent, e.g. that no secret reached it.

Bounded by design: every slow or endless answer stops after `max_seconds` (default 30), and the
whole server shuts itself down after `lifetime` seconds (default 300) if a test forgets to.
"""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

MAX_SECONDS = 30.0  # no answer of this server lasts longer, whatever the client does


@dataclass(frozen=True)
class Received:
    method: str
    path: str  # with the query string
    headers: dict[str, str]
    body: bytes

    def carries(self, secret: str) -> bool:
        """Whether the secret appears anywhere in what the request carried."""
        needle = secret.encode()
        flat = "\n".join(f"{k}: {v}" for k, v in self.headers.items()).encode()
        return needle in self.path.encode() or needle in flat or needle in self.body


class Answer:
    def send(self, handler: BaseHTTPRequestHandler) -> None:  # pragma: no cover - interface
        raise NotImplementedError


@dataclass
class Reply(Answer):
    status: int = 200
    body: bytes = b""
    headers: dict[str, str] = field(default_factory=dict)

    def send(self, handler: BaseHTTPRequestHandler) -> None:
        handler.send_response(self.status)
        headers = {"Content-Type": "application/json; charset=utf-8"} | self.headers
        for name, value in headers.items():
            handler.send_header(name, value)
        handler.send_header("Content-Length", str(len(self.body)))
        handler.end_headers()
        handler.wfile.write(self.body)


def Json(value: Any, status: int = 200, headers: dict[str, str] | None = None) -> Reply:
    return Reply(status, json.dumps(value).encode(), headers or {})


@dataclass
class Redirect(Answer):
    status: int
    location: str

    def send(self, handler: BaseHTTPRequestHandler) -> None:
        body = b'{"Message": "moved"}'
        handler.send_response(self.status)
        handler.send_header("Location", self.location)
        handler.send_header("Content-Type", "application/json")
        handler.send_header("Content-Length", str(len(body)))
        handler.end_headers()
        handler.wfile.write(body)


@dataclass
class Trickle(Answer):
    """A valid JSON body (`{"x": "…"}` padded to `total` bytes), sent one byte at a time."""

    total: int = 1000
    interval: float = 0.2
    status: int = 200

    def send(self, handler: BaseHTTPRequestHandler) -> None:
        body = b'{"x": "' + b"a" * max(0, self.total - 9) + b'"}'
        handler.send_response(self.status)
        handler.send_header("Content-Type", "application/json")
        handler.send_header("Content-Length", str(len(body)))
        handler.end_headers()
        started = time.monotonic()
        for byte in body:
            if time.monotonic() - started > MAX_SECONDS:
                return
            handler.wfile.write(bytes([byte]))
            handler.wfile.flush()
            time.sleep(self.interval)


@dataclass
class Endless(Answer):
    """A chunked body that never ends: `chunk` every `gap` seconds (0: as fast as it goes)."""

    chunk: bytes = b"[" + b"1," * 4096
    gap: float = 0.0
    status: int = 200

    def send(self, handler: BaseHTTPRequestHandler) -> None:
        handler.send_response(self.status)
        handler.send_header("Content-Type", "application/json")
        handler.send_header("Transfer-Encoding", "chunked")
        handler.end_headers()
        frame = f"{len(self.chunk):x}\r\n".encode() + self.chunk + b"\r\n"
        started = time.monotonic()
        while time.monotonic() - started < MAX_SECONDS:
            handler.wfile.write(frame)
            if self.gap:
                handler.wfile.flush()
                time.sleep(self.gap)


@dataclass
class Huge(Answer):
    """`size` bytes generated while they are sent (JSON-ish, or an HTML page for errors)."""

    size: int
    status: int = 200
    content_type: str = "application/json"
    declare_length: bool = True  # False: no Content-Length, the body ends when the socket does

    def send(self, handler: BaseHTTPRequestHandler) -> None:
        handler.send_response(self.status)
        handler.send_header("Content-Type", self.content_type)
        if self.declare_length:
            handler.send_header("Content-Length", str(self.size))
        else:
            handler.send_header("Connection", "close")
            handler.close_connection = True
        handler.end_headers()
        html = "html" in self.content_type
        head = b"<html><head><title>502 Bad Gateway</title></head><body>" if html else b'{"x":"'
        block = b"<p>gateway</p>" * 4681 if html else b"a" * 65536
        sent, started = 0, time.monotonic()
        handler.wfile.write(head[: self.size])
        sent += min(len(head), self.size)
        while sent < self.size and time.monotonic() - started < MAX_SECONDS:
            piece = block[: self.size - sent]
            handler.wfile.write(piece)
            sent += len(piece)


@dataclass
class Echo(Answer):
    status: int = 200

    def send(self, handler: BaseHTTPRequestHandler) -> None:
        seen = getattr(handler, "seen", None)
        value = {
            "headers": dict(seen.headers) if seen else {},
            "path": seen.path if seen else "",
            "body": seen.body.decode("utf-8", "replace") if seen else "",
        }
        Json(value, self.status).send(handler)


Script = Answer | Callable[[Received], Answer]


class HostileServer:
    """A threaded server on `host` (a loopback address) and a free port; see the module."""

    def __init__(self, host: str = "127.0.0.1", *, lifetime: float = 300.0) -> None:
        if not host.startswith("127."):
            raise ValueError("the hostile server listens on loopback only")
        self.received: list[Received] = []
        self._scripts: dict[tuple[str, str], Script] = {}
        self._lock = threading.Lock()
        owner = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args: Any) -> None:
                pass

            def _handle(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length) if length else b""
                seen = Received(self.command, self.path, dict(self.headers.items()), body)
                self.seen = seen
                with owner._lock:
                    owner.received.append(seen)
                    script = owner._scripts.get((self.command, self.path.split("?", 1)[0]))
                if script is None:
                    answer: Answer = Json({"Message": "no script for this path"}, 404)
                elif isinstance(script, Answer):
                    answer = script
                else:
                    answer = script(seen)
                try:
                    answer.send(self)
                except (BrokenPipeError, ConnectionResetError):
                    self.close_connection = True  # the client left: what it should do

            do_GET = do_POST = do_PUT = do_DELETE = _handle

        self._server = ThreadingHTTPServer((host, 0), Handler)
        self._server.daemon_threads = True
        self.host = host
        self.port = self._server.server_address[1]
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)
        self._timer = threading.Timer(lifetime, self.stop)
        self._timer.daemon = True
        self._started = False

    @property
    def origin(self) -> str:
        return f"http://{self.host}:{self.port}"

    def script(self, method: str, path: str, answer: Script) -> None:
        """Answer `method path` (without query) with `answer`, or with what it returns."""
        with self._lock:
            self._scripts[(method, path)] = answer

    def requests_to(self, method: str, path: str) -> list[Received]:
        with self._lock:
            return [r for r in self.received if r.method == method and r.path.startswith(path)]

    def start(self) -> HostileServer:
        self._started = True
        self._thread.start()
        self._timer.start()
        return self

    def stop(self) -> None:
        self._timer.cancel()
        if self._started:  # shutdown() waits for a serve_forever that must have begun
            self._server.shutdown()
        self._server.server_close()

    def __enter__(self) -> HostileServer:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()
