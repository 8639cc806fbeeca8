"""What documents hand on to the ledger: journal lines, and payments waiting for the bank.

Plain values, so that the document builders, the journals and the bank statements can pass them
to each other without knowing each other.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import Any

Record = dict[str, Any]


@dataclass
class Line:
    """One journal entry before it becomes a record; exactly one of debit and credit is set."""

    account: str
    debit: float = 0.0
    credit: float = 0.0
    customer: Record | None = None
    employee: Record | None = None
    analytic: Record | None = None
    due: datetime.date | None = None
    reference: str | None = None
    vat_base: float | None = None


@dataclass(frozen=True)
class Payment:
    """A bank transfer that will show on the statement of its day."""

    account: str  # the receivable or payable the transfer settles
    amount: float
    incoming: bool
    customer: Record | None = None
    employee: Record | None = None
    reference: str | None = None


@dataclass(frozen=True)
class Settlement:
    """How much of a document is paid, as seen after the window, and when the money moved."""

    payment_status: str
    paid: float = 0.0
    payday: datetime.date | None = None


def vat_lines(
    account: str, bases: dict[float, float], vat: dict[float, float], *, debit: bool
) -> list[Line]:
    """One VAT line per rate that has any VAT, carrying its base for the VAT books."""
    lines = []
    for percent in sorted(vat):
        amount = vat[percent]
        if amount:
            debited, credited = (amount, 0.0) if debit else (0.0, amount)
            lines.append(Line(account, debited, credited, vat_base=bases[percent]))
    return lines
