"""Deterministic fake books of one sandbox organisation: code lists, master data and documents.

`generate_organisation` is the only public entry point. It returns, per resource kind, full records
shaped exactly like the vendor's single-record models (every field, in the vendor's order, `None`
where nothing sensible applies) so the store can serve them as they are.

The data is meant to survive an accountant's glance: Slovenian names and addresses, tax numbers
with valid check digits, invoice arithmetic rounded the way Minimax rounds, and a journal for every
posted invoice whose debits equal its credits to the cent. Everything is drawn from one private
`random.Random`, in a fixed order, so the same arguments always give the same books.
"""

from __future__ import annotations

import datetime
import math
import random
from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, Literal, TypeVar

from . import _names

DataScale = Literal["small", "demo"]
Record = dict[str, Any]
Ref = dict[str, object]
RefFactory = Callable[[str, int, str | None], Ref]
_T = TypeVar("_T")

# The kinds this module fills, in the order the contract lists them (also the output's key order).
KINDS: tuple[str, ...] = (
    "accounts",
    "analytics",
    "customers",
    "contacts",
    "countries",
    "currencies",
    "vatrates",
    "document-numbering",
    "report-templates",
    "employees",
    "warehouses",
    "items",
    "journaltypes",
    "journals",
    "issuedinvoices",
    "receivedinvoices",
    "orders",
    "stockentry",
)

ID_FIELDS: dict[str, str] = {
    "accounts": "AccountId",
    "analytics": "AnalyticId",
    "customers": "CustomerId",
    "contacts": "ContactId",
    "countries": "CountryId",
    "currencies": "CurrencyId",
    "vatrates": "VatRateId",
    "document-numbering": "DocumentNumberingId",
    "report-templates": "ReportTemplateId",
    "employees": "EmployeeId",
    "warehouses": "WarehouseId",
    "items": "ItemId",
    "journaltypes": "JournalTypeId",
    "journals": "JournalId",
    "issuedinvoices": "IssuedInvoiceId",
    "receivedinvoices": "ReceivedInvoiceId",
    "orders": "OrderId",
    "stockentry": "StockEntryId",
}


@dataclass(frozen=True)
class _Volume:
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


_VOLUMES: dict[str, _Volume] = {
    "small": _Volume(40, 30, 5, 2, 4, 3.0, 2.0, 1.0, 1.0),
    "demo": _Volume(250, 150, 12, 3, 8, 12.0, 6.0, 3.0, 3.0),
}


@dataclass(frozen=True)
class _CountryProfile:
    currency: str
    vat_rates: tuple[tuple[str, float], ...]  # (code, percent); S standard ... O zero
    price_factor: float  # local prices relative to the EUR prices in _names
    reference_model: str  # payment-reference model printed before an invoice's number


_PROFILES: dict[str, _CountryProfile] = {
    "SI": _CountryProfile("EUR", (("S", 22.0), ("N", 9.5), ("P", 5.0), ("O", 0.0)), 1.0, "SI00"),
    "HR": _CountryProfile("EUR", (("S", 25.0), ("N", 13.0), ("P", 5.0), ("O", 0.0)), 1.0, "HR00"),
    "RS": _CountryProfile("RSD", (("S", 20.0), ("N", 10.0), ("O", 0.0)), 117.0, "97"),
}

# (code, Slovenian name, currency, in the EU). Minimax shows code lists in the user's language.
_COUNTRIES: tuple[tuple[str, str, str, bool], ...] = (
    ("SI", "Slovenija", "EUR", True),
    ("HR", "Hrvaška", "EUR", True),
    ("AT", "Avstrija", "EUR", True),
    ("DE", "Nemčija", "EUR", True),
    ("IT", "Italija", "EUR", True),
    ("HU", "Madžarska", "HUF", True),
    ("RS", "Srbija", "RSD", False),
    ("BA", "Bosna in Hercegovina", "BAM", False),
    ("ME", "Črna gora", "EUR", False),
    ("MK", "Severna Makedonija", "MKD", False),
    ("CH", "Švica", "CHF", False),
    ("GB", "Združeno kraljestvo", "GBP", False),
    ("US", "Združene države Amerike", "USD", False),
)
_EU = frozenset(code for code, _, _, in_eu in _COUNTRIES if in_eu)

_CURRENCIES: tuple[tuple[str, str], ...] = (
    ("EUR", "Evro"),
    ("USD", "Ameriški dolar"),
    ("CHF", "Švicarski frank"),
    ("GBP", "Britanski funt"),
    ("RSD", "Srbski dinar"),
    ("BAM", "Konvertibilna marka"),
    ("HUF", "Madžarski forint"),
    ("MKD", "Makedonski denar"),
)

# Where foreign customers come from, and how often (the organisation's own country is skipped).
_FOREIGN_WEIGHTS: dict[str, float] = {
    "SI": 3, "HR": 3, "AT": 3, "DE": 2, "IT": 2, "HU": 1,
    "RS": 1, "BA": 1, "CH": 1, "ME": 0.5, "MK": 0.5,
}  # fmt: skip
_CALLING_CODES: dict[str, str] = {
    "SI": "386", "HR": "385", "RS": "381", "BA": "387", "ME": "382", "MK": "389",
    "AT": "43", "DE": "49", "CH": "41", "IT": "39", "HU": "36",
}  # fmt: skip
# Length of the (unchecked) tax number of countries whose check digits we do not model, and the
# prefix of their EU VAT number.
_PLAIN_TAX_DIGITS: dict[str, int] = {
    "AT": 8, "DE": 9, "IT": 11, "HU": 8, "BA": 12, "ME": 8, "MK": 13, "CH": 9,
}  # fmt: skip
_VAT_PREFIXES: dict[str, str] = {
    "SI": "SI",
    "HR": "HR",
    "AT": "ATU",
    "DE": "DE",
    "IT": "IT",
    "HU": "HU",
}

# Slovenian chart of accounts (kontni načrt), four-digit posting accounts: (code, name, English).
_ACCOUNTS: tuple[tuple[str, str, str], ...] = (
    ("0400", "Oprema in druga opredmetena osnovna sredstva", "Equipment"),
    ("0510", "Popravek vrednosti opreme", "Accumulated depreciation of equipment"),
    ("1000", "Denarna sredstva v blagajni", "Cash in hand"),
    ("1100", "Denarna sredstva na računih", "Cash at bank"),
    ("1200", "Kratkoročne terjatve do kupcev v državi", "Trade receivables, domestic"),
    ("1210", "Kratkoročne terjatve do kupcev v tujini", "Trade receivables, foreign"),
    ("1600", "Terjatve za vstopni DDV", "Input VAT receivable"),
    ("2200", "Kratkoročne obveznosti do dobaviteljev v državi", "Trade payables, domestic"),
    ("2210", "Kratkoročne obveznosti do dobaviteljev v tujini", "Trade payables, foreign"),
    ("2500", "Kratkoročne obveznosti do zaposlencev", "Payables to employees"),
    ("2600", "Obveznosti za obračunani DDV", "Output VAT payable"),
    ("3100", "Zaloge surovin in materiala", "Raw materials"),
    ("4000", "Stroški materiala", "Cost of materials"),
    ("4060", "Stroški pisarniškega materiala", "Office supplies"),
    ("4100", "Stroški storitev pri ustvarjanju proizvodov", "Production services"),
    ("4120", "Stroški storitev v zvezi z vzdrževanjem", "Maintenance services"),
    ("4130", "Najemnine", "Rent"),
    ("4150", "Stroški plačilnega prometa in bančnih storitev", "Bank charges"),
    ("4170", "Stroški intelektualnih in osebnih storitev", "Professional services"),
    ("4180", "Stroški sejmov, reklame in reprezentance", "Advertising and entertainment"),
    ("4320", "Amortizacija opreme", "Depreciation of equipment"),
    ("4700", "Stroški plač", "Salaries"),
    ("6300", "Zaloge proizvodov", "Finished products"),
    ("6600", "Zaloge blaga", "Goods for resale"),
    ("6690", "Vračunana razlika v cenah zalog blaga", "Price difference on goods"),
    ("6691", "Vračunani DDV od zalog blaga", "VAT included in goods"),
    ("7600", "Prihodki od prodaje proizvodov in storitev na domačem trgu", "Sales, domestic"),
    ("7610", "Prihodki od prodaje proizvodov in storitev na trgu EU", "Sales, EU"),
    ("7620", "Prihodki od prodaje blaga in materiala na domačem trgu", "Sales of goods, domestic"),
    ("7630", "Prihodki od prodaje blaga in materiala na trgu EU", "Sales of goods, EU"),
    ("7640", "Prihodki od prodaje proizvodov in storitev izven EU", "Sales, outside EU"),
    ("7650", "Prihodki od prodaje blaga in materiala izven EU", "Sales of goods, outside EU"),
)
# Revenue accounts by what is sold (services/products vs goods/material) and where it goes.
_REVENUE_ACCOUNTS: dict[bool, tuple[str, str, str]] = {
    False: ("7600", "7610", "7640"),  # services and own products: domestic, EU, outside EU
    True: ("7620", "7630", "7650"),  # goods and material
}
_EXPENSE_ACCOUNTS: tuple[str, ...] = ("4000", "4060", "4100", "4120", "4130", "4170", "4180")
_STOCK_ACCOUNTS: dict[str, str] = {"B": "6600", "M": "3100", "P": "6300"}

_JOURNAL_TYPES: tuple[str, ...] = ("IR", "PR", "TEM", "BA", "BL", "PL", "OTV")

# (Document, Code, Name, Default)
_NUMBERINGS: tuple[tuple[str, str, str, str], ...] = (
    ("IR", "IR", "Izdani računi", "D"),
    ("IR", "IR-MP", "Izdani računi - maloprodaja", "N"),
    ("PR", "PR", "Prejeti računi", "D"),
    ("PD", "PD", "Predračuni", "D"),
)
# (Name, DisplayType, Default). DisplayType says which document the template prints.
_REPORT_TEMPLATES: tuple[tuple[str, str, str], ...] = (
    ("Račun", "IR", "D"),
    ("Račun z logotipom", "IR", "N"),
    ("Dobavnica", "DO", "D"),
    ("Naročilo", "NA", "D"),
    ("Ponudba", "PO", "D"),
)
# (Code, Name, holds goods at retail prices): a retail shop needs the price-difference accounts.
_WAREHOUSES: tuple[tuple[str, str, bool], ...] = (
    ("01", "Glavno skladišče", False),
    ("02", "Trgovina", True),
    ("03", "Skladišče materiala", False),
)

# Fewer documents at weekends, but never none: a per-day export must always find something.
_WEEKDAY_FACTORS: tuple[float, ...] = (1.22, 1.22, 1.22, 1.22, 1.22, 0.45, 0.3)
_DRAFT_SHARE = 0.05

_ASCII = str.maketrans(
    {"č": "c", "š": "s", "ž": "z", "ć": "c", "đ": "dj", "ä": "ae", "ö": "oe", "ü": "ue",
     "ß": "ss", "á": "a", "é": "e", "í": "i", "ó": "o", "ő": "o", "ú": "u", "ű": "u"}
)  # fmt: skip


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
) -> dict[str, list[dict[str, Any]]]:
    """Build the books of one organisation: kind -> full vendor records.

    Documents fall on every day of [first_day, first_day + days). `new_id` is called once per
    record and per document row and `ref` for every reference, in the same order for the same
    arguments.
    """
    if scale not in _VOLUMES:
        raise ValueError(f"unknown data scale {scale!r}; expected one of {sorted(_VOLUMES)}")
    if country not in _PROFILES:
        raise ValueError(f"unknown organisation country {country!r}; expected SI, HR or RS")
    if days < 1:
        raise ValueError("days must be at least 1")
    # A string seed is hashed with SHA-512, so the stream does not depend on PYTHONHASHSEED, and
    # (seed, organisation) pairs cannot collide the way seed ^ organisation_id would.
    rng = random.Random(f"minimax-sandbox:{seed}:{organisation_id}:{country}")
    books = _Books(rng, _VOLUMES[scale], country, first_day, days, new_id, ref)
    books.build()
    return books.out


# -- small pure helpers ------------------------------------------------------------------------


def _stamp(day: datetime.date, seconds: int = 0) -> str:
    """The vendor's date-time text: local time, no offset."""
    hours, rest = divmod(seconds, 3600)
    return f"{day.isoformat()}T{hours:02d}:{rest // 60:02d}:{rest % 60:02d}"


def _money(value: float) -> float:
    return round(value, 2)


def _row_value(quantity: float, price: float, discount_percent: float) -> float:
    """Minimax's row value: the discounted amount, rounded per row."""
    return round(quantity * price * (1 - discount_percent / 100), 2)


def _vat(base: float, percent: float) -> float:
    return round(base * percent / 100, 2)


def _next_weekday(day: datetime.date) -> datetime.date:
    """Banks do not book on Saturdays and Sundays."""
    while day.weekday() >= 5:
        day += datetime.timedelta(days=1)
    return day


def _slug(text: str) -> str:
    folded = text.lower().translate(_ASCII)
    return "".join(char for char in folded if char.isalnum())


def si_tax_number_check(body: str) -> int | None:
    """Check digit of a Slovenian tax number (davčna številka) for its first 7 digits.

    Weights 8..2, check = 11 - sum mod 11. Sums that would give 10 or 11 are never issued, so
    they get None and the caller draws another number.
    """
    check = (
        11
        - sum(int(digit) * weight for digit, weight in zip(body, range(8, 1, -1), strict=True)) % 11
    )
    return check if check <= 9 else None


def iso7064_mod_11_10(body: str) -> int:
    """ISO 7064 MOD 11,10 check digit: Croatian OIB and Serbian PIB."""
    product = 10
    for digit in body:
        total = (int(digit) + product) % 10 or 10
        product = total * 2 % 11
    return (11 - product) % 10


def emso_check(body: str) -> int | None:
    """Check digit of a Slovenian EMŠO / Serbian JMBG (12 digits given); None if unissued."""
    weights = (7, 6, 5, 4, 3, 2, 7, 6, 5, 4, 3, 2)
    check = 11 - sum(int(digit) * weight for digit, weight in zip(body, weights, strict=True)) % 11
    if check == 10:
        return None
    return 0 if check == 11 else check


def ean13_check(body: str) -> int:
    """EAN-13 check digit for 12 digits: weights 1, 3, 1, 3, ... from the left."""
    total = sum(int(digit) * (3 if index % 2 else 1) for index, digit in enumerate(body))
    return (10 - total % 10) % 10


# -- internal structures -----------------------------------------------------------------------


@dataclass
class _Line:
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
class _Payment:
    """A bank transfer that will show on the statement of its day."""

    account: str  # the receivable or payable the transfer settles
    amount: float
    incoming: bool
    customer: Record | None = None
    employee: Record | None = None
    reference: str | None = None


@dataclass(frozen=True)
class _Settlement:
    """How much of a document is paid, as seen after the window, and when the money moved."""

    payment_status: str
    paid: float = 0.0
    payday: datetime.date | None = None


@dataclass
class _Party:
    """What the generator remembers about a customer beyond its record."""

    record: Record
    country: str
    domain: str | None
    expense_account: str  # what buying from this customer (as a supplier) costs us
    typical_purchase: float


@dataclass
class _Product:
    record: Record
    stocked: bool  # goods, material and products; services are not kept in a warehouse
    cost: float  # purchase price, used on stock entries and supplier orders
    vat_rate: Record
    revenue_accounts: tuple[str, str, str]  # domestic, EU, outside the EU
    mass: float | None


# -- the generator -----------------------------------------------------------------------------


class _Books:
    """Builds one organisation's records kind by kind; each method adds one kind or document."""

    def __init__(
        self,
        rng: random.Random,
        volume: _Volume,
        country: str,
        first_day: datetime.date,
        days: int,
        new_id: Callable[[], int],
        ref: RefFactory,
    ) -> None:
        self.rng = rng
        self.volume = volume
        self.country = country
        self.profile = _PROFILES[country]
        self.first_day = first_day
        self.days = days
        # Payment statuses are as seen the day after the window, when an export would run.
        self.as_of = first_day + datetime.timedelta(days=days)
        self.last_day = self.as_of - datetime.timedelta(days=1)
        self.new_id = new_id
        self.ref = ref
        self.out: dict[str, list[Record]] = {kind: [] for kind in KINDS}
        self.by_code: dict[str, dict[str, Record]] = defaultdict(dict)
        self.buyers: list[_Party] = []
        self.suppliers: list[_Party] = []
        self.buyer_weights: list[float] = []
        self.supplier_weights: list[float] = []
        self.products: list[_Product] = []
        self.product_by_id: dict[int, _Product] = {}
        self.templates: dict[str, Record] = {}  # DisplayType -> default report template
        self.stocked: list[_Product] = []
        self.salaries: dict[int, float] = {}
        self.monthly_depreciation = 0.0
        self.payments: dict[datetime.date, list[_Payment]] = defaultdict(list)
        self.numbers: dict[tuple[str, int], int] = {}

    # -- plumbing ------------------------------------------------------------------------------

    def build(self) -> None:
        self._code_lists()
        self._accounts()
        self._analytics()
        self._warehouses()
        self._employees()
        self._customers()
        self._items()
        self.monthly_depreciation = _money(self.rng.uniform(300, 2500) * self.profile.price_factor)
        for offset in range(self.days):
            self._day(self.first_day + datetime.timedelta(days=offset))

    def _add(self, kind: str, record: Record) -> Record:
        self.out[kind].append(record)
        code = record.get("Code")
        if isinstance(code, str):
            self.by_code[kind][code] = record
        return record

    def _fk(self, kind: str, record: Record | None) -> Ref | None:
        """A reference to `record` (None stays None), always made by the caller's `ref`."""
        if record is None:
            return None
        return self.ref(kind, record[ID_FIELDS[kind]], _display_name(kind, record))

    def _fk_code(self, kind: str, code: str) -> Ref | None:
        return self._fk(kind, self.by_code[kind][code])

    def _currency(self) -> Ref | None:
        """Documents are kept in the domestic currency, so exchange rates stay 1."""
        return self._fk_code("currencies", self.profile.currency)

    def _on(self, day: datetime.date) -> str:
        """A time during office hours on `day`: when a document was last saved."""
        return _stamp(day, self.rng.randrange(7 * 3600, 19 * 3600))

    def _before_window(self) -> str:
        """When a piece of master data was last saved: some time before the window."""
        back = self.rng.randint(20, 700)
        return self._on(self.first_day - datetime.timedelta(days=back))

    def _later(self, day: datetime.date, most: int) -> datetime.date:
        """A day up to `most` days after `day`, but never past the window."""
        return min(day + datetime.timedelta(days=self.rng.randint(0, most)), self.last_day)

    def _next_number(self, series: str, day: datetime.date, rate: float) -> int:
        """The next number of a yearly series; a window starting mid-year continues a series."""
        key = (series, day.year)
        if key not in self.numbers:
            already = 0
            if day.year == self.first_day.year:
                already = int((self.first_day - datetime.date(day.year, 1, 1)).days * rate)
            self.numbers[key] = already
        self.numbers[key] += 1
        return self.numbers[key]

    def _daily_count(self, day: datetime.date, rate: float) -> int:
        mean = rate * _WEEKDAY_FACTORS[day.weekday()]
        return max(1, round(self.rng.gauss(mean, math.sqrt(mean) * 0.5)))

    def _pick(self, choices: Sequence[_T], cum_weights: Sequence[float] | None = None) -> _T:
        if cum_weights is None:
            # Cheaper than rng.choice, which matters at a few hundred thousand draws.
            return choices[int(self.rng.random() * len(choices))]
        return self.rng.choices(choices, cum_weights=cum_weights)[0]

    def _maybe(self, share: float) -> bool:
        return self.rng.random() < share

    # -- code lists and ledger set-up ----------------------------------------------------------

    def _code_lists(self) -> None:
        for code, name in _CURRENCIES:
            self._add("currencies", {"CurrencyId": self.new_id(), "Code": code, "Name": name})
        for code, name, currency, _in_eu in _COUNTRIES:
            self._add(
                "countries",
                {
                    "CountryId": self.new_id(),
                    "Code": code,
                    "Name": name,
                    "Currency": self._fk_code("currencies", currency),
                },
            )
        for code, percent in self.profile.vat_rates:
            self._add(
                "vatrates",
                {
                    "VatRateId": self.new_id(),
                    "Code": code,
                    "Percent": percent,
                    # A code list of its own (vatratepercentages) that the sandbox does not serve.
                    "VatRatePercentage": None,
                },
            )
        for code in _JOURNAL_TYPES:
            self._add(
                "journaltypes", {"JournalTypeId": self.new_id(), "Code": code, "DisplayCode": code}
            )
        self._numberings()
        self._report_templates()

    def _numberings(self) -> None:
        for document, code, name, default in _NUMBERINGS:
            self._add(
                "document-numbering",
                {
                    "DocumentNumberingId": self.new_id(),
                    "Document": document,
                    "Code": code,
                    "Name": name,
                    "Default": default,
                    "Reverse": "N",
                    "ReferenceNumber": None,
                    "PackagingDepositReturnIncludedInPrice": "N",
                    "Usage": "D",
                    "RecordDtModified": self._before_window(),
                    "RowVersion": None,
                },
            )

    def _report_templates(self) -> None:
        for name, display_type, default in _REPORT_TEMPLATES:
            record = self._add(
                "report-templates",
                {
                    "ReportTemplateId": self.new_id(),
                    "Name": name,
                    "DisplayType": display_type,
                    "Default": default,
                    "RecordDtModified": self._before_window(),
                    "RowVersion": None,
                },
            )
            if default == "D":
                self.templates[display_type] = record

    def _template(self, display_type: str) -> Ref | None:
        return self._fk("report-templates", self.templates[display_type])

    def _accounts(self) -> None:
        for code, name, english in _ACCOUNTS:
            self._add("accounts", self._account(code, name, english))

    def _account(self, code: str, name: str, english: str) -> Record:
        # Open items are tracked per partner on receivables and payables, per employee on wages;
        # costs and revenues may carry an analytic (cost centre).
        partner = code[:2] in ("12", "22")
        return {
            "AccountId": self.new_id(),
            "Code": code,
            "Name": name,
            "NameInOtherLanguage": None,
            "NameInEnglish": english,
            "Description": None,
            "AllowedPosting": "D",
            "InvoiceAccounting": "D" if partner else "N",
            "AnalyticsEntry": "V" if code[0] in "47" else "N",
            "EmployeeEntry": "D" if code in ("2500", "4700") else "N",
            "CustomerEntry": "D" if partner else "N",
            "NonTaxable": "N",
            "Application": "D",
            "ValidFromYear": min(2017, self.first_day.year),
            "ValidToYear": None,
            "RecordDtModified": self._before_window(),
            "RowVersion": None,
        }

    def _analytics(self) -> None:
        for code, name, parent in _names.ANALYTICS[: self.volume.analytics]:
            parent_record = self.by_code["analytics"].get(parent)
            self._add(
                "analytics",
                {
                    "AnalyticId": self.new_id(),
                    "Code": code,
                    "Name": name,
                    "UsageEndDate": None,
                    "ParentAnalytic": self._fk("analytics", parent_record),
                    "RecordDtModified": self._before_window(),
                    "RowVersion": None,
                },
            )

    def _warehouses(self) -> None:
        home = _names.CITIES[self.country][0][1]
        for code, name, retail in _WAREHOUSES[: self.volume.warehouses]:
            retail_account = self._fk_code("accounts", "6691") if retail else None
            self._add(
                "warehouses",
                {
                    "WarehouseId": self.new_id(),
                    "Code": code,
                    "Name": name,
                    "Location": home,
                    "InventoryManagement": "D",
                    "InventoryManagementByValue": "D",
                    "SellingPriceInput": "D" if retail else "N",
                    "InventoryBookkeping": "D",
                    "StocksAccount": self._fk_code("accounts", "6600"),
                    "PDAccount": self._fk_code("accounts", "6690") if retail else None,
                    "VATStandardAccount": retail_account,
                    "VATReducedAccount": retail_account,
                    "VATSpecialReducedAccount": retail_account,
                    "Usage": "D",
                    "RecordDtModified": self._before_window(),
                    "RowVersion": None,
                },
            )

    # -- people --------------------------------------------------------------------------------

    def _person_name(self, country: str) -> tuple[str, str, bool]:
        male = self._maybe(0.5)
        first = self._pick(_names.MALE_FIRST_NAMES if male else _names.FEMALE_FIRST_NAMES)
        last = self._pick(_names.SURNAMES.get(country, _names.SURNAMES["SI"]))
        return first, last, male

    def _address(self, country: str) -> tuple[str, str, str]:
        """(street and number, postal code, city); big towns come up more often."""
        cities = _names.CITIES[country]
        postal, city = cities[min(int(self.rng.expovariate(0.3)), len(cities) - 1)]
        number = str(self.rng.randint(1, 120))
        if self._maybe(0.1):
            number += self._pick("abc")
        return f"{self._pick(_names.STREETS[country])} {number}", postal, city

    def _employees(self) -> None:
        for index in range(self.volume.employees):
            employee = self._add("employees", self._employee(index))
            # A gross monthly wage, booked at each month's end and paid on the 15th after it.
            wage = self.rng.uniform(1300, 4200) * self.profile.price_factor
            self.salaries[employee["EmployeeId"]] = _money(wage)

    def _employee(self, index: int) -> Record:
        first, last, male = self._person_name(self.country)
        street, postal, city = self._address(self.country)
        birth_year = self.first_day.year - self.rng.randint(22, 62)
        born = datetime.date(birth_year, self.rng.randint(1, 12), self.rng.randint(1, 28))
        # Hired at some point after turning 19, and before the window.
        adult = born + datetime.timedelta(days=19 * 365)
        started = adult + (self.first_day - adult) * self.rng.uniform(0.1, 0.95)
        tax_number, personal_number = self._personal_numbers(born, male)
        return {
            "EmployeeId": self.new_id(),
            "Code": f"{index + 1:04d}",
            "TaxNumber": tax_number,
            "FirstName": first,
            "LastName": last,
            "Address": street,
            "PostalCode": postal,
            "City": city,
            "Country": self._fk_code("countries", self.country),
            "CountryOfResidence": self._fk_code("countries", self.country),
            "DateOfBirth": _stamp(born),
            "Gender": "M" if male else "Z",
            "EmploymentStartDate": _stamp(started),
            "EmploymentEndDate": None,
            "Notes": None,
            "EmploymentType": None,
            "PersonalIdenficationNumber": personal_number,
            "InsuranceBasis": None,
            "RecordDtModified": self._before_window(),
            "RowVersion": None,
        }

    def _personal_numbers(self, born: datetime.date, male: bool) -> tuple[str, str]:
        """(tax number, personal identification number) of a resident person."""
        if self.country == "HR":
            oib = self._tax_number("HR")
            return oib, oib  # the OIB is both
        # EMŠO (SI) and JMBG (RS) share one format; region 50 is Slovenia, 71 Belgrade.
        personal = self._emso(born, male, "50" if self.country == "SI" else "71")
        if self.country == "SI":
            return self._tax_number("SI"), personal
        return personal, personal  # a Serbian resident's JMBG is also the tax number

    def _emso(self, born: datetime.date, male: bool, region: str) -> str:
        """Birth date (DDMMYYY), region, serial (000-499 men, 500-999 women), check digit."""
        while True:
            serial = self.rng.randrange(500) + (0 if male else 500)
            body = f"{born.day:02d}{born.month:02d}{born.year % 1000:03d}{region}{serial:03d}"
            check = emso_check(body)
            if check is not None:
                return body + str(check)

    def _tax_number(self, country: str) -> str:
        if country == "SI":
            while True:
                body = str(self.rng.randrange(1_000_000, 10_000_000))
                check = si_tax_number_check(body)
                if check is not None:
                    return body + str(check)
        if country == "HR":
            body = f"{self.rng.randrange(10**10):010d}"
            return body + str(iso7064_mod_11_10(body))
        if country == "RS":
            body = str(self.rng.randrange(10_000_000, 20_000_000))
            return body + str(iso7064_mod_11_10(body))
        digits = _PLAIN_TAX_DIGITS[country]
        return str(self.rng.randrange(10 ** (digits - 1), 10**digits))

    # -- customers -----------------------------------------------------------------------------

    def _customers(self) -> None:
        names: set[str] = set()
        for index in range(self.volume.customers):
            country = self._customer_country()
            name, sole_trader = self._company_name(country)
            while name in names:
                name, sole_trader = self._company_name(country)
            names.add(name)
            party = self._customer(index, country, name, sole_trader)
            self._contacts(party, sole_trader)
            # The first two are forced so that both roles exist even in a tiny organisation.
            supplier = index == 1 or (index > 1 and self._maybe(0.35))
            (self.suppliers if supplier else self.buyers).append(party)
        # A few customers account for most of the business (cumulative weights for rng.choices).
        self.buyer_weights = _cumulative(len(self.buyers))
        self.supplier_weights = _cumulative(len(self.suppliers))

    def _customer_country(self) -> str:
        if self._maybe(0.85):
            return self.country
        foreign = [
            (code, weight) for code, weight in _FOREIGN_WEIGHTS.items() if code != self.country
        ]
        return str(self.rng.choices([c for c, _ in foreign], [w for _, w in foreign])[0])

    def _company_name(self, country: str) -> tuple[str, bool]:
        """(name, is a sole trader). Sole traders (s.p.) are a Slovenian legal form."""
        if country == "SI" and self._maybe(0.3):
            first, last, _male = self._person_name(country)
            return f"{self._pick(_names.SOLE_TRADER_ACTIVITIES)} {first} {last} s.p.", True
        trade = self._pick(_names.COMPANY_TRADES[country])
        suffix = self._pick(_names.COMPANY_SUFFIXES[country])
        if country == "SI" and self._maybe(0.5):
            return f"{self._pick(_names.COMPANY_STEMS)} {trade} {suffix}", False
        return f"{self._pick(_names.SURNAMES[country])} {trade} {suffix}", False

    def _customer(self, index: int, country: str, name: str, sole_trader: bool) -> _Party:
        street, postal, city = self._address(country)
        tax_number = self._tax_number(country)
        # Sole traders below the VAT threshold are not VAT payers; companies always are.
        vat_payer = not sole_trader or self._maybe(0.6)
        # A company's web and mail domain is its name without the legal form; sole traders use
        # a mail provider's.
        domain = None if sole_trader else f"{_slug(name.rsplit(' ', 1)[0])}.{_tld(country)}"
        record = self._add(
            "customers",
            {
                "CustomerId": self.new_id(),
                "Code": f"{index + 1:05d}",
                "Name": name,
                "Address": street,
                "PostalCode": postal,
                "City": city,
                "Country": self._fk_code("countries", country),
                "CountryName": self.by_code["countries"][country]["Name"],
                "TaxNumber": tax_number,
                "RegistrationNumber": self._registration_number(country),
                "VATIdentificationNumber": _vat_id(country, tax_number) if vat_payer else None,
                "SubjectToVAT": "D" if vat_payer else "N",
                "ConsiderCountryForBookkeeping": "D",
                "Currency": self._currency(),
                "ExpirationDays": self._pick((8, 15, 15, 30, 30, 30, 45, 60)),
                "RebatePercent": self._pick((0.0,) * 8 + (3.0, 5.0)),
                "WebSiteURL": f"www.{domain}" if domain and self._maybe(0.6) else None,
                "EInvoiceIssuing": "Ponudnik" if domain and self._maybe(0.3) else "SeNePripravlja",
                "InternalCustomerNumber": None,
                "GLN": None,
                "BudgetUserNumber": None,
                "Usage": "D",
                "AssociationType": "Ostala",
                "RecordDtModified": self._before_window(),
                "RowVersion": None,
            },
        )
        typical = self.rng.lognormvariate(math.log(300), 0.9) * self.profile.price_factor
        return _Party(record, country, domain, self._pick(_EXPENSE_ACCOUNTS), typical)

    def _registration_number(self, country: str) -> str | None:
        if country == "SI":
            return f"{self.rng.randrange(1_000_000, 10_000_000)}000"  # matična številka
        if country in ("HR", "RS"):
            return f"{self.rng.randrange(10_000_000, 100_000_000)}"
        return None

    def _contacts(self, party: _Party, sole_trader: bool) -> None:
        count = self._pick((0, 1) if sole_trader else (0, 1, 1, 2))
        for position in range(count):
            first, last, _male = self._person_name(party.country)
            mailbox = f"{_slug(first)}.{_slug(last)}"
            domain = party.domain or self._pick(("gmail.com", "siol.net", "t-2.net"))
            self._add(
                "contacts",
                {
                    "ContactId": self.new_id(),
                    "Customer": self._fk("customers", party.record),
                    "FullName": f"{first} {last}",
                    "PhoneNumber": self._phone(party.country, mobile=False),
                    "Fax": None,
                    "MobilePhone": self._phone(party.country, mobile=True),
                    "Email": f"{mailbox}@{domain}",
                    "Notes": None,
                    "Default": "D" if position == 0 else "N",
                    "RecordDtModified": self._before_window(),
                    "RowVersion": None,
                },
            )

    def _phone(self, country: str, *, mobile: bool) -> str:
        code = _CALLING_CODES[country]
        if mobile:
            prefix = self._pick(("31", "40", "41", "51", "64", "68", "70"))
            return f"+{code} {prefix} {self.rng.randint(100, 999)} {self.rng.randint(100, 999)}"
        area = self._pick(("1", "2", "3", "4", "5", "7"))
        digits = (
            f"{self.rng.randint(100, 999)} {self.rng.randint(10, 99)} {self.rng.randint(10, 99)}"
        )
        return f"+{code} {area} {digits}"

    # -- items ---------------------------------------------------------------------------------

    def _items(self) -> None:
        templates = [
            (template, variant)
            for template in _names.ITEM_TEMPLATES
            for variant in range(len(template[6]))
        ]
        services = [pair for pair in templates if pair[0][2] == "S"]
        goods = [pair for pair in templates if pair[0][2] != "S"]
        self.rng.shuffle(services)
        self.rng.shuffle(goods)
        # About a quarter services (as many as there are), the rest things kept in stock.
        chosen = services[: max(2, self.volume.items // 4)]
        chosen += goods[: self.volume.items - len(chosen)]
        for index, (template, variant) in enumerate(chosen):
            product = self._item(index, template, variant)
            self.products.append(product)
            self.product_by_id[product.record["ItemId"]] = product
        self.stocked = [product for product in self.products if product.stocked]

    def _item(self, index: int, template: _names.ItemTemplate, variant: int) -> _Product:
        name, unit, item_type, base_price, vat_code, mass, variants = template
        if vat_code not in self.by_code["vatrates"]:
            vat_code = "N"  # Serbia has no special reduced rate
        vat_rate = self.by_code["vatrates"][vat_code]
        factor = (1 + 0.3 * variant) * self.profile.price_factor * self.rng.uniform(0.9, 1.1)
        price = _money(base_price * factor)
        stocked = item_type != "S"
        revenue = _REVENUE_ACCOUNTS[item_type in ("B", "M")]
        record = self._add(
            "items",
            {
                "ItemId": self.new_id(),
                "Name": f"{name} {variants[variant]}",
                "Code": f"{item_type}{index + 1:04d}",
                "EANCode": self._ean() if item_type in ("B", "P") else None,
                "Description": None,
                "ItemType": item_type,
                "StocksManagedOnlyByQuantity": "N",
                "CalculationOfConsumptionTax": "N",
                "UnitOfMeasurement": unit,
                "MassPerUnit": mass,
                "ProductGroup": None,
                "ClassificationOfProductByActivity": None,
                "VatRate": self._fk("vatrates", vat_rate),
                "Price": price,
                "RebatePercent": 0.0,
                "Usage": "D",
                "Currency": self._currency(),
                "SerialNumbers": "N",
                "BatchNumbers": "N",
                "RevenueAccountDomestic": self._fk_code("accounts", revenue[0]),
                "RevenueAccountEU": self._fk_code("accounts", revenue[1]),
                "RevenueAccountOutsideEU": self._fk_code("accounts", revenue[2]),
                "StocksAccount": (
                    self._fk_code("accounts", _STOCK_ACCOUNTS[item_type]) if stocked else None
                ),
                "ReliefByCompositeFromWarehouse": "N",
                "ReliefByCompositeFromIssuedInvoice": "N",
                "Composite": [],
                "PackagingDepositReturnQuantity": None,
                "RecordDtModified": self._before_window(),
                "RowVersion": None,
            },
        )
        cost = _money(price * self.rng.uniform(0.55, 0.8))
        return _Product(record, stocked, cost, vat_rate, revenue, mass)

    def _ean(self) -> str:
        body = f"383{self.rng.randrange(10**9):09d}"  # 383: GS1 Slovenia
        return body + str(ean13_check(body))

    def _quantity(self, unit: str) -> float:
        if unit in ("kos", "par"):
            return float(self.rng.randint(1, 20))
        if unit == "ura":
            return self.rng.randint(1, 32) / 2
        if unit in ("kg", "l"):
            return round(self.rng.uniform(0.5, 50), 2)
        if unit == "km":
            return float(self.rng.randint(10, 600))
        if unit in ("dan", "mes"):
            return float(self.rng.randint(1, 4))
        return float(self.rng.randint(1, 120))  # m, m2

    # -- one day of business -------------------------------------------------------------------

    def _day(self, day: datetime.date) -> None:
        volume = self.volume
        for index in range(self._daily_count(day, volume.issued_per_day)):
            # The day's first invoice is always issued, so every day has a posted journal too.
            self._issued_invoice(day, draft_allowed=index > 0)
        for _ in range(self._daily_count(day, volume.received_per_day)):
            self._received_invoice(day)
        for _ in range(self._daily_count(day, volume.orders_per_day)):
            self._order(day)
        for _ in range(self._daily_count(day, volume.stock_entries_per_day)):
            self._stock_entry(day)
        self._bank_statement(day)
        if (day + datetime.timedelta(days=1)).month != day.month:
            self._month_end(day)

    def _settle(self, day: datetime.date, due: datetime.date, amount: float) -> _Settlement:
        """Decide whether and when a document issued or received on `day` gets paid.

        Most are paid within their term, some late, a few never; the status is as seen after the
        window, so payments due after it have not happened yet.
        """
        overdue = due < self.as_of
        roll = self.rng.random()
        if roll < 0.06:
            return _Settlement("NeplacanZapadel" if overdue else "NeplacanNezapadel")
        term = max(1, (due - day).days)
        delay = term + self.rng.randint(1, 45) if roll >= 0.8 else self.rng.randint(1, term)
        payday = _next_weekday(day + datetime.timedelta(days=delay))
        if payday >= self.as_of:
            return _Settlement("NeplacanZapadel" if overdue else "NeplacanNezapadel")
        if not overdue and self._maybe(0.15):
            return _Settlement("DelnoPlacanNezapadel", _money(amount / 2), payday)
        return _Settlement("Placan", amount, payday)

    def _book_payment(self, settlement: _Settlement, payment: _Payment) -> None:
        if settlement.payday is not None:
            self.payments[settlement.payday].append(payment)

    def _address_fields(self, prefix: str, party: _Party | None) -> Record:
        """A partner's name and address under a document's prefix (Addressee, Recipient, ...)."""
        customer = party.record if party else {}
        return {
            f"{prefix}Name": customer.get("Name"),
            f"{prefix}Address": customer.get("Address"),
            f"{prefix}PostalCode": customer.get("PostalCode"),
            f"{prefix}City": customer.get("City"),
            f"{prefix}CountryName": customer.get("CountryName"),
            f"{prefix}Country": (
                self._fk_code("countries", party.country) if party is not None else None
            ),
        }

    # -- issued invoices -----------------------------------------------------------------------

    def _issued_invoice(self, day: datetime.date, *, draft_allowed: bool) -> None:
        party = self._pick(self.buyers, self.buyer_weights)
        customer = party.record
        invoice_id = self.new_id()
        issued = not (draft_allowed and self._maybe(_DRAFT_SHARE))
        stamp = self._on(day)
        # Drafts get their number when they are issued, as in Minimax.
        number = self._next_number("IR", day, self.volume.issued_per_day) if issued else None
        label = f"{day.year}-{number:05d}" if number is not None else None
        reference = f"{self.profile.reference_model} {label}" if label else None
        analytic = self._pick(self.out["analytics"]) if self._maybe(0.3) else None
        parent = self.ref("issuedinvoices", invoice_id, None)
        rows = self._invoice_rows(parent, party, analytic, stamp)
        bases = _bases_by_percent(rows)
        vat = {percent: _vat(base, percent) for percent, base in bases.items()}
        value = _money(sum(bases.values()) + sum(vat.values()))
        due = day + datetime.timedelta(days=customer["ExpirationDays"])
        receivable = "1200" if party.country == self.country else "1210"
        settlement = _Settlement("Osnutek")
        if issued:
            settlement = self._settle(day, due, value)
            payment = _Payment(receivable, settlement.paid, True, customer, reference=reference)
            self._book_payment(settlement, payment)
        back = self._pick((0, 0, 0, 1, 2))  # services are often invoiced a day or two later
        transaction_day = max(self.first_day, day - datetime.timedelta(days=back))
        record = {
            "IssuedInvoiceId": invoice_id,
            "Year": day.year,
            "InvoiceNumber": number,
            "DocumentNumbering": self._fk_code("document-numbering", "IR"),
            "Customer": self._fk("customers", customer),
            "DateIssued": _stamp(day),
            "DateTransaction": _stamp(transaction_day),
            "DateTransactionFrom": None,
            "DateDue": _stamp(due),
            "DateCreditNote": None,
            "BusinessProcess": None,
            **self._address_fields("Addressee", party),
            "AddresseeGLN": None,
            **self._address_fields("Recipient", party),
            "RecipientGLN": None,
            "Rabate": 0.0,
            "ExchangeRate": 1.0,
            "DocumentReference": (
                f"Naročilo {self.rng.randint(100, 9999)}" if self._maybe(0.3) else None
            ),
            "PaymentReference": reference,
            "Currency": self._currency(),
            "Analytic": self._fk("analytics", analytic),
            "Document": None,
            "IssuedInvoiceReportTemplate": self._template("IR"),
            "DeliveryNoteReportTemplate": self._template("DO"),
            "Status": "I" if issued else "O",
            "DescriptionAbove": self._pick(_names.INVOICE_TEXTS_ABOVE),
            "DescriptionBelow": self._pick(_names.INVOICE_TEXTS_BELOW),
            "DeliveryNoteDescriptionAbove": None,
            "DeliveryNoteDescriptionBelow": None,
            "Notes": None,
            "Employee": self._fk("employees", self._invoice_employee()),
            "PricesOnInvoice": "N",
            "RecurringInvoice": "N",
            "InvoiceForPeriod": "N",
            "InvoiceAttachment": None,
            "EInvoiceAttachment": None,
            "InvoiceType": "R",
            "OriginalDocumentType": None,
            "OriginalDocumentDate": None,
            "ForwardToCRF": "N",
            # Serbian B2B invoices must go through the state's e-invoice system (SEF).
            "ForwardToSEF": "D" if self.country == "RS" and party.country == "RS" else "N",
            "ReverseReason": None,
            "OptionalCustumerDataType": None,
            "OptionalCustumerData": None,
            "CustomerIDType": None,
            "CustomerID": None,
            "PurposeCode": None,
            "PaymentStatus": settlement.payment_status,
            "InvoiceValue": value,
            "PaidValue": settlement.paid,
            "AssociationWithStock": "N",
            "DebitNote": "N",
            "DebitNoteBasis": None,
            "DebitNoteBasisDate": None,
            "IssuedInvoiceRows": rows,
            "IssuedInvoicePaymentMethods": [],
            "IssuedInvoiceAdditionalSourceDocument": [],
            "RecordDtModified": stamp,
            "RowVersion": None,
        }
        self._add("issuedinvoices", record)
        if issued:
            lines = [
                _Line(receivable, debit=value, customer=customer, due=due, reference=reference),
                *self._revenue_lines(rows, party, analytic),
                *_vat_lines("2600", bases, vat, debit=False),
            ]
            self._journal("IR", day, stamp, f"Izdani račun {label} {customer['Name']}", lines)

    def _invoice_employee(self) -> Record | None:
        # Croatian fiscalisation needs the issuing employee on every invoice.
        if self.country == "HR" or self._maybe(0.6):
            return self._pick(self.out["employees"])
        return None

    def _invoice_rows(
        self, parent: Ref, party: _Party, analytic: Record | None, stamp: str
    ) -> list[Record]:
        count = self._pick((1, 1, 1, 2, 2, 3, 3, 4, 5))
        return [
            self._invoice_row(parent, number, self._pick(self.products), party, analytic, stamp)
            for number in range(1, count + 1)
        ]

    def _invoice_row(
        self,
        parent: Ref,
        number: int,
        product: _Product,
        party: _Party,
        analytic: Record | None,
        stamp: str,
    ) -> Record:
        item = product.record
        # Supplies abroad are VAT-free here (intra-EU reverse charge or export): rate O, 0 %.
        vat_rate = (
            product.vat_rate if party.country == self.country else self.by_code["vatrates"]["O"]
        )
        percent = vat_rate["Percent"]
        quantity = self._quantity(item["UnitOfMeasurement"])
        price = item["Price"]
        discount = party.record["RebatePercent"] or self._pick((0.0,) * 9 + (10.0,))
        return {
            "IssuedInvoiceRowId": self.new_id(),
            "IssuedInvoice": parent,
            "Item": self._fk("items", item),
            "ItemName": item["Name"],
            "RowNumber": number,
            "ItemCode": item["Code"],
            "SerialNumber": None,
            "BatchNumber": None,
            "Description": None,
            "Quantity": quantity,
            "UnitOfMeasurement": item["UnitOfMeasurement"],
            "Mass": _mass(quantity, product),
            "Price": price,
            "PriceWithVAT": _money(price * (1 + percent / 100)),
            "VATPercent": percent,
            "Discount": _money(quantity * price * discount / 100),
            "DiscountPercent": discount,
            "Value": _row_value(quantity, price, discount),
            "VatRate": self._fk("vatrates", vat_rate),
            "VatRatePercentage": None,
            "Warehouse": self._main_warehouse() if product.stocked else None,
            "AdditionalWarehouse": None,
            "TaxFreeValue": None,
            "TaxExemptionValue": None,
            "OtherTaxesAndDuties": None,
            "VatAccountingType": None,
            "TaxExemptionReasonCode": None,
            "Analytic": self._fk("analytics", analytic),
            "RecordDtModified": stamp,
            "RowVersion": None,
        }

    def _revenue_lines(
        self, rows: list[Record], party: _Party, analytic: Record | None
    ) -> list[_Line]:
        """Net revenue per revenue account: the item's, for where the customer is."""
        region = _region(self.country, party.country)
        revenue: dict[str, float] = defaultdict(float)
        for row in rows:
            product = self.product_by_id[row["Item"]["ID"]]
            revenue[product.revenue_accounts[region]] += row["Value"]
        return [
            _Line(account, credit=_money(amount), analytic=analytic)
            for account, amount in sorted(revenue.items())
        ]

    def _main_warehouse(self) -> Ref | None:
        return self._fk("warehouses", self.out["warehouses"][0])

    # -- received invoices ---------------------------------------------------------------------

    def _received_invoice(self, day: datetime.date) -> None:
        party = self._pick(self.suppliers, self.supplier_weights)
        supplier = party.record
        received_id = self.new_id()
        # P approved, O still being entered, Z rejected.
        status = self._pick(("P",) * 17 + ("O", "O", "Z"))
        stamp = self._on(day)
        # The supplier dated it a few days before it arrived (never before the window, though).
        issued_on = max(self.first_day, day - datetime.timedelta(days=self._pick((0, 1, 1, 2, 3))))
        due = issued_on + datetime.timedelta(days=supplier["ExpirationDays"])
        parts = self._purchase_parts(party)
        bases: dict[float, float] = defaultdict(float)
        for net, percent in parts:
            bases[percent] = _money(bases[percent] + net)
        vat = {percent: _vat(base, percent) for percent, base in bases.items()}
        gross = _money(sum(net for net, _ in parts) + sum(vat.values()))
        document_reference = self._supplier_document_number(issued_on)
        payable = "2200" if party.country == self.country else "2210"
        settlement = _Settlement("Osnutek")
        if status == "P":
            settlement = self._settle(day, due, gross)
            payment = _Payment(
                payable, settlement.paid, False, supplier, reference=document_reference
            )
            self._book_payment(settlement, payment)
        elif status == "Z":  # rejected: nobody pays it
            overdue = due < self.as_of
            settlement = _Settlement("NeplacanZapadel" if overdue else "NeplacanNezapadel")
        analytic = self._pick(self.out["analytics"]) if self._maybe(0.25) else None
        self._add(
            "receivedinvoices",
            {
                "ReceivedInvoiceId": received_id,
                "Year": day.year,
                "InvoiceNumber": self._next_number("PR", day, self.volume.received_per_day),
                "DocumentNumbering": self._fk_code("document-numbering", "PR"),
                "DocumentReference": document_reference,
                "Customer": self._fk("customers", supplier),
                "Employee": None,
                "Analytic": self._fk("analytics", analytic),
                "Currency": self._currency(),
                "DateIssued": _stamp(issued_on),
                "DateTransaction": _stamp(issued_on),
                "DateDue": _stamp(due),
                "DateReceived": _stamp(day),
                "DateApproved": _stamp(day) if status == "P" else None,
                "InvoiceAmount": gross,
                "InvoiceAmountDomesticCurrency": gross,
                "Status": status,
                "BankAccount": None,
                "PaymentReferenceType": None,
                "PaymentReferenceModel": self.profile.reference_model,
                "PaymentReferenceNumber": document_reference,
                "Notes": None,
                "PaymentType": None,
                "RevenueExpense": None,
                "CashRegister": None,
                "DateExpense": None,
                "RecurringInvoice": "N",
                "PaymentStatus": settlement.payment_status,
                "InvoiceValue": gross,
                "PaidValue": settlement.paid,
                "RecordDtModified": stamp,
                "RowVersion": None,
            },
        )
        if status == "P":
            lines = [
                *(_Line(party.expense_account, debit=net, analytic=analytic) for net, _ in parts),
                *_vat_lines("1600", bases, vat, debit=True),
                _Line(
                    payable, credit=gross, customer=supplier, due=due, reference=document_reference
                ),
            ]
            description = f"Prejeti račun {document_reference} {supplier['Name']}"
            self._journal("PR", day, stamp, description, lines)

    def _purchase_parts(self, party: _Party) -> list[tuple[float, float]]:
        """(net amount, VAT percent) of a supplier's invoice: one or two VAT rates."""
        rates = self.by_code["vatrates"]
        # Foreign suppliers and small sole traders charge no VAT.
        charges_vat = party.country == self.country and party.record["SubjectToVAT"] == "D"
        first = rates["S"]["Percent"] if charges_vat else 0.0
        parts = [(_money(party.typical_purchase * self.rng.lognormvariate(0, 0.5)), first)]
        if charges_vat and self._maybe(0.2):
            extra = _money(party.typical_purchase * self.rng.uniform(0.05, 0.4))
            parts.append((extra, rates["N"]["Percent"]))
        return parts

    def _supplier_document_number(self, day: datetime.date) -> str:
        serial = self.rng.randint(1, 9999)
        if self._maybe(0.5):
            return f"{day.year}-{serial:05d}"
        return f"R{day.strftime('%y')}/{serial}"

    # -- orders and stock ----------------------------------------------------------------------

    def _order(self, day: datetime.date) -> None:
        # P: an order received from a customer; I: one we issued to a supplier.
        received = self._maybe(0.7)
        if received:
            party = self._pick(self.buyers, self.buyer_weights)
        else:
            party = self._pick(self.suppliers, self.supplier_weights)
        order_id = self.new_id()
        # O draft, P confirmed, Z completed, R invalidated; each later step has its date.
        status = self._pick(("O",) * 2 + ("P",) * 7 + ("Z",) * 10 + ("R",))
        confirmed = self._later(day, 2) if status in ("P", "Z") else None
        completed = self._later(confirmed, 10) if status == "Z" and confirmed else None
        canceled = self._later(day, 5) if status == "R" else None
        stamp = self._on(completed or canceled or confirmed or day)
        kind = "P" if received else "I"
        rows = self._order_rows(self.ref("orders", order_id, None), received, stamp)
        buyer = self._address_fields("Customer", party)
        self._add(
            "orders",
            {
                "OrderId": order_id,
                "ReceivedIssued": kind,
                "Year": day.year,
                "Number": self._next_number("order" + kind, day, self.volume.orders_per_day),
                "Date": _stamp(day),
                "Customer": self._fk("customers", party.record),
                "CustomerName": buyer["CustomerName"],
                "CustomerAddress": buyer["CustomerAddress"],
                "CustomerPostalCode": buyer["CustomerPostalCode"],
                "CustomerCity": buyer["CustomerCity"],
                "CustomerCountry": buyer["CustomerCountry"],
                "CustomerCountryName": buyer["CustomerCountryName"],
                **self._address_fields("Recipient", party),
                "Analytic": None,
                "DueDate": _stamp(day + datetime.timedelta(days=self.rng.randint(3, 30))),
                "Reference": f"NAR-{self.rng.randint(1000, 99999)}" if received else None,
                "Currency": self._currency(),
                "Notes": None,
                "DateConfirmed": _stamp(confirmed) if confirmed else None,
                "DateCompleted": _stamp(completed) if completed else None,
                "DateCanceled": _stamp(canceled) if canceled else None,
                "Status": status,
                "DescriptionAbove": None,
                "DescriptionBelow": None,
                "ReportTemplate": self._template("NA"),
                "OrderRows": rows,
                "RecordDtModified": stamp,
                "RowVersion": None,
            },
        )

    def _order_rows(self, parent: Ref, received: bool, stamp: str) -> list[Record]:
        # We order only goods from suppliers; customers may order anything we sell.
        pool = self.products if received else self.stocked
        rows = []
        for _ in range(self._pick((1, 1, 2, 2, 3, 4))):
            product = self._pick(pool)
            item = product.record
            rows.append(
                {
                    "OrderRowId": self.new_id(),
                    "Order": parent,
                    "Item": self._fk("items", item),
                    "Warehouse": self._main_warehouse() if product.stocked else None,
                    "ItemName": item["Name"],
                    "ItemCode": item["Code"],
                    "Description": None,
                    "Quantity": self._quantity(item["UnitOfMeasurement"]),
                    "DiscountPercent": 0.0,
                    "Price": item["Price"] if received else product.cost,
                    "UnitOfMeasurement": item["UnitOfMeasurement"],
                    "RecordDtModified": stamp,
                    "RowVersion": None,
                }
            )
        return rows

    def _stock_entry(self, day: datetime.date) -> None:
        warehouses = self.out["warehouses"]
        # P receipt from a supplier, I issue to a customer, L transfer between warehouses.
        kind = self._pick(("P",) * 7 + ("I",) * 10 + (("L",) * 3 if len(warehouses) > 1 else ()))
        party: _Party | None = None
        if kind == "P":
            party = self._pick(self.suppliers, self.supplier_weights)
        elif kind == "I":
            party = self._pick(self.buyers, self.buyer_weights)
        entry_id = self.new_id()
        source = warehouses[0] if kind in ("I", "L") else None
        target = {"P": warehouses[0], "L": warehouses[-1]}.get(kind)
        description = _stock_description(kind, party, source, target)
        stamp = self._on(day)
        parent = self.ref("stockentry", entry_id, description)
        rows = self._stock_rows(parent, source, target, stamp)
        goods_value = _money(sum(row["Value"] for row in rows))
        # Only an issue travels with a delivery note, which names where the goods go.
        delivery = party if kind == "I" else None
        addressee = self._address_fields("Addressee", delivery)
        recipient = self._address_fields("Recipient", delivery)
        self._add(
            "stockentry",
            {
                "StockEntryId": entry_id,
                "StockEntryType": kind,
                "StockEntrySubtype": None,
                "ReceiptFromFarmer": "N",
                "Date": _stamp(day),
                "Number": self._next_number("stock" + kind, day, self.volume.stock_entries_per_day),
                "Customer": self._fk("customers", party.record if party else None),
                "Analytic": None,
                "Rabate": 0.0,
                "Description": description,
                "ValueOfMaterialAndGoods": goods_value,
                "ValueOfRelatedCosts": 0.0 if kind == "P" else None,
                "PercentOfDirectCostsOfPurchase": 0.0 if kind == "P" else None,
                "ValueOfReceipt": goods_value if kind == "P" else None,
                "Currency": self._currency(),
                "ExchangeRate": 1.0,
                "OriginalDocumentType": None,
                "OriginalDocumentDate": None,
                "DeliveryNoteReportTemplate": self._template("DO") if delivery else None,
                "DeliveryNoteDescriptionAbove": None,
                "DeliveryNoteDescriptionBelow": None,
                "AddresseeName": addressee["AddresseeName"],
                "AddresseeGLN": None,
                "AddresseeAddress": addressee["AddresseeAddress"],
                "AddresseePostalCode": addressee["AddresseePostalCode"],
                "AddresseeCity": addressee["AddresseeCity"],
                "AddresseeCountryName": addressee["AddresseeCountryName"],
                "AddresseeCountry": addressee["AddresseeCountry"],
                "RecipientName": recipient["RecipientName"],
                "RecipientGLN": None,
                "RecipientAddress": recipient["RecipientAddress"],
                "RecipientPostalCode": recipient["RecipientPostalCode"],
                "RecipientCity": recipient["RecipientCity"],
                "RecipientCountryName": recipient["RecipientCountryName"],
                "RecipientCountry": recipient["RecipientCountry"],
                "Status": self._pick(("P",) * 12 + ("O",)),
                "Account": None,
                "AssociationWithIssuedInvoice": "N",
                "StockEntryRows": rows,
                "RecordDtModified": stamp,
                "RowVersion": None,
            },
        )

    def _stock_rows(
        self, parent: Ref, source: Record | None, target: Record | None, stamp: str
    ) -> list[Record]:
        rows = []
        for number in range(1, self._pick((1, 1, 2, 2, 3, 4)) + 1):
            product = self._pick(self.stocked)
            item = product.record
            quantity = self._quantity(item["UnitOfMeasurement"])
            rows.append(
                {
                    "StockEntryRowId": self.new_id(),
                    "StockEntry": parent,
                    "RowNumber": number,
                    "Item": self._fk("items", item),
                    "ItemName": item["Name"],
                    "WarehouseFrom": self._fk("warehouses", source),
                    "WarehouseTo": self._fk("warehouses", target),
                    "Quantity": quantity,
                    "Price": product.cost,
                    "DiscountPercent": 0.0,
                    "LinkedStockEntryRow": None,
                    "MarginPercent": _money((item["Price"] / product.cost - 1) * 100),
                    "SellingPrice": item["Price"],
                    "SellingPriceIncludesVAT": "N",
                    "Value": _row_value(quantity, product.cost, 0.0),
                    "SerialNumber": None,
                    "BatchNumber": None,
                    "Mass": _mass(quantity, product),
                    "RecordDtModified": stamp,
                    "RowVersion": None,
                }
            )
        return rows

    # -- bank and month end --------------------------------------------------------------------

    def _bank_statement(self, day: datetime.date) -> None:
        """One statement per day with transfers: each settles an invoice or a month's wages."""
        payments = self.payments.pop(day, [])
        if not payments:
            return
        lines: list[_Line] = []
        for payment in payments:
            settled = _Line(
                payment.account,
                customer=payment.customer,
                employee=payment.employee,
                reference=payment.reference,
            )
            bank = _Line("1100", reference=payment.reference)
            if payment.incoming:
                bank.debit = settled.credit = payment.amount
            else:
                bank.credit = settled.debit = payment.amount
            lines += [bank, settled]
        if self._maybe(0.3):
            fee = _money(self.rng.uniform(0.5, 6.0) * self.profile.price_factor)
            lines += [_Line("4150", debit=fee), _Line("1100", credit=fee)]
        number = self._next_number("BA", day, 5 / 7)
        self._journal(
            "BA", day, self._on(day), f"Bančni izpisek št. {number}", lines, draftable=True
        )

    def _month_end(self, day: datetime.date) -> None:
        """Monthly depreciation (TEM) and the wage accrual (PL); wages are paid on the 15th."""
        month = f"{day.month:02d}/{day.year}"
        stamp = _stamp(day, 16 * 3600)
        depreciation = self.monthly_depreciation
        lines = [_Line("4320", debit=depreciation), _Line("0510", credit=depreciation)]
        self._journal("TEM", day, stamp, f"Amortizacija {month}", lines, draftable=True)
        wages: list[_Line] = []
        payday = _next_weekday(day + datetime.timedelta(days=15))
        for employee in self.out["employees"]:
            gross = self.salaries[employee["EmployeeId"]]
            wages += [
                _Line("4700", debit=gross, employee=employee),
                _Line("2500", credit=gross, employee=employee),
            ]
            if payday < self.as_of:
                self.payments[payday].append(_Payment("2500", gross, False, employee=employee))
        self._journal("PL", day, stamp, f"Obračun plač {month}", wages)

    # -- journals ------------------------------------------------------------------------------

    def _journal(
        self,
        type_code: str,
        day: datetime.date,
        stamp: str,
        description: str,
        lines: list[_Line],
        *,
        draftable: bool = False,
    ) -> None:
        """A journal with its entries. Documents post straight away; manual ones may be drafts."""
        journal_id = self.new_id()
        parent = self.ref("journals", journal_id, description)
        entries = [self._journal_entry(parent, day, stamp, description, line) for line in lines]
        self._add(
            "journals",
            {
                "JournalId": journal_id,
                "JournalType": self._fk_code("journaltypes", type_code),
                "JournalDate": _stamp(day),
                "Description": description,
                "Status": "O" if draftable and self._maybe(0.08) else "P",
                "JournalEntries": entries,
                "VatEntries": [],
                "RecordDtModified": stamp,
                "RowVersion": None,
            },
        )

    def _journal_entry(
        self,
        parent: dict[str, object],
        day: datetime.date,
        stamp: str,
        description: str,
        line: _Line,
    ) -> Record:
        vat_line = line.vat_base is not None
        return {
            "ExternalId": None,
            "JournalEntryId": self.new_id(),
            "Journal": parent,
            "JournalEntryDate": _stamp(day),
            "DueDate": _stamp(line.due) if line.due else None,
            "TransactionDate": _stamp(day),
            "Account": self._fk_code("accounts", line.account),
            "Customer": self._fk("customers", line.customer),
            "Analytic": self._fk("analytics", line.analytic),
            "Employee": self._fk("employees", line.employee),
            "Currency": self._currency(),
            "Description": description,
            "PaymentReference": line.reference,
            "Debit": line.debit,
            "Credit": line.credit,
            "DebitInDomesticCurrency": line.debit,
            "CreditInDomesticCurrency": line.credit,
            "SubmissionSpecialVATReturn": "N",
            "VatDate": _stamp(day) if vat_line else None,
            "VatType": None,
            "VatRatePercentage": None,
            "VatBaseInDomesticCurrency": line.vat_base,
            "VatBase": line.vat_base,
            "RecordDtModified": stamp,
            "RowVersion": None,
        }


# -- module-level helpers used by _Books ---------------------------------------------------------


def _display_name(kind: str, record: Record) -> str | None:
    """The `Name` a reference carries; the same rule as the store's `display_name`."""
    if kind == "employees":
        return f"{record['FirstName']} {record['LastName']}"
    for candidate in ("Name", "Title", "FullName", "Code", "Description"):
        value = record.get(candidate)
        if isinstance(value, str) and value:
            return value
    return None


def _cumulative(count: int) -> list[float]:
    """Cumulative Zipf-like weights: the first few partners do most of the business."""
    total = 0.0
    weights = []
    for rank in range(count):
        total += 1 / (rank + 1) ** 0.8
        weights.append(total)
    return weights


def _bases_by_percent(rows: list[Record]) -> dict[float, float]:
    """Net amount per VAT percent: VAT is computed once per rate on the sum of row values."""
    bases: dict[float, float] = defaultdict(float)
    for row in rows:
        bases[row["VATPercent"]] += row["Value"]
    return {percent: _money(base) for percent, base in bases.items()}


def _region(home: str, country: str) -> int:
    """0 domestic, 1 other EU country, 2 outside the EU: picks the revenue account."""
    if country == home:
        return 0
    return 1 if country in _EU else 2


def _vat_lines(
    account: str, bases: dict[float, float], vat: dict[float, float], *, debit: bool
) -> list[_Line]:
    """One VAT line per rate that has any VAT, carrying its base for the VAT books."""
    lines = []
    for percent in sorted(vat):
        amount = vat[percent]
        if amount:
            debited, credited = (amount, 0.0) if debit else (0.0, amount)
            lines.append(_Line(account, debited, credited, vat_base=bases[percent]))
    return lines


def _mass(quantity: float, product: _Product) -> float | None:
    return None if product.mass is None else round(quantity * product.mass, 4)


def _stock_description(
    kind: str, party: _Party | None, source: Record | None, target: Record | None
) -> str:
    if party is not None:
        verb = "Prevzem" if kind == "P" else "Izdaja"
        return f"{verb} blaga - {party.record['Name']}"
    # Anything else is a transfer, which has both warehouses.
    assert source is not None
    assert target is not None
    return f"Prenos iz: {source['Name']} v: {target['Name']}"


def _vat_id(country: str, tax_number: str) -> str | None:
    if country in _VAT_PREFIXES:
        return _VAT_PREFIXES[country] + tax_number
    return tax_number if country == "RS" else None  # a Serbian PIB is its VAT number


def _tld(country: str) -> str:
    return _names.TOP_LEVEL_DOMAINS[country]
