"""Helpers of the sync tests: the requests a client sent, web shop customers, the store."""

from __future__ import annotations

import urllib.parse
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from airflow_provider_minimax.client import MinimaxClient
from airflow_provider_minimax.sandbox import Sandbox

ORG = 123


@dataclass
class Sent:
    """Each request's method and path below the organisation, and its query, in order."""

    requests: list[tuple[str, str, dict[str, str]]] = field(default_factory=list)

    @classmethod
    def watching(cls, client: MinimaxClient) -> Sent:
        sent = cls()

        def seen(response: Any, *args: Any, **kwargs: Any) -> None:
            url = urllib.parse.urlsplit(response.request.url)
            path = urllib.parse.unquote(url.path).split(f"/orgs/{ORG}/", 1)[-1]
            sent.requests.append(
                (response.request.method, path, dict(urllib.parse.parse_qsl(url.query)))
            )

        client.transport.session.hooks["response"].append(seen)
        return sent

    def count(self, method: str, prefix: str = "") -> int:
        return sum(m == method and p.startswith(prefix) for m, p, _ in self.requests)

    def paths(self, method: str) -> list[str]:
        return [p for m, p, _ in self.requests if m == method]

    def queries(self) -> list[dict[str, str]]:
        return [q for _, _, q in self.requests]


def customer(number: int, **fields: Any) -> dict[str, Any]:
    """A web shop's customer, `WEB-0001`."""
    return {
        "Code": f"WEB-{number:04d}",
        "Name": f"Spletni kupec {number}",
        "Address": f"Trubarjeva cesta {number}",
        "PostalCode": "1000",
        "City": "Ljubljana",
        **fields,
    }


def codes(sandbox: Sandbox) -> Counter[str]:
    """How many customers of organisation 123 have each code."""
    return Counter(str(record.get("Code")) for record in sandbox.records(ORG, "customers"))


def seeded(sandbox: Sandbox, count: int = 2) -> list[dict[str, Any]]:
    """The first `count` customers of the seeded world, as the sandbox stores them."""
    return sorted(sandbox.records(ORG, "customers"), key=lambda r: r["Code"])[:count]
