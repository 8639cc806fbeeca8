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
class CodeListNumbering:
    """How a world numbers its countries, currencies and VAT percentages.

    The real service's IDs of these differ per organisation, so a client must resolve them by
    code; the sandbox makes them differ between its worlds (and between the organisations of a
    world) so that a client that remembered one world's IDs fails in another. `pinned` holds the
    IDs measured on a live organisation; the rest are numbered in table order from `start`.
    """

    language: int  # which name column of iso_countries / iso_currencies: 1 Croatian, 2 Serbian
    start: int
    pinned: dict[str, int]  # country or currency code -> ID (codes of the two never clash)
    # VatRatePercentage IDs: a code list of its own, so numbered apart from the VatRateIds.
    percentage_start: int


@dataclass(frozen=True)
class CountryProfile:
    currency: str
    vat_rates: tuple[tuple[str, float], ...]  # (code, percent); S standard ... O zero
    price_factor: float  # local prices relative to the EUR prices in names.py
    reference_model: str  # payment-reference model printed before an invoice's number
    # None: the Slovenian world's short code lists, numbered by the store like any record (its
    # books are pinned by golden hashes, so they stay as they were).
    numbering: CodeListNumbering | None = None


PROFILES: dict[str, CountryProfile] = {
    "SI": CountryProfile("EUR", (("S", 22.0), ("N", 9.5), ("P", 5.0), ("O", 0.0)), 1.0, "SI00"),
    "HR": CountryProfile(
        "EUR",
        (("S", 25.0), ("N", 13.0), ("P", 5.0), ("O", 0.0)),
        1.0,
        "HR00",
        CodeListNumbering(language=1, start=301, pinned={}, percentage_start=41),
    ),
    "RS": CountryProfile(
        "RSD",
        (("S", 20.0), ("N", 10.0), ("O", 0.0)),
        117.0,
        "97",
        # Measured on a live Serbian organisation: Serbia is 3 (the vendor's examples say 192),
        # RSD is 2, and 7 is the Czech koruna (the vendor's examples present 7 as a default).
        CodeListNumbering(
            language=2, start=1, pinned={"RS": 3, "RSD": 2, "CZK": 7}, percentage_start=11
        ),
    ),
}
