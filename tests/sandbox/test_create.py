"""Behaviour 6: create answers 201 with an absolute Location; read back by ID and by code."""

from __future__ import annotations

from typing import Any

import pytest

from tests.support import Api, draft_invoice


def new_customer(code: str = "WEB-0001") -> dict[str, Any]:
    return {
        "Code": code,
        "Name": "Spletna Trgovina d.o.o.",
        "Address": "Celovška 10",
        "PostalCode": "1000",
        "City": "Ljubljana",
        "TaxNumber": "10000010",
    }


def test_create_answers_201_with_absolute_location(api: Api) -> None:
    response = api.request("POST", api.org("customers"), json=new_customer())
    assert response.status_code == 201
    location = response.headers["Location"]
    assert location.startswith(api.sandbox.root_url + "/SI/API/api/orgs/123/customers/")
    new_id = int(location.rsplit("/", 1)[1])
    record = api.ok("GET", location)
    assert record["CustomerId"] == new_id
    assert record["Name"] == "Spletna Trgovina d.o.o."
    assert record["RowVersion"] and record["RecordDtModified"]


def test_get_by_code_and_404_when_absent(api: Api) -> None:
    api.ok("POST", api.org("customers"), json=new_customer("WEB-0002"))
    assert api.ok("GET", api.org("customers/code(WEB-0002)"))["Code"] == "WEB-0002"
    missing = api.get(api.org("customers/code(NOPE-404)"))
    assert missing.status_code == 404
    assert "NOPE-404" in missing.json()["Message"]


def test_get_unknown_id_is_404(api: Api) -> None:
    assert api.get(api.org("customers/1")).status_code == 404


def test_vat_rate_by_code_with_date(api: Api) -> None:
    rate = api.ok("GET", api.org("vatrates/code(S)"), params={"date": "2025-11-20"})
    assert rate["Code"] == "S"
    assert rate["Percent"] == 22


@pytest.mark.parametrize(
    ("resource", "body", "field"),
    [
        ("customers", {"Code": "X1"}, "Name"),
        ("items", {"Code": "I-1"}, "Name"),
        ("issuedinvoices", {"DateIssued": "2025-11-20", "IssuedInvoiceRows": [{}]}, "Customer"),
        ("journals", {"JournalDate": "2025-11-20"}, "JournalType"),
    ],
)
def test_required_fields_are_enforced_naming_the_field(
    api: Api, resource: str, body: dict[str, Any], field: str
) -> None:
    response = api.request("POST", api.org(resource), json=body)
    assert response.status_code == 400
    payload = response.json()
    assert payload["ValidationMessages"] == [
        {"Message": f"The {field} field is required.", "PropertyName": field}
    ]
    assert field in payload["Message"]


def test_invoice_needs_rows(api: Api) -> None:
    customer = api.rows(api.org("customers"))[0]
    body = {
        "Customer": {"ID": customer["CustomerId"]},
        "DateIssued": "2025-11-20",
        "IssuedInvoiceRows": [],
    }
    response = api.request("POST", api.org("issuedinvoices"), json=body)
    assert response.status_code == 400
    assert response.json()["ValidationMessages"][0]["PropertyName"] == "IssuedInvoiceRows"


def test_reference_to_a_missing_record_names_the_field(api: Api) -> None:
    body = new_customer("X-REF") | {"Country": {"ID": 1}}
    response = api.request("POST", api.org("customers"), json=body)
    assert response.status_code == 400
    assert response.json()["ValidationMessages"][0]["PropertyName"] == "Country"


def test_duplicate_code_is_refused(api: Api) -> None:
    api.ok("POST", api.org("customers"), json=new_customer("DUP-1"))
    response = api.request("POST", api.org("customers"), json=new_customer("DUP-1"))
    assert response.status_code == 400
    assert response.json()["ValidationMessages"][0]["PropertyName"] == "Code"


@pytest.mark.parametrize(
    ("style", "check"),
    [
        ("message", lambda r: r.json() == {"Message": "The Name field is required."}),
        (
            "text",
            lambda r: (
                r.text == "Name: The Name field is required."
                and r.headers["Content-Type"].startswith("text/plain")
            ),
        ),
    ],
)
def test_error_shapes_are_configurable(api: Api, style: str, check: Any) -> None:
    api.sandbox.configure(error_style=style)
    response = api.request("POST", api.org("customers"), json={"Code": "X"})
    assert response.status_code == 400
    assert check(response)


def test_body_that_is_not_an_object_is_refused(api: Api) -> None:
    assert api.request("POST", api.org("customers"), json=[1, 2]).status_code == 400
    bad = api.request(
        "POST",
        api.org("customers"),
        data=b"{not json",
        headers={"Content-Type": "application/json"},
    )
    assert bad.status_code == 400
    assert "JSON" in bad.json()["Message"]


def test_create_an_invoice_prices_it(api: Api) -> None:
    invoice = draft_invoice(api, lines=((3, 10.10), (1, 0.05)), day="2025-11-20")
    assert invoice["Status"] == "O"
    assert [row["Value"] for row in invoice["IssuedInvoiceRows"]] == [30.3, 0.05]
    assert invoice["InvoiceValue"] == round(30.35 + round(30.35 * 0.22, 2), 2)
    item = api.rows(api.org("items"))[0]
    assert invoice["IssuedInvoiceRows"][0]["ItemName"] == item["Title"]
    assert invoice["IssuedInvoiceRows"][0]["IssuedInvoiceRowId"]
