"""Behaviour 7: PUT with RowVersion, the exact concurrency error, versions that move."""

from __future__ import annotations

import time

from airflow_provider_minimax.sandbox import CONCURRENCY_MESSAGE
from tests.support import Api


def a_customer(api: Api) -> dict:
    first = api.rows(api.org("customers"))[0]
    return api.ok("GET", api.org(f"customers/{first['CustomerId']}"))


def test_update_with_current_row_version(api: Api) -> None:
    customer = a_customer(api)
    time.sleep(1.01)  # RecordDtModified has one-second resolution
    response = api.request(
        "PUT", api.org(f"customers/{customer['CustomerId']}"), json=customer | {"City": "Koper"}
    )
    assert response.status_code == 200
    after = api.ok("GET", api.org(f"customers/{customer['CustomerId']}"))
    assert after["City"] == "Koper"
    assert after["RowVersion"] != customer["RowVersion"]
    assert after["RecordDtModified"] > customer["RecordDtModified"]


def test_stale_row_version_is_refused_with_the_exact_message(api: Api) -> None:
    customer = a_customer(api)
    path = api.org(f"customers/{customer['CustomerId']}")
    api.ok("PUT", path, json=customer | {"City": "Koper"})
    stale = api.request("PUT", path, json=customer | {"City": "Kranj"})
    assert stale.status_code == 400
    assert stale.json()["Message"] == CONCURRENCY_MESSAGE
    assert api.ok("GET", path)["City"] == "Koper"


def test_missing_row_version_is_a_concurrency_error(api: Api) -> None:
    customer = a_customer(api)
    body = customer | {"RowVersion": None}
    response = api.request("PUT", api.org(f"customers/{customer['CustomerId']}"), json=body)
    assert response.json()["Message"] == CONCURRENCY_MESSAGE


def test_concurrency_status_is_configurable(api: Api) -> None:
    api.sandbox.configure(concurrency_status=409)
    customer = a_customer(api)
    body = customer | {"RowVersion": "AAAAAAAAAAA="}
    response = api.request("PUT", api.org(f"customers/{customer['CustomerId']}"), json=body)
    assert response.status_code == 409


def test_put_replaces_the_whole_record(api: Api) -> None:
    """Fields left out of a PUT become empty, as with ASP.NET binding: send the whole object."""
    customer = a_customer(api)
    partial = {"Name": customer["Name"], "RowVersion": customer["RowVersion"]}
    api.ok("PUT", api.org(f"customers/{customer['CustomerId']}"), json=partial)
    after = api.ok("GET", api.org(f"customers/{customer['CustomerId']}"))
    assert after["Code"] is None and after["City"] is None


def test_row_versions_are_base64_with_url_unsafe_characters(api: Api) -> None:
    versions = [row["RowVersion"] for row in api.rows(api.org("issuedinvoices"))]
    assert all(v.endswith("=") and len(v) == 12 for v in versions)
    assert any("+" in v for v in versions)
    assert any("/" in v for v in versions)
    assert len(set(versions)) == len(versions)


def test_another_writer_changes_the_row_version(api: Api) -> None:
    customer = a_customer(api)
    changed = api.admin(
        "POST", f"orgs/123/customers/{customer['CustomerId']}/change", json={"City": "Izola"}
    )
    assert changed["City"] == "Izola"
    assert changed["RowVersion"] != customer["RowVersion"]
    stale = api.request("PUT", api.org(f"customers/{customer['CustomerId']}"), json=customer)
    assert stale.json()["Message"] == CONCURRENCY_MESSAGE


def test_delete(api: Api) -> None:
    customer = a_customer(api)
    path = api.org(f"customers/{customer['CustomerId']}")
    assert api.request("DELETE", path).status_code == 200
    assert api.get(path).status_code == 404
    assert api.request("DELETE", path).status_code == 404


def test_read_only_resources_refuse_writes(api: Api) -> None:
    account = api.rows(api.org("accounts"))[0]
    response = api.request("PUT", api.org(f"accounts/{account['AccountId']}"), json=account)
    assert response.status_code == 405
