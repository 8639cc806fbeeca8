"""The catalogue's exact means for match_on are documented list filters, and every creatable
resource says which fields match_on can rest on (or refuses it, naming them)."""

from __future__ import annotations

import pytest

from airflow_provider_minimax.client import RESOURCES, MinimaxConfigurationError
from airflow_provider_minimax.client.matching import check_plan, matchable
from airflow_provider_minimax.client.models import shape_of
from airflow_provider_minimax.client.resources import Resource


@pytest.mark.parametrize(
    "resource", [r for r in RESOURCES if r.exact_filters], ids=lambda r: r.name
)
def test_exact_filters_are_documented_filters_of_fields_of_the_record(resource: Resource) -> None:
    for field, name in resource.exact_filters:
        assert resource.filter_name(name) == name
        assert field in (shape_of(resource.name, "record") or {})


def test_customers_refuse_fields_without_an_exact_means_naming_code() -> None:
    customers = next(r for r in RESOURCES if r.name == "customers")
    assert matchable(customers) == ["Code"]
    with pytest.raises(MinimaxConfigurationError, match="match on Code"):
        check_plan(customers, ["TaxNumber"], {"TaxNumber": "1"})
    check_plan(customers, ["Code", "TaxNumber"], {"Code": "A", "TaxNumber": "1"})


def test_a_status_or_a_customer_alone_cannot_carry_match_on() -> None:
    """Thousands of invoices share a status or a customer: a create matching on those (with
    fields the list cannot select) would compare ever more candidates as the books grow."""
    invoices = next(r for r in RESOURCES if r.name == "issuedinvoices")
    assert "Status" not in matchable(invoices)
    assert "Customer" not in matchable(invoices)
    payload = {"Status": "O", "Customer": {"ID": 5}, "Description": "Spletna trgovina"}
    with pytest.raises(MinimaxConfigurationError, match="InvoiceNumber"):
        check_plan(invoices, ["Status", "Customer", "Description"], payload)
    # With an identifying filter, or the payload's day, they narrow the list as before.
    check_plan(invoices, ["Customer", "InvoiceNumber"], {**payload, "InvoiceNumber": "25-1"})
    check_plan(invoices, ["Customer", "Description"], {**payload, "DateIssued": "2025-06-01"})
