"""The sandbox's data generator: vendor-shaped, consistent, deterministic and fast.

Checks are written against the vendor's models (`vendor_models.json`) and against our own
re-implementation of the check-digit rules, never against the generator's helpers, so a bug in
the generator cannot hide behind the same bug in its test.
"""

from __future__ import annotations

import datetime
import itertools
import json
import re
import time
from collections import Counter, defaultdict
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from airflow_provider_minimax.sandbox.books import DataScale, generate_organisation

MODELS_PATH = (
    Path(__file__).resolve().parents[2] / "airflow_provider_minimax/sandbox/vendor_models.json"
)
MODELS: dict[str, dict[str, Any]] = json.loads(MODELS_PATH.read_text("utf-8"))
PREFIX = "SAOP.API.Models."
FK_TYPE = "ref:SAOP.API.Common.mMApiFkField"
BASE_URL = "http://sandbox.test/SI/API/api/orgs/7"

FIRST_DAY = datetime.date(2025, 3, 1)
SMALL_DAYS = 60
DEMO_DAYS = 365

# kind -> (vendor model, ID field)
KINDS: dict[str, tuple[str, str]] = {
    "accounts": ("Account.Account", "AccountId"),
    "analytics": ("Analytic.Analytic", "AnalyticId"),
    "customers": ("Customer.Customer", "CustomerId"),
    "contacts": ("Contact.Contact", "ContactId"),
    "countries": ("Country.Country", "CountryId"),
    "currencies": ("Currency.Currency", "CurrencyId"),
    "vatrates": ("VatRate.VatRate", "VatRateId"),
    "document-numbering": ("DocumentNumbering.DocumentNumbering", "DocumentNumberingId"),
    "report-templates": ("ReportTemplate.ReportTemplate", "ReportTemplateId"),
    "employees": ("Employee.Employee", "EmployeeId"),
    "warehouses": ("Warehouse.Warehouse", "WarehouseId"),
    "items": ("Item.Item", "ItemId"),
    "journaltypes": ("JournalType.JournalType", "JournalTypeId"),
    "journals": ("Journal.Journal", "JournalId"),
    "issuedinvoices": ("IssuedInvoice.IssuedInvoice", "IssuedInvoiceId"),
    "receivedinvoices": ("ReceivedInvoice.ReceivedInvoice", "ReceivedInvoiceId"),
    "orders": ("Order.Order", "OrderId"),
    "stockentry": ("Stock.StockEntry", "StockEntryId"),
}
# Document rows: kind -> (rows field, row ID field, the row's reference back to its document)
ROWS: dict[str, tuple[str, str, str]] = {
    "journals": ("JournalEntries", "JournalEntryId", "Journal"),
    "issuedinvoices": ("IssuedInvoiceRows", "IssuedInvoiceRowId", "IssuedInvoice"),
    "orders": ("OrderRows", "OrderRowId", "Order"),
    "stockentry": ("StockEntryRows", "StockEntryRowId", "StockEntry"),
}
# Which kind each reference field must point to (the parent references of rows included).
REF_TARGETS: dict[str, str] = {
    "Customer": "customers",
    "Currency": "currencies",
    "Country": "countries",
    "CountryOfResidence": "countries",
    "AddresseeCountry": "countries",
    "RecipientCountry": "countries",
    "CustomerCountry": "countries",
    "VatRate": "vatrates",
    "Item": "items",
    "Analytic": "analytics",
    "ParentAnalytic": "analytics",
    "Employee": "employees",
    "Warehouse": "warehouses",
    "WarehouseFrom": "warehouses",
    "WarehouseTo": "warehouses",
    "AdditionalWarehouse": "warehouses",
    "Account": "accounts",
    "StocksAccount": "accounts",
    "PDAccount": "accounts",
    "VATStandardAccount": "accounts",
    "VATReducedAccount": "accounts",
    "VATSpecialReducedAccount": "accounts",
    "RevenueAccountDomestic": "accounts",
    "RevenueAccountEU": "accounts",
    "RevenueAccountOutsideEU": "accounts",
    "JournalType": "journaltypes",
    "Journal": "journals",
    "DocumentNumbering": "document-numbering",
    "IssuedInvoiceReportTemplate": "report-templates",
    "DeliveryNoteReportTemplate": "report-templates",
    "ReportTemplate": "report-templates",
    "IssuedInvoice": "issuedinvoices",
    "Order": "orders",
    "StockEntry": "stockentry",
}
# The date that places a document on a day, per document kind.
DOCUMENT_DATES: dict[str, str] = {
    "issuedinvoices": "DateIssued",
    "receivedinvoices": "DateReceived",
    "orders": "Date",
    "stockentry": "Date",
    "journals": "JournalDate",
}
DATE_TIME = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}$")
ENUM = re.compile(r"^string enum\[(.*)\]$")

Books = dict[str, list[dict[str, Any]]]


class Generated:
    """One call of the generator, with the IDs it was handed."""

    def __init__(
        self,
        *,
        seed: int = 11,
        scale: DataScale = "small",
        country: str = "SI",
        days: int = SMALL_DAYS,
        organisation_id: int = 7,
    ) -> None:
        counter = itertools.count(1_000)
        self.handed_out: list[int] = []

        def new_id() -> int:
            value = next(counter)
            self.handed_out.append(value)
            return value

        def ref(kind: str, record_id: int, name: str | None) -> dict[str, object]:
            return {"ID": record_id, "Name": name, "ResourceUrl": f"{BASE_URL}/{kind}/{record_id}"}

        started = time.perf_counter()
        self.books: Books = generate_organisation(
            seed=seed,
            scale=scale,
            organisation_id=organisation_id,
            country=country,
            first_day=FIRST_DAY,
            days=days,
            new_id=new_id,
            ref=ref,
        )
        self.seconds = time.perf_counter() - started
        self.days = days
        self.country = country


@pytest.fixture(scope="module", params=["SI", "HR", "RS"])
def small(request: pytest.FixtureRequest) -> Generated:
    return Generated(country=request.param)


@pytest.fixture(scope="module")
def demo() -> Generated:
    return Generated(scale="demo", days=DEMO_DAYS)


# -- helpers ----------------------------------------------------------------------------------


def model_fields(full_name: str) -> dict[str, str]:
    name = full_name if full_name.startswith("SAOP.") else PREFIX + full_name
    result: dict[str, str] = MODELS[name]["fields"]
    return result


def walk(record: dict[str, Any], model: str, path: str) -> Iterator[tuple[str, str, Any, str]]:
    """(path, field, value, vendor type) for every field, nested rows included."""
    for name, kind in model_fields(model).items():
        value = record.get(name)
        yield f"{path}.{name}", name, value, kind
        if kind.startswith("array:ref:") and isinstance(value, list):
            for index, row in enumerate(value):
                yield from walk(row, kind.removeprefix("array:ref:"), f"{path}.{name}[{index}]")


def all_records(books: Books) -> Iterator[tuple[str, dict[str, Any]]]:
    for kind, records in books.items():
        for record in records:
            yield kind, record


def cents(value: float) -> int:
    return round(value * 100)


def day_of(text: str) -> datetime.date:
    return datetime.date.fromisoformat(text[:10])


def by_id(books: Books, kind: str) -> dict[int, dict[str, Any]]:
    id_field = KINDS[kind][1]
    return {record[id_field]: record for record in books[kind]}


def country_code(books: Books, record: dict[str, Any], field: str = "Country") -> str:
    code: str = by_id(books, "countries")[record[field]["ID"]]["Code"]
    return code


def type_problem(value: Any, kind: str) -> str | None:
    """Why `value` does not fit the vendor type `kind`, or None if it does (None always fits)."""
    if value is None:
        return None
    if kind in ("int64", "integer"):
        ok = isinstance(value, int) and not isinstance(value, bool)
    elif kind == "number":
        ok = isinstance(value, float)
    elif kind == "string":
        ok = isinstance(value, str)
    elif kind == "date-time":
        ok = isinstance(value, str) and bool(DATE_TIME.match(value))
        if ok:
            datetime.datetime.fromisoformat(value)
    elif kind == FK_TYPE:
        ok = isinstance(value, dict) and list(value) == ["ID", "Name", "ResourceUrl"]
        ok = ok and isinstance(value["ID"], int)
    elif kind.startswith("array:"):
        ok = isinstance(value, list)
    elif match := ENUM.match(kind):
        ok = value in match.group(1).split("|")
    else:
        return f"unexpected vendor type {kind}"
    return None if ok else f"{value!r} is not a {kind}"


# -- shape --------------------------------------------------------------------------------------


def test_vendor_models_file_is_the_digest() -> None:
    assert MODELS_PATH.is_file()
    assert FK_TYPE.removeprefix("ref:") in MODELS
    assert all(PREFIX + model in MODELS for model, _ in KINDS.values())


def test_output_has_exactly_the_contract_kinds(small: Generated) -> None:
    assert list(small.books) == list(KINDS)
    for kind, records in small.books.items():
        assert records, f"no {kind}"


def test_every_record_has_exactly_its_vendor_fields_in_order(small: Generated) -> None:
    problems = []
    for kind, record in all_records(small.books):
        model = KINDS[kind][0]
        if list(record) != list(model_fields(model)):
            problems.append(f"{kind}: {sorted(set(record) ^ set(model_fields(model)))}")
        for path, _name, value, vendor_type in walk(record, model, kind):
            if vendor_type.startswith("array:ref:") and isinstance(value, list):
                row_model = vendor_type.removeprefix("array:ref:")
                expected = list(model_fields(row_model))
                problems += [f"{path}: {list(row)}" for row in value if list(row) != expected]
    assert problems == [], problems[:10]


def test_every_value_has_its_vendor_type(small: Generated) -> None:
    problems = []
    for kind, record in all_records(small.books):
        for path, name, value, vendor_type in walk(record, KINDS[kind][0], kind):
            problem = type_problem(value, vendor_type)
            if problem:
                problems.append(f"{path}: {problem}")
            if name == "RowVersion" and value is not None:
                problems.append(f"{path}: the store assigns row versions")
    assert problems == [], problems[:10]


def test_money_is_rounded_to_cents(small: Generated) -> None:
    money = {"Value", "InvoiceValue", "PaidValue", "Debit", "Credit", "VatBase", "InvoiceAmount"}
    problems = []
    for kind, record in all_records(small.books):
        for path, name, value, _ in walk(record, KINDS[kind][0], kind):
            if name in money and isinstance(value, float) and round(value, 2) != value:
                problems.append(f"{path}: {value}")
    assert problems == [], problems[:10]


# -- determinism -----------------------------------------------------------------------------


def test_same_arguments_give_equal_output() -> None:
    first, second = Generated(seed=3), Generated(seed=3)
    assert first.books == second.books
    assert first.handed_out == second.handed_out


def test_another_seed_or_organisation_gives_other_data() -> None:
    base = Generated(seed=3).books
    assert Generated(seed=4).books != base
    assert Generated(seed=3, organisation_id=8).books != base
    names = {record["Name"] for record in base["customers"]}
    other = {record["Name"] for record in Generated(seed=4).books["customers"]}
    assert names != other


# -- identity and references -----------------------------------------------------------------


# Code lists the Croatian and Serbian worlds number themselves (their IDs are the country's, not
# the store's; see books/profiles.py).
SELF_NUMBERED = ("countries", "currencies")


def test_ids_are_unique_and_each_comes_from_new_id(small: Generated) -> None:
    ids = []
    for kind, record in all_records(small.books):
        if kind in SELF_NUMBERED and small.country != "SI":
            continue
        ids.append(record[KINDS[kind][1]])
        if kind in ROWS:
            rows_field, row_id, _ = ROWS[kind]
            ids += [row[row_id] for row in record[rows_field]]
    duplicates = [value for value, count in Counter(ids).items() if count > 1]
    assert duplicates == []
    # new_id is called once per record and row: no ID is wasted, none is invented.
    assert sorted(ids) == sorted(small.handed_out)
    for kind in SELF_NUMBERED:
        own = [record[KINDS[kind][1]] for record in small.books[kind]]
        assert len(set(own)) == len(own), kind


def test_references_point_to_existing_records_of_the_right_kind(small: Generated) -> None:
    books = small.books
    existing = {kind: set(by_id(books, kind)) for kind in KINDS}
    problems = []
    for kind, record in all_records(books):
        for path, name, value, vendor_type in walk(record, KINDS[kind][0], kind):
            if vendor_type != FK_TYPE or value is None:
                continue
            if name == "VatRatePercentage":  # a code list no endpoint serves: no URL
                assert value["ResourceUrl"] is None and value["ID"], path
                continue
            url_kind, _, url_id = value["ResourceUrl"].removeprefix(BASE_URL + "/").rpartition("/")
            target = REF_TARGETS.get(name)
            if target is None:
                problems.append(f"{path}: unexpected reference field")
            elif url_kind != target or int(url_id) != value["ID"]:
                problems.append(f"{path}: {value['ResourceUrl']} is not a {target} reference")
            elif value["ID"] not in existing[target]:
                problems.append(f"{path}: {target} {value['ID']} does not exist")
    assert problems == [], problems[:10]


def test_rows_refer_to_their_own_document(small: Generated) -> None:
    for kind, (rows_field, _, parent_field) in ROWS.items():
        id_field = KINDS[kind][1]
        for record in small.books[kind]:
            assert record[rows_field], f"{kind} {record[id_field]} has no rows"
            assert {row[parent_field]["ID"] for row in record[rows_field]} == {record[id_field]}


def test_contacts_belong_to_customers_with_at_most_two_each(small: Generated) -> None:
    per_customer = Counter(contact["Customer"]["ID"] for contact in small.books["contacts"])
    assert max(per_customer.values()) <= 2


# -- ledger -----------------------------------------------------------------------------------


def test_every_journal_balances_to_the_cent(small: Generated, demo: Generated) -> None:
    for books in (small.books, demo.books):
        for journal in books["journals"]:
            entries = journal["JournalEntries"]
            assert len(entries) >= 2
            debit = sum(cents(entry["Debit"]) for entry in entries)
            credit = sum(cents(entry["Credit"]) for entry in entries)
            assert debit == credit, journal["Description"]
            for entry in entries:
                sides = (entry["Debit"], entry["Credit"])
                assert min(sides) == 0, journal["Description"]  # one side only
                assert max(sides) > 0, journal["Description"]
                assert entry["DebitInDomesticCurrency"] == entry["Debit"]
                assert entry["CreditInDomesticCurrency"] == entry["Credit"]


def test_journals_are_mostly_posted_and_within_the_window(demo: Generated) -> None:
    journals = demo.books["journals"]
    statuses = Counter(journal["Status"] for journal in journals)
    assert set(statuses) == {"P", "O"}
    assert statuses["P"] > 0.9 * len(journals)
    last_day = FIRST_DAY + datetime.timedelta(days=DEMO_DAYS - 1)
    assert all(FIRST_DAY <= day_of(j["JournalDate"]) <= last_day for j in journals)
    types = by_id(demo.books, "journaltypes")
    used = Counter(types[journal["JournalType"]["ID"]]["Code"] for journal in journals)
    assert {"IR", "PR", "TEM", "BA"} <= set(used)


def journal_codes(books: Books, journal: dict[str, Any]) -> list[tuple[str, int, int]]:
    """(account code, debit cents, credit cents) per entry."""
    accounts = by_id(books, "accounts")
    return [
        (accounts[entry["Account"]["ID"]]["Code"], cents(entry["Debit"]), cents(entry["Credit"]))
        for entry in journal["JournalEntries"]
    ]


def vat_by_rate(rows: list[dict[str, Any]]) -> list[tuple[int, int]]:
    """(base, VAT) in cents per VAT percent: rows rounded first, VAT once per rate on their sum."""
    bases: dict[float, float] = defaultdict(float)
    for row in rows:
        bases[row["VATPercent"]] += row["Value"]
    return sorted(
        (cents(round(base, 2)), cents(round(round(base, 2) * percent / 100, 2)))
        for percent, base in bases.items()
    )


def test_each_issued_invoice_has_its_ir_journal(small: Generated) -> None:
    books = small.books
    ir_type = next(t["JournalTypeId"] for t in books["journaltypes"] if t["Code"] == "IR")
    # The receivable (first) entry of an IR journal carries the invoice's payment reference.
    by_reference = {
        journal["JournalEntries"][0]["PaymentReference"]: journal
        for journal in books["journals"]
        if journal["JournalType"]["ID"] == ir_type
    }
    issued = [invoice for invoice in books["issuedinvoices"] if invoice["Status"] == "I"]
    assert issued
    for invoice in issued:
        journal = by_reference[invoice["PaymentReference"]]
        codes = journal_codes(books, journal)
        receivable = [debit for code, debit, _ in codes if code in ("1200", "1210")]
        assert receivable == [cents(invoice["InvoiceValue"])]
        revenue = sum(credit for code, _, credit in codes if code.startswith("76"))
        assert revenue == sum(cents(row["Value"]) for row in invoice["IssuedInvoiceRows"])
        # One 2600 line per VAT rate that has VAT, carrying the rate's base.
        vat_expected = [pair for pair in vat_by_rate(invoice["IssuedInvoiceRows"]) if pair[1]]
        vat_booked = sorted(
            (cents(entry["VatBase"]), cents(entry["Credit"]))
            for entry, (code, _, _) in zip(journal["JournalEntries"], codes, strict=True)
            if code == "2600"
        )
        assert vat_booked == vat_expected
    drafts = [invoice for invoice in books["issuedinvoices"] if invoice["Status"] == "O"]
    assert len(by_reference) == len(issued)
    assert all(invoice["PaymentReference"] is None for invoice in drafts)


def test_each_approved_received_invoice_has_its_pr_journal(small: Generated) -> None:
    books = small.books
    pr_type = next(t["JournalTypeId"] for t in books["journaltypes"] if t["Code"] == "PR")
    pr_journals = [j for j in books["journals"] if j["JournalType"]["ID"] == pr_type]
    # The payable entry names the supplier and carries the supplier's invoice number.
    payables = Counter(
        (entry["Customer"]["ID"], entry["PaymentReference"], cents(entry["Credit"]))
        for journal in pr_journals
        for entry, (code, _, _) in zip(
            journal["JournalEntries"], journal_codes(books, journal), strict=True
        )
        if code in ("2200", "2210")
    )
    approved = Counter(
        (invoice["Customer"]["ID"], invoice["DocumentReference"], cents(invoice["InvoiceValue"]))
        for invoice in books["receivedinvoices"]
        if invoice["Status"] == "P"
    )
    assert approved
    assert payables == approved
    for invoice in books["receivedinvoices"]:
        assert invoice["InvoiceAmount"] == invoice["InvoiceValue"]


# -- invoice arithmetic -----------------------------------------------------------------------


def test_invoice_rows_are_computed_like_minimax(small: Generated) -> None:
    rates = by_id(small.books, "vatrates")
    for invoice in small.books["issuedinvoices"]:
        for row in invoice["IssuedInvoiceRows"]:
            gross = row["Quantity"] * row["Price"]
            expected = gross * (1 - row["DiscountPercent"] / 100)
            assert abs(row["Value"] - expected) <= 0.005 + 1e-9, row
            assert abs(row["Discount"] - (gross - expected)) <= 0.005 + 1e-9, row
            percent = rates[row["VatRate"]["ID"]]["Percent"]
            assert row["VATPercent"] == percent
            assert abs(row["PriceWithVAT"] - row["Price"] * (1 + percent / 100)) <= 0.005 + 1e-9


def test_invoice_value_is_rows_plus_vat_per_rate(small: Generated) -> None:
    for invoice in small.books["issuedinvoices"]:
        net = sum(cents(row["Value"]) for row in invoice["IssuedInvoiceRows"])
        vat = sum(vat for _, vat in vat_by_rate(invoice["IssuedInvoiceRows"]))
        assert cents(invoice["InvoiceValue"]) == net + vat


def test_payment_statuses_fit_the_amounts(small: Generated) -> None:
    allowed = {"Placan", "DelnoPlacanNezapadel", "NeplacanNezapadel", "NeplacanZapadel"}
    as_of = FIRST_DAY + datetime.timedelta(days=SMALL_DAYS)
    for invoice in small.books["issuedinvoices"]:
        status, value, paid = (
            invoice["PaymentStatus"],
            invoice["InvoiceValue"],
            invoice["PaidValue"],
        )
        if invoice["Status"] == "O":
            assert (status, paid, invoice["InvoiceNumber"]) == ("Osnutek", 0.0, None)
            continue
        assert status in allowed
        assert invoice["InvoiceType"] == "R"
        assert (status == "Placan") == (paid == value)
        assert (status.startswith("Neplacan")) == (paid == 0.0)
        assert ("Zapadel" in status and "Nezapadel" not in status) == (
            status != "Placan" and day_of(invoice["DateDue"]) < as_of
        )
        assert invoice["PaymentReference"].endswith(
            f"{invoice['Year']}-{invoice['InvoiceNumber']:05d}"
        )


def test_invoice_numbers_are_unique_per_year(small: Generated) -> None:
    numbers = [
        (invoice["Year"], invoice["InvoiceNumber"])
        for invoice in small.books["issuedinvoices"]
        if invoice["InvoiceNumber"] is not None
    ]
    assert len(numbers) == len(set(numbers))


def test_document_statuses_are_vendor_values(demo: Generated) -> None:
    books = demo.books
    issued = Counter(invoice["Status"] for invoice in books["issuedinvoices"])
    assert set(issued) == {"I", "O"}
    assert issued["I"] > 0.9 * sum(issued.values())
    assert {invoice["Status"] for invoice in books["receivedinvoices"]} == {"P", "O", "Z"}
    assert {order["Status"] for order in books["orders"]} == {"P", "O", "Z", "R"}
    assert {order["ReceivedIssued"] for order in books["orders"]} == {"P", "I"}
    assert {entry["StockEntryType"] for entry in books["stockentry"]} == {"P", "I", "L"}
    assert {entry["Status"] for entry in books["stockentry"]} == {"P", "O"}


# -- realism ----------------------------------------------------------------------------------


def si_tax_number_is_valid(number: str) -> bool:
    if not re.fullmatch(r"[1-9]\d{7}", number):
        return False
    check = 11 - sum(int(d) * w for d, w in zip(number[:7], range(8, 1, -1), strict=True)) % 11
    return check != 11 and int(number[7]) == (0 if check == 10 else check)


def iso7064_is_valid(number: str) -> bool:
    product = 10
    for digit in number[:-1]:
        product = ((int(digit) + product) % 10 or 10) * 2 % 11
    return (11 - product) % 10 == int(number[-1])


def emso_is_valid(number: str) -> bool:
    if not re.fullmatch(r"\d{13}", number):
        return False
    weights = (7, 6, 5, 4, 3, 2) * 2
    check = 11 - sum(int(d) * w for d, w in zip(number[:12], weights, strict=True)) % 11
    return check != 10 and int(number[12]) == check % 11


def test_check_digit_rules_reject_bad_numbers() -> None:
    assert si_tax_number_is_valid("50223054")  # python-stdnum's example
    assert not si_tax_number_is_valid("50223055")
    assert iso7064_is_valid("69435151530")  # Croatian OIB from the tax office's example
    assert not iso7064_is_valid("69435151531")
    assert iso7064_is_valid("101134702")  # a Serbian PIB
    assert emso_is_valid("0101006500006")
    assert not emso_is_valid("0101006500007")


def test_tax_numbers_have_valid_check_digits(small: Generated) -> None:
    books = small.books
    checks = {"SI": si_tax_number_is_valid, "HR": iso7064_is_valid, "RS": iso7064_is_valid}
    lengths = {"SI": 8, "HR": 11, "RS": 9}
    checked = 0
    for customer in books["customers"]:
        country = country_code(books, customer)
        if country in checks:
            number = customer["TaxNumber"]
            assert len(number) == lengths[country], customer["Name"]
            assert checks[country](number), customer["Name"]
            checked += 1
        vat_id = customer["VATIdentificationNumber"]
        if vat_id and country in ("SI", "HR"):
            assert vat_id == country + customer["TaxNumber"]
        assert (vat_id is not None) == (customer["SubjectToVAT"] == "D") or country not in checks
    assert checked >= len(books["customers"]) // 2
    for employee in books["employees"]:
        country = country_code(books, employee)
        if country == "SI":
            assert si_tax_number_is_valid(employee["TaxNumber"]), employee
        else:  # the OIB (HR) or JMBG (RS) is also the person's tax number
            assert employee["PersonalIdenficationNumber"] == employee["TaxNumber"]
        if country == "HR":
            assert iso7064_is_valid(employee["TaxNumber"]), employee
        else:
            assert emso_is_valid(employee["PersonalIdenficationNumber"]), employee
            born = datetime.date.fromisoformat(employee["DateOfBirth"][:10])
            assert employee["PersonalIdenficationNumber"][:7] == born.strftime("%d%m%Y")[:4] + (
                f"{born.year % 1000:03d}"
            )


def test_ean_codes_have_valid_check_digits(small: Generated) -> None:
    codes = [item["EANCode"] for item in small.books["items"] if item["EANCode"]]
    assert codes
    for code in codes:
        total = sum(int(d) * (3 if i % 2 else 1) for i, d in enumerate(code[:12]))
        assert len(code) == 13
        assert (10 - total % 10) % 10 == int(code[12])


def test_reference_data_is_slovenian(small: Generated) -> None:
    books = small.books
    accounts = {account["Code"] for account in books["accounts"]}
    assert {"1100", "1200", "1600", "2200", "2600", "4000", "4100", "7600", "7620"} <= accounts
    countries = {country["Code"]: country["Name"] for country in books["countries"]}
    # Code lists speak the world's language; the Slovenian world keeps its short list.
    austria = {"SI": "Avstrija", "HR": "Austrija", "RS": "Austrija"}[small.country]
    assert countries["SI"] == "Slovenija"
    assert countries["AT"] == austria
    assert {"SI", "HR", "AT", "DE", "IT", "HU", "RS", "BA"} <= set(countries)
    assert (len(countries) > 200) == (small.country != "SI")
    currencies = {currency["Code"] for currency in books["currencies"]}
    assert {"EUR", "USD", "CHF", "GBP", "RSD", "BAM"} <= currencies
    journal_types = {journal_type["Code"] for journal_type in books["journaltypes"]}
    assert {"IR", "PR", "TEM", "BA"} <= journal_types
    units = {item["UnitOfMeasurement"] for item in books["items"]}
    assert {"kos", "ura"} <= units
    suffixes = {customer["Name"].rsplit(" ", 1)[-1] for customer in books["customers"]}
    assert suffixes & {"d.o.o.", "s.p.", "d.d."}


@pytest.mark.parametrize(
    ("country", "expected"),
    [
        ("SI", {"S": 22.0, "N": 9.5, "P": 5.0, "O": 0.0}),
        ("HR", {"S": 25.0, "N": 13.0, "P": 5.0, "O": 0.0}),
        ("RS", {"S": 20.0, "N": 10.0, "O": 0.0}),
    ],
)
def test_vat_rates_are_the_countrys(country: str, expected: dict[str, float]) -> None:
    books = Generated(country=country, days=3).books
    assert {rate["Code"]: rate["Percent"] for rate in books["vatrates"]} == expected


def test_modification_times_are_realistic(small: Generated) -> None:
    documents = set(DOCUMENT_DATES)
    for kind, record in all_records(small.books):
        modified = record.get("RecordDtModified")
        if modified is None:
            continue  # code lists (countries, currencies, ...) have no such field
        if kind in documents:
            assert day_of(modified) >= day_of(record[DOCUMENT_DATES[kind]])
            assert day_of(modified) < FIRST_DAY + datetime.timedelta(days=SMALL_DAYS)
        else:
            assert day_of(modified) < FIRST_DAY, kind


# -- volume and spread ------------------------------------------------------------------------


def test_documents_fall_on_every_day_of_the_window(small: Generated, demo: Generated) -> None:
    for generated in (small, demo):
        window = {FIRST_DAY + datetime.timedelta(days=n) for n in range(generated.days)}
        for kind, date_field in DOCUMENT_DATES.items():
            days = {day_of(record[date_field]) for record in generated.books[kind]}
            assert days == window, (
                f"{kind}: {sorted(window - days)[:5]} {sorted(days - window)[:5]}"
            )


def test_weekends_are_quieter(demo: Generated) -> None:
    per_weekday = Counter(day_of(i["DateIssued"]).weekday() for i in demo.books["issuedinvoices"])
    assert per_weekday[6] < per_weekday[2] / 2


def per_day(generated: Generated, kind: str) -> float:
    return len(generated.books[kind]) / generated.days


def test_small_scale_volumes() -> None:
    generated = Generated(country="SI")
    counts = {kind: len(records) for kind, records in generated.books.items()}
    assert counts["customers"] == 40
    assert counts["items"] == 30
    assert counts["employees"] == 5
    assert counts["warehouses"] == 2
    assert counts["analytics"] == 4
    assert 2.5 <= per_day(generated, "issuedinvoices") <= 3.6
    assert 1.6 <= per_day(generated, "receivedinvoices") <= 2.6
    assert 0.9 <= per_day(generated, "orders") <= 1.5
    assert 0.9 <= per_day(generated, "stockentry") <= 1.5
    print(f"small ({SMALL_DAYS} days): {counts}, {generated.seconds:.3f} s")


def test_demo_scale_volumes_and_speed(demo: Generated) -> None:
    counts = {kind: len(records) for kind, records in demo.books.items()}
    print(f"demo ({DEMO_DAYS} days): {counts}, generated in {demo.seconds:.3f} s")
    assert counts["customers"] == 250
    assert counts["items"] == 150
    assert counts["employees"] == 12
    assert 11 <= per_day(demo, "issuedinvoices") <= 13
    assert 5.4 <= per_day(demo, "receivedinvoices") <= 6.6
    assert 2.7 <= per_day(demo, "orders") <= 3.3
    assert 2.7 <= per_day(demo, "stockentry") <= 3.3
    # The contract asks for under ~3 s on one core; the bound leaves room for slow CI machines.
    assert demo.seconds < 6.0


@pytest.mark.parametrize(
    ("change", "message"),
    [({"scale": "bench"}, "scale"), ({"country": "AT"}, "country"), ({"days": 0}, "days")],
)
def test_bad_arguments_are_refused(change: dict[str, Any], message: str) -> None:
    arguments: dict[str, Any] = {
        "seed": 1,
        "scale": "small",
        "organisation_id": 1,
        "country": "SI",
        "first_day": FIRST_DAY,
        "days": 5,
        "new_id": itertools.count(1).__next__,
        "ref": lambda kind, record_id, name: {"ID": record_id, "Name": name, "ResourceUrl": ""},
    }
    with pytest.raises(ValueError, match=message):
        generate_organisation(**{**arguments, **change})
