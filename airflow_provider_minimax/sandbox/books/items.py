"""Items (goods, material, products and services), and the quantities documents carry of them."""

from __future__ import annotations

from . import names
from .amounts import money
from .check_digits import ean13_check
from .context import Books, Product
from .reference import REVENUE_ACCOUNTS, STOCK_ACCOUNTS


def add_items(books: Books) -> None:
    templates = [
        (template, variant)
        for template in names.ITEM_TEMPLATES
        for variant in range(len(template[6]))
    ]
    services = [pair for pair in templates if pair[0][2] == "S"]
    goods = [pair for pair in templates if pair[0][2] != "S"]
    books.rng.shuffle(services)
    books.rng.shuffle(goods)
    # About a quarter services (as many as there are), the rest things kept in stock.
    chosen = services[: max(2, books.volume.items // 4)]
    chosen += goods[: books.volume.items - len(chosen)]
    for index, (template, variant) in enumerate(chosen):
        product = _item(books, index, template, variant)
        books.products.append(product)
        books.product_by_id[product.record["ItemId"]] = product
    books.stocked = [product for product in books.products if product.stocked]


def _item(books: Books, index: int, template: names.ItemTemplate, variant: int) -> Product:
    name, unit, item_type, base_price, vat_code, mass, variants = template
    if vat_code not in books.by_code["vatrates"]:
        vat_code = "N"  # Serbia has no special reduced rate
    vat_rate = books.by_code["vatrates"][vat_code]
    factor = (1 + 0.3 * variant) * books.profile.price_factor * books.rng.uniform(0.9, 1.1)
    price = money(base_price * factor)
    stocked = item_type != "S"
    revenue = REVENUE_ACCOUNTS[item_type in ("B", "M")]
    record = books.add(
        "items",
        {
            "ItemId": books.new_id(),
            "Name": f"{name} {variants[variant]}",
            "Code": f"{item_type}{index + 1:04d}",
            "EANCode": _ean(books) if item_type in ("B", "P") else None,
            "Description": None,
            "ItemType": item_type,
            "StocksManagedOnlyByQuantity": "N",
            "CalculationOfConsumptionTax": "N",
            "UnitOfMeasurement": unit,
            "MassPerUnit": mass,
            "ProductGroup": None,
            "ClassificationOfProductByActivity": None,
            "VatRate": books.fk("vatrates", vat_rate),
            "Price": price,
            "RebatePercent": 0.0,
            "Usage": "D",
            "Currency": books.currency(),
            "SerialNumbers": "N",
            "BatchNumbers": "N",
            "RevenueAccountDomestic": books.fk_code("accounts", revenue[0]),
            "RevenueAccountEU": books.fk_code("accounts", revenue[1]),
            "RevenueAccountOutsideEU": books.fk_code("accounts", revenue[2]),
            "StocksAccount": (
                books.fk_code("accounts", STOCK_ACCOUNTS[item_type]) if stocked else None
            ),
            "ReliefByCompositeFromWarehouse": "N",
            "ReliefByCompositeFromIssuedInvoice": "N",
            "Composite": [],
            "PackagingDepositReturnQuantity": None,
            "RecordDtModified": books.saved_before_window(),
            "RowVersion": None,
        },
    )
    cost = money(price * books.rng.uniform(0.55, 0.8))
    return Product(record, stocked, cost, vat_rate, revenue, mass)


def _ean(books: Books) -> str:
    body = f"383{books.rng.randrange(10**9):09d}"  # 383: GS1 Slovenia
    return body + str(ean13_check(body))


def draw_quantity(books: Books, unit: str) -> float:
    """How much of an item a document row carries, in a way that fits its unit."""
    if unit in ("kos", "par"):
        return float(books.rng.randint(1, 20))
    if unit == "ura":
        return books.rng.randint(1, 32) / 2
    if unit in ("kg", "l"):
        return round(books.rng.uniform(0.5, 50), 2)
    if unit == "km":
        return float(books.rng.randint(10, 600))
    if unit in ("dan", "mes"):
        return float(books.rng.randint(1, 4))
    return float(books.rng.randint(1, 120))  # m, m2
