"""What postings are made to: the chart of accounts, analytics (cost centres) and warehouses."""

from __future__ import annotations

from . import names
from .context import Books, Record
from .reference import ACCOUNTS, WAREHOUSES


def add_accounts(books: Books) -> None:
    for code, name, english in ACCOUNTS:
        books.add("accounts", _account(books, code, name, english))


def _account(books: Books, code: str, name: str, english: str) -> Record:
    # Open items are tracked per partner on receivables and payables, per employee on wages;
    # costs and revenues may carry an analytic (cost centre).
    partner = code[:2] in ("12", "22")
    return {
        "AccountId": books.new_id(),
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
        "ValidFromYear": min(2017, books.first_day.year),
        "ValidToYear": None,
        "RecordDtModified": books.saved_before_window(),
        "RowVersion": None,
    }


def add_analytics(books: Books) -> None:
    for code, name, parent in names.ANALYTICS[: books.volume.analytics]:
        parent_record = books.by_code["analytics"].get(parent)
        books.add(
            "analytics",
            {
                "AnalyticId": books.new_id(),
                "Code": code,
                "Name": name,
                "UsageEndDate": None,
                "ParentAnalytic": books.fk("analytics", parent_record),
                "RecordDtModified": books.saved_before_window(),
                "RowVersion": None,
            },
        )


def add_warehouses(books: Books) -> None:
    home = names.CITIES[books.country][0][1]
    for code, name, retail in WAREHOUSES[: books.volume.warehouses]:
        retail_account = books.fk_code("accounts", "6691") if retail else None
        books.add(
            "warehouses",
            {
                "WarehouseId": books.new_id(),
                "Code": code,
                "Name": name,
                "Location": home,
                "InventoryManagement": "D",
                "InventoryManagementByValue": "D",
                "SellingPriceInput": "D" if retail else "N",
                "InventoryBookkeping": "D",
                "StocksAccount": books.fk_code("accounts", "6600"),
                "PDAccount": books.fk_code("accounts", "6690") if retail else None,
                "VATStandardAccount": retail_account,
                "VATReducedAccount": retail_account,
                "VATSpecialReducedAccount": retail_account,
                "Usage": "D",
                "RecordDtModified": books.saved_before_window(),
                "RowVersion": None,
            },
        )
