"""Customers (buyers and suppliers alike, as in Minimax) and their contacts."""

from __future__ import annotations

import math

from . import identities, names
from .context import Books, Party
from .reference import EXPENSE_ACCOUNTS, FOREIGN_WEIGHTS, VAT_PREFIXES

# Folds the letters of the countries' names to ASCII for web and mail addresses.
_ASCII = str.maketrans(
    {"č": "c", "š": "s", "ž": "z", "ć": "c", "đ": "dj", "ä": "ae", "ö": "oe", "ü": "ue",
     "ß": "ss", "á": "a", "é": "e", "í": "i", "ó": "o", "ő": "o", "ú": "u", "ű": "u"}
)  # fmt: skip


def add_customers(books: Books) -> None:
    taken: set[str] = set()
    for index in range(books.volume.customers):
        country = _customer_country(books)
        name, sole_trader = _company_name(books, country)
        while name in taken:
            name, sole_trader = _company_name(books, country)
        taken.add(name)
        party = _customer(books, index, country, name, sole_trader)
        _contacts(books, party, sole_trader)
        # The first two are forced so that both roles exist even in a tiny organisation.
        supplier = index == 1 or (index > 1 and books.maybe(0.35))
        (books.suppliers if supplier else books.buyers).append(party)
    # A few customers account for most of the business (cumulative weights for rng.choices).
    books.buyer_weights = _cumulative(len(books.buyers))
    books.supplier_weights = _cumulative(len(books.suppliers))


def _customer_country(books: Books) -> str:
    if books.maybe(0.85):
        return books.country
    foreign = [(code, weight) for code, weight in FOREIGN_WEIGHTS.items() if code != books.country]
    return str(books.rng.choices([c for c, _ in foreign], [w for _, w in foreign])[0])


def _company_name(books: Books, country: str) -> tuple[str, bool]:
    """(name, is a sole trader). Sole traders (s.p.) are a Slovenian legal form."""
    if country == "SI" and books.maybe(0.3):
        first, last, _male = identities.person_name(books, country)
        return f"{books.pick(names.SOLE_TRADER_ACTIVITIES)} {first} {last} s.p.", True
    trade = books.pick(names.COMPANY_TRADES[country])
    suffix = books.pick(names.COMPANY_SUFFIXES[country])
    if country == "SI" and books.maybe(0.5):
        return f"{books.pick(names.COMPANY_STEMS)} {trade} {suffix}", False
    return f"{books.pick(names.SURNAMES[country])} {trade} {suffix}", False


def _customer(books: Books, index: int, country: str, name: str, sole_trader: bool) -> Party:
    street, postal, city = identities.address(books, country)
    tax_number = identities.tax_number(books, country)
    # Sole traders below the VAT threshold are not VAT payers; companies always are.
    vat_payer = not sole_trader or books.maybe(0.6)
    # A company's web and mail domain is its name without the legal form; sole traders use
    # a mail provider's.
    domain = None if sole_trader else f"{_slug(name.rsplit(' ', 1)[0])}.{_tld(country)}"
    record = books.add(
        "customers",
        {
            "CustomerId": books.new_id(),
            "Code": f"{index + 1:05d}",
            "Name": name,
            "Address": street,
            "PostalCode": postal,
            "City": city,
            "Country": books.fk_code("countries", country),
            "CountryName": books.by_code["countries"][country]["Name"],
            "TaxNumber": tax_number,
            "RegistrationNumber": identities.registration_number(books, country),
            "VATIdentificationNumber": _vat_id(country, tax_number) if vat_payer else None,
            "SubjectToVAT": "D" if vat_payer else "N",
            "ConsiderCountryForBookkeeping": "D",
            "Currency": books.currency(),
            "ExpirationDays": books.pick((8, 15, 15, 30, 30, 30, 45, 60)),
            "RebatePercent": books.pick((0.0,) * 8 + (3.0, 5.0)),
            "WebSiteURL": f"www.{domain}" if domain and books.maybe(0.6) else None,
            "EInvoiceIssuing": "Ponudnik" if domain and books.maybe(0.3) else "SeNePripravlja",
            "InternalCustomerNumber": None,
            "GLN": None,
            "BudgetUserNumber": None,
            "Usage": "D",
            "AssociationType": "Ostala",
            "RecordDtModified": books.saved_before_window(),
            "RowVersion": None,
        },
    )
    typical = books.rng.lognormvariate(math.log(300), 0.9) * books.profile.price_factor
    return Party(record, country, domain, books.pick(EXPENSE_ACCOUNTS), typical)


def _contacts(books: Books, party: Party, sole_trader: bool) -> None:
    count = books.pick((0, 1) if sole_trader else (0, 1, 1, 2))
    for position in range(count):
        first, last, _male = identities.person_name(books, party.country)
        mailbox = f"{_slug(first)}.{_slug(last)}"
        domain = party.domain or books.pick(("gmail.com", "siol.net", "t-2.net"))
        books.add(
            "contacts",
            {
                "ContactId": books.new_id(),
                "Customer": books.fk("customers", party.record),
                "FullName": f"{first} {last}",
                "PhoneNumber": identities.phone(books, party.country, mobile=False),
                "Fax": None,
                "MobilePhone": identities.phone(books, party.country, mobile=True),
                "Email": f"{mailbox}@{domain}",
                "Notes": None,
                "Default": "D" if position == 0 else "N",
                "RecordDtModified": books.saved_before_window(),
                "RowVersion": None,
            },
        )


def _cumulative(count: int) -> list[float]:
    """Cumulative Zipf-like weights: the first few partners do most of the business."""
    total = 0.0
    weights = []
    for rank in range(count):
        total += 1 / (rank + 1) ** 0.8
        weights.append(total)
    return weights


def _slug(text: str) -> str:
    folded = text.lower().translate(_ASCII)
    return "".join(char for char in folded if char.isalnum())


def _vat_id(country: str, tax_number: str) -> str | None:
    if country in VAT_PREFIXES:
        return VAT_PREFIXES[country] + tax_number
    return tax_number if country == "RS" else None  # a Serbian PIB is its VAT number


def _tld(country: str) -> str:
    return names.TOP_LEVEL_DOMAINS[country]
