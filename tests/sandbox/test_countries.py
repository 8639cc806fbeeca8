"""Country worlds: `Settings(country=...)` gives books with that country's facts, over HTTP.

The facts are those of reference.md ("Limits"): the live Serbian organisation's IDs (Serbia 3,
RSD 2, CZK 7), each country's standard VAT rate, VatRatePercentage IDs apart from VatRateIds,
the countries code list in one page, and Croatia's Employee on issued invoices.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
import requests

from airflow_provider_minimax.sandbox import Sandbox, Settings
from airflow_provider_minimax.sandbox.process import SandboxProcess
from tests.support import Api

STANDARD_VAT = {"SI": 22.0, "HR": 25.0, "RS": 20.0}
HOME = {"SI": ("Ljubljana", "Slovenija"), "HR": ("Zagreb", "Hrvatska"), "RS": ("Beograd", "Srbija")}


@pytest.fixture(scope="module")
def worlds() -> Iterator[dict[str, Api]]:
    """One sandbox per country for the module (a small world builds in well under a second)."""
    sandboxes = {country: Sandbox(Settings(country=country)) for country in STANDARD_VAT}
    apis = {}
    try:
        for country, sandbox in sandboxes.items():
            sandbox.start()
            apis[country] = Api(sandbox)
        yield apis
    finally:
        for api in apis.values():
            api.session.close()
        for sandbox in sandboxes.values():
            sandbox.stop()


@pytest.fixture(params=list(STANDARD_VAT))
def world(request: pytest.FixtureRequest, worlds: dict[str, Api]) -> Api:
    return worlds[request.param]


def country_of(api: Api) -> str:
    return api.sandbox.settings.country


def by_code(api: Api, resource: str, code: str, org: int = 123) -> dict[str, Any]:
    body: dict[str, Any] = api.ok("GET", f"orgs/{org}/{resource}/code({code})")
    return body


def test_the_standard_vat_rate_is_the_countrys(world: Api) -> None:
    rate = by_code(world, "vatrates", "S")
    assert rate["Percent"] == STANDARD_VAT[country_of(world)]


@pytest.mark.parametrize("country", ["HR", "RS"])
def test_vat_rate_percentages_are_an_id_space_of_their_own(
    worlds: dict[str, Api], country: str
) -> None:
    """A client that sends VatRatePercentage.ID as a VatRate ID must not hit a real rate."""
    api = worlds[country]
    rates = api.rows(api.org("vatrates"))
    rate_ids = {rate["VatRateId"] for rate in rates}
    percentage_ids = {rate["VatRatePercentage"]["ID"] for rate in rates}
    assert len(percentage_ids) == len(rates)
    assert not rate_ids & percentage_ids
    standard = by_code(api, "vatrates", "S")
    assert standard["VatRatePercentage"]["Name"] == f"{STANDARD_VAT[country]:g} %"
    for bad in percentage_ids:
        assert api.get(api.org(f"vatrates/{bad}")).status_code == 404


def test_serbia_has_the_live_organisations_ids(worlds: dict[str, Api]) -> None:
    api = worlds["RS"]
    assert by_code(api, "countries", "RS")["CountryId"] == 3
    assert by_code(api, "currencies", "RSD")["CurrencyId"] == 2
    czk = by_code(api, "currencies", "CZK")
    assert czk["CurrencyId"] == 7
    assert czk["Name"] == "Češka kruna"  # 7 is the koruna, not the dinar the samples suggest
    serbia = api.ok("GET", api.org("countries/3"))
    assert serbia["Name"] == "Srbija"
    assert serbia["Currency"]["ID"] == 2


def test_ids_of_countries_and_currencies_differ_between_worlds_and_organisations(
    worlds: dict[str, Api],
) -> None:
    """A client must resolve them by code: an ID remembered from elsewhere is another record."""
    seen: dict[tuple[str, str], set[int]] = {}
    for api in worlds.values():
        for org in (123, 124):
            for resource, code, id_field in (
                ("countries", "SI", "CountryId"),
                ("countries", "HR", "CountryId"),
                ("countries", "DE", "CountryId"),
                ("currencies", "EUR", "CurrencyId"),
                ("currencies", "USD", "CurrencyId"),
            ):
                seen.setdefault((resource, code), set()).add(
                    by_code(api, resource, code, org)[id_field]
                )
    assert all(len(ids) == 6 for ids in seen.values()), seen


def test_the_countries_list_comes_whole_in_one_page(world: Api) -> None:
    """Whatever PageSize asks, every row arrives in the first answer, TotalRows telling all."""
    small = world.ok("GET", world.org("countries"), params={"PageSize": 10})
    default = world.ok("GET", world.org("countries"))
    assert len(small["Rows"]) == small["TotalRows"] == len(default["Rows"])
    assert small["CurrentPageNumber"] == 1
    assert small["PageSize"] == small["TotalRows"]
    assert len({row["Code"] for row in small["Rows"]}) == small["TotalRows"]
    if country_of(world) != "SI":  # the Slovenian world keeps its short list (golden books)
        assert small["TotalRows"] > 200
    # Other lists still page as asked.
    assert len(world.ok("GET", world.org("customers"), params={"PageSize": 10})["Rows"]) == 10


@pytest.mark.parametrize(
    ("country", "code", "name"), [("HR", "DE", "Njemačka"), ("RS", "DE", "Nemačka")]
)
def test_code_lists_speak_the_countrys_language(
    worlds: dict[str, Api], country: str, code: str, name: str
) -> None:
    assert by_code(worlds[country], "countries", code)["Name"] == name


def test_the_organisations_are_the_countrys(world: Api) -> None:
    country = country_of(world)
    city, home_name = HOME[country]
    org = world.ok("GET", "orgs/123")
    assert org["City"] == city
    if country != "SI":  # the Slovenian world's record is pinned by the golden books
        home = by_code(world, "countries", country)
        assert org["Country"]["ID"] == home["CountryId"]
        assert org["Country"]["Name"] == home_name


def _invoice_body(api: Api, **extra: Any) -> dict[str, Any]:
    customer = api.rows(api.org("customers"))[0]
    item = api.rows(api.org("items"))[0]
    rate = by_code(api, "vatrates", "S")
    return {
        "Customer": {"ID": customer["CustomerId"]},
        "DateIssued": "2025-12-01",
        "DateDue": "2025-12-15",
        "IssuedInvoiceRows": [
            {
                "Item": {"ID": item["ItemId"]},
                "Quantity": 1,
                "Price": 10,
                "VatRate": {"ID": rate["VatRateId"]},
            }
        ],
    } | extra


@pytest.mark.parametrize("employee", [None, {"ID": ""}], ids=["missing", "empty"])
def test_a_croatian_invoice_without_an_employee_is_refused(
    worlds: dict[str, Api], employee: dict[str, Any] | None
) -> None:
    api = worlds["HR"]
    body = _invoice_body(api) | ({"Employee": employee} if employee is not None else {})
    before = len(api.rows(api.org("issuedinvoices")))
    response = api.request("POST", api.org("issuedinvoices"), json=body)
    assert response.status_code == 400
    answer = response.json()
    assert "Employee" in answer["Message"]
    assert answer["ValidationMessages"][0]["PropertyName"] == "Employee"
    assert len(api.rows(api.org("issuedinvoices"))) == before


def test_a_croatian_invoice_with_an_employee_is_saved(worlds: dict[str, Api]) -> None:
    api = worlds["HR"]
    employee = api.rows(api.org("employees"))[0]
    body = _invoice_body(api, Employee={"ID": employee["EmployeeId"]})
    response = api.request("POST", api.org("issuedinvoices"), json=body)
    assert response.status_code == 201, response.text
    saved = api.ok("GET", response.headers["Location"])
    assert saved["Employee"]["ID"] == employee["EmployeeId"]
    # Changing it later must keep the employee too.
    saved["Employee"] = None
    refused = api.request("PUT", api.org(f"issuedinvoices/{saved['IssuedInvoiceId']}"), json=saved)
    assert refused.status_code == 400
    assert "Employee" in refused.json()["Message"]


@pytest.mark.parametrize("country", ["SI", "RS"])
def test_elsewhere_an_invoice_needs_no_employee(worlds: dict[str, Api], country: str) -> None:
    api = worlds[country]
    response = api.request("POST", api.org("issuedinvoices"), json=_invoice_body(api))
    assert response.status_code == 201, response.text


def test_every_generated_croatian_invoice_names_an_employee(worlds: dict[str, Api]) -> None:
    api = worlds["HR"]
    invoices = api.rows(api.org("issuedinvoices"))
    assert invoices
    for row in invoices:
        full = api.sandbox.record(123, "issuedinvoices", row["IssuedInvoiceId"])
        assert full["Employee"] is not None, full["IssuedInvoiceId"]


def test_a_croatian_order_becomes_an_invoice_with_an_employee(worlds: dict[str, Api]) -> None:
    """An order has no employee to copy; its invoice still gets one (or it could not be saved)."""
    api = worlds["HR"]
    [order_id, *_] = api.sandbox.ids(123, "orders", Status="P")
    order = api.ok("GET", api.org(f"orders/{order_id}"))
    response = api.request(
        "PUT",
        api.org(f"orders/{order_id}/actions/createissuedinvoice"),
        params={"rowVersion": order["RowVersion"]},
    )
    assert response.status_code == 200, response.text
    invoice = response.json()["Data"]
    assert invoice["Employee"]["ID"] == api.sandbox.ids(123, "employees")[0]


@pytest.mark.parametrize("country", ["HR", "RS"])
def test_the_command_line_serves_the_country(country: str) -> None:
    """`python -m airflow_provider_minimax.sandbox --country RS`: /RS/ paths, its facts."""
    with SandboxProcess("--country", country) as process:
        conn = process.connection
        assert conn["host"].endswith(f"/{country}/")
        assert conn["extra"]["country"] == country
        assert any(
            line.strip().startswith("organisations: 123 Demo d.o.o., 124 P")
            for line in process.lines
        )
        form = {
            "grant_type": "password",
            "client_id": conn["extra"]["client_id"],
            "client_secret": conn["extra"]["client_secret"],
            "username": conn["login"],
            "password": conn["password"],
            "scope": f"minimax.{country.lower()}",
        }
        token = requests.post(conn["host"] + "AUT/oauth20/token", data=form, timeout=10).json()
        rate = requests.get(
            conn["host"] + "API/api/orgs/123/vatrates/code(S)",
            headers={"Authorization": f"Bearer {token['access_token']}"},
            timeout=10,
        ).json()
        assert rate["Percent"] == STANDARD_VAT[country]
