"""What the sandbox saw: requests by route, logins, statuses, rows served."""

from __future__ import annotations

import re
import threading
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

_NUMBER = re.compile(r"/\d+(?=/|$)")
_CODE = re.compile(r"/(code|date|content)\([^)]*\)", re.IGNORECASE)


def route_of(path: str) -> str:
    """`/SI/API/api/orgs/123/customers/456` -> `/SI/API/api/orgs/{id}/customers/{id}`."""
    return _CODE.sub(r"/\1({value})", _NUMBER.sub("/{id}", path))


@dataclass
class Statistics:
    requests: int = 0
    api_calls: int = 0
    by_route: Counter[str] = field(default_factory=Counter)
    by_status: Counter[int] = field(default_factory=Counter)
    rows_served: int = 0
    pages_served: int = 0
    ignored_parameters: Counter[str] = field(default_factory=Counter)
    # Body properties the model has no field for, as `Model.Name`: dropped without a word.
    ignored_properties: Counter[str] = field(default_factory=Counter)

    def __post_init__(self) -> None:
        self._lock = threading.Lock()

    def count_request(self, method: str, path: str, *, is_api: bool) -> None:
        with self._lock:
            self.requests += 1
            self.api_calls += int(is_api)
            self.by_route[f"{method} {route_of(path)}"] += 1

    def count_response(self, status: int, rows: int | None = None) -> None:
        with self._lock:
            self.by_status[status] += 1
            if rows is not None:
                self.pages_served += 1
                self.rows_served += rows

    def count_ignored(self, names: list[str]) -> None:
        with self._lock:
            self.ignored_parameters.update(names)

    def count_ignored_properties(self, names: list[str]) -> None:
        with self._lock:
            self.ignored_properties.update(names)

    def as_dict(self) -> dict[str, Any]:
        with self._lock:
            return {
                "requests": self.requests,
                "api_calls": self.api_calls,
                "by_route": dict(self.by_route),
                "by_status": {str(code): n for code, n in self.by_status.items()},
                "rows_served": self.rows_served,
                "pages_served": self.pages_served,
                "ignored_parameters": dict(self.ignored_parameters),
                "ignored_properties": dict(self.ignored_properties),
            }
