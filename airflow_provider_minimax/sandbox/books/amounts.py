"""Money as Minimax rounds it: to the cent, per row, and VAT once per rate."""

from __future__ import annotations

from collections import defaultdict
from typing import Any


def money(value: float) -> float:
    return round(value, 2)


def row_value(quantity: float, price: float, discount_percent: float) -> float:
    """Minimax's row value: the discounted amount, rounded per row."""
    return round(quantity * price * (1 - discount_percent / 100), 2)


def vat_of(base: float, percent: float) -> float:
    return round(base * percent / 100, 2)


def bases_by_percent(rows: list[dict[str, Any]]) -> dict[float, float]:
    """Net amount per VAT percent: VAT is computed once per rate on the sum of row values."""
    bases: dict[float, float] = defaultdict(float)
    for row in rows:
        bases[row["VATPercent"]] += row["Value"]
    return {percent: money(base) for percent, base in bases.items()}
