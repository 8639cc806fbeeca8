"""The sandbox's answers match the vendor's Swagger definitions (swagger-2026-09-21.json).

Every GET operation of the vendor's document whose resource the sandbox emulates is called with
real IDs and codes, and its answer is validated against the declared response definition,
made strict: every field of the model present (the service serialises nulls), no field the
model lacks, date-times as the service writes them. Action answers and PDFs are checked too.
Each in every country's world: the Croatian and Serbian books differ (their code lists, VAT
percentages, the employee on Croatian invoices).
"""

from __future__ import annotations

import copy
import json
import re
from collections.abc import Iterator
from functools import cache
from pathlib import Path
from typing import Any

import jsonschema
import pytest

from airflow_provider_minimax.sandbox import Sandbox, Settings
from airflow_provider_minimax.sandbox.catalogue import BY_KEY
from tests.support import Api, act, draft_invoice

HERE = Path(__file__).parent
DATE_TIME = r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}$"

# Path parameter -> the sandbox kind whose IDs fill it.
ID_PARAMETERS = {
    "accountId": "accounts",
    "analyticId": "analytics",
    "customerId": "customers",
    "contactId": "contacts",
    "countryId": "countries",
    "currencyId": "currencies",
    "documentNumberingId": "document-numbering",
    "employeeId": "employees",
    "issuedInvoiceId": "issuedinvoices",
    "itemId": "items",
    "journalId": "journals",
    "journalTypeId": "journaltypes",
    "orderId": "orders",
    "reportTemplateId": "report-templates",
    "stockEntryId": "stockentry",
    "vatRateId": "vatrates",
    "warehouseId": "warehouses",
    "receivedInvoiceId": "receivedinvoices",
}
# GET operations of the vendor's document that the sandbox does not emulate (yet), by design.
NOT_EMULATED = re.compile(
    r"/(addresses|bankAccounts|dashboards|documents|efaktura|exchange-rates|inbox|outbox|"
    r"paymentMethods|paymentmethods|payrollsettings|postalcodes|productGroups|purpose-codes|"
    r"stocks|vataccountingtypes|issuedinvoicepostings|content\(|date\(|itemsdata|pricelists|"
    r"items/settings|vodstandard|vat/|actions/)"
)


@cache
def swagger() -> dict[str, Any]:
    loaded: dict[str, Any] = json.loads((HERE / "swagger-2026-09-21.json").read_text("utf-8"))
    return loaded


def _strict(schema: dict[str, Any]) -> dict[str, Any]:
    """A definition as the service fills it: all fields present, each may be null."""
    schema = copy.deepcopy(schema)
    properties = schema.get("properties")
    if properties is None:
        return schema
    for name, prop in properties.items():
        prop.pop("discriminator", None)
        prop.pop("description", None)
        if "$ref" in prop:
            properties[name] = {"anyOf": [{"$ref": prop["$ref"]}, {"type": "null"}]}
            continue
        if prop.get("format") == "date-time":
            prop["pattern"] = DATE_TIME
        if "type" in prop:
            prop["type"] = [prop["type"], "null"]
    schema["required"] = sorted(properties)
    schema["additionalProperties"] = False
    return schema


@cache
def validator_for(definition: str) -> jsonschema.Draft4Validator:
    definitions = {name: _strict(d) for name, d in swagger()["definitions"].items()}
    if definition.startswith("array:"):
        root: dict[str, Any] = {
            "type": "array",
            "items": {"$ref": "#/definitions/" + definition[6:]},
        }
    else:
        root = {"$ref": "#/definitions/" + definition}
    return jsonschema.Draft4Validator(root | {"definitions": definitions})


def assert_matches(payload: Any, definition: str) -> None:
    errors = sorted(validator_for(definition).iter_errors(payload), key=str)
    assert not errors, f"{definition}: " + "; ".join(
        f"{'/'.join(map(str, e.absolute_path))}: {e.message}" for e in errors[:5]
    )


def emulated_get_operations() -> list[dict[str, Any]]:
    endpoints = json.loads((HERE / "endpoints.json").read_text("utf-8"))
    return [
        op
        for op in endpoints
        if op["method"] == "GET" and op["response"] and not NOT_EMULATED.search(op["path"])
    ]


def first_record(sandbox: Sandbox, kind_key: str) -> dict[str, Any]:
    """Organisation 123's record of the kind with the lowest ID."""
    return sandbox.record(123, kind_key, sandbox.ids(123, kind_key)[0])


def concrete_path(template: str, sandbox: Sandbox) -> str:
    path = template.replace("{organisationId}", "123").removeprefix("/api/")
    # Parent before child: a contact must belong to the customer in the path.
    customer_id = None
    if "{customerId}" in path:
        contact = first_record(sandbox, "contacts")
        customer_id = contact["Customer"]["ID"]
        path = path.replace("{customerId}", str(customer_id))
        path = path.replace("{contactId}", str(contact["ContactId"]))
    for parameter, kind_key in ID_PARAMETERS.items():
        if "{" + parameter + "}" in path:
            path = path.replace("{" + parameter + "}", str(sandbox.ids(123, kind_key)[0]))
    match = re.search(r"/(\w[\w-]*)/code\(\{\w+\}\)$", path)
    if match:
        kind_key = match.group(1).lower()
        code = first_record(sandbox, kind_key)[BY_KEY[kind_key].code_field or "Code"]
        path = re.sub(r"\{\w+\}\)$", code + ")", path)
    assert "{" not in path, path
    return path


OPERATIONS = emulated_get_operations()


@pytest.fixture(params=["SI", "HR", "RS"])
def country_api(
    request: pytest.FixtureRequest, api: Api, country_sandboxes: dict[str, Sandbox]
) -> Iterator[Api]:
    """A bare HTTP client of each country's sandbox (the session's for SI)."""
    if request.param == "SI":
        yield api
        return
    sandbox = country_sandboxes[request.param]
    sandbox.reset_if_used()
    other = Api(sandbox)
    yield other
    other.session.close()


def test_the_sandbox_emulates_most_of_the_vendors_get_operations() -> None:
    assert len(OPERATIONS) >= 55


@pytest.mark.parametrize("operation", OPERATIONS, ids=lambda op: op["path"])
def test_get_answers_match_the_vendor_definition(
    country_api: Api, operation: dict[str, Any]
) -> None:
    api = country_api
    path = concrete_path(operation["path"], api.sandbox)
    params = (
        {"startRowIndex": 0, "endRowIndex": 10, "searchString": ""} if "allOrgs" in path else {}
    )
    response = api.get(path, params=params)
    assert response.status_code == 200, f"{path}: {response.status_code} {response.text[:200]}"
    payload = response.json()
    assert_matches(payload, operation["response"])
    if isinstance(payload, dict) and "Rows" in payload:
        assert payload["Rows"], f"{path} answered an empty list: the contract checked nothing"


def test_bench_ledger_matches_the_vendor_definitions() -> None:

    with Sandbox(Settings(scale="bench", ledger_rows=1000, days=30)) as sandbox:
        api = Api(sandbox)
        entries = api.ok("GET", "orgs/126/journals/journal-entries", params={"PageSize": 50})
        assert_matches(
            entries, "SAOP.API.Models.SearchResult[SAOP.API.Models.Journal.JournalEntries]"
        )
        journals = api.ok("GET", "orgs/126/journals")
        assert_matches(
            journals, "SAOP.API.Models.SearchResult[SAOP.API.Models.Journal.JournalSearch]"
        )
        journal = api.ok("GET", f"orgs/126/journals/{journals['Rows'][0]['JournalId']}")
        assert_matches(journal, "SAOP.API.Models.Journal.Journal")


def test_action_answers_carry_the_vendor_models(country_api: Api) -> None:
    api = country_api
    invoice = draft_invoice(api)
    assert_matches(invoice, "SAOP.API.Models.IssuedInvoice.IssuedInvoice")
    issued = act(api, "issuedinvoices", invoice["IssuedInvoiceId"], "issue", invoice["RowVersion"])
    assert_matches(issued.json()["Data"], "SAOP.API.Models.IssuedInvoice.IssuedInvoice")
    pdf = act(
        api,
        "issuedinvoices",
        invoice["IssuedInvoiceId"],
        "generatepdf",
        issued.json()["Data"]["RowVersion"],
    )
    assert_matches(pdf.json()["Data"], "SAOP.API.Models.Attachment")
    attachments = api.ok("GET", api.org(f"issuedinvoices/{invoice['IssuedInvoiceId']}/attachments"))
    assert_matches(attachments, "array:SAOP.API.Models.Attachment")


def test_created_records_match_the_vendor_models(api: Api) -> None:
    location = api.request("POST", api.org("customers"), json={"Name": "Nova d.o.o."}).headers[
        "Location"
    ]
    assert_matches(api.ok("GET", location), "SAOP.API.Models.Customer.Customer")
    customer_id = location.rsplit("/", 1)[1]
    contact = api.request(
        "POST",
        api.org(f"customers/{customer_id}/contacts"),
        json={"FullName": "Ana Novak", "Email": "ana@example.si"},
    )
    assert contact.status_code == 201
    assert f"/customers/{customer_id}/contacts/" in contact.headers["Location"]
    assert_matches(api.ok("GET", contact.headers["Location"]), "SAOP.API.Models.Contact.Contact")


def test_strict_validation_would_catch_an_extra_or_missing_field() -> None:
    """The contract check itself can fail (so a passing run means something)."""
    good = {"ID": 1, "RecordDtModified": "2025-01-01T00:00:00", "RowVersion": "AAAAAAAAAAE="}
    assert_matches(good, "SAOP.API.Models.SyncCandidate")
    with pytest.raises(AssertionError):
        assert_matches(good | {"Extra": 1}, "SAOP.API.Models.SyncCandidate")
    with pytest.raises(AssertionError):
        assert_matches({"ID": 1, "RowVersion": "x"}, "SAOP.API.Models.SyncCandidate")
    with pytest.raises(AssertionError):
        assert_matches(good | {"RecordDtModified": "2025-01-01"}, "SAOP.API.Models.SyncCandidate")
