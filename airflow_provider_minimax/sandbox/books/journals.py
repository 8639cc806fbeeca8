"""Journals (temeljnice) and their entries: where every document and month end is posted."""

from __future__ import annotations

import datetime

from .context import Books, Record
from .dates import datetime_text
from .postings import Line


def add_journal(
    books: Books,
    type_code: str,
    day: datetime.date,
    stamp: str,
    description: str,
    lines: list[Line],
    *,
    draftable: bool = False,
) -> None:
    """A journal with its entries. Documents post straight away; manual ones may be drafts."""
    journal_id = books.new_id()
    parent = books.ref("journals", journal_id, description)
    entries = [_journal_entry(books, parent, day, stamp, description, line) for line in lines]
    books.add(
        "journals",
        {
            "JournalId": journal_id,
            "JournalType": books.fk_code("journaltypes", type_code),
            "JournalDate": datetime_text(day),
            "Description": description,
            "Status": "O" if draftable and books.maybe(0.08) else "P",
            "JournalEntries": entries,
            "VatEntries": [],
            "RecordDtModified": stamp,
            "RowVersion": None,
        },
    )


def _journal_entry(
    books: Books,
    parent: dict[str, object],
    day: datetime.date,
    stamp: str,
    description: str,
    line: Line,
) -> Record:
    vat_line = line.vat_base is not None
    return {
        "ExternalId": None,
        "JournalEntryId": books.new_id(),
        "Journal": parent,
        "JournalEntryDate": datetime_text(day),
        "DueDate": datetime_text(line.due) if line.due else None,
        "TransactionDate": datetime_text(day),
        "Account": books.fk_code("accounts", line.account),
        "Customer": books.fk("customers", line.customer),
        "Analytic": books.fk("analytics", line.analytic),
        "Employee": books.fk("employees", line.employee),
        "Currency": books.currency(),
        "Description": description,
        "PaymentReference": line.reference,
        "Debit": line.debit,
        "Credit": line.credit,
        "DebitInDomesticCurrency": line.debit,
        "CreditInDomesticCurrency": line.credit,
        "SubmissionSpecialVATReturn": "N",
        "VatDate": datetime_text(day) if vat_line else None,
        "VatType": None,
        "VatRatePercentage": None,
        "VatBaseInDomesticCurrency": line.vat_base,
        "VatBase": line.vat_base,
        "RecordDtModified": stamp,
        "RowVersion": None,
    }
