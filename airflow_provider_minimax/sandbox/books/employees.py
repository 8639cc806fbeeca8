"""Employees, and the monthly wage each is paid (the month end books and pays it)."""

from __future__ import annotations

import datetime

from . import identities
from .amounts import money
from .context import Books, Record
from .dates import datetime_text


def add_employees(books: Books) -> None:
    for index in range(books.volume.employees):
        employee = books.add("employees", _employee(books, index))
        # A gross monthly wage, booked at each month's end and paid on the 15th after it.
        wage = books.rng.uniform(1300, 4200) * books.profile.price_factor
        books.salaries[employee["EmployeeId"]] = money(wage)


def _employee(books: Books, index: int) -> Record:
    first, last, male = identities.person_name(books, books.country)
    street, postal, city = identities.address(books, books.country)
    birth_year = books.first_day.year - books.rng.randint(22, 62)
    born = datetime.date(birth_year, books.rng.randint(1, 12), books.rng.randint(1, 28))
    # Hired at some point after turning 19, and before the window.
    adult = born + datetime.timedelta(days=19 * 365)
    started = adult + (books.first_day - adult) * books.rng.uniform(0.1, 0.95)
    tax_number, personal_number = _personal_numbers(books, born, male)
    return {
        "EmployeeId": books.new_id(),
        "Code": f"{index + 1:04d}",
        "TaxNumber": tax_number,
        "FirstName": first,
        "LastName": last,
        "Address": street,
        "PostalCode": postal,
        "City": city,
        "Country": books.fk_code("countries", books.country),
        "CountryOfResidence": books.fk_code("countries", books.country),
        "DateOfBirth": datetime_text(born),
        "Gender": "M" if male else "Z",
        "EmploymentStartDate": datetime_text(started),
        "EmploymentEndDate": None,
        "Notes": None,
        "EmploymentType": None,
        "PersonalIdenficationNumber": personal_number,
        "InsuranceBasis": None,
        "RecordDtModified": books.saved_before_window(),
        "RowVersion": None,
    }


def _personal_numbers(books: Books, born: datetime.date, male: bool) -> tuple[str, str]:
    """(tax number, personal identification number) of a resident person."""
    if books.country == "HR":
        oib = identities.tax_number(books, "HR")
        return oib, oib  # the OIB is both
    # EMŠO (SI) and JMBG (RS) share one format; region 50 is Slovenia, 71 Belgrade.
    personal = identities.emso(books, born, male, "50" if books.country == "SI" else "71")
    if books.country == "SI":
        return identities.tax_number(books, "SI"), personal
    return personal, personal  # a Serbian resident's JMBG is also the tax number
