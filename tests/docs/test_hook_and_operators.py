"""The snippets of hook.md and operators.md, run against the sandbox."""

from __future__ import annotations

import csv
import decimal
import hashlib
import inspect
import json
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pendulum
import pytest
import requests

from airflow_provider_minimax.sandbox import Sandbox
from tests.dagtools import task_states, xcoms
from tests.docs.helpers import route_calls, sandbox_records
from tests.docs.snippets import snippet

ALL_SUCCESS = "success"


def one(records: list[dict], **fields: Any) -> dict:
    """The one record with these field values (fails if there are none or several)."""
    [found] = [r for r in records if all(r.get(k) == v for k, v in fields.items())]
    return found


def all_succeeded(dag_run: Any, *task_ids: str) -> None:
    assert task_states(dag_run) == dict.fromkeys(task_ids, ALL_SUCCESS)


# -- hook.md ----------------------------------------------------------------------------------


def test_the_hook_signature_on_the_page_is_the_real_one() -> None:
    from airflow_provider_minimax.hooks.minimax import MinimaxHook

    parameters = [
        f"{name}={json.dumps(parameter.default) if parameter.default else parameter.default}"
        for name, parameter in inspect.signature(MinimaxHook).parameters.items()
        if parameter.kind is not parameter.VAR_KEYWORD
    ]
    expected = f"{MinimaxHook.__module__}.MinimaxHook({', '.join(parameters)})"
    assert snippet("hook-signature").code.strip() == expected


def test_hook_reads(run_python: Any, minimax_sandbox: Sandbox) -> None:
    names, printed = run_python("hook-read")
    assert [org["ID"] for org in names["reached"]] == [123, 124]
    assert names["standard_vat"]["Code"] == "S" and names["standard_vat"]["Percent"] == 22.0
    assert names["customer"]["Code"] == "00001"
    assert names["same_customer"] == names["customer"]

    stored = [
        invoice
        for invoice in sandbox_records(minimax_sandbox, "issuedinvoices")
        if "2025-11-01" <= invoice["DateIssued"][:10] <= "2025-11-30"
        and invoice["PaymentStatus"] == "NeplacanZapadel"
    ]
    assert stored, "the sandbox has overdue November invoices"
    assert sorted(i["IssuedInvoiceId"] for i in names["overdue"]) == sorted(
        i["IssuedInvoiceId"] for i in stored
    )
    owed = names["owed"]
    assert isinstance(owed, decimal.Decimal)  # decimals=True: exact amounts
    expected = sum(decimal.Decimal(str(i["InvoiceValue"] - i["PaidValue"])) for i in stored)
    assert abs(owed - expected) < decimal.Decimal("0.01")
    assert f"{len(stored)} overdue invoices, {owed} EUR owed" in printed
    stats = names["hook"].get_conn().stats.as_dict()
    assert stats["api_calls"] == 5  # organisations, two codes, one record, one list page
    assert f"'api_calls': {stats['api_calls']}" in printed


def test_hook_dag_writes_once(run_dag: Any, minimax_sandbox: Sandbox) -> None:
    first = run_dag("hook-dag")
    all_succeeded(first, "ensure_customer", "invoice")
    values = xcoms(first)
    customer = one(sandbox_records(minimax_sandbox, "customers"), Code="WEB-1")
    assert values["ensure_customer"] == customer["CustomerId"]
    assert customer["City"] == "Koper"
    invoice = one(
        sandbox_records(minimax_sandbox, "issuedinvoices"), DocumentReference="WS-2025-1001"
    )
    assert invoice["Status"] == "I" and invoice["Customer"]["ID"] == customer["CustomerId"]
    assert values["invoice"] == {
        "id": invoice["IssuedInvoiceId"],
        "number": invoice["InvoiceNumber"],
    }

    second = run_dag("hook-dag")  # a rerun finds both records and issues nothing again
    all_succeeded(second, "ensure_customer", "invoice")
    assert xcoms(second) == values
    one(sandbox_records(minimax_sandbox, "customers"), Code="WEB-1")
    one(sandbox_records(minimax_sandbox, "issuedinvoices"), DocumentReference="WS-2025-1001")


# -- operators.md -----------------------------------------------------------------------------


def test_create_operator_creates_once(run_dag: Any, minimax_sandbox: Sandbox) -> None:
    first = run_dag("operators-create")
    all_succeeded(first, "customer")
    created = xcoms(first)["customer"]
    customer = one(sandbox_records(minimax_sandbox, "customers"), Code="WEB-1")
    assert created == {
        "id": customer["CustomerId"],
        "location": f"{minimax_sandbox.api_url}api/orgs/123/customers/{customer['CustomerId']}",
        "row_version": customer["RowVersion"],
    }
    assert customer["Address"] == "Celovška cesta 10"
    again = run_dag("operators-create")
    assert xcoms(again)["customer"]["id"] == created["id"]
    one(sandbox_records(minimax_sandbox, "customers"), Code="WEB-1")
    assert route_calls(minimax_sandbox, "POST", "customers") == 1


def test_get_operator_reads_by_code(run_dag: Any, minimax_sandbox: Sandbox) -> None:
    dag_run = run_dag("operators-get")
    all_succeeded(dag_run, "vat_rate", "customer")
    rate = one(sandbox_records(minimax_sandbox, "vatrates"), Code="S")
    customer = one(sandbox_records(minimax_sandbox, "customers"), Code="00001")
    assert xcoms(dag_run) == {
        "vat_rate": {"VatRateId": rate["VatRateId"], "Percent": 22.0},
        "customer": {key: customer[key] for key in ("CustomerId", "Name", "City", "RowVersion")},
    }


def test_update_operator_moves_the_customer(run_dag: Any, minimax_sandbox: Sandbox) -> None:
    before = one(sandbox_records(minimax_sandbox, "customers"), Code="00001")
    dag_run = run_dag("operators-update")
    all_succeeded(dag_run, "read", "move")
    after = one(sandbox_records(minimax_sandbox, "customers"), Code="00001")
    assert (after["Address"], after["PostalCode"], after["City"]) == (
        "Pristaniška ulica 3",
        "6000",
        "Koper",
    )
    assert after["Name"] == before["Name"] and after["RowVersion"] != before["RowVersion"]
    assert xcoms(dag_run)["move"] == {"id": after["CustomerId"], "row_version": after["RowVersion"]}


def test_delete_operator_removes_what_it_created(run_dag: Any, minimax_sandbox: Sandbox) -> None:
    dag_run = run_dag("operators-delete")
    all_succeeded(dag_run, "create", "delete")
    created = xcoms(dag_run)["create"]["id"]
    assert created and not [
        c for c in sandbox_records(minimax_sandbox, "customers") if c["Code"] == "TMP-1"
    ]
    assert route_calls(minimax_sandbox, "DELETE", "customers/{id}") == 1


def test_action_operator_issues_once_and_keeps_the_pdf(
    run_dag: Any, minimax_sandbox: Sandbox, data_root: Path
) -> None:
    day = pendulum.datetime(2025, 12, 1, tz="UTC")
    first = run_dag("operators-action", logical_date=day)
    all_succeeded(first, "customer", "vat", "draft", "issue")
    pdf = data_root / "invoices" / "WS-2025-1002.pdf"
    content = pdf.read_bytes()
    assert content.startswith(b"%PDF-")
    issued = xcoms(first)["issue"]
    assert issued["path"] == f"file://{pdf}"
    assert issued["bytes"] == len(content)
    assert issued["sha256"] == hashlib.sha256(content).hexdigest()

    invoice = one(
        sandbox_records(minimax_sandbox, "issuedinvoices"), DocumentReference="WS-2025-1002"
    )
    customer = one(sandbox_records(minimax_sandbox, "customers"), Code="00001")
    rate = one(sandbox_records(minimax_sandbox, "vatrates"), Code="S")
    assert invoice["Status"] == "I"
    assert invoice["Customer"]["ID"] == customer["CustomerId"]
    assert invoice["IssuedInvoiceRows"][0]["VatRate"]["ID"] == rate["VatRateId"]
    assert (invoice["DateIssued"][:10], invoice["DateDue"][:10]) == ("2025-12-01", "2025-12-16")

    pdf.unlink()
    again = run_dag("operators-action", logical_date=day)
    all_succeeded(again, "customer", "vat", "draft", "issue")
    assert pdf.read_bytes().startswith(b"%PDF-")  # made again
    one(sandbox_records(minimax_sandbox, "issuedinvoices"), DocumentReference="WS-2025-1002")
    assert (
        route_calls(minimax_sandbox, "PUT", "issuedinvoices/{id}/actions/issueAndGeneratepdf") == 1
    )


def test_export_operator_writes_the_customers_csv(
    run_dag: Any, minimax_sandbox: Sandbox, data_root: Path
) -> None:
    dag_run = run_dag("operators-export")
    all_succeeded(dag_run, "customers")
    written = data_root / "123" / "customers.csv"
    with written.open(newline="", encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    stored = sandbox_records(minimax_sandbox, "customers")
    assert sorted(int(row["CustomerId"]) for row in rows) == sorted(c["CustomerId"] for c in stored)
    assert list(rows[0])[:9] == [
        "CustomerId",
        "Code",
        "Name",
        "Address",
        "PostalCode",
        "City",
        "Country_ID",
        "Country_Name",
        "Country_ResourceUrl",
    ]
    manifest = json.loads(Path(f"{written}.manifest.json").read_text("utf-8"))
    assert manifest == xcoms(dag_run)["customers"]
    assert (manifest["mode"], manifest["rows"], manifest["format"]) == ("full", len(stored), "csv")


def test_sync_operator_upserts_the_shop_file(
    run_dag: Any, minimax_sandbox: Sandbox, data_root: Path
) -> None:
    shop = data_root / "shop"
    shop.mkdir(parents=True)
    customers = [
        {"Code": "00001", "Name": "Javor Marketing d.o.o.", "City": "Koper"},
        {"Code": "WEB-9", "Name": "Pekarna Kruh d.o.o.", "City": "Ptuj"},
    ]
    text = "".join(json.dumps(c, ensure_ascii=False) + "\n" for c in customers)
    (shop / "customers.jsonl").write_text(text, "utf-8")
    dag_run = run_dag("operators-sync")
    all_succeeded(dag_run, "customers")
    summary = xcoms(dag_run)["customers"]
    assert summary["outcomes"] == {"created": 1, "updated": 1}
    stored = sandbox_records(minimax_sandbox, "customers")
    assert one(stored, Code="00001")["City"] == "Koper"
    assert summary["ids"]["WEB-9"] == one(stored, Code="WEB-9")["CustomerId"]
    results = (shop / "customers.results.jsonl").read_text("utf-8").splitlines()
    assert [json.loads(line)["outcome"] for line in results] == ["updated", "created"]
    assert (shop / "customers.failed.jsonl").read_bytes() == b""


@pytest.fixture
def payment_after_first_look(minimax_sandbox: Sandbox) -> Iterator[dict[str, Any]]:
    """Invoice 919 of 2025 (unpaid in the sandbox) is paid once the sensor has looked at it."""
    [invoice] = [
        i
        for i in sandbox_records(minimax_sandbox, "issuedinvoices")
        if (i["InvoiceNumber"], i["Year"]) == (919, 2025)
    ]
    assert invoice["PaymentStatus"] != "Placan"
    stop = threading.Event()

    def pay_later() -> None:
        while not stop.is_set():
            if route_calls(minimax_sandbox, "GET", "issuedinvoices/{id}") >= 1:
                time.sleep(0.2)
                url = f"{minimax_sandbox.root_url}/_sandbox/orgs/123/issuedinvoices"
                requests.post(f"{url}/{invoice['IssuedInvoiceId']}/pay", timeout=10)
                return
            time.sleep(0.02)

    thread = threading.Thread(target=pay_later, daemon=True)
    thread.start()
    yield invoice
    stop.set()
    thread.join(timeout=5)


@pytest.mark.timeout(120)
def test_sensor_defers_and_sees_the_payment(
    run_dag: Any,
    minimax_sandbox: Sandbox,
    payment_after_first_look: dict[str, Any],
) -> None:
    """The page's sensor, with a poke interval of 1 s instead of half an hour: the first look
    finds the invoice unpaid, the trigger sees it paid."""
    dag_run = run_dag("operators-sensor", replace={"poke_interval=1800,": "poke_interval=1,"})
    all_succeeded(dag_run, "wait_until_paid")
    invoice = one(
        sandbox_records(minimax_sandbox, "issuedinvoices"),
        IssuedInvoiceId=payment_after_first_look["IssuedInvoiceId"],
    )
    assert xcoms(dag_run)["wait_until_paid"] == {
        "id": invoice["IssuedInvoiceId"],
        "row_version": invoice["RowVersion"],
        "PaymentStatus": "Placan",
    }
    assert route_calls(minimax_sandbox, "GET", "issuedinvoices/{id}") >= 2  # looked again
