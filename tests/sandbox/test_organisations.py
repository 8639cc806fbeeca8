"""Behaviours 1 and 3: real paths, case-insensitive, and the organisations a login reaches."""

from __future__ import annotations

import requests

from tests.support import Api


def test_current_user_reaches_two_organisations_not_the_third(api: Api) -> None:
    body = api.ok("GET", "currentuser/orgs")
    ids = [row["Organisation"]["ID"] for row in body["Rows"]]
    assert ids == [123, 124]
    assert body["TotalRows"] == 2
    assert all(row["APIAccess"] == "D" for row in body["Rows"])
    assert body["Rows"][0]["Organisation"]["Name"] == "Demo d.o.o."


def test_organisation_details(api: Api) -> None:
    org = api.ok("GET", "orgs/123")
    assert org["OrganisationId"] == 123
    assert org["Title"] == "Demo d.o.o."


def test_organisation_without_api_access_is_refused(api: Api) -> None:
    response = api.get("orgs/125/customers")
    assert response.status_code == 403
    assert "125" in response.json()["Message"]


def test_unknown_organisation_is_404(api: Api) -> None:
    assert api.get("orgs/999/customers").status_code == 404


def test_all_orgs_is_a_bare_array(api: Api) -> None:
    body = api.ok(
        "GET", "orgs/allOrgs", params={"startRowIndex": 0, "endRowIndex": 10, "searchString": ""}
    )
    assert isinstance(body, list)
    assert [org["OrganisationId"] for org in body] == [123, 124]


def test_paths_match_case_insensitively(api: Api) -> None:
    base = api.sandbox.base_url
    headers = {"Authorization": f"Bearer {api.token}"}
    for path in (
        "API/api/orgs/123/customers",
        "api/API/ORGS/123/Customers",
        "Api/Api/orgs/123/CUSTOMERS",
    ):
        response = requests.get(base + path, headers=headers, timeout=10)
        assert response.status_code == 200, path
    lower_country = base.replace("/SI/", "/si/")
    assert requests.get(
        lower_country + "API/api/orgs/123/customers", headers=headers, timeout=10
    ).ok


def test_other_country_paths_are_not_this_instance(api: Api) -> None:
    headers = {"Authorization": f"Bearer {api.token}"}
    url = api.sandbox.root_url + "/HR/API/api/orgs/123/customers"
    assert requests.get(url, headers=headers, timeout=10).status_code == 404


def test_unknown_resource_is_404(api: Api) -> None:
    assert api.get(api.org("nosuchthing")).status_code == 404
