"""Bodies are read as the service's lenient .NET reader reads them (sandbox/reader.py), and the
token URL takes the client's credentials as HTTP Basic authentication too."""

from __future__ import annotations

import base64
from typing import Any

import pytest
import requests

from tests.support import Api


def post_text(api: Api, path: str, text: str) -> requests.Response:
    """A body sent as typed (not through json=): what the C# and PHP samples put on the wire."""
    headers = {"Content-Type": "application/json"}
    return api.request("POST", api.org(path), data=text.encode("utf-8"), headers=headers)


def created(api: Api, response: requests.Response) -> dict[str, Any]:
    assert response.status_code == 201, response.text
    record: dict[str, Any] = api.ok("GET", response.headers["Location"])
    return record


def test_unquoted_property_names_are_read(api: Api) -> None:
    rate = api.ok("GET", api.org("vatrates/code(S)"))["VatRateId"]
    text = f"{{ Name: 'Svetovanje', Code: \"SV-1\", VatRate: {{ID: {rate}}}, Price: 80 }}"
    item = created(api, post_text(api, "items", text))
    assert (item["Name"], item["Code"], item["Price"]) == ("Svetovanje", "SV-1", 80)
    assert item["VatRate"]["ID"] == rate


def test_a_colon_inside_a_string_is_no_property_name(api: Api) -> None:
    item = created(api, post_text(api, "items", '{ Name: "Ura: 10 min, Code: x", Code: "SV-2" }'))
    assert item["Name"] == "Ura: 10 min, Code: x"


def test_a_body_that_is_no_json_at_all_is_a_clear_400(api: Api) -> None:
    response = post_text(api, "customers", "Name=Test&City=Koper")
    assert response.status_code == 400
    assert "not valid JSON" in response.json()["Message"]
    assert post_text(api, "customers", "{ Name: 'Test' ").status_code == 400


def test_numbers_as_strings_and_text_as_numbers(api: Api) -> None:
    country = api.ok("GET", api.org("countries/code(SI)"))["CountryId"]
    body = {"Name": "Kranjska d.o.o.", "PostalCode": 4000, "Country": {"ID": str(country)}}
    body |= {"ExpirationDays": "30", "RebatePercent": "2.5"}
    customer = created(api, api.request("POST", api.org("customers"), json=body))
    assert customer["PostalCode"] == "4000"
    assert customer["Country"]["ID"] == country
    assert (customer["ExpirationDays"], customer["RebatePercent"]) == (30, 2.5)


def test_nested_rows_are_converted_and_an_empty_reference_is_none(api: Api) -> None:
    customer = api.rows(api.org("customers"))[0]["CustomerId"]
    item = api.rows(api.org("items"))[0]["ItemId"]
    rate = api.ok("GET", api.org("vatrates/code(S)"))["VatRateId"]
    row = {"Item": {"ID": str(item)}, "RowNumber": "1", "Quantity": "2", "Price": "50.0"}
    body = {
        "Customer": {"ID": str(customer)},
        "DateIssued": "2025-12-01",
        "Employee": {"ID": ""},
        "Status": "0",
        "IssuedInvoiceRows": [row | {"VatRate": {"ID": str(rate)}}],
    }
    invoice = created(api, api.request("POST", api.org("issuedinvoices"), json=body))
    assert invoice["Employee"] is None
    assert invoice["Status"] == "O"  # a new document is a draft, whatever Status says
    (stored,) = invoice["IssuedInvoiceRows"]
    assert (stored["RowNumber"], stored["Quantity"], stored["Price"]) == (1, 2.0, 50.0)
    assert stored["Value"] == 100.0


def test_a_string_that_is_no_number_is_refused_with_the_field(api: Api) -> None:
    response = api.request("POST", api.org("items"), json={"Name": "X", "Price": "sto"})
    assert response.status_code == 400
    assert response.json()["ValidationMessages"][0]["PropertyName"] == "Price"
    response = api.request("POST", api.org("items"), json={"Name": "X", "VatRate": {"ID": "1.5"}})
    assert response.status_code == 400


def test_unknown_properties_are_dropped_and_counted(api: Api) -> None:
    body = {"Name": "Tipkarska napaka d.o.o.", "Cityy": "Koper", "name": "ignored, Name wins"}
    customer = created(api, api.request("POST", api.org("customers"), json=body))
    assert customer["Name"] == "Tipkarska napaka d.o.o."
    assert customer["City"] is None
    assert api.sandbox.stats()["ignored_properties"] == {"Customer.Cityy": 1}


def test_property_names_bind_regardless_of_case(api: Api) -> None:
    customer = created(
        api, post_text(api, "customers", "{ name: 'Mala črka d.o.o.', CITY: 'Bled' }")
    )
    assert (customer["Name"], customer["City"]) == ("Mala črka d.o.o.", "Bled")


# -- the token URL ------------------------------------------------------------------------------


def basic(client_id: str, secret: str) -> str:
    return "Basic " + base64.b64encode(f"{client_id}:{secret}".encode()).decode()


def test_client_credentials_as_basic_auth_to_the_lower_case_path(api: Api) -> None:
    creds = api.sandbox.settings.credentials
    form = {"grant_type": "password", "username": creds.username, "password": creds.password}
    response = requests.post(
        f"{api.sandbox.base_url}aut/oauth20/token",
        data=form | {"scope": "minimax.si"},
        headers={"Authorization": basic(creds.client_id, creds.client_secret)},
        timeout=10,
    )
    assert response.status_code == 200, response.text
    token = response.json()["access_token"]
    orgs = api.session.get(
        f"{api.sandbox.api_url}api/currentuser/orgs",
        headers={"Authorization": f"Bearer {token}"},
        timeout=10,
    )
    assert orgs.status_code == 200
    assert api.sandbox.stats()["rejected_logins"] == 0


@pytest.mark.parametrize("header", ["wrong", "not-base64!", "nocolon"])
def test_wrong_basic_client_credentials_are_refused_and_counted(api: Api, header: str) -> None:
    creds = api.sandbox.settings.credentials
    value = {
        "wrong": basic(creds.client_id, "wrong"),
        "not-base64!": "Basic not-base64!",
        "nocolon": "Basic " + base64.b64encode(creds.client_id.encode()).decode(),
    }[header]
    form = {"grant_type": "password", "username": creds.username, "password": creds.password}
    response = requests.post(
        api.sandbox.token_url, data=form, headers={"Authorization": value}, timeout=10
    )
    assert response.status_code == 400
    assert response.json()["error"] == "invalid_client"
    assert api.sandbox.stats()["rejected_logins"] == 1
