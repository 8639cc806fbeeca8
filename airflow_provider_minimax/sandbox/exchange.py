"""One exchange with the emulated service, without sockets: the request in, the response out."""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

JSON = "application/json; charset=utf-8"


@dataclass
class Response:
    status: int
    body: bytes = b""
    content_type: str = JSON
    headers: dict[str, str] = field(default_factory=dict)
    rows: int | None = None  # rows of a list page, for the statistics

    @classmethod
    def json(cls, status: int, payload: Any, **headers: str) -> Response:
        body = json.dumps(payload, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
        return cls(status, body, JSON, dict(headers))


@dataclass
class Request:
    method: str
    path: str  # as sent, without the query string
    query: dict[str, str]
    headers: Mapping[str, str]
    body: bytes

    @property
    def host(self) -> str:
        return self.headers.get("Host") or "127.0.0.1"
