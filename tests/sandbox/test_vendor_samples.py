"""The exchanges of the vendor's own sample clients, replayed with raw HTTP (no provider code).

What each sample sends is recorded in reference.md ([SAMPLE]): the Python sample
(minimaxapi/MinimaxAPISamplePython) and the C#/PHP samples (minimaxapi/MinimaxAPISample,
robertgrizilo/MinimaxAPISamplePHP). They work against the real service, so they must work
against the sandbox in the switch positions they imply.
"""

from __future__ import annotations

import base64
from typing import Any

import pytest
import requests

from airflow_provider_minimax.sandbox import Sandbox
from tests.sandbox.test_actions import assert_valid_pdf

ORG = 123


class Session:
    """A bearer token and the API root, nothing else: what the samples keep between calls."""

    def __init__(self, sandbox: Sandbox, token: str) -> None:
        self.sandbox = sandbox
        self.http = requests.Session()
        self.http.headers["Authorization"] = f"Bearer {token}"
        self.api = f"{sandbox.api_url}api/"

    def get(self, url: str, **params: str) -> Any:
        response = self.http.get(url if url.startswith("http") else self.api + url, params=params)
        assert response.status_code == 200, f"{url}: {response.status_code} {response.text}"
        return response.json()

    def post(self, path: str, **kwargs: Any) -> str:
        """A create; the Location of the new record."""
        response = self.http.post(self.api + path, **kwargs)
        assert response.status_code == 201, f"{path}: {response.status_code} {response.text}"
        location: str = response.headers["Location"]
        return location


def pdf_of(answer: requests.Response) -> bytes:
    assert answer.status_code == 200, answer.text
    data = answer.json()["Data"]
    assert data["AttachmentMimeType"] == "application/pdf"
    pdf = base64.b64decode(data["AttachmentData"])
    assert_valid_pdf(pdf)
    return pdf


# -- the Python sample ------------------------------------------------------------------------


def test_the_python_sample_flow(minimax_sandbox: Sandbox) -> None:
    """Basic auth to the lower-case token path, numbers as strings, `"Employee": {"ID": ""}`,
    `"Status": "0"`, the invoice ID after the last `=` of its Location, and
    IssueAndGeneratePdf with an empty rowVersion: the positions "query" and "optional"."""
    minimax_sandbox.configure(location_style="query", action_row_version="optional")
    creds = minimax_sandbox.settings.credentials
    answer = requests.post(
        minimax_sandbox.base_url + "aut/oauth20/token",
        auth=(creds.client_id, creds.client_secret),
        data={
            "grant_type": "password",
            "username": creds.username,
            "password": creds.password,
            "scope": "minimax.si",
        },
        timeout=10,
    )
    assert answer.status_code == 200, answer.text
    session = Session(minimax_sandbox, answer.json()["access_token"])

    org = session.get("currentuser/orgs")["Rows"][0]["Organisation"]["ID"]
    assert org == ORG
    template = session.get(f"orgs/{org}/report-templates", SearchString="IR")["Rows"][0]
    assert template["DisplayType"] == "IR"
    country = session.get(f"orgs/{org}/countries/code(SI)")["CountryId"]
    currency = session.get(f"orgs/{org}/currencies/code(EUR)")["CurrencyId"]
    vat = session.get(f"orgs/{org}/vatrates/code(S)")["VatRateId"]

    customer = {
        "Code": "PY-1",
        "Name": "Python Vzorec d.o.o.",
        "Address": "Glavna 1",
        "PostalCode": "4000",
        "City": "Kranj",
        "Country": {"ID": str(country)},
        "Currency": {"ID": str(currency)},
        "SubjectToVAT": "N",
    }
    customer_id = session.post(f"orgs/{org}/customers", json=customer).rsplit("=", 1)[-1]
    item = {
        "Name": "Storitev",
        "Code": "PY-S",
        "ItemType": "S",
        "UnitOfMeasurement": "kos",
        "VatRate": {"ID": str(vat)},
        "Price": "100.0",
        "Currency": {"ID": str(currency)},
    }
    item_id = session.post(f"orgs/{org}/items", json=item).rsplit("=", 1)[-1]
    invoice = {
        "Customer": {"ID": customer_id},
        "DateIssued": "2025-11-20",
        "DateTransaction": "2025-11-20",
        "DateTransactionFrom": "2025-11-20",
        "DateDue": "2025-12-05",
        "Currency": {"ID": str(currency)},
        "IssuedInvoiceReportTemplate": {"ID": str(template["ReportTemplateId"])},
        "Employee": {"ID": ""},
        "Status": "0",
        "PricesOnInvoice": "N",
        "IssuedInvoiceRows": [
            {
                "Item": {"ID": item_id},
                "ItemName": "Storitev",
                "RowNumber": "1",
                "Quantity": "1",
                "UnitOfMeasurement": "kos",
                "Price": "100.0",
                "VatRate": {"ID": str(vat)},
            }
        ],
    }
    location = session.post(f"orgs/{org}/issuedinvoices", json=invoice)
    invoice_id = location.split("=")[-1]
    assert invoice_id.isdigit(), location

    action = f"orgs/{org}/issuedinvoices/{invoice_id}/actions/IssueAndGeneratePdf?rowVersion="
    pdf_of(session.http.put(session.api + action, timeout=10))
    issued = session.get(f"orgs/{org}/issuedinvoices/{invoice_id}")
    assert issued["Status"] == "I"
    assert issued["Employee"] is None
    assert issued["InvoiceValue"] == 122.0  # 100 + 22 % VAT


def test_the_python_sample_s_empty_row_version_is_refused_when_required(
    minimax_sandbox: Sandbox,
) -> None:
    """Under "required", the sample's call fails: the switch decides, not the sandbox's taste."""
    minimax_sandbox.configure(location_style="query")
    creds = minimax_sandbox.settings.credentials
    token = requests.post(minimax_sandbox.token_url, data=creds.token_form(), timeout=10).json()
    session = Session(minimax_sandbox, token["access_token"])
    invoice_id = next(iter(minimax_sandbox.ids(ORG, "issuedinvoices", Status="O")))
    answer = session.http.put(
        session.api + f"orgs/{ORG}/issuedinvoices/{invoice_id}/actions/issueAndGeneratepdf",
        params={"rowVersion": ""},
        timeout=10,
    )
    assert answer.status_code == 400


# -- the C# and PHP samples -------------------------------------------------------------------


@pytest.mark.parametrize("style", ["path", "query"])
def test_the_csharp_and_php_sample_flow(minimax_sandbox: Sandbox, style: str) -> None:
    """All six in the form, bodies with unquoted property names, each Location read as given,
    and the action's RowVersion put into the query unencoded (its `+` arrives as a space)."""
    minimax_sandbox.configure(location_style=style)
    creds = minimax_sandbox.settings.credentials
    form = {
        "grant_type": "password",
        "client_id": creds.client_id,
        "client_secret": creds.client_secret,
        "username": creds.username,
        "password": creds.password,
        "scope": "minimax.si",
    }
    answer = requests.post(minimax_sandbox.base_url + "AUT/OAuth20/Token", data=form, timeout=10)
    assert answer.status_code == 200, answer.text
    session = Session(minimax_sandbox, answer.json()["access_token"])
    org = session.get("currentuser/orgs")["Rows"][0]["Organisation"]["ID"]
    invoice_template = session.get(f"orgs/{org}/report-templates", SearchString="IR")["Rows"][0]
    delivery_template = session.get(f"orgs/{org}/report-templates", SearchString="DO")["Rows"][0]
    vat = session.get(f"orgs/{org}/vatrates/code(S)")["VatRateId"]
    typed = {"Content-Type": "application/json; charset=utf-8"}

    customer_body = '{ Code: "CS-1", Name: "Vzorec C# d.o.o.", City: "Maribor", PostalCode: 2000 }'
    customer_url = session.post(f"orgs/{org}/customers", data=customer_body.encode(), headers=typed)
    customer = session.get(customer_url)
    assert (customer["Name"], customer["PostalCode"]) == ("Vzorec C# d.o.o.", "2000")
    item_body = f'{{ Name: "Izdelek", Code: "CS-I", VatRate: {{ID: {vat}}}, Price: 25.5 }}'
    item = session.get(session.post(f"orgs/{org}/items", data=item_body.encode(), headers=typed))
    invoice_body = (
        f'{{ Customer: {{ID: {customer["CustomerId"]}}}, DateIssued: "2025-11-20", '
        f'DateTransaction: "2025-11-20", DateDue: "2025-12-05", '
        f"IssuedInvoiceReportTemplate: {{ID: {invoice_template['ReportTemplateId']}}}, "
        f"DeliveryNoteReportTemplate: {{ID: {delivery_template['ReportTemplateId']}}}, "
        f"IssuedInvoiceRows: [ {{ Item: {{ID: {item['ItemId']}}}, Quantity: 2, "
        f"Price: 25.5, VatRate: {{ID: {vat}}} }} ] }}"
    )
    invoice_url = session.post(
        f"orgs/{org}/issuedinvoices", data=invoice_body.encode(), headers=typed
    )
    invoice = session.get(invoice_url)
    # Another writer's edits until the RowVersion holds a "+": what an unencoded query mangles.
    while "+" not in invoice["RowVersion"]:
        minimax_sandbox.change(org, "issuedinvoices", invoice["IssuedInvoiceId"], Notes="x")
        invoice = session.get(invoice_url)
    action = (
        f"{session.api}orgs/{org}/issuedinvoices/{invoice['IssuedInvoiceId']}"
        f"/actions/issueAndGeneratepdf?rowVersion={invoice['RowVersion']}"
    )
    pdf = pdf_of(session.http.put(action, timeout=10))
    assert b"Vzorec C" in pdf
    assert session.get(invoice_url)["Status"] == "I"
