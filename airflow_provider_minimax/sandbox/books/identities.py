"""Who someone is, drawn for a country: names, addresses, phone and tax and personal numbers."""

from __future__ import annotations

import datetime

from . import names
from .check_digits import emso_check, iso7064_mod_11_10, si_tax_number_check
from .context import Books
from .reference import CALLING_CODES, PLAIN_TAX_DIGITS


def person_name(books: Books, country: str) -> tuple[str, str, bool]:
    """(first name, surname, is a man); a surname from the country, Slovenian if it has none."""
    male = books.maybe(0.5)
    first = books.pick(names.MALE_FIRST_NAMES if male else names.FEMALE_FIRST_NAMES)
    last = books.pick(names.SURNAMES.get(country, names.SURNAMES["SI"]))
    return first, last, male


def address(books: Books, country: str) -> tuple[str, str, str]:
    """(street and number, postal code, city); big towns come up more often."""
    cities = names.CITIES[country]
    postal, city = cities[min(int(books.rng.expovariate(0.3)), len(cities) - 1)]
    number = str(books.rng.randint(1, 120))
    if books.maybe(0.1):
        number += books.pick("abc")
    return f"{books.pick(names.STREETS[country])} {number}", postal, city


def emso(books: Books, born: datetime.date, male: bool, region: str) -> str:
    """Birth date (DDMMYYY), region, serial (000-499 men, 500-999 women), check digit."""
    while True:
        serial = books.rng.randrange(500) + (0 if male else 500)
        body = f"{born.day:02d}{born.month:02d}{born.year % 1000:03d}{region}{serial:03d}"
        check = emso_check(body)
        if check is not None:
            return body + str(check)


def tax_number(books: Books, country: str) -> str:
    """A tax number of `country`, with its check digit where the books model the rule."""
    if country == "SI":
        while True:
            body = str(books.rng.randrange(1_000_000, 10_000_000))
            check = si_tax_number_check(body)
            if check is not None:
                return body + str(check)
    if country == "HR":
        body = f"{books.rng.randrange(10**10):010d}"
        return body + str(iso7064_mod_11_10(body))
    if country == "RS":
        body = str(books.rng.randrange(10_000_000, 20_000_000))
        return body + str(iso7064_mod_11_10(body))
    digits = PLAIN_TAX_DIGITS[country]
    return str(books.rng.randrange(10 ** (digits - 1), 10**digits))


def registration_number(books: Books, country: str) -> str | None:
    """A company's registration number; None where the books do not model the country's."""
    if country == "SI":
        return f"{books.rng.randrange(1_000_000, 10_000_000)}000"  # matična številka
    if country in ("HR", "RS"):
        return f"{books.rng.randrange(10_000_000, 100_000_000)}"
    return None


def phone(books: Books, country: str, *, mobile: bool) -> str:
    code = CALLING_CODES[country]
    if mobile:
        prefix = books.pick(("31", "40", "41", "51", "64", "68", "70"))
        return f"+{code} {prefix} {books.rng.randint(100, 999)} {books.rng.randint(100, 999)}"
    area = books.pick(("1", "2", "3", "4", "5", "7"))
    digits = (
        f"{books.rng.randint(100, 999)} {books.rng.randint(10, 99)} {books.rng.randint(10, 99)}"
    )
    return f"+{code} {area} {digits}"
