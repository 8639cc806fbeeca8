"""Received invoices (suppliers' bills), and the PR journal of each approved one."""

from __future__ import annotations

import datetime
from collections import defaultdict

from . import journals, payments
from .amounts import money, vat_of
from .context import Books, Party
from .dates import datetime_text
from .postings import Line, Payment, Settlement, vat_lines


def add_received_invoice(books: Books, day: datetime.date) -> None:
    party = books.pick(books.suppliers, books.supplier_weights)
    supplier = party.record
    received_id = books.new_id()
    # P approved, O still being entered, Z rejected.
    status = books.pick(("P",) * 17 + ("O", "O", "Z"))
    stamp = books.saved_on(day)
    # The supplier dated it a few days before it arrived (never before the window, though).
    issued_on = max(books.first_day, day - datetime.timedelta(days=books.pick((0, 1, 1, 2, 3))))
    due = issued_on + datetime.timedelta(days=supplier["ExpirationDays"])
    parts = _purchase_parts(books, party)
    bases: dict[float, float] = defaultdict(float)
    for net, percent in parts:
        bases[percent] = money(bases[percent] + net)
    vat = {percent: vat_of(base, percent) for percent, base in bases.items()}
    gross = money(sum(net for net, _ in parts) + sum(vat.values()))
    document_reference = _supplier_document_number(books, issued_on)
    payable = "2200" if party.country == books.country else "2210"
    settlement = Settlement("Osnutek")
    if status == "P":
        settlement = payments.settle(books, day, due, gross)
        payment = Payment(payable, settlement.paid, False, supplier, reference=document_reference)
        payments.book_payment(books, settlement, payment)
    elif status == "Z":  # rejected: nobody pays it
        overdue = due < books.as_of
        settlement = Settlement("NeplacanZapadel" if overdue else "NeplacanNezapadel")
    analytic = books.pick(books.out["analytics"]) if books.maybe(0.25) else None
    books.add(
        "receivedinvoices",
        {
            "ReceivedInvoiceId": received_id,
            "Year": day.year,
            "InvoiceNumber": books.next_number("PR", day, books.volume.received_per_day),
            "DocumentNumbering": books.fk_code("document-numbering", "PR"),
            "DocumentReference": document_reference,
            "Customer": books.fk("customers", supplier),
            "Employee": None,
            "Analytic": books.fk("analytics", analytic),
            "Currency": books.currency(),
            "DateIssued": datetime_text(issued_on),
            "DateTransaction": datetime_text(issued_on),
            "DateDue": datetime_text(due),
            "DateReceived": datetime_text(day),
            "DateApproved": datetime_text(day) if status == "P" else None,
            "InvoiceAmount": gross,
            "InvoiceAmountDomesticCurrency": gross,
            "Status": status,
            "BankAccount": None,
            "PaymentReferenceType": None,
            "PaymentReferenceModel": books.profile.reference_model,
            "PaymentReferenceNumber": document_reference,
            "Notes": None,
            "PaymentType": None,
            "RevenueExpense": None,
            "CashRegister": None,
            "DateExpense": None,
            "RecurringInvoice": "N",
            "PaymentStatus": settlement.payment_status,
            "InvoiceValue": gross,
            "PaidValue": settlement.paid,
            "RecordDtModified": stamp,
            "RowVersion": None,
        },
    )
    if status == "P":
        lines = [
            *(Line(party.expense_account, debit=net, analytic=analytic) for net, _ in parts),
            *vat_lines("1600", bases, vat, debit=True),
            Line(payable, credit=gross, customer=supplier, due=due, reference=document_reference),
        ]
        description = f"Prejeti račun {document_reference} {supplier['Name']}"
        journals.add_journal(books, "PR", day, stamp, description, lines)


def _purchase_parts(books: Books, party: Party) -> list[tuple[float, float]]:
    """(net amount, VAT percent) of a supplier's invoice: one or two VAT rates."""
    rates = books.by_code["vatrates"]
    # Foreign suppliers and small sole traders charge no VAT.
    charges_vat = party.country == books.country and party.record["SubjectToVAT"] == "D"
    first = rates["S"]["Percent"] if charges_vat else 0.0
    parts = [(money(party.typical_purchase * books.rng.lognormvariate(0, 0.5)), first)]
    if charges_vat and books.maybe(0.2):
        extra = money(party.typical_purchase * books.rng.uniform(0.05, 0.4))
        parts.append((extra, rates["N"]["Percent"]))
    return parts


def _supplier_document_number(books: Books, day: datetime.date) -> str:
    serial = books.rng.randint(1, 9999)
    if books.maybe(0.5):
        return f"{day.year}-{serial:05d}"
    return f"R{day.strftime('%y')}/{serial}"
