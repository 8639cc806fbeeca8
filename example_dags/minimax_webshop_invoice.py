"""A web shop's order becomes an issued Minimax invoice, with its PDF kept, paid in the end.

    load_order -> country, currency, VAT rates (by code, never hard-coded IDs)
               -> ensure customer (match on Code) -> ensure items (match on Code, one task each)
               -> the issuing employee (see below)
               -> create the invoice (match on DocumentReference = the order number)
               -> issueAndGeneratepdf, the PDF written to pdf_dir
               -> [demo only: the sandbox marks it paid] -> wait until paid (deferred)

Run it again for the same order (clear the run, or a retried task) and nothing is doubled: the
customer, the items and the invoice are found by their codes and the order number; an invoice
that is already issued only gets its PDF made again.

The order comes from the `order` param, or from a JSON file named by `order_file`.

On the local sandbox the customer pays (the demo's shortcut: at once, or
MINIMAX_SANDBOX_PAYS_AFTER seconds later), unless the `sandbox_pays` param is false: then the
wait goes to the triggerer until the invoice is paid some other way, as against Minimax
(tests/scheduler/ pays it through the sandbox's `/_sandbox/orgs/{org}/issuedinvoices/{id}/pay`
while the sensor is deferred).

IDs of countries, currencies and VAT rates differ between organisations (and between Minimax
Slovenia, Croatia and Serbia), so all three are looked up by code on every run. The same DAG
runs in each country; the VAT codes of the order's lines take that country's rates (S is 22 % in
Slovenia, 25 % in Croatia, 20 % in Serbia).

The issuing employee: set the `employee` param to the tax number (in Croatia the OIB) of the
employee who issues the shop's invoices, and every invoice names that employee (a tax number no
employee has fails the run before anything is written). Left empty, an invoice names no employee,
except in Croatia, where fiscalisation requires one on every invoice and Minimax refuses the
invoice without it: there the organisation's first employee (lowest ID) is taken, and the log
says who. Set the param in Croatia so that the choice is yours.

Against the local sandbox:

    python -m airflow_provider_minimax.sandbox   # prints AIRFLOW_CONN_MINIMAX_DEFAULT
    airflow dags test minimax_webshop_invoice
"""

from __future__ import annotations

import datetime
from typing import Any

from airflow.providers.common.compat.sdk import Param, dag, task

from airflow_provider_minimax.operators.action import MinimaxActionOperator
from airflow_provider_minimax.operators.records import MinimaxCreateOperator, MinimaxGetOperator
from airflow_provider_minimax.sensors.record import MinimaxRecordSensor

ORDER: dict[str, Any] = {
    "order_id": "WS-2025-1001",
    "currency": "EUR",
    "customer": {
        "Code": "WEB-C-1001",
        "Name": "Kavarna Pri Mostu d.o.o.",
        "Address": "Trubarjeva cesta 12",
        "PostalCode": "1000",
        "City": "Ljubljana",
        "TaxNumber": "51234569",
        "country": "SI",
    },
    "lines": [
        {
            "code": "WEB-KAVA-1KG",
            "name": "Kava v zrnu, 1 kg",
            "unit": "kos",
            "quantity": 3,
            "price": 18.50,
            "vat": "N",
        },
        {
            "code": "WEB-SKODELICA",
            "name": "Skodelica za espresso",
            "unit": "kos",
            "quantity": 6,
            "price": 7.90,
            "vat": "S",
        },
    ],
}
PAYMENT_DAYS = 15


@dag(
    dag_id="minimax_webshop_invoice",
    schedule=None,
    start_date=datetime.datetime(2025, 1, 1, tzinfo=datetime.timezone.utc),
    catchup=False,
    tags=["minimax", "example"],
    doc_md=__doc__,
    render_template_as_native_obj=True,  # templated payloads render to dicts and numbers
    params={
        "order": Param(ORDER, type="object", description="The web shop's order."),
        "order_file": Param("", type="string", description="A JSON file with the order instead."),
        "pdf_dir": Param("/tmp/minimax-invoices", type="string", description="Where PDFs go."),
        "employee": Param(
            "",
            type="string",
            description="Tax number (OIB) of the employee who issues the invoices; empty: "
            "none, or in Croatia the first employee.",
        ),
        "sandbox_pays": Param(
            True,
            type="boolean",
            description="On the local sandbox, the customer pays at once (demo); false: wait "
            "for a payment made otherwise.",
        ),
    },
)
def minimax_webshop_invoice() -> None:
    @task
    def load_order(params: dict[str, Any] | None = None) -> dict[str, Any]:
        """The order, from the params or a JSON file; checked before anything is written."""
        import json
        from pathlib import Path

        params = params or {}
        order = params["order"]
        if params.get("order_file"):
            order = json.loads(Path(params["order_file"]).read_text("utf-8"))
        for key in ("order_id", "currency", "customer", "lines"):
            if not order.get(key):
                raise ValueError(f"The order has no {key!r}.")
        return dict(order)

    order = load_order()

    country = MinimaxGetOperator(
        task_id="country",
        resource="countries",
        code="{{ ti.xcom_pull(task_ids='load_order')['customer']['country'] }}",
        fields=["CountryId"],
    )
    currency = MinimaxGetOperator(
        task_id="currency",
        resource="currencies",
        code="{{ ti.xcom_pull(task_ids='load_order')['currency'] }}",
        fields=["CurrencyId"],
    )

    @task
    def vat_codes(order: dict[str, Any]) -> list[str]:
        return sorted({line["vat"] for line in order["lines"]})

    vat_rates = MinimaxGetOperator.partial(
        task_id="vat_rate", resource="vatrates", fields=["VatRateId", "Code", "Percent"]
    ).expand(code=vat_codes(order))

    @task
    def customer_payload(order: dict[str, Any], country: dict[str, Any]) -> dict[str, Any]:
        fields = {k: v for k, v in order["customer"].items() if k != "country"}
        return fields | {"Country": {"ID": country["CountryId"]}}

    customer = MinimaxCreateOperator(
        task_id="ensure_customer",
        resource="customers",
        payload=customer_payload(order, country.output),
        match_on="Code",
    )

    @task
    def item_payloads(
        order: dict[str, Any], rates: list[dict[str, Any]], currency: dict[str, Any]
    ) -> list[dict[str, Any]]:
        rate_ids = {rate["Code"]: rate["VatRateId"] for rate in rates}
        return [
            {
                "Code": line["code"],
                "Name": line["name"],
                "UnitOfMeasurement": line["unit"],
                "Price": line["price"],
                "ItemType": "B",
                "VatRate": {"ID": rate_ids[line["vat"]]},
                "Currency": {"ID": currency["CurrencyId"]},
            }
            for line in order["lines"]
        ]

    items = MinimaxCreateOperator.partial(
        task_id="ensure_item", resource="items", match_on="Code"
    ).expand(payload=item_payloads(order, vat_rates.output, currency.output))

    @task
    def issuing_employee(params: dict[str, Any] | None = None) -> int | None:
        """The employee the invoice names: the `employee` param's, or in Croatia the first."""
        import logging

        from airflow_provider_minimax.hooks.minimax import MinimaxHook

        wanted = ((params or {}).get("employee") or "").strip()
        hook = MinimaxHook()
        if not wanted and hook.config.country != "HR":
            return None
        # Organisations have few employees, and a list is exact where SearchString is not.
        employees = list(hook.list("employees"))
        if wanted:
            found = [e for e in employees if (e.get("TaxNumber") or "").strip() == wanted]
            if not found:
                raise ValueError(f"No employee has the tax number {wanted!r}.")
            chosen = found[0]
        elif employees:
            chosen = min(employees, key=lambda e: e["EmployeeId"])
            logging.getLogger(__name__).info(
                "Croatian invoices need an issuing employee and the employee param is empty: "
                "taking the first, %s %s (ID %s).",
                chosen.get("FirstName"),
                chosen.get("LastName"),
                chosen["EmployeeId"],
            )
        else:
            raise ValueError(
                "Croatian invoices need an issuing employee; the organisation has none."
            )
        return int(chosen["EmployeeId"])

    @task
    def invoice_payload(
        order: dict[str, Any],
        customer: dict[str, Any],
        items: list[dict[str, Any]],
        rates: list[dict[str, Any]],
        currency: dict[str, Any],
        employee: int | None,
        ds: str | None = None,
    ) -> dict[str, Any]:
        rate_ids = {rate["Code"]: rate["VatRateId"] for rate in rates}
        day = datetime.date.fromisoformat(ds or datetime.date.today().isoformat())
        rows = [
            {
                "Item": {"ID": item["id"]},
                "ItemName": line["name"],
                "Quantity": line["quantity"],
                "Price": line["price"],
                "UnitOfMeasurement": line["unit"],
                "VatRate": {"ID": rate_ids[line["vat"]]},
            }
            for line, item in zip(order["lines"], items, strict=True)
        ]
        payload = {
            "Customer": {"ID": customer["id"]},
            "DateIssued": day.isoformat(),
            "DateTransaction": day.isoformat(),
            "DateDue": (day + datetime.timedelta(days=PAYMENT_DAYS)).isoformat(),
            "Currency": {"ID": currency["CurrencyId"]},
            "DocumentReference": order["order_id"],
            "InvoiceType": "R",
            "IssuedInvoiceRows": rows,
        }
        if employee is not None:
            payload["Employee"] = {"ID": employee}
        return payload

    employee = issuing_employee()
    # A wrong `employee` param fails the run before the customer or an item is written.
    employee >> customer

    invoice = MinimaxCreateOperator(
        task_id="create_invoice",
        resource="issuedinvoices",
        payload=invoice_payload(
            order,
            customer.output,
            items.output,
            vat_rates.output,
            currency.output,
            employee,
        ),
        match_on="DocumentReference",
    )

    issue = MinimaxActionOperator(
        task_id="issue_and_pdf",
        resource="issuedinvoices",
        id="{{ ti.xcom_pull(task_ids='create_invoice')['id'] }}",
        action="issueAndGeneratepdf",
        attachment_path=(
            "{{ params.pdf_dir }}/{{ ti.xcom_pull(task_ids='load_order')['order_id'] }}.pdf"
        ),
    )

    @task
    def sandbox_pays(invoice: dict[str, Any], params: dict[str, Any] | None = None) -> str:
        """Demo only: on the local sandbox, the customer pays, at once or (with the environment
        variable MINIMAX_SANDBOX_PAYS_AFTER, seconds; `make airflow` sets it) later, so that
        wait_until_paid is seen waiting in the triggerer; not at all with the `sandbox_pays`
        param off. Elsewhere: nothing."""
        import os
        import urllib.parse

        import requests

        from airflow_provider_minimax.hooks.minimax import MinimaxHook

        if not (params or {}).get("sandbox_pays", True):
            return "sandbox_pays is off: waiting for a payment made otherwise"
        hook = MinimaxHook()
        base = urllib.parse.urlsplit(hook.config.base_url)
        if base.hostname not in ("127.0.0.1", "localhost"):
            return "not a sandbox: waiting for a real payment"
        organisation = hook.get_conn().organisation_id()
        url = f"{base.scheme}://{base.netloc}/_sandbox/orgs/{organisation}/issuedinvoices/{invoice['id']}/pay"
        after = float(os.environ.get("MINIMAX_SANDBOX_PAYS_AFTER") or 0)
        requests.post(url, json={"after": after}, timeout=30).raise_for_status()
        return f"paid in the sandbox in {after:.0f} s" if after else "paid in the sandbox"

    paid = MinimaxRecordSensor(
        task_id="wait_until_paid",
        resource="issuedinvoices",
        id="{{ ti.xcom_pull(task_ids='create_invoice')['id'] }}",
        expect={"PaymentStatus": "Placan"},
        poke_interval=60,
        timeout=60 * 60 * 24 * PAYMENT_DAYS,
        deferrable=True,
    )

    # Templates that pull XCom make no dependency of their own: state them.
    order >> [country, currency]
    invoice >> issue >> sandbox_pays(invoice.output) >> paid


minimax_webshop_invoice()
