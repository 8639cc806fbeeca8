"""Code lists: currencies, countries, VAT rates, journal types, document numberings, templates."""

from __future__ import annotations

from .context import Books
from .reference import COUNTRIES, CURRENCIES, JOURNAL_TYPES, NUMBERINGS, REPORT_TEMPLATES


def add_code_lists(books: Books) -> None:
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
    for code in JOURNAL_TYPES:
        books.add(
            "journaltypes", {"JournalTypeId": books.new_id(), "Code": code, "DisplayCode": code}
        )
    _numberings(books)
    _report_templates(books)


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
