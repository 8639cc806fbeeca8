"""Issued invoices with their rows, and the IR journal of each invoice that is issued."""

from __future__ import annotations

import datetime
from collections import defaultdict

from airflow_provider_minimax.sandbox.catalogue import COUNTRY_REQUIRED

from . import items, journals, names, payments
from .amounts import bases_by_percent, money, row_value, vat_of
from .context import Books, Party, Product, Record, Ref
from .dates import datetime_text
from .postings import Line, Payment, Settlement, vat_lines
from .reference import EU

# Of the invoices after a day's first, the share still a draft when the books are read.
DRAFT_SHARE = 0.05


def add_issued_invoice(books: Books, day: datetime.date, *, draft_allowed: bool) -> None:
    party = books.pick(books.buyers, books.buyer_weights)
    customer = party.record
    invoice_id = books.new_id()
    issued = not (draft_allowed and books.maybe(DRAFT_SHARE))
    stamp = books.saved_on(day)
    # Drafts get their number when they are issued, as in Minimax.
    number = books.next_number("IR", day, books.volume.issued_per_day) if issued else None
    label = f"{day.year}-{number:05d}" if number is not None else None
    reference = f"{books.profile.reference_model} {label}" if label else None
    analytic = books.pick(books.out["analytics"]) if books.maybe(0.3) else None
    parent = books.ref("issuedinvoices", invoice_id, None)
    rows = _invoice_rows(books, parent, party, analytic, stamp)
    bases = bases_by_percent(rows)
    vat = {percent: vat_of(base, percent) for percent, base in bases.items()}
    value = money(sum(bases.values()) + sum(vat.values()))
    due = day + datetime.timedelta(days=customer["ExpirationDays"])
    receivable = "1200" if party.country == books.country else "1210"
    settlement = Settlement("Osnutek")
    if issued:
        settlement = payments.settle(books, day, due, value)
        payment = Payment(receivable, settlement.paid, True, customer, reference=reference)
        payments.book_payment(books, settlement, payment)
    back = books.pick((0, 0, 0, 1, 2))  # services are often invoiced a day or two later
    transaction_day = max(books.first_day, day - datetime.timedelta(days=back))
    record = {
        "IssuedInvoiceId": invoice_id,
        "Year": day.year,
        "InvoiceNumber": number,
        "DocumentNumbering": books.fk_code("document-numbering", "IR"),
        "Customer": books.fk("customers", customer),
        "DateIssued": datetime_text(day),
        "DateTransaction": datetime_text(transaction_day),
        "DateTransactionFrom": None,
        "DateDue": datetime_text(due),
        "DateCreditNote": None,
        "BusinessProcess": None,
        **books.address_fields("Addressee", party),
        "AddresseeGLN": None,
        **books.address_fields("Recipient", party),
        "RecipientGLN": None,
        "Rabate": 0.0,
        "ExchangeRate": 1.0,
        "DocumentReference": (
            f"Naročilo {books.rng.randint(100, 9999)}" if books.maybe(0.3) else None
        ),
        "PaymentReference": reference,
        "Currency": books.currency(),
        "Analytic": books.fk("analytics", analytic),
        "Document": None,
        "IssuedInvoiceReportTemplate": books.template("IR"),
        "DeliveryNoteReportTemplate": books.template("DO"),
        "Status": "I" if issued else "O",
        "DescriptionAbove": books.pick(names.INVOICE_TEXTS_ABOVE),
        "DescriptionBelow": books.pick(names.INVOICE_TEXTS_BELOW),
        "DeliveryNoteDescriptionAbove": None,
        "DeliveryNoteDescriptionBelow": None,
        "Notes": None,
        "Employee": books.fk("employees", _invoice_employee(books)),
        "PricesOnInvoice": "N",
        "RecurringInvoice": "N",
        "InvoiceForPeriod": "N",
        "InvoiceAttachment": None,
        "EInvoiceAttachment": None,
        "InvoiceType": "R",
        "OriginalDocumentType": None,
        "OriginalDocumentDate": None,
        "ForwardToCRF": "N",
        # Serbian B2B invoices must go through the state's e-invoice system (SEF).
        "ForwardToSEF": "D" if books.country == "RS" and party.country == "RS" else "N",
        "ReverseReason": None,
        "OptionalCustumerDataType": None,
        "OptionalCustumerData": None,
        "CustomerIDType": None,
        "CustomerID": None,
        "PurposeCode": None,
        "PaymentStatus": settlement.payment_status,
        "InvoiceValue": value,
        "PaidValue": settlement.paid,
        "AssociationWithStock": "N",
        "DebitNote": "N",
        "DebitNoteBasis": None,
        "DebitNoteBasisDate": None,
        "IssuedInvoiceRows": rows,
        "IssuedInvoicePaymentMethods": [],
        "IssuedInvoiceAdditionalSourceDocument": [],
        "RecordDtModified": stamp,
        "RowVersion": None,
    }
    books.add("issuedinvoices", record)
    if issued:
        lines = [
            Line(receivable, debit=value, customer=customer, due=due, reference=reference),
            *_revenue_lines(books, rows, party, analytic),
            *vat_lines("2600", bases, vat, debit=False),
        ]
        journals.add_journal(
            books, "IR", day, stamp, f"Izdani račun {label} {customer['Name']}", lines
        )


def _invoice_employee(books: Books) -> Record | None:
    # Where the service requires the issuing employee (Croatian fiscalisation), every invoice
    # names one; elsewhere most do.
    if _employee_required(books.country) or books.maybe(0.6):
        return books.pick(books.out["employees"])
    return None


def _employee_required(country: str) -> bool:
    return "Employee" in COUNTRY_REQUIRED.get((country, "issuedinvoices"), ())


def _invoice_rows(
    books: Books, parent: Ref, party: Party, analytic: Record | None, stamp: str
) -> list[Record]:
    count = books.pick((1, 1, 1, 2, 2, 3, 3, 4, 5))
    return [
        _invoice_row(books, parent, number, books.pick(books.products), party, analytic, stamp)
        for number in range(1, count + 1)
    ]


def _invoice_row(
    books: Books,
    parent: Ref,
    number: int,
    product: Product,
    party: Party,
    analytic: Record | None,
    stamp: str,
) -> Record:
    item = product.record
    # Supplies abroad are VAT-free here (intra-EU reverse charge or export): rate O, 0 %.
    vat_rate = (
        product.vat_rate if party.country == books.country else books.by_code["vatrates"]["O"]
    )
    percent = vat_rate["Percent"]
    quantity = items.draw_quantity(books, item["UnitOfMeasurement"])
    price = item["Price"]
    discount = party.record["RebatePercent"] or books.pick((0.0,) * 9 + (10.0,))
    return {
        "IssuedInvoiceRowId": books.new_id(),
        "IssuedInvoice": parent,
        "Item": books.fk("items", item),
        "ItemName": item["Name"],
        "RowNumber": number,
        "ItemCode": item["Code"],
        "SerialNumber": None,
        "BatchNumber": None,
        "Description": None,
        "Quantity": quantity,
        "UnitOfMeasurement": item["UnitOfMeasurement"],
        "Mass": product.mass_of(quantity),
        "Price": price,
        "PriceWithVAT": money(price * (1 + percent / 100)),
        "VATPercent": percent,
        "Discount": money(quantity * price * discount / 100),
        "DiscountPercent": discount,
        "Value": row_value(quantity, price, discount),
        "VatRate": books.fk("vatrates", vat_rate),
        # The rate's percentage, as the service fills it (None in the Slovenian world's books).
        "VatRatePercentage": vat_rate["VatRatePercentage"],
        "Warehouse": books.main_warehouse() if product.stocked else None,
        "AdditionalWarehouse": None,
        "TaxFreeValue": None,
        "TaxExemptionValue": None,
        "OtherTaxesAndDuties": None,
        "VatAccountingType": None,
        "TaxExemptionReasonCode": None,
        "Analytic": books.fk("analytics", analytic),
        "RecordDtModified": stamp,
        "RowVersion": None,
    }


def _revenue_lines(
    books: Books, rows: list[Record], party: Party, analytic: Record | None
) -> list[Line]:
    """Net revenue per revenue account: the item's, for where the customer is."""
    region = _region(books.country, party.country)
    revenue: dict[str, float] = defaultdict(float)
    for row in rows:
        product = books.product_by_id[row["Item"]["ID"]]
        revenue[product.revenue_accounts[region]] += row["Value"]
    return [
        Line(account, credit=money(amount), analytic=analytic)
        for account, amount in sorted(revenue.items())
    ]


def _region(home: str, country: str) -> int:
    """0 domestic, 1 other EU country, 2 outside the EU: picks the revenue account."""
    if country == home:
        return 0
    return 1 if country in EU else 2
