"""The client under every position of the API's unknowns (issue 13): the Location's form, what
SearchString searches, what a write or an over-budget call answers; and the payload checks that
keep a misspelt or mistyped field from being lost or stored as another type."""

from __future__ import annotations

import time
from typing import Any

import pytest

from airflow_provider_minimax.client import (
    MinimaxBudgetExhaustedError,
    MinimaxConfigurationError,
    MinimaxRateLimitError,
    MinimaxValidationError,
)
from airflow_provider_minimax.sandbox import Sandbox
from tests.support import Api

ORG = 123
POST_CUSTOMERS = "POST /SI/API/api/orgs/{id}/customers"
POST_INVOICES = "POST /SI/API/api/orgs/{id}/issuedinvoices"


def posts(sandbox: Sandbox, route: str = POST_CUSTOMERS) -> int:
    return int(sandbox.stats()["by_route"].get(route, 0))


def sent_bodies(client: Any) -> list[Any]:
    """The JSON bodies the client sends (still over HTTP: the spy only records them)."""
    bodies: list[Any] = []
    original = client.transport.request

    def request(method: str, path: str, **kwargs: Any) -> Any:
        if kwargs.get("json") is not None:
            bodies.append(kwargs["json"])
        return original(method, path, **kwargs)

    client.transport.request = request
    return bodies


def invoice_payload(client: Any, reference: str, day: str | None = "2025-11-20") -> dict[str, Any]:
    customer = next(iter(client.list("customers")))
    item = next(iter(client.list("items")))
    rate = client.get_by_code("vatrates", "S")
    payload: dict[str, Any] = {
        "Customer": {"ID": customer["CustomerId"]},
        "DocumentReference": reference,
        "DateTransaction": "2025-11-20",
        "DateDue": "2025-12-05",
        "IssuedInvoiceRows": [
            {
                "Item": {"ID": str(item["ItemId"])},  # as Airflow's rendering may leave it
                "Quantity": "2",
                "Price": 10.5,
                "VatRate": {"ID": rate["VatRateId"]},
            }
        ],
    }
    return payload | ({"DateIssued": day} if day else {})


# -- Location ---------------------------------------------------------------------------------


@pytest.mark.switch("location_style")
def test_the_new_record_is_read_from_either_form_of_location(
    minimax_sandbox: Sandbox, make_client: Any, api: Api, switch_position: str
) -> None:
    """`…/customers/456` and `…/customers?id=456` both name the new record; neither is
    ambiguous, and the record is read back once, never posted twice."""
    client = make_client()
    created = client.create("customers", {"Code": "LOC-Q", "Name": "Lokacija"}, match_on="Code")
    assert minimax_sandbox.ids(ORG, "customers", Code="LOC-Q") == [created["CustomerId"]]
    assert posts(minimax_sandbox) == 1
    # get_location reads a Location in either form, keeping its query.
    answer = api.request("POST", api.org("customers"), json={"Code": "LOC-R", "Name": "Lokacija R"})
    location = answer.headers["Location"]
    assert ("?id=" in location) == (switch_position == "query")
    assert client.get_location(location)["Code"] == "LOC-R"


def test_a_location_query_naming_the_id_field_in_any_case(make_client: Any, api: Api) -> None:
    """`?CustomerId=` (any case) names the record as `?id=` does."""
    client = make_client()
    record_id = client.create("customers", {"Code": "LOC-C", "Name": "C"})["CustomerId"]
    base = f"{api.sandbox.api_url}api/orgs/{ORG}/customers"
    assert client.get_location(f"{base}?customerid={record_id}")["CustomerId"] == record_id
    assert client.get_location(f"{base}/{record_id}")["CustomerId"] == record_id


# -- match_on never rests on SearchString ------------------------------------------------------


@pytest.mark.switch("search_scope")
@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("RegistrationNumber", "8765432000"),
        ("VATIdentificationNumber", "SI51234569"),
        ("PostalCode", "6000"),
        ("Address", "Obala 1"),
    ],
)
def test_match_on_a_field_without_an_exact_lookup_is_refused_before_writing(
    minimax_sandbox: Sandbox, make_client: Any, field: str, value: str
) -> None:
    """A search that finds nothing proves nothing: such a match_on would make a customer on
    every run where SearchString does not search the field. Refused, naming Code."""
    client = make_client()
    payload = {"Name": "Brez kode", field: value}
    with pytest.raises(MinimaxConfigurationError, match=f"{field}.*match on Code"):
        client.create("customers", payload, match_on=field)
    assert posts(minimax_sandbox) == 0


@pytest.mark.switch("search_scope")
def test_match_on_code_and_another_field_is_exact_and_compares_both(
    minimax_sandbox: Sandbox, make_client: Any
) -> None:
    client = make_client()
    payload = {"Code": "REG-1", "Name": "Registriran", "RegistrationNumber": "8765432000"}
    first = client.create("customers", payload, match_on=["Code", "RegistrationNumber"])
    second = client.create("customers", payload, match_on=["Code", "RegistrationNumber"])
    assert first["CustomerId"] == second["CustomerId"]
    assert minimax_sandbox.count(ORG, "customers", Code="REG-1") == 1


@pytest.mark.switch("search_scope")
@pytest.mark.parametrize("resource", ["customers", "items"])
def test_match_on_code_makes_one_record_in_every_scope(
    minimax_sandbox: Sandbox, make_client: Any, resource: str
) -> None:
    client = make_client()
    payload = {"Code": "ONE-1", "Name": "Eden"}
    first = client.create(resource, payload, match_on="Code")
    second = client.create(resource, payload, match_on="Code")
    assert first == second
    assert minimax_sandbox.count(ORG, resource, Code="ONE-1") == 1


@pytest.mark.switch("search_scope")
def test_document_reference_with_the_day_issued_is_exact(
    minimax_sandbox: Sandbox, make_client: Any
) -> None:
    """Issued invoices have no DocumentReference filter: the day's invoices (DateIssuedFrom/To
    of the payload's DateIssued) are compared, each read in full (the list rows lack it)."""
    client = make_client()
    payload = invoice_payload(client, "WS-EXACT-1")
    first = client.create("issuedinvoices", payload, match_on="DocumentReference")
    second = client.create("issuedinvoices", payload, match_on="DocumentReference")
    assert first["IssuedInvoiceId"] == second["IssuedInvoiceId"]
    assert minimax_sandbox.count(ORG, "issuedinvoices", DocumentReference="WS-EXACT-1") == 1
    assert posts(minimax_sandbox, POST_INVOICES) == 1


@pytest.mark.switch("search_scope")
def test_document_reference_without_a_day_is_refused(
    minimax_sandbox: Sandbox, make_client: Any
) -> None:
    client = make_client()
    payload = invoice_payload(client, "WS-NODAY", day=None)
    with pytest.raises(MinimaxConfigurationError, match="DateIssued"):
        client.create("issuedinvoices", payload, match_on="DocumentReference")
    with pytest.raises(MinimaxConfigurationError, match="InvoiceNumber"):
        client.find("issuedinvoices", {"DocumentReference": "WS-NODAY"})
    assert posts(minimax_sandbox, POST_INVOICES) == 0


@pytest.mark.switch("search_scope")
def test_match_on_an_exact_list_filter(minimax_sandbox: Sandbox, make_client: Any) -> None:
    """InvoiceNumber is a documented exact filter of issued invoices: find() relies on it."""
    client = make_client()
    row = next(iter(client.list("issuedinvoices", Status="I")))
    found = client.find(
        "issuedinvoices", {"InvoiceNumber": row["InvoiceNumber"], "Year": row["Year"]}
    )
    assert found is not None and found["IssuedInvoiceId"] == row["IssuedInvoiceId"]
    assert client.find("issuedinvoices", {"InvoiceNumber": "no-such-number"}) is None


# -- create payloads against the vendor's model -------------------------------------------------


def test_an_unknown_field_is_refused_with_a_suggestion(
    minimax_sandbox: Sandbox, make_client: Any
) -> None:
    """The service would ignore "Cty" without a word, and the city would be lost."""
    with pytest.raises(MinimaxConfigurationError, match=r"customers.*'Cty'.*'City'"):
        make_client().create("customers", {"Code": "CTY", "Name": "X", "Cty": "Koper"})
    assert posts(minimax_sandbox) == 0


def test_an_unknown_field_of_a_document_row_is_refused(
    minimax_sandbox: Sandbox, make_client: Any
) -> None:
    client = make_client()
    payload = invoice_payload(client, "ROWS-1")
    payload["IssuedInvoiceRows"][0]["Prise"] = 3
    with pytest.raises(MinimaxConfigurationError, match=r"IssuedInvoiceRows\[0\]\.Price"):
        client.create("issuedinvoices", payload)
    assert posts(minimax_sandbox, POST_INVOICES) == 0


def test_values_are_converted_to_their_fields_types_before_sending(
    minimax_sandbox: Sandbox, make_client: Any
) -> None:
    """Numbers for text fields (Airflow's native rendering makes them), numeric text for
    numbers and IDs: sent as the service would store them, so one type per field."""
    client = make_client()
    bodies = sent_bodies(client)
    created = client.create(
        "customers",
        {"Code": "TYP-1", "Name": "Tipi", "PostalCode": 6000, "TaxNumber": 51234569,
         "ExpirationDays": "30", "RebatePercent": "2.5"},
    )  # fmt: skip
    assert bodies[-1]["PostalCode"] == "6000" and bodies[-1]["TaxNumber"] == "51234569"
    assert bodies[-1]["ExpirationDays"] == 30 and bodies[-1]["RebatePercent"] == 2.5
    stored = minimax_sandbox.record(ORG, "customers", created["CustomerId"])
    assert stored["PostalCode"] == "6000" and stored["ExpirationDays"] == 30
    invoice = client.create("issuedinvoices", invoice_payload(client, "TYP-INV"))
    row = bodies[-1]["IssuedInvoiceRows"][0]
    assert isinstance(row["Item"]["ID"], int) and row["Quantity"] == 2
    assert invoice["IssuedInvoiceRows"][0]["Quantity"] == 2


@pytest.mark.parametrize(
    ("field", "value", "words"),
    [
        ("ExpirationDays", "abc", "ExpirationDays takes a whole number"),
        ("RebatePercent", "two", "RebatePercent takes a number"),
        ("Country", 5, 'Country is a reference.*{"ID"'),
        ("Country", {"ID": "SI"}, "Country.ID must be a record's ID"),
        ("SubjectToVAT", True, "'D' or 'N'"),
    ],
)
def test_a_value_that_cannot_be_converted_is_refused_naming_the_field(
    minimax_sandbox: Sandbox, make_client: Any, field: str, value: Any, words: str
) -> None:
    with pytest.raises(MinimaxConfigurationError, match=words):
        make_client().create("customers", {"Code": "BAD", "Name": "X", field: value})
    assert posts(minimax_sandbox) == 0


@pytest.mark.switch("write_answer")
def test_update_converts_changed_values_and_refuses_unconvertible_ones(
    minimax_sandbox: Sandbox, make_client: Any
) -> None:
    client = make_client()
    customer_id = next(iter(client.list("customers")))["CustomerId"]
    bodies = sent_bodies(client)
    updated = client.update("customers", customer_id, {"PostalCode": 2000})
    assert bodies[-1]["PostalCode"] == "2000" and updated["PostalCode"] == "2000"
    with pytest.raises(MinimaxConfigurationError, match="ExpirationDays"):
        client.update("customers", customer_id, {"ExpirationDays": "soon"})


# -- the other unknowns ---------------------------------------------------------------------------


@pytest.mark.switch("budget_answer")
def test_over_budget_is_a_rate_limit_error_in_both_answers(
    minimax_sandbox: Sandbox, make_client: Any, switch_position: str
) -> None:
    """Over the organisation's budget the service answers 429, or a 400 with a message and no
    Retry-After: both are MinimaxBudgetExhaustedError (a MinimaxRateLimitError that an Airflow
    retry minutes later cannot cure, so retry_may_help is False; deferral until available_at
    can), never a refusal of the user's data, and a create refused so is no ambiguous write."""
    client = make_client(max_retries=1)
    client.organisations()
    minimax_sandbox.configure(request_budget=1, budget_window=600)
    client.get("customers", next(iter(minimax_sandbox.ids(ORG, "customers"))))
    before = time.time()
    with pytest.raises(MinimaxBudgetExhaustedError) as caught:
        client.create("customers", {"Code": "BUDGET", "Name": "X"})
    assert isinstance(caught.value, MinimaxRateLimitError)
    assert not isinstance(caught.value, MinimaxValidationError)
    assert caught.value.retry_may_help is False
    assert caught.value.organisation_id == ORG
    # 429: its Retry-After (the sandbox's: until the counted call leaves its 600 s window);
    # the message: the ledger's estimate, when our oldest counted call leaves the client's
    # 24 h window (the client was not told the sandbox's shorter one).
    wait = caught.value.available_at.timestamp() - before
    assert (0 < wait <= 601) if switch_position == "429" else (86_000 < wait <= 86_520)
    assert minimax_sandbox.count(ORG, "customers", Code="BUDGET") == 0
