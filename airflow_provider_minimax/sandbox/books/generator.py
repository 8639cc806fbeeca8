"""The order in which an organisation's books are written: master data first, then day by day.

This order *is* the books: every builder draws from the one random stream, so calling two of them
the other way round would give another organisation. Change it only together with the golden
hashes in tests/sandbox/test_books_golden.py.
"""

from __future__ import annotations

import datetime
import random
from collections.abc import Callable
from typing import Any

from . import (
    accounts,
    bank_and_month_end,
    code_lists,
    customers,
    employees,
    issued_invoices,
    items,
    orders,
    received_invoices,
    stock,
)
from .context import Books, RefFactory
from .profiles import PROFILES, VOLUMES, DataScale


def generate_organisation(
    *,
    seed: int,
    scale: DataScale,
    organisation_id: int,
    country: str,
    first_day: datetime.date,
    days: int,
    new_id: Callable[[], int],
    ref: RefFactory,
    organisation_index: int = 0,
) -> dict[str, list[dict[str, Any]]]:
    """Build the books of one organisation: kind -> full vendor records.

    Documents fall on every day of [first_day, first_day + days). `new_id` is called once per
    record and per document row and `ref` for every reference, in the same order for the same
    arguments. `organisation_index` says which organisation of its world this is (0 the
    first): the Croatian and Serbian worlds number each one's code lists differently.
    """
    if scale not in VOLUMES:
        raise ValueError(f"unknown data scale {scale!r}; expected one of {sorted(VOLUMES)}")
    if country not in PROFILES:
        raise ValueError(f"unknown organisation country {country!r}; expected SI, HR or RS")
    if days < 1:
        raise ValueError("days must be at least 1")
    # A string seed is hashed with SHA-512, so the stream does not depend on PYTHONHASHSEED, and
    # (seed, organisation) pairs cannot collide the way seed ^ organisation_id would.
    rng = random.Random(f"minimax-sandbox:{seed}:{organisation_id}:{country}")
    books = Books(rng, VOLUMES[scale], country, first_day, days, new_id, ref)
    books.organisation_index = organisation_index
    _build(books)
    return books.out


def _build(books: Books) -> None:
    code_lists.add_code_lists(books)
    accounts.add_accounts(books)
    accounts.add_analytics(books)
    accounts.add_warehouses(books)
    employees.add_employees(books)
    customers.add_customers(books)
    items.add_items(books)
    # Drawn once, between the items and the first day, because that is where the stream has it.
    bank_and_month_end.draw_monthly_depreciation(books)
    for offset in range(books.days):
        _business_day(books, books.first_day + datetime.timedelta(days=offset))


def _business_day(books: Books, day: datetime.date) -> None:
    volume = books.volume
    for index in range(books.daily_count(day, volume.issued_per_day)):
        # The day's first invoice is always issued, so every day has a posted journal too.
        issued_invoices.add_issued_invoice(books, day, draft_allowed=index > 0)
    for _ in range(books.daily_count(day, volume.received_per_day)):
        received_invoices.add_received_invoice(books, day)
    for _ in range(books.daily_count(day, volume.orders_per_day)):
        orders.add_order(books, day)
    for _ in range(books.daily_count(day, volume.stock_entries_per_day)):
        stock.add_stock_entry(books, day)
    bank_and_month_end.add_bank_statement(books, day)
    if (day + datetime.timedelta(days=1)).month != day.month:
        bank_and_month_end.add_month_end(books, day)
