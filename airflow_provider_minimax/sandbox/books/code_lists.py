"""Code lists: currencies, countries, VAT rates, journal types, document numberings, templates."""

from __future__ import annotations

from .context import Books
from .iso_countries import ISO_COUNTRIES
from .iso_currencies import ISO_CURRENCIES
from .profiles import CodeListNumbering
from .reference import COUNTRIES, CURRENCIES, JOURNAL_TYPES, NUMBERINGS, REPORT_TEMPLATES

# Each further organisation of a world numbers its code lists this much higher: the service's
# IDs of countries and currencies differ per organisation.
ORGANISATION_STRIDE = 1000


def add_code_lists(books: Books) -> None:
    numbering = books.profile.numbering
    if numbering is None:
        _slovenian_code_lists(books)
    else:
        _full_code_lists(books, numbering)
    for code in JOURNAL_TYPES:
        books.add(
            "journaltypes", {"JournalTypeId": books.new_id(), "Code": code, "DisplayCode": code}
        )
    _numberings(books)
    _report_templates(books)


def _slovenian_code_lists(books: Books) -> None:
    for code, name in CURRENCIES:
        books.add("currencies", {"CurrencyId": books.new_id(), "Code": code, "Name": name})
    for code, name, currency, _in_eu in COUNTRIES:
        books.add(
            "countries",
            {
                "CountryId": books.new_id(),
                "Code": code,
                "Name": name,
                "Currency": books.fk_code("currencies", currency),
            },
        )
    for code, percent in books.profile.vat_rates:
        books.add(
            "vatrates",
            {
                "VatRateId": books.new_id(),
                "Code": code,
                "Percent": percent,
                # A code list of its own (vatratepercentages) that the sandbox does not serve.
                "VatRatePercentage": None,
            },
        )


def _full_code_lists(books: Books, numbering: CodeListNumbering) -> None:
    """Every ISO country and currency, in the world's language, with the world's own IDs."""
    offset = ORGANISATION_STRIDE * books.organisation_index
    ids = _numbered(
        [code for code, *_ in ISO_CURRENCIES] + [code for code, *_ in ISO_COUNTRIES],
        numbering,
        offset,
    )
    for currency_row in ISO_CURRENCIES:
        code, name = currency_row[0], currency_row[numbering.language]
        books.add("currencies", {"CurrencyId": ids[code], "Code": code, "Name": name})
    for row in ISO_COUNTRIES:
        code, currency = row[0], row[3]
        books.add(
            "countries",
            {
                "CountryId": ids[code],
                "Code": code,
                "Name": row[numbering.language],
                "Currency": books.fk_code("currencies", currency) if currency else None,
            },
        )
    for number, (code, percent) in enumerate(books.profile.vat_rates):
        percentage_id = numbering.percentage_start + offset + number
        books.add(
            "vatrates",
            {
                "VatRateId": books.new_id(),
                "Code": code,
                "Percent": percent,
                # No endpoint serves VAT percentages, so the reference has no URL.
                "VatRatePercentage": {
                    "ID": percentage_id,
                    "Name": f"{percent:g} %",
                    "ResourceUrl": None,
                },
            },
        )


def _numbered(codes: list[str], numbering: CodeListNumbering, offset: int) -> dict[str, int]:
    """IDs in table order from the numbering's start, the pinned ones where they were measured.

    Currencies and countries are numbered apart (each list from `start`); their codes (three
    letters and two) never clash, so one mapping holds both.
    """
    ids: dict[str, int] = {}
    for length in (3, 2):
        taken = {value for code, value in numbering.pinned.items() if len(code) == length}
        next_id = numbering.start
        for code in (code for code in codes if len(code) == length):
            if code in numbering.pinned:
                ids[code] = numbering.pinned[code] + offset
                continue
            while next_id in taken:
                next_id += 1
            ids[code] = next_id + offset
            next_id += 1
    return ids


def _numberings(books: Books) -> None:
    for document, code, name, default in NUMBERINGS:
        books.add(
            "document-numbering",
            {
                "DocumentNumberingId": books.new_id(),
                "Document": document,
                "Code": code,
                "Name": name,
                "Default": default,
                "Reverse": "N",
                "ReferenceNumber": None,
                "PackagingDepositReturnIncludedInPrice": "N",
                "Usage": "D",
                "RecordDtModified": books.saved_before_window(),
                "RowVersion": None,
            },
        )


def _report_templates(books: Books) -> None:
    for name, display_type, default in REPORT_TEMPLATES:
        record = books.add(
            "report-templates",
            {
                "ReportTemplateId": books.new_id(),
                "Name": name,
                "DisplayType": display_type,
                "Default": default,
                "RecordDtModified": books.saved_before_window(),
                "RowVersion": None,
            },
        )
        if default == "D":
            books.templates[display_type] = record
