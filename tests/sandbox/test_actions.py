"""Behaviour 8: document actions with ?rowVersion=, real PDFs, journals confirmed by PUT."""

from __future__ import annotations

import base64
import re
import time

import pytest

from airflow_provider_minimax.sandbox import CONCURRENCY_MESSAGE
from tests.support import Api, act, draft_invoice


def assert_valid_pdf(data: bytes) -> None:
    assert data.startswith(b"%PDF-1.")
    assert data.rstrip().endswith(b"%%EOF")
    startxref = int(re.findall(rb"startxref\s+(\d+)", data)[-1])
    assert data[startxref:].startswith(b"xref")
    # Every object offset in the cross-reference table points at that object.
    table = data[startxref:].split(b"trailer")[0].splitlines()[3:]
    for number, line in enumerate(table, start=1):
        offset = int(line.split()[0])
        assert data[offset:].startswith(b"%d 0 obj" % number)


def test_issue_an_invoice(api: Api) -> None:
    invoice = draft_invoice(api)
    assert invoice["Status"] == "O"
    response = act(
        api, "issuedinvoices", invoice["IssuedInvoiceId"], "issue", invoice["RowVersion"]
    )
    assert response.status_code == 200, response.text
    data = response.json()["Data"]
    assert data["Status"] == "I"
    assert data["InvoiceNumber"] >= 1
    assert data["RowVersion"] != invoice["RowVersion"]


def test_action_names_are_case_insensitive(api: Api) -> None:
    invoice = draft_invoice(api)
    response = act(
        api, "issuedinvoices", invoice["IssuedInvoiceId"], "ISSUE", invoice["RowVersion"]
    )
    assert response.status_code == 200


def test_action_needs_the_row_version(api: Api) -> None:
    invoice = draft_invoice(api)
    missing = act(api, "issuedinvoices", invoice["IssuedInvoiceId"], "issue", None)
    assert missing.status_code == 400
    assert "rowVersion" in missing.json()["Message"]
    stale = act(api, "issuedinvoices", invoice["IssuedInvoiceId"], "issue", "AAAAAAAAAAA=")
    assert stale.json()["Message"] == CONCURRENCY_MESSAGE


def test_an_unencoded_row_version_is_read_back_as_sent(api: Api) -> None:
    """The vendor's C# and PHP samples put the RowVersion into the query unencoded, so its '+'
    arrives as a space; their calls work on the real service, so the sandbox reads a space as
    '+' (a base64 RowVersion never holds a space). A version that is stale stays stale."""
    invoice = draft_invoice(api)
    for _ in range(200):  # another writer's edits until the version holds a "+"
        if "+" in invoice["RowVersion"]:
            break
        path = f"orgs/123/issuedinvoices/{invoice['IssuedInvoiceId']}/change"
        invoice = api.admin("POST", path, json={"Notes": "x"})
    assert "+" in invoice["RowVersion"]
    raw = api.url(api.org(f"issuedinvoices/{invoice['IssuedInvoiceId']}/actions/issue"))
    headers = {"Authorization": f"Bearer {api.token}"}
    stale = invoice["RowVersion"].replace("+", "-")
    refused = api.session.put(f"{raw}?rowVersion={stale}", headers=headers, timeout=10)
    assert refused.json()["Message"] == CONCURRENCY_MESSAGE
    ok = api.session.put(f"{raw}?rowVersion={invoice['RowVersion']}", headers=headers, timeout=10)
    assert ok.status_code == 200, ok.text
    assert api.ok("GET", api.org(f"issuedinvoices/{invoice['IssuedInvoiceId']}"))["Status"] == "I"


def test_issue_and_generate_pdf_returns_a_real_pdf(api: Api) -> None:
    invoice = draft_invoice(api)
    response = act(
        api,
        "issuedinvoices",
        invoice["IssuedInvoiceId"],
        "issueAndGeneratepdf",
        invoice["RowVersion"],
    )
    data = response.json()["Data"]
    assert data["AttachmentMimeType"] == "application/pdf"
    assert data["AttachmentFileName"].endswith(".pdf")
    pdf = base64.b64decode(data["AttachmentData"])
    assert_valid_pdf(pdf)
    assert b"99.98" in pdf or b"99,98" in pdf
    attachments = api.ok("GET", api.org(f"issuedinvoices/{invoice['IssuedInvoiceId']}/attachments"))
    assert [a["AttachmentId"] for a in attachments] == [data["AttachmentId"]]
    issued = api.ok("GET", api.org(f"issuedinvoices/{invoice['IssuedInvoiceId']}"))
    assert issued["Status"] == "I"


def test_issue_twice_is_refused(api: Api) -> None:
    invoice = draft_invoice(api)
    first = act(api, "issuedinvoices", invoice["IssuedInvoiceId"], "issue", invoice["RowVersion"])
    again = act(
        api,
        "issuedinvoices",
        invoice["IssuedInvoiceId"],
        "issue",
        first.json()["Data"]["RowVersion"],
    )
    assert again.status_code == 400
    assert "already issued" in again.json()["Message"]


def test_cancel_issue_and_credit_note(api: Api) -> None:
    invoice = draft_invoice(api)
    issued = act(
        api, "issuedinvoices", invoice["IssuedInvoiceId"], "issue", invoice["RowVersion"]
    ).json()["Data"]
    credit = act(
        api, "issuedinvoices", invoice["IssuedInvoiceId"], "copytocreditnote", issued["RowVersion"]
    ).json()["Data"]
    assert credit["IssuedInvoiceId"] != invoice["IssuedInvoiceId"]
    assert credit["Status"] == "O"
    assert credit["IssuedInvoiceRows"][0]["Quantity"] == -2
    current = api.ok("GET", api.org(f"issuedinvoices/{invoice['IssuedInvoiceId']}"))
    cancelled = act(
        api,
        "issuedinvoices",
        invoice["IssuedInvoiceId"],
        "issueCancellation",
        current["RowVersion"],
    ).json()["Data"]
    assert cancelled["Status"] == "O"


def test_unknown_action_is_refused(api: Api) -> None:
    invoice = draft_invoice(api)
    response = act(
        api, "issuedinvoices", invoice["IssuedInvoiceId"], "explode", invoice["RowVersion"]
    )
    assert response.status_code == 400
    assert "generatepdf" in response.json()["Message"]


ORDER_FLOW = [
    ("confirm", "P"),
    ("complete", "Z"),
    ("cancelCompletion", "P"),
    ("cancelConfirmation", "O"),
    ("invalidate", "R"),
    ("cancelInvalidation", "O"),
]


def test_order_actions(api: Api) -> None:
    order = next(row for row in api.rows(api.org("orders")) if row["Status"] == "O")
    record = api.ok("GET", api.org(f"orders/{order['OrderId']}"))
    for action, status in ORDER_FLOW:
        response = act(api, "orders", order["OrderId"], action, record["RowVersion"])
        assert response.status_code == 200, (action, response.text)
        record = response.json()["Data"]
        assert record["Status"] == status
    pdf = act(api, "orders", order["OrderId"], "getorderpdf", record["RowVersion"], method="GET")
    assert_valid_pdf(base64.b64decode(pdf.json()["Data"]["AttachmentData"]))
    refreshed = api.ok("GET", api.org(f"orders/{order['OrderId']}"))
    created = act(api, "orders", order["OrderId"], "createissuedinvoice", refreshed["RowVersion"])
    invoice = created.json()["Data"]
    assert invoice["Status"] == "O"
    assert len(invoice["IssuedInvoiceRows"]) == len(refreshed["OrderRows"])


def test_order_transition_out_of_place_is_refused(api: Api) -> None:
    order = next(row for row in api.rows(api.org("orders")) if row["Status"] == "O")
    record = api.ok("GET", api.org(f"orders/{order['OrderId']}"))
    response = act(api, "orders", order["OrderId"], "complete", record["RowVersion"])
    assert response.status_code == 400
    assert "draft" in response.json()["Message"]


def test_stock_entry_actions(api: Api) -> None:
    entry = next(row for row in api.rows(api.org("stockentry")) if row["Status"] == "O")
    record = api.ok("GET", api.org(f"stockentry/{entry['StockEntryId']}"))
    confirmed = act(api, "stockentry", entry["StockEntryId"], "confirm", record["RowVersion"])
    assert confirmed.json()["Data"]["Status"] == "P"
    note = act(
        api,
        "stockentry",
        entry["StockEntryId"],
        "getDeliveryNotepdf",
        confirmed.json()["Data"]["RowVersion"],
        method="GET",
    )
    assert_valid_pdf(base64.b64decode(note.json()["Data"]["AttachmentData"]))


def test_journal_is_confirmed_by_put_with_status_p(api: Api) -> None:
    draft = next(row for row in api.rows(api.org("journals"), Status="O"))
    journal = api.ok("GET", api.org(f"journals/{draft['JournalId']}"))
    api.ok("PUT", api.org(f"journals/{draft['JournalId']}"), json=journal | {"Status": "P"})
    assert api.ok("GET", api.org(f"journals/{draft['JournalId']}"))["Status"] == "P"


@pytest.mark.parametrize("resource", ["journals", "customers"])
def test_resources_without_actions_refuse_them(api: Api, resource: str) -> None:
    first = api.rows(api.org(resource))[0]
    record_id = next(iter(first.values()))
    response = act(api, resource, record_id, "issue", "AAAAAAAAAAA=")
    assert response.status_code == 400


def test_mark_paid(api: Api) -> None:
    invoice = draft_invoice(api)
    act(api, "issuedinvoices", invoice["IssuedInvoiceId"], "issue", invoice["RowVersion"])
    paid = api.admin("POST", f"orgs/123/issuedinvoices/{invoice['IssuedInvoiceId']}/pay")
    assert paid["PaymentStatus"] == "Placan"
    assert paid["PaidValue"] == paid["InvoiceValue"]
    assert api.rows(api.org("issuedinvoices"), PaymentStatus="Placan")


def test_mark_paid_later(api: Api) -> None:
    """`{"after": seconds}`: unpaid now (what a waiting sensor sees first), paid after that."""
    invoice = draft_invoice(api)
    act(api, "issuedinvoices", invoice["IssuedInvoiceId"], "issue", invoice["RowVersion"])
    path = f"orgs/123/issuedinvoices/{invoice['IssuedInvoiceId']}/pay"
    now = api.admin("POST", path, json={"after": 0.5})
    assert now["PaymentStatus"] != "Placan"
    deadline = time.monotonic() + 10
    while (
        api.get(api.org(f"issuedinvoices/{invoice['IssuedInvoiceId']}")).json()["PaymentStatus"]
        != "Placan"
    ):
        assert time.monotonic() < deadline, "not paid within 10 s"
        time.sleep(0.1)
