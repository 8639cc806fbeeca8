"""The sync's plan: every record checked, and found by its key exactly, before any write."""

from __future__ import annotations

from typing import Any

import pytest

from airflow_provider_minimax.client import MinimaxClient, MinimaxConfigurationError
from airflow_provider_minimax.client.syncplan import plan_sync
from airflow_provider_minimax.sandbox import Sandbox
from tests.sync.helpers import ORG, Sent, customer, seeded


def test_each_record_is_planned_create_update_unchanged_invalid_or_duplicate(
    minimax_sandbox: Sandbox, client: MinimaxClient
) -> None:
    first, second = seeded(minimax_sandbox)
    records = [
        customer(1),
        {"Code": first["Code"], "Name": first["Name"], "City": "Bled"},  # City differs
        {"Code": second["Code"], "Name": second["Name"], "City": second["City"]},
        {"Code": "WEB-0002", "Cty": "Koper", "ExpirationDays": "abc"},
        {"Name": "no code"},
        customer(1),  # the first record again, the same values
        customer(1, City="Koper"),  # the first record's key, other values
    ]
    plan = plan_sync(client, "customers", records, "Code")
    actions = [(d.number, d.action) for d in plan.decisions]
    assert actions == [
        (1, "create"),
        (2, "update"),
        (3, "unchanged"),
        (4, "invalid"),
        (5, "invalid"),
        (6, "duplicate"),
        (7, "invalid"),
    ]
    update = plan.decisions[1]
    assert update.changes == {"City": "Bled"}
    assert update.record_id == first["CustomerId"]
    bad = plan.decisions[3]
    assert bad.fields == ["Cty", "ExpirationDays"]
    assert "Did you mean 'City'?" in bad.errors[0]
    assert "ExpirationDays takes a whole number" in bad.errors[1]
    assert plan.decisions[4].fields == ["Code"]
    assert plan.decisions[5].same_as == 1
    assert "record 1" in plan.decisions[6].errors[0]
    assert plan.write_calls == 2 + 3  # one create (POST, read back), one update
    assert minimax_sandbox.writes == 0


def test_an_unchanged_record_needs_nothing_even_when_its_values_are_typed_otherwise(
    minimax_sandbox: Sandbox, client: MinimaxClient
) -> None:
    """A CSV gives text, native rendering numbers: values compare as the service reads them."""
    stored = seeded(minimax_sandbox, 1)[0]
    same = {
        "Code": stored["Code"],
        "PostalCode": int(stored["PostalCode"]),  # text field given as a number
        "Country": {"ID": str(stored["Country"]["ID"])},  # a reference by its ID, as text
        "ExpirationDays": str(stored["ExpirationDays"]),
    }
    plan = plan_sync(client, "customers", [same, customer(1)], "Code")
    assert [d.action for d in plan.decisions] == ["unchanged", "create"]


@pytest.mark.switch("search_scope")
def test_the_key_index_is_listed_once_and_no_record_is_looked_up(
    minimax_sandbox: Sandbox, client: MinimaxClient, sent: Sent
) -> None:
    """Whatever SearchString searches (wide or narrow), the plan never asks it."""
    records = [customer(n) for n in range(30)] + [
        {"Code": r["Code"], "Name": r["Name"]} for r in seeded(minimax_sandbox, 5)
    ]
    plan = plan_sync(client, "customers", records, "Code")
    assert plan.index == "list"
    assert plan.count("create") == 30 and plan.count("unchanged") == 5
    assert sent.paths("GET") == ["customers"]  # one page holds all 40
    assert plan.index_calls == 1 and plan.pages == 1
    assert not any("SearchString" in query for query in sent.queries())


@pytest.mark.switch("max_page_size")
def test_the_key_index_is_read_whole_whatever_page_size_the_service_serves(
    minimax_sandbox: Sandbox, make_client: Any, switch_position: int
) -> None:
    """Page size 15 asked for; the service serves it (or caps pages at 100, which is more):
    the index is every page, and a record on the last page is found."""
    client = make_client(page_size=15)
    last = sorted(minimax_sandbox.records(ORG, "customers"), key=lambda r: r["CustomerId"])[-1]
    records = [customer(n) for n in range(10)] + [{"Code": last["Code"], "Name": last["Name"]}]
    plan = plan_sync(client, "customers", records, "Code")
    assert plan.index == "list"
    assert plan.pages == 3  # 40 customers in pages of 15
    assert [d.action for d in plan.decisions][-1] == "unchanged"
    assert plan.count("create") == 10


def test_a_few_records_in_a_long_list_are_looked_up_one_by_one(
    minimax_sandbox: Sandbox, make_client: Any
) -> None:
    """Three records against 40 customers in pages of 10: four pages cost more than three
    lookups, so each is looked up by its code (the first page, read to know, is the cost)."""
    client = make_client(page_size=10)
    sent = Sent.watching(client)
    stored = seeded(minimax_sandbox, 1)[0]
    records = [customer(1), customer(2), {"Code": stored["Code"], "Name": "Drugo ime"}]
    plan = plan_sync(client, "customers", records, "Code")
    assert plan.index == "lookups"
    assert [d.action for d in plan.decisions] == ["create", "create", "update"]
    assert sent.count("GET", "customers/code(") == 3
    assert sent.count("GET", "customers") == 4  # the first page and the three lookups


def test_one_record_is_looked_up_without_reading_a_page(client: MinimaxClient, sent: Sent) -> None:
    plan = plan_sync(client, "customers", [customer(1)], "Code")
    assert plan.index == "lookups"
    assert sent.paths("GET") == ["customers/code(WEB-0001)"]


def test_a_list_row_lacking_a_field_of_the_source_is_read_in_full_to_compare(
    minimax_sandbox: Sandbox, client: MinimaxClient, sent: Sent
) -> None:
    """Customers' list rows have no RegistrationNumber: the existing record is read."""
    first, second = seeded(minimax_sandbox)
    records = [
        {"Code": first["Code"], "RegistrationNumber": first["RegistrationNumber"]},
        {"Code": second["Code"], "RegistrationNumber": "9999999000"},
        customer(1),
        customer(2),
    ]
    plan = plan_sync(client, "customers", records, "Code")
    assert plan.index == "list"
    assert [d.action for d in plan.decisions] == ["unchanged", "update", "create", "create"]
    assert plan.decisions[1].changes == {"RegistrationNumber": "9999999000"}
    assert sorted(sent.paths("GET")[1:]) == sorted(
        f"customers/{r['CustomerId']}" for r in (first, second)
    )


def test_in_create_mode_an_existing_record_is_left_as_it_is(
    minimax_sandbox: Sandbox, client: MinimaxClient
) -> None:
    stored = seeded(minimax_sandbox, 1)[0]
    records = [{"Code": stored["Code"], "Name": "Drugo ime"}, customer(1)]
    plan = plan_sync(client, "customers", records, "Code", mode="create")
    assert [d.action for d in plan.decisions] == ["unchanged", "create"]
    assert plan.decisions[0].changes == {}


def test_invoices_are_found_by_document_reference_on_their_day(
    minimax_sandbox: Sandbox, client: MinimaxClient
) -> None:
    """The list rows of issued invoices lack DocumentReference: each is looked for among its
    day's invoices (match_on's exact means), never by SearchString; no day, no plan."""
    stored = next(
        r for r in minimax_sandbox.records(ORG, "issuedinvoices") if r.get("DocumentReference")
    )
    day = stored["DateIssued"][:10]
    invoice = {
        "Customer": {"ID": stored["Customer"]["ID"]},
        "DateIssued": day,
        "DocumentReference": "WS-NEW-1",
        "IssuedInvoiceRows": [{"Item": {"ID": 1}, "Quantity": 1, "Price": 10}],
    }
    records = [
        invoice,
        {**invoice, "DocumentReference": stored["DocumentReference"]},
        {k: v for k, v in invoice.items() if k != "DateIssued"} | {"DocumentReference": "X"},
    ]
    plan = plan_sync(client, "issuedinvoices", records, "DocumentReference", mode="create")
    assert plan.index == "lookups"
    assert [d.action for d in plan.decisions] == ["create", "unchanged", "invalid"]
    assert plan.decisions[1].record_id == stored["IssuedInvoiceId"]
    assert "DateIssued" in plan.decisions[2].fields


def test_a_key_no_exact_means_can_check_is_refused_before_any_call(
    client: MinimaxClient, sent: Sent
) -> None:
    with pytest.raises(MinimaxConfigurationError, match="cannot be checked on customers"):
        plan_sync(client, "customers", [customer(1)], "Name")
    with pytest.raises(MinimaxConfigurationError, match="mode must be one of"):
        plan_sync(client, "customers", [customer(1)], "Code", mode="replace")
    assert sent.requests == []
