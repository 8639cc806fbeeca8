"""Each unknown of the API, in each position of its switch (settings.SWITCHES): Location form,
SearchString scope, action RowVersion, write answers, over-budget answer."""

from __future__ import annotations

from typing import Any

import pytest

from airflow_provider_minimax.sandbox import CONCURRENCY_MESSAGE
from tests.support import ORG, Api, act, draft_invoice


def new_analytic(api: Api, code: str = "AN-X") -> str:
    response = api.request("POST", api.org("analytics"), json={"Code": code, "Name": "Projekt"})
    assert response.status_code == 201, response.text
    location: str = response.headers["Location"]
    return location


def test_location_path_style_by_default(api: Api) -> None:
    location = new_analytic(api)
    assert location.rsplit("/", 1)[-1].isdigit()
    assert api.ok("GET", location)["Code"] == "AN-X"


def test_location_query_style(api: Api) -> None:
    api.sandbox.configure(location_style="query")
    location = new_analytic(api)
    prefix, _, record_id = location.rpartition("?id=")
    assert prefix.endswith(f"/API/api/orgs/{ORG}/analytics")
    record = api.ok("GET", location)
    assert record["AnalyticId"] == int(record_id)
    # Either form of the address is the record (ASP.NET binds `id` from path or query).
    assert api.ok("GET", f"{prefix}/{record_id}") == record


def test_query_style_location_of_a_contact(api: Api) -> None:
    api.sandbox.configure(location_style="query")
    customer = api.rows(api.org("customers"))[0]["CustomerId"]
    response = api.request(
        "POST", api.org(f"customers/{customer}/contacts"), json={"FullName": "Ana Novak"}
    )
    location = response.headers["Location"]
    assert f"/customers/{customer}/contacts?id=" in location
    assert api.ok("GET", location)["FullName"] == "Ana Novak"


def test_a_get_with_id_in_the_query_is_the_record_not_the_list(api: Api) -> None:
    first = api.rows(api.org("customers"))[0]["CustomerId"]
    record = api.ok("GET", api.org("customers"), params={"ID": first})
    assert record["CustomerId"] == first
    assert "Rows" not in record
    assert api.get(api.org("customers"), params={"id": "999999"}).status_code == 404


@pytest.mark.parametrize(("scope", "expected"), [("wide", True), ("narrow", False)])
def test_search_scope_on_report_templates(api: Api, scope: str, expected: bool) -> None:
    api.sandbox.configure(search_scope=scope)
    rows = api.ok("GET", api.org("report-templates"), params={"SearchString": "IR"})["Rows"]
    assert bool(rows) is expected
    if expected:
        assert rows[0]["DisplayType"] == "IR"
        delivery = api.ok("GET", api.org("report-templates"), params={"SearchString": "DO"})
        assert delivery["Rows"][0]["DisplayType"] == "DO"


def test_narrow_search_matches_code_and_name_only(api: Api) -> None:
    customer = api.rows(api.org("customers"))[0]
    city = customer["City"]
    assert api.rows(api.org("customers"), SearchString=city)
    api.sandbox.configure(search_scope="narrow")
    found = api.rows(api.org("customers"), SearchString=city)
    assert all(city.lower() in f"{row['Code']} {row['Name']}".lower() for row in found)
    assert api.rows(api.org("customers"), SearchString=customer["Name"])


@pytest.mark.parametrize("sent", [None, ""])
def test_action_row_version_required(api: Api, sent: str | None) -> None:
    invoice = draft_invoice(api)
    response = act(api, "issuedinvoices", invoice["IssuedInvoiceId"], "issue", sent)
    assert response.status_code == 400
    if sent is None:
        assert response.json()["ValidationMessages"][0]["PropertyName"] == "rowVersion"
    else:
        assert response.json()["Message"] == CONCURRENCY_MESSAGE


@pytest.mark.parametrize("sent", [None, ""])
def test_action_row_version_optional(api: Api, sent: str | None) -> None:
    api.sandbox.configure(action_row_version="optional")
    invoice = draft_invoice(api)
    response = act(api, "issuedinvoices", invoice["IssuedInvoiceId"], "issue", sent)
    assert response.status_code == 200, response.text
    # A version that is sent is still checked.
    stale = act(api, "issuedinvoices", invoice["IssuedInvoiceId"], "issuecancellation", "AAAA")
    assert stale.json()["Message"] == CONCURRENCY_MESSAGE


def _put_and_delete(api: Api) -> tuple[Any, Any, dict[str, Any]]:
    location = new_analytic(api)
    record = api.ok("GET", location)
    record["Name"] = "Spremenjen"
    path = api.org(f"analytics/{record['AnalyticId']}")
    put = api.request("PUT", path, json=record)
    updated = api.ok("GET", path)
    delete = api.request("DELETE", path)
    return put, delete, updated


def test_write_answer_empty(api: Api) -> None:
    put, delete, _ = _put_and_delete(api)
    assert (put.status_code, put.content, delete.status_code, delete.content) == (
        200,
        b"",
        200,
        b"",
    )


def test_write_answer_record(api: Api) -> None:
    api.sandbox.configure(write_answer="record")
    put, delete, updated = _put_and_delete(api)
    assert put.status_code == delete.status_code == 200
    assert put.json() == updated
    assert delete.json() == updated  # the record as it was deleted


def test_write_answer_no_content(api: Api) -> None:
    api.sandbox.configure(write_answer="no-content")
    put, delete, updated = _put_and_delete(api)
    assert (put.status_code, put.content, delete.status_code, delete.content) == (
        204,
        b"",
        204,
        b"",
    )
    assert updated["Name"] == "Spremenjen"


def test_budget_answer_429(api: Api) -> None:
    api.sandbox.configure(request_budget=1)
    assert api.get(api.org("customers")).status_code == 200
    over = api.get(api.org("customers"))
    assert over.status_code == 429
    assert int(over.headers["Retry-After"]) >= 1


def test_budget_answer_message(api: Api) -> None:
    api.sandbox.configure(request_budget=1, budget_answer="message")
    assert api.get(api.org("customers")).status_code == 200
    over = api.get(api.org("customers"))
    assert over.status_code == 400
    assert "Retry-After" not in over.headers
    assert "Presežena je omejitev" in over.json()["Message"]
    assert "API call limit exceeded (1 calls per organisation in 24 h)" in over.json()["Message"]
