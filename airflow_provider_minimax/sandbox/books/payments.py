"""Whether and when a document gets paid, and the transfer that then shows on a bank statement."""

from __future__ import annotations

import datetime

from .amounts import money
from .context import Books
from .dates import next_weekday
from .postings import Payment, Settlement


def settle(books: Books, day: datetime.date, due: datetime.date, amount: float) -> Settlement:
    """Decide whether and when a document issued or received on `day` gets paid.

    Most are paid within their term, some late, a few never; the status is as seen after the
    window, so payments due after it have not happened yet.
    """
    overdue = due < books.as_of
    roll = books.rng.random()
    if roll < 0.06:
        return Settlement("NeplacanZapadel" if overdue else "NeplacanNezapadel")
    term = max(1, (due - day).days)
    delay = term + books.rng.randint(1, 45) if roll >= 0.8 else books.rng.randint(1, term)
    payday = next_weekday(day + datetime.timedelta(days=delay))
    if payday >= books.as_of:
        return Settlement("NeplacanZapadel" if overdue else "NeplacanNezapadel")
    if not overdue and books.maybe(0.15):
        return Settlement("DelnoPlacanNezapadel", money(amount / 2), payday)
    return Settlement("Placan", amount, payday)


def book_payment(books: Books, settlement: Settlement, payment: Payment) -> None:
    """Put `payment` on the bank statement of its payday, if the document is paid at all."""
    if settlement.payday is not None:
        books.payments[settlement.payday].append(payment)
