"""The client's resource catalogue agrees with the vendor's published operations."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from airflow_provider_minimax.client import RESOURCES, MinimaxConfigurationError, Resource, resolve

ENDPOINTS = json.loads(
    (Path(__file__).parents[1] / "contract" / "endpoints.json").read_text("utf-8")
)
ORG = "/api/orgs/{organisationId}/"


def operations() -> set[tuple[str, str]]:
    """(method, path below the organisation with every ID written {id}) of the vendor."""
    found = set()
    for op in ENDPOINTS:
        if op["path"].startswith(ORG):
            path = re.sub(r"\{\w+Id\}", "{id}", op["path"][len(ORG) :])
            found.add((op["method"], path))
    return found


OPS = operations()


@pytest.mark.parametrize("resource", RESOURCES, ids=lambda r: r.name)
def test_each_resource_matches_the_vendor_operations(resource: Resource) -> None:
    name = resource.name
    assert ("GET", name) in OPS, f"the vendor has no list at {name}"
    assert resource.code_lookup == any(
        method == "GET" and re.fullmatch(re.escape(name) + r"/code\(\{\w+\}\)", path)
        for method, path in OPS
    )
    assert resource.synccandidates == (("GET", f"{name}/synccandidates") in OPS)
    assert resource.creatable == (("POST", name) in OPS)
    assert resource.updatable == (("PUT", f"{name}/{{id}}") in OPS)
    assert resource.deletable == (("DELETE", f"{name}/{{id}}") in OPS)


@pytest.mark.parametrize("resource", RESOURCES, ids=lambda r: r.name)
def test_actions_are_the_vendors_with_its_spelling(resource: Resource) -> None:
    vendor = {
        op["method"]: op["actions"]
        for op in ENDPOINTS
        if op["path"].startswith(ORG + resource.name.split("/")[0] + "/")
        and op["path"].endswith("/actions/{actionName}")
        and "/" not in resource.name
    }
    assert list(resource.actions) == vendor.get("PUT", [])
    assert list(resource.get_actions) == vendor.get("GET", [])


def test_every_vendor_collection_is_in_the_catalogue_or_knowingly_left_out() -> None:
    left_out = {
        "dashboards",
        "postalcodes/countries/{id}",
        "exchange-rates/{id}",
        "issuedinvoices/paymentmethods",
        "issuedinvoicepostings/paymentmethods",
        "items/itemsdata",
        "items/pricelists",
        "items/settings",
        "journals/vodstandard",
        "stocks/{id}",
    }
    collections = {
        path
        for method, path in OPS
        if method == "GET"
        and not path.endswith("}")
        and "code(" not in path
        and "synccandidates" not in path
        and "date(" not in path
        and "content(" not in path
        and "/actions/" not in path
        and "/attachments" not in path
        and "/vat/" not in path
    }
    catalogued = {resource.name for resource in RESOURCES}
    assert collections - catalogued - left_out == set()


@pytest.mark.parametrize(
    ("name", "path"),
    [
        ("Customers", "customers"),
        ("customers/42/contacts", "customers/42/contacts"),
        ("/journals/journal-entries/", "journals/journal-entries"),
        ("ISSUEDINVOICES", "issuedinvoices"),
    ],
)
def test_resolve_accepts_what_dag_authors_write(name: str, path: str) -> None:
    assert resolve(name).path == path


@pytest.mark.parametrize("name", ["", "custmers", "customers/x/contacts", None, 42])
def test_resolve_refuses_unknown_names_clearly(name: object) -> None:
    with pytest.raises(MinimaxConfigurationError, match="resource"):
        resolve(name)  # type: ignore[arg-type]
