"""The bank statement of each day with transfers, and each month's depreciation and wages."""

from __future__ import annotations

import datetime

from . import journals
from .amounts import money
from .context import Books
from .dates import datetime_text, next_weekday
from .postings import Line, Payment


def draw_monthly_depreciation(books: Books) -> None:
    """The depreciation every month end books: the same amount each month."""
    books.monthly_depreciation = money(books.rng.uniform(300, 2500) * books.profile.price_factor)


def add_bank_statement(books: Books, day: datetime.date) -> None:
    """One statement per day with transfers: each settles an invoice or a month's wages."""
    payments = books.payments.pop(day, [])
    if not payments:
        return
    lines: list[Line] = []
    for payment in payments:
        settled = Line(
            payment.account,
            customer=payment.customer,
            employee=payment.employee,
            reference=payment.reference,
        )
        bank = Line("1100", reference=payment.reference)
        if payment.incoming:
            bank.debit = settled.credit = payment.amount
        else:
            bank.credit = settled.debit = payment.amount
        lines += [bank, settled]
    if books.maybe(0.3):
        fee = money(books.rng.uniform(0.5, 6.0) * books.profile.price_factor)
        lines += [Line("4150", debit=fee), Line("1100", credit=fee)]
    number = books.next_number("BA", day, 5 / 7)
    journals.add_journal(
        books, "BA", day, books.saved_on(day), f"Bančni izpisek št. {number}", lines, draftable=True
    )


def add_month_end(books: Books, day: datetime.date) -> None:
    """Monthly depreciation (TEM) and the wage accrual (PL); wages are paid on the 15th."""
    month = f"{day.month:02d}/{day.year}"
    stamp = datetime_text(day, 16 * 3600)
    depreciation = books.monthly_depreciation
    lines = [Line("4320", debit=depreciation), Line("0510", credit=depreciation)]
    journals.add_journal(books, "TEM", day, stamp, f"Amortizacija {month}", lines, draftable=True)
    wages: list[Line] = []
    payday = next_weekday(day + datetime.timedelta(days=15))
    for employee in books.out["employees"]:
        gross = books.salaries[employee["EmployeeId"]]
        wages += [
            Line("4700", debit=gross, employee=employee),
            Line("2500", credit=gross, employee=employee),
        ]
        if payday < books.as_of:
            books.payments[payday].append(Payment("2500", gross, False, employee=employee))
    journals.add_journal(books, "PL", day, stamp, f"Obračun plač {month}", wages)
