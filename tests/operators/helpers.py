"""Helpers for the operator tests: sandbox look-ups, route counters, a delayed other writer."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from typing import Any

from airflow_provider_minimax.sandbox import Sandbox

ORG = 123


def route(sandbox: Sandbox, method: str, path: str) -> str:
    """The sandbox's route key for an API path below the organisation (`customers/{id}`)."""
    return f"{method} /{sandbox.settings.country}/API/api/orgs/{{id}}/{path}"


def calls(sandbox: Sandbox, method: str, path: str) -> int:
    """How many requests the sandbox saw on that route."""
    by_route: dict[str, int] = sandbox.stats()["by_route"]
    return by_route.get(route(sandbox, method, path), 0)


def stored(sandbox: Sandbox, kind: str, record_id: int, org: int = ORG) -> dict[str, Any] | None:
    """A copy of the record as the sandbox holds it, or None when there is none."""
    try:
        return sandbox.record(org, kind, record_id)
    except LookupError:
        return None


def records_where(sandbox: Sandbox, kind: str, org: int = ORG, **fields: Any) -> list[dict]:
    return sandbox.records(org, kind, **fields)


def change(sandbox: Sandbox, kind: str, record_id: int, **fields: Any) -> dict[str, Any]:
    """Another writer edits the record (new RowVersion)."""
    return sandbox.change(ORG, kind, int(record_id), **fields)


def pay(sandbox: Sandbox, invoice_id: int) -> dict[str, Any]:
    """The sandbox's admin "mark paid" (what a bank statement does)."""
    return sandbox.mark_paid(ORG, int(invoice_id))


def unpaid_issued_invoice(sandbox: Sandbox) -> int:
    """The ID of an issued invoice that is not paid yet."""
    for record in sandbox.records(ORG, "issuedinvoices", Status="I"):
        if record.get("PaymentStatus") != "Placan":
            return int(record["IssuedInvoiceId"])
    raise AssertionError("the sandbox has no unpaid issued invoice")


def when_seen(
    sandbox: Sandbox,
    method: str,
    path: str,
    count: int,
    then: Callable[[], Any],
    stop: threading.Event,
    limit: float = 30,
) -> threading.Thread:
    """In the background: once the sandbox saw `count` requests on the route (and a moment
    later, so that the last of them has read the store), run `then`; give up when `stop` is set.
    """

    def watch() -> None:
        deadline = time.monotonic() + limit
        while time.monotonic() < deadline and not stop.is_set():
            if calls(sandbox, method, path) >= count:
                if not stop.wait(0.1):
                    then()
                return
            time.sleep(0.02)

    thread = threading.Thread(target=watch, daemon=True)
    thread.start()
    return thread
