"""Stock entries: receipts from suppliers, issues to customers, transfers between warehouses."""

from __future__ import annotations

import datetime

from . import items
from .amounts import money, row_value
from .context import Books, Party, Record, Ref
from .dates import datetime_text


def add_stock_entry(books: Books, day: datetime.date) -> None:
    warehouses = books.out["warehouses"]
    # P receipt from a supplier, I issue to a customer, L transfer between warehouses.
    kind = books.pick(("P",) * 7 + ("I",) * 10 + (("L",) * 3 if len(warehouses) > 1 else ()))
    party: Party | None = None
    if kind == "P":
        party = books.pick(books.suppliers, books.supplier_weights)
    elif kind == "I":
        party = books.pick(books.buyers, books.buyer_weights)
    entry_id = books.new_id()
    source = warehouses[0] if kind in ("I", "L") else None
    target = {"P": warehouses[0], "L": warehouses[-1]}.get(kind)
    description = _stock_description(kind, party, source, target)
    stamp = books.saved_on(day)
    parent = books.ref("stockentry", entry_id, description)
    rows = _stock_rows(books, parent, source, target, stamp)
    goods_value = money(sum(row["Value"] for row in rows))
    # Only an issue travels with a delivery note, which names where the goods go.
    delivery = party if kind == "I" else None
    addressee = books.address_fields("Addressee", delivery)
    recipient = books.address_fields("Recipient", delivery)
    books.add(
        "stockentry",
        {
            "StockEntryId": entry_id,
            "StockEntryType": kind,
            "StockEntrySubtype": None,
            "ReceiptFromFarmer": "N",
            "Date": datetime_text(day),
            "Number": books.next_number("stock" + kind, day, books.volume.stock_entries_per_day),
            "Customer": books.fk("customers", party.record if party else None),
            "Analytic": None,
            "Rabate": 0.0,
            "Description": description,
            "ValueOfMaterialAndGoods": goods_value,
            "ValueOfRelatedCosts": 0.0 if kind == "P" else None,
            "PercentOfDirectCostsOfPurchase": 0.0 if kind == "P" else None,
            "ValueOfReceipt": goods_value if kind == "P" else None,
            "Currency": books.currency(),
            "ExchangeRate": 1.0,
            "OriginalDocumentType": None,
            "OriginalDocumentDate": None,
            "DeliveryNoteReportTemplate": books.template("DO") if delivery else None,
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
            "Status": books.pick(("P",) * 12 + ("O",)),
            "Account": None,
            "AssociationWithIssuedInvoice": "N",
            "StockEntryRows": rows,
            "RecordDtModified": stamp,
            "RowVersion": None,
        },
    )


def _stock_rows(
    books: Books, parent: Ref, source: Record | None, target: Record | None, stamp: str
) -> list[Record]:
    rows = []
    for number in range(1, books.pick((1, 1, 2, 2, 3, 4)) + 1):
        product = books.pick(books.stocked)
        item = product.record
        quantity = items.draw_quantity(books, item["UnitOfMeasurement"])
        rows.append(
            {
                "StockEntryRowId": books.new_id(),
                "StockEntry": parent,
                "RowNumber": number,
                "Item": books.fk("items", item),
                "ItemName": item["Name"],
                "WarehouseFrom": books.fk("warehouses", source),
                "WarehouseTo": books.fk("warehouses", target),
                "Quantity": quantity,
                "Price": product.cost,
                "DiscountPercent": 0.0,
                "LinkedStockEntryRow": None,
                "MarginPercent": money((item["Price"] / product.cost - 1) * 100),
                "SellingPrice": item["Price"],
                "SellingPriceIncludesVAT": "N",
                "Value": row_value(quantity, product.cost, 0.0),
                "SerialNumber": None,
                "BatchNumber": None,
                "Mass": product.mass_of(quantity),
                "RecordDtModified": stamp,
                "RowVersion": None,
            }
        )
    return rows


def _stock_description(
    kind: str, party: Party | None, source: Record | None, target: Record | None
) -> str:
    if party is not None:
        verb = "Prevzem" if kind == "P" else "Izdaja"
        return f"{verb} blaga - {party.record['Name']}"
    # Anything else is a transfer, which has both warehouses.
    assert source is not None
    assert target is not None
    return f"Prenos iz: {source['Name']} v: {target['Name']}"
