"""The HTTP side: a threading HTTP/1.1 server (keep-alive) in front of the service.

Only the standard library is used, so the sandbox runs wherever Airflow 2.11 or 3.x does.
Faults that need the socket (latency, resets, dropped and truncated answers) are applied here.
"""

from __future__ import annotations

import contextlib
import json
import socket
import struct
import time
import urllib.parse
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, Protocol

from .exchange import Request, Response
from .faults import FaultInjector, FaultRule

_HTML_ERROR = (
    "<!DOCTYPE html><html><head><title>Service Unavailable</title></head>"
    "<body><h1>Service Unavailable</h1><p>The server is temporarily unable to service your "
    "request.</p></body></html>"
)


class Backend(Protocol):
    """What the HTTP side needs of the sandbox behind it (`app.Sandbox` is one)."""

    verbose: bool  # log request lines
    faults: FaultInjector  # consulted for every API request

    def handle(self, request: Request) -> Response:
        """Answer a request of the emulated service."""

    def admin(self, request: Request) -> Response:
        """Answer a request under /_sandbox/."""

    def count_injected(self, request: Request, response: Response | None) -> None:
        """Count a request that an injected fault answered (None: hung up on) before the service
        saw it."""


class SandboxHTTPServer(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True
    request_queue_size = 128

    def __init__(self, address: tuple[str, int], sandbox: Backend) -> None:
        self.sandbox = sandbox
        super().__init__(address, SandboxHandler)


class SandboxHandler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"  # keep-alive, as a client's pooled session expects
    # TCP_NODELAY: the headers and the body go out in two writes; with Nagle's algorithm the body
    # waited for the client's delayed ACK of the headers, about 40 ms on every small answer.
    disable_nagle_algorithm = True
    server: SandboxHTTPServer
    server_version = "Microsoft-IIS/10.0"
    sys_version = ""

    def log_message(self, format: str, *args: Any) -> None:
        """Quiet by default; `--verbose` on the command line turns request lines on."""
        if self.server.sandbox.verbose:
            super().log_message(format, *args)

    def do_GET(self) -> None:
        self._serve()

    def do_POST(self) -> None:
        self._serve()

    def do_PUT(self) -> None:
        self._serve()

    def do_DELETE(self) -> None:
        self._serve()

    def do_PATCH(self) -> None:
        self._serve()

    def _serve(self) -> None:
        split = urllib.parse.urlsplit(self.path)
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length else b""
        query = dict(urllib.parse.parse_qsl(split.query, keep_blank_values=True))
        # Header names are case-insensitive: hand the service one spelling of each.
        headers = {name.title(): value for name, value in self.headers.items()}
        request = Request(self.command, split.path, query, headers, body)
        sandbox = self.server.sandbox
        if split.path.lower().startswith("/_sandbox/"):
            self._send(sandbox.admin(request))
            return
        rules = sandbox.faults.pick(self.command, split.path)
        for rule in rules:
            if rule.effect == "latency":
                time.sleep(rule.latency_ms / 1000)
        before = next((r for r in rules if r.effect in ("status", "html", "reset")), None)
        if before is not None:
            self._fail_before(before, request)
            return
        response = sandbox.handle(request)
        if any(rule.effect == "drop_response" for rule in rules):
            self._reset()  # the work is done and committed; the answer never arrives
            return
        truncate = any(rule.effect == "truncate" for rule in rules)
        self._send(response, truncate=truncate)

    def _fail_before(self, rule: FaultRule, request: Request) -> None:
        sandbox = self.server.sandbox
        if rule.effect == "reset":
            sandbox.count_injected(request, None)
            self._reset()
            return
        headers = {}
        if rule.status in (429, 503) and rule.retry_after is not None:
            headers["Retry-After"] = str(rule.retry_after)
        if rule.effect == "html":
            response = Response(rule.status, _HTML_ERROR.encode(), "text/html", headers)
        else:
            payload = {"Message": f"sandbox: injected {rule.status}"}
            response = Response(rule.status, json.dumps(payload).encode(), headers=headers)
        sandbox.count_injected(request, response)
        self._send(response)

    def _send(self, response: Response, *, truncate: bool = False) -> None:
        self.send_response(response.status)
        self.send_header("Content-Type", response.content_type)
        self.send_header("Content-Length", str(len(response.body)))
        for name, value in response.headers.items():
            self.send_header(name, value)
        self.end_headers()
        if truncate:
            # Promise the whole body, send half, hang up: what a proxy timeout looks like.
            self.wfile.write(response.body[: len(response.body) // 2])
            self.wfile.flush()
            self._reset()
            return
        self.wfile.write(response.body)

    def _reset(self) -> None:
        """Close with RST, not FIN, so the client sees a connection reset."""
        self.close_connection = True
        with contextlib.suppress(OSError):  # the client may have gone already
            self.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
            self.connection.close()
