"""The books of one organisation while they are written: one random stream, the records so far.

Every builder in this package takes the one `Books` and draws from its `rng`, in the order the
generator calls them. There is deliberately no second `random.Random`: the books of a seed are
defined by the sequence of draws, so a builder that drew from a stream of its own would change
every record after it. `Books` also holds what one builder leaves for another (the parties, the
products, the payments waiting for a bank statement), and the small helpers every builder uses to
refer to records, stamp times and number documents.
"""

from __future__ import annotations

import datetime
import math
import random
from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, TypeVar

from airflow_provider_minimax.sandbox.catalogue import BY_KEY, KINDS

from .dates import datetime_text
from .postings import Payment
from .profiles import PROFILES, Volume

Record = dict[str, Any]
Ref = dict[str, object]
RefFactory = Callable[[str, int, str | None], Ref]
_T = TypeVar("_T")

# Fewer documents at weekends, but never none: a per-day export must always find something.
_WEEKDAY_FACTORS: tuple[float, ...] = (1.22, 1.22, 1.22, 1.22, 1.22, 0.45, 0.3)


@dataclass
class Party:
    """What the generator remembers about a customer beyond its record."""

    record: Record
    country: str
    domain: str | None
    expense_account: str  # what buying from this customer (as a supplier) costs us
    typical_purchase: float


@dataclass
class Product:
    record: Record
    stocked: bool  # goods, material and products; services are not kept in a warehouse
    cost: float  # purchase price, used on stock entries and supplier orders
    vat_rate: Record
    revenue_accounts: tuple[str, str, str]  # domestic, EU, outside the EU
    mass: float | None

    def mass_of(self, quantity: float) -> float | None:
        return None if self.mass is None else round(quantity * self.mass, 4)


class Books:
    """One organisation's records kind by kind, and the state the builders share."""

    def __init__(
        self,
        rng: random.Random,
        volume: Volume,
        country: str,
        first_day: datetime.date,
        days: int,
        new_id: Callable[[], int],
        ref: RefFactory,
    ) -> None:
        self.rng = rng
        self.volume = volume
        self.country = country
        self.profile = PROFILES[country]
        self.first_day = first_day
        self.days = days
        # Payment statuses are as seen the day after the window, when an export would run.
        self.as_of = first_day + datetime.timedelta(days=days)
        self.last_day = self.as_of - datetime.timedelta(days=1)
        self.new_id = new_id
        self.ref = ref
        # Every kind the sandbox serves, in the catalogue's order (also the output's key order).
        self.out: dict[str, list[Record]] = {kind.key: [] for kind in KINDS}
        self.by_code: dict[str, dict[str, Record]] = defaultdict(dict)
        self.buyers: list[Party] = []
        self.suppliers: list[Party] = []
        self.buyer_weights: list[float] = []
        self.supplier_weights: list[float] = []
        self.products: list[Product] = []
        self.product_by_id: dict[int, Product] = {}
        self.templates: dict[str, Record] = {}  # DisplayType -> default report template
        self.stocked: list[Product] = []
        self.salaries: dict[int, float] = {}
        self.monthly_depreciation = 0.0
        self.payments: dict[datetime.date, list[Payment]] = defaultdict(list)
        self.numbers: dict[tuple[str, int], int] = {}
        self.organisation_index = 0  # which organisation of its world: see generate_organisation

    # -- records and references ------------------------------------------------------------------

    def add(self, kind: str, record: Record) -> Record:
        self.out[kind].append(record)
        code = record.get("Code")
        if isinstance(code, str):
            self.by_code[kind][code] = record
        return record

    def fk(self, kind: str, record: Record | None) -> Ref | None:
        """A reference (the vendor's FkField) to `record`; None stays None. Made by `ref`."""
        if record is None:
            return None
        return self.ref(kind, record[BY_KEY[kind].id_field], _display_name(kind, record))

    def fk_code(self, kind: str, code: str) -> Ref | None:
        return self.fk(kind, self.by_code[kind][code])

    def currency(self) -> Ref | None:
        """Documents are kept in the domestic currency, so exchange rates stay 1."""
        return self.fk_code("currencies", self.profile.currency)

    def template(self, display_type: str) -> Ref | None:
        return self.fk("report-templates", self.templates[display_type])

    def main_warehouse(self) -> Ref | None:
        return self.fk("warehouses", self.out["warehouses"][0])

    def address_fields(self, prefix: str, party: Party | None) -> Record:
        """A partner's name and address under a document's prefix (Addressee, Recipient, ...)."""
        customer = party.record if party else {}
        return {
            f"{prefix}Name": customer.get("Name"),
            f"{prefix}Address": customer.get("Address"),
            f"{prefix}PostalCode": customer.get("PostalCode"),
            f"{prefix}City": customer.get("City"),
            f"{prefix}CountryName": customer.get("CountryName"),
            f"{prefix}Country": (
                self.fk_code("countries", party.country) if party is not None else None
            ),
        }

    # -- days and numbers --------------------------------------------------------------------------

    def saved_on(self, day: datetime.date) -> str:
        """A time during office hours on `day`: when a document was last saved."""
        return datetime_text(day, self.rng.randrange(7 * 3600, 19 * 3600))

    def saved_before_window(self) -> str:
        """When a piece of master data was last saved: some time before the window."""
        back = self.rng.randint(20, 700)
        return self.saved_on(self.first_day - datetime.timedelta(days=back))

    def later(self, day: datetime.date, most: int) -> datetime.date:
        """A day up to `most` days after `day`, but never past the window."""
        return min(day + datetime.timedelta(days=self.rng.randint(0, most)), self.last_day)

    def next_number(self, series: str, day: datetime.date, rate: float) -> int:
        """The next number of a yearly series; a window starting mid-year continues a series."""
        key = (series, day.year)
        if key not in self.numbers:
            already = 0
            if day.year == self.first_day.year:
                already = int((self.first_day - datetime.date(day.year, 1, 1)).days * rate)
            self.numbers[key] = already
        self.numbers[key] += 1
        return self.numbers[key]

    def daily_count(self, day: datetime.date, rate: float) -> int:
        mean = rate * _WEEKDAY_FACTORS[day.weekday()]
        return max(1, round(self.rng.gauss(mean, math.sqrt(mean) * 0.5)))

    # -- draws -------------------------------------------------------------------------------------

    def pick(self, choices: Sequence[_T], cum_weights: Sequence[float] | None = None) -> _T:
        if cum_weights is None:
            # Cheaper than rng.choice, which matters at a few hundred thousand draws.
            return choices[int(self.rng.random() * len(choices))]
        return self.rng.choices(choices, cum_weights=cum_weights)[0]

    def maybe(self, share: float) -> bool:
        return self.rng.random() < share


def _display_name(kind: str, record: Record) -> str | None:
    """The `Name` a reference carries; the same rule as the store's `display_name`."""
    if kind == "employees":
        return f"{record['FirstName']} {record['LastName']}"
    for candidate in ("Name", "Title", "FullName", "Code", "Description"):
        value = record.get(candidate)
        if isinstance(value, str) and value:
            return value
    return None
