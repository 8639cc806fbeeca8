"""Behaviours 4-6: create read back from Location, match_on, RowVersion updates, actions."""

from __future__ import annotations

import base64
import threading
from typing import Any

import pytest

from airflow_provider_minimax.client import (
    MinimaxAmbiguousWriteError,
    MinimaxConcurrencyError,
    MinimaxConfigurationError,
    MinimaxUnreadCreateError,
    MinimaxValidationError,
)
from airflow_provider_minimax.sandbox import FaultRule, Sandbox


@pytest.mark.switch("location_style")
def test_create_reads_the_record_back_from_location(
    minimax_sandbox: Sandbox, make_client: Any
) -> None:
    client = make_client()
    created = client.create("customers", {"Code": "LOC-1", "Name": "Lokacija d.o.o."})
    assert created["CustomerId"] in minimax_sandbox.ids(123, "customers")
    assert created["RowVersion"]
    routes = minimax_sandbox.stats()["by_route"]
    reads = {route: n for route, n in routes.items() if route.startswith("GET ")}
    # Read back once, at the Location's path or query (…/customers?id=): not by a search.
    assert sum(n for route, n in reads.items() if "/customers" in route) == 1


@pytest.mark.switch("location_style", "search_scope")
def test_create_with_match_on_returns_the_existing_record(
    minimax_sandbox: Sandbox, make_client: Any
) -> None:
    client = make_client()
    first = client.create("customers", {"Code": "M-1", "Name": "Ena d.o.o."}, match_on="Code")
    second = client.create("customers", {"Code": "M-1", "Name": "Ena d.o.o."}, match_on="Code")
    assert first["CustomerId"] == second["CustomerId"]
    assert minimax_sandbox.stats()["by_route"]["POST /SI/API/api/orgs/{id}/customers"] == 1


@pytest.mark.switch("search_scope")
def test_match_on_a_field_without_a_code_lookup(minimax_sandbox: Sandbox, make_client: Any) -> None:
    client = make_client()
    body = {"Email": "ana@example.si", "FullName": "Ana Novak"}
    customer_id = next(iter(client.list("customers")))["CustomerId"]
    path = f"customers/{customer_id}/contacts"
    first = client.create(path, body, match_on=["FullName", "Email"])
    second = client.create(path, body, match_on=["FullName", "Email"])
    assert first["ContactId"] == second["ContactId"]


@pytest.mark.switch("location_style", "search_scope")
def test_lost_create_answer_with_match_on_leaves_exactly_one_record(
    minimax_sandbox: Sandbox, make_client: Any
) -> None:
    client = make_client()
    minimax_sandbox.add_fault(FaultRule("drop_response", times=1, method="POST"))
    created = client.create(
        "customers", {"Code": "LOST-1", "Name": "Izgubljen d.o.o."}, match_on="Code"
    )
    matching = minimax_sandbox.records(123, "customers", Code="LOST-1")
    assert [r["CustomerId"] for r in matching] == [created["CustomerId"]]


def test_reset_before_the_post_arrives_is_sent_again_after_checking(
    minimax_sandbox: Sandbox, make_client: Any
) -> None:
    client = make_client()
    minimax_sandbox.add_fault(FaultRule("reset", times=1, method="POST"))
    created = client.create(
        "customers", {"Code": "RST-1", "Name": "Ponovno d.o.o."}, match_on="Code"
    )
    assert created["Code"] == "RST-1"
    assert minimax_sandbox.stats()["by_route"]["POST /SI/API/api/orgs/{id}/customers"] == 2


def test_match_on_must_name_payload_fields(make_client: Any) -> None:
    with pytest.raises(MinimaxConfigurationError, match="'Code'"):
        make_client().create("customers", {"Name": "X"}, match_on="Code")


def test_validation_error_names_the_field(make_client: Any) -> None:
    with pytest.raises(MinimaxValidationError) as caught:
        make_client().create("customers", {"Code": "NONAME"})
    assert [e.field for e in caught.value.field_errors] == ["Name"]
    assert "The Name field is required." in str(caught.value)
    assert "POST orgs/123/customers" in str(caught.value)


@pytest.mark.switch("write_answer")
def test_update_merges_changes_with_the_current_row_version(
    minimax_sandbox: Sandbox, make_client: Any
) -> None:
    client = make_client()
    customer = client.get("customers", next(iter(client.list("customers")))["CustomerId"])
    updated = client.update("customers", customer["CustomerId"], {"City": "Bled"})
    assert updated["City"] == "Bled"
    assert updated["Name"] == customer["Name"]  # the whole record went back, not just City
    assert updated["RowVersion"] != customer["RowVersion"]


def test_update_with_a_function(make_client: Any) -> None:
    client = make_client()
    customer_id = next(iter(client.list("customers")))["CustomerId"]
    updated = client.update("customers", customer_id, lambda r: r | {"Name": r["Name"].upper()})
    assert updated["Name"] == updated["Name"].upper()


def test_a_changes_function_that_adds_an_unknown_field_is_refused(
    minimax_sandbox: Sandbox, make_client: Any
) -> None:
    client = make_client()
    customer_id = next(iter(client.list("customers")))["CustomerId"]
    before = minimax_sandbox.record(123, "customers", customer_id)
    with pytest.raises(MinimaxConfigurationError, match="Cty"):
        client.update("customers", customer_id, lambda r: r | {"Cty": "Koper"})
    assert minimax_sandbox.record(123, "customers", customer_id) == before


@pytest.mark.switch("write_answer")
def test_a_pinned_row_version_survives_a_lost_put_answer(
    minimax_sandbox: Sandbox, make_client: Any
) -> None:
    """The PUT is applied but its answer lost; the transport sends it again, which meets the
    record's new RowVersion. The update did happen: it must not be reported as a conflict."""
    client = make_client()
    customer = client.get("customers", next(iter(client.list("customers")))["CustomerId"])
    minimax_sandbox.add_fault(FaultRule("drop_response", times=1, method="PUT"))
    updated = client.update(
        "customers", customer["CustomerId"], {"City": "Izola"}, row_version=customer["RowVersion"]
    )
    assert updated["City"] == "Izola"
    assert minimax_sandbox.record(123, "customers", customer["CustomerId"])["City"] == "Izola"


@pytest.mark.switch("concurrency_status", "write_answer")
def test_update_re_reads_after_another_writer_and_keeps_their_change(
    minimax_sandbox: Sandbox, make_client: Any
) -> None:
    client = make_client()
    customer_id = next(iter(client.list("customers")))["CustomerId"]
    # Another writer changes the record once, between our read and our PUT.
    original_request = client.transport.request
    interfered = []

    def request(method: str, path: str, **kwargs: Any) -> Any:
        if method == "PUT" and not interfered:
            interfered.append(True)
            minimax_sandbox.change(123, "customers", customer_id, WebSiteURL="https://x.si")
        return original_request(method, path, **kwargs)

    client.transport.request = request  # type: ignore[method-assign]
    updated = client.update("customers", customer_id, {"City": "Ptuj"})
    assert updated["City"] == "Ptuj"
    assert updated["WebSiteURL"] == "https://x.si"
    assert minimax_sandbox.stats()["by_route"]["PUT /SI/API/api/orgs/{id}/customers/{id}"] == 2


@pytest.mark.switch("concurrency_status", "write_answer")
def test_stale_row_version_from_xcom_is_a_concurrency_error(
    minimax_sandbox: Sandbox, make_client: Any
) -> None:
    client = make_client()
    customer = client.get("customers", next(iter(client.list("customers")))["CustomerId"])
    minimax_sandbox.change(123, "customers", customer["CustomerId"], City="Izola")
    with pytest.raises(MinimaxConcurrencyError):
        client.update(
            "customers", customer["CustomerId"], {"Name": "X"}, row_version=customer["RowVersion"]
        )
    retried = client.update(
        "customers",
        customer["CustomerId"],
        {"Name": "X"},
        row_version=customer["RowVersion"],
        on_conflict="retry",
    )
    assert retried["Name"] == "X"
    assert retried["City"] == "Izola"


def test_concurrent_updaters_lose_no_field(minimax_sandbox: Sandbox, make_client: Any) -> None:
    """Six writers race for one record. Each update re-reads and re-applies after a conflict
    (up to three times); a writer that still loses gets MinimaxConcurrencyError and, like a
    retried Airflow task, calls again. No writer's field may be lost."""
    customer_id = next(iter(make_client().list("customers")))["CustomerId"]
    fields = {
        "City": "Kamnik",
        "Address": "Glavni trg 1",
        "WebSiteURL": "https://k.si",
        "GLN": "3830000000001",
        "BudgetUserNumber": "12345",
        "InternalCustomerNumber": "K-9",
    }
    errors: list[BaseException] = []

    def write(name: str, value: str) -> None:
        client = make_client()
        for attempt in range(1, 4):
            try:
                client.update("customers", customer_id, {name: value})
                return
            except MinimaxConcurrencyError as error:
                if attempt == 3:
                    errors.append(error)
            except BaseException as error:  # reported below
                errors.append(error)
                return

    threads = [threading.Thread(target=write, args=item) for item in fields.items()]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not errors
    final = minimax_sandbox.record(123, "customers", customer_id)
    assert {name: final[name] for name in fields} == fields


def test_unknown_field_in_changes_is_refused_before_writing(
    minimax_sandbox: Sandbox, make_client: Any
) -> None:
    client = make_client()
    customer_id = next(iter(client.list("customers")))["CustomerId"]
    with pytest.raises(MinimaxConfigurationError, match="Did you mean 'City'"):
        client.update("customers", customer_id, {"Cty": "X"})
    assert "PUT /SI/API/api/orgs/{id}/customers/{id}" not in minimax_sandbox.stats()["by_route"]


@pytest.mark.switch("action_row_version")
def test_action_reads_and_url_encodes_the_row_version(
    minimax_sandbox: Sandbox, make_client: Any
) -> None:
    client = make_client()
    drafts = list(client.list("issuedinvoices", Status="O"))
    for draft in drafts:  # the encoding matters most for versions with + and /
        version = minimax_sandbox.record(123, "issuedinvoices", draft["IssuedInvoiceId"])[
            "RowVersion"
        ]
        if "+" in version or "/" in version:
            break
    data = client.action("issuedinvoices", draft["IssuedInvoiceId"], "issueAndGeneratepdf")
    assert base64.b64decode(data["AttachmentData"]).startswith(b"%PDF")
    assert minimax_sandbox.record(123, "issuedinvoices", draft["IssuedInvoiceId"])["Status"] == "I"


@pytest.mark.switch("action_row_version")
def test_get_actions(make_client: Any) -> None:
    client = make_client()
    order = next(iter(client.list("orders")))
    data = client.action("orders", order["OrderId"], "GetOrderPdf")
    assert data["AttachmentMimeType"] == "application/pdf"


def test_unknown_action_is_refused_listing_the_known_ones(make_client: Any) -> None:
    with pytest.raises(MinimaxConfigurationError, match="issueAndGeneratepdf"):
        make_client().action("issuedinvoices", 1, "explode")


@pytest.mark.switch("write_answer")
def test_delete(minimax_sandbox: Sandbox, make_client: Any) -> None:
    client = make_client()
    created = client.create("customers", {"Code": "DEL-1", "Name": "Brisanje d.o.o."})
    client.delete("customers", created["CustomerId"])
    assert created["CustomerId"] not in minimax_sandbox.ids(123, "customers")


def test_writes_to_an_unreachable_organisation_are_refused_before_sending(
    minimax_sandbox: Sandbox, make_client: Any
) -> None:
    client = make_client(organisation_id=125)
    with pytest.raises(MinimaxConfigurationError, match="125"):
        client.create("customers", {"Code": "X", "Name": "X"})
    assert not any(
        route.startswith("POST /SI/API") for route in minimax_sandbox.stats()["by_route"]
    )


@pytest.mark.switch("location_style")
def test_a_stored_create_whose_lookup_misses_is_never_sent_again(
    minimax_sandbox: Sandbox, make_client: Any
) -> None:
    """Minimax took the POST (201, a Location) but the record cannot be read back, and the
    match_on lookup misses it: the create must fail, not be sent a second time."""
    client = make_client()
    # The new record's GET (…/customers/N or …/customers?id=N) and its code() lookup answer
    # 404, as a lagging replica might.
    minimax_sandbox.add_fault(
        FaultRule("status", status=404, method="GET", path=r"/customers(/[0-9]+|/code\(|$)")
    )
    with pytest.raises(MinimaxUnreadCreateError, match="was created but could not be read"):
        client.create("customers", {"Code": "UNREAD-1", "Name": "Neprebrano"}, match_on="Code")
    assert minimax_sandbox.count(123, "customers", Code="UNREAD-1") == 1
    assert minimax_sandbox.stats()["by_route"]["POST /SI/API/api/orgs/{id}/customers"] == 1


def test_a_failed_lookup_after_a_lost_answer_is_an_ambiguous_write(
    minimax_sandbox: Sandbox, make_client: Any
) -> None:
    """The POST's answer is lost and the lookup meant to settle it fails too: that is no
    configuration error ("nothing was written"), it is an ambiguous write."""
    client = make_client(max_retries=0)
    minimax_sandbox.add_fault(FaultRule("drop_response", times=1, method="POST"))
    # The first lookup (before the POST) finds nothing, as it would; the one after it fails.
    minimax_sandbox.add_fault(FaultRule("status", status=404, times=1, path=r"code\("))
    minimax_sandbox.add_fault(FaultRule("status", status=503, method="GET", path=r"code\("))
    with pytest.raises(MinimaxAmbiguousWriteError, match="Looking for it by") as raised:
        client.create("customers", {"Code": "LOST-2", "Name": "Izgubljeno"}, match_on="Code")
    assert not isinstance(raised.value, MinimaxConfigurationError)
    assert minimax_sandbox.count(123, "customers", Code="LOST-2") == 1
