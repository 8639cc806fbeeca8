"""The fixed contents of the books: code lists, the chart of accounts, country facts.

Plain data, the same for every seed; the builders decide which of it an organisation gets.
"""

from __future__ import annotations

# (code, Slovenian name, currency, in the EU). Minimax shows code lists in the user's language.
COUNTRIES: tuple[tuple[str, str, str, bool], ...] = (
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
EU = frozenset(code for code, _, _, in_eu in COUNTRIES if in_eu)

CURRENCIES: tuple[tuple[str, str], ...] = (
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
FOREIGN_WEIGHTS: dict[str, float] = {
    "SI": 3, "HR": 3, "AT": 3, "DE": 2, "IT": 2, "HU": 1,
    "RS": 1, "BA": 1, "CH": 1, "ME": 0.5, "MK": 0.5,
}  # fmt: skip
CALLING_CODES: dict[str, str] = {
    "SI": "386", "HR": "385", "RS": "381", "BA": "387", "ME": "382", "MK": "389",
    "AT": "43", "DE": "49", "CH": "41", "IT": "39", "HU": "36",
}  # fmt: skip
# Length of the (unchecked) tax number of countries whose check digits we do not model, and the
# prefix of their EU VAT number.
PLAIN_TAX_DIGITS: dict[str, int] = {
    "AT": 8, "DE": 9, "IT": 11, "HU": 8, "BA": 12, "ME": 8, "MK": 13, "CH": 9,
}  # fmt: skip
VAT_PREFIXES: dict[str, str] = {
    "SI": "SI",
    "HR": "HR",
    "AT": "ATU",
    "DE": "DE",
    "IT": "IT",
    "HU": "HU",
}

# Slovenian chart of accounts (kontni načrt), four-digit posting accounts: (code, name, English).
ACCOUNTS: tuple[tuple[str, str, str], ...] = (
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
REVENUE_ACCOUNTS: dict[bool, tuple[str, str, str]] = {
    False: ("7600", "7610", "7640"),  # services and own products: domestic, EU, outside EU
    True: ("7620", "7630", "7650"),  # goods and material
}
EXPENSE_ACCOUNTS: tuple[str, ...] = ("4000", "4060", "4100", "4120", "4130", "4170", "4180")
STOCK_ACCOUNTS: dict[str, str] = {"B": "6600", "M": "3100", "P": "6300"}

JOURNAL_TYPES: tuple[str, ...] = ("IR", "PR", "TEM", "BA", "BL", "PL", "OTV")

# (Document, Code, Name, Default)
NUMBERINGS: tuple[tuple[str, str, str, str], ...] = (
    ("IR", "IR", "Izdani računi", "D"),
    ("IR", "IR-MP", "Izdani računi - maloprodaja", "N"),
    ("PR", "PR", "Prejeti računi", "D"),
    ("PD", "PD", "Predračuni", "D"),
)
# (Name, DisplayType, Default). DisplayType says which document the template prints.
REPORT_TEMPLATES: tuple[tuple[str, str, str], ...] = (
    ("Račun", "IR", "D"),
    ("Račun z logotipom", "IR", "N"),
    ("Dobavnica", "DO", "D"),
    ("Naročilo", "NA", "D"),
    ("Ponudba", "PO", "D"),
)
# (Code, Name, holds goods at retail prices): a retail shop needs the price-difference accounts.
WAREHOUSES: tuple[tuple[str, str, bool], ...] = (
    ("01", "Glavno skladišče", False),
    ("02", "Trgovina", True),
    ("03", "Skladišče materiala", False),
)
