"""The costs docs/rate-budget.md gives for creates with match_on, measured against the sandbox:
they once said one call for a record found by match_on; a task logs 2 (3 for an invoice found
by DocumentReference on a day of one invoice)."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

import pytest

from airflow_provider_minimax.hooks.minimax import MinimaxHook
from airflow_provider_minimax.sandbox import Sandbox
from tests.docs.snippets import DOCS
from tests.operators.helpers import records_where

PAGE = (DOCS / "rate-budget.md").read_text("utf-8")
DAY = "2031-03-14"  # a day no generated invoice has: the day's list holds only ours


def calls(write: Callable[[MinimaxHook], Any]) -> int:
    """The API calls of one task's hook (its check of the organisations included)."""
    hook = MinimaxHook()
    write(hook)
    return int(hook.get_conn().stats.api_calls)


def invoice(hook: MinimaxHook, reference: str) -> dict[str, Any]:
    customer = next(iter(hook.list("customers")))
    item = next(iter(hook.list("items")))
    rate = hook.get_by_code("vatrates", "S", date=DAY)
    return {
        "Customer": {"ID": customer["CustomerId"]},
        "DateIssued": DAY,
        "DateTransaction": DAY,
        "DateDue": DAY,
        "DocumentReference": reference,
        "IssuedInvoiceRows": [
            {
                "Item": {"ID": item["ItemId"]},
                "Quantity": 1,
                "Price": 10,
                "VatRate": {"ID": rate["VatRateId"]},
            }
        ],
    }


def documented(pattern: str) -> str:
    found = re.search(pattern, PAGE)
    assert found, f"rate-budget.md no longer says {pattern!r}"
    return found.group(1)


@pytest.mark.usefixtures("minimax_connection")
def test_the_documented_costs_of_creates_are_the_measured_ones(minimax_sandbox: Sandbox) -> None:
    words = {"one": 1, "two": 2, "three": 3}
    plain = words[documented(r"\| `create\(\)` \| (\w+): the `POST` and the read back")]
    by_code_new = words[documented(r"a code \(customers, items\) \| (\w+) for a new record")]
    by_code_found = words[documented(r"the read back; (\w+) when the record exists")]
    # Each task's hook checks the organisations once, before its first write.
    assert calls(lambda h: h.create("customers", {"Code": "COST-1", "Name": "A"})) == 1 + plain
    customer = {"Code": "COST-2", "Name": "B"}
    assert calls(lambda h: h.create("customers", customer, match_on="Code")) == 1 + by_code_new
    assert calls(lambda h: h.create("customers", customer, match_on="Code")) == 1 + by_code_found
    task_found = int(documented(r"finds its customer by `Code` logs \*\*(\d) API calls\*\*"))
    assert 1 + by_code_found == task_found == 2

    payload = invoice(MinimaxHook(), "WEB-COST-1")
    new = calls(lambda h: h.create("issuedinvoices", payload, match_on="DocumentReference"))
    assert new == 1 + 1 + 2  # the organisations, the (empty) day's list, POST and read back
    found = calls(lambda h: h.create("issuedinvoices", payload, match_on="DocumentReference"))
    assert found == int(documented(r"on a day that has only that invoice logs \*\*(\d)\*\*")) == 3
    assert (
        len(records_where(minimax_sandbox, "issuedinvoices", DocumentReference="WEB-COST-1")) == 1
    )
