"""How much a scale generates, and what differs between the countries an organisation may be in."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

DataScale = Literal["small", "demo"]


@dataclass(frozen=True)
class Volume:
    """How much data a scale asks for; the per-day figures are averages over a whole week."""

    customers: int
    items: int
    employees: int
    warehouses: int
    analytics: int
    issued_per_day: float
    received_per_day: float
    orders_per_day: float
    stock_entries_per_day: float


VOLUMES: dict[str, Volume] = {
    "small": Volume(40, 30, 5, 2, 4, 3.0, 2.0, 1.0, 1.0),
    "demo": Volume(250, 150, 12, 3, 8, 12.0, 6.0, 3.0, 3.0),
}


@dataclass(frozen=True)
class CountryProfile:
    currency: str
    vat_rates: tuple[tuple[str, float], ...]  # (code, percent); S standard ... O zero
    price_factor: float  # local prices relative to the EUR prices in names.py
    reference_model: str  # payment-reference model printed before an invoice's number


PROFILES: dict[str, CountryProfile] = {
    "SI": CountryProfile("EUR", (("S", 22.0), ("N", 9.5), ("P", 5.0), ("O", 0.0)), 1.0, "SI00"),
    "HR": CountryProfile("EUR", (("S", 25.0), ("N", 13.0), ("P", 5.0), ("O", 0.0)), 1.0, "HR00"),
    "RS": CountryProfile("RSD", (("S", 20.0), ("N", 10.0), ("O", 0.0)), 117.0, "97"),
}
