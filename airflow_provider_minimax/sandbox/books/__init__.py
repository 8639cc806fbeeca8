"""Deterministic fake books of one sandbox organisation: code lists, master data and documents.

`generate_organisation` is the entry point. It returns, per resource kind, full records shaped
exactly like the vendor's single-record models (every field, in the vendor's order, `None` where
nothing sensible applies) so the store can serve them as they are.

The data is meant to survive an accountant's glance: Slovenian names and addresses, tax numbers
with valid check digits, invoice arithmetic rounded the way Minimax rounds, and a journal for every
posted invoice whose debits equal its credits to the cent. Everything is drawn from one private
`random.Random`, in a fixed order (`generator.py`), so the same arguments always give the same
books.

The modules, by domain: `generator` (the order of the draws), `context` (the shared state),
`profiles` and `reference` (scales, countries, code lists, the chart of accounts), `names` (word
lists), `check_digits`, `identities`; master data in `code_lists`, `accounts`, `employees`,
`customers`, `items`; documents in `issued_invoices`, `received_invoices`, `orders`, `stock`;
the ledger in `postings`, `payments`, `journals`, `bank_and_month_end`; `amounts` and `dates`
hold the arithmetic.
"""

from __future__ import annotations

from .check_digits import ean13_check, emso_check, iso7064_mod_11_10, si_tax_number_check
from .generator import generate_organisation
from .profiles import DataScale

__all__ = [
    "DataScale",
    "ean13_check",
    "emso_check",
    "generate_organisation",
    "iso7064_mod_11_10",
    "si_tax_number_check",
]
