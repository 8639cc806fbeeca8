"""Orders: received from customers and issued to suppliers, each at some step of its life."""

from __future__ import annotations

import datetime

from . import items
from .context import Books, Record, Ref
from .dates import datetime_text


def add_order(books: Books, day: datetime.date) -> None:
    # P: an order received from a customer; I: one we issued to a supplier.
    received = books.maybe(0.7)
    if received:
        party = books.pick(books.buyers, books.buyer_weights)
    else:
        party = books.pick(books.suppliers, books.supplier_weights)
    order_id = books.new_id()
    # O draft, P confirmed, Z completed, R invalidated; each later step has its date.
    status = books.pick(("O",) * 2 + ("P",) * 7 + ("Z",) * 10 + ("R",))
    confirmed = books.later(day, 2) if status in ("P", "Z") else None
    completed = books.later(confirmed, 10) if status == "Z" and confirmed else None
    canceled = books.later(day, 5) if status == "R" else None
    stamp = books.saved_on(completed or canceled or confirmed or day)
    kind = "P" if received else "I"
    rows = _order_rows(books, books.ref("orders", order_id, None), received, stamp)
    buyer = books.address_fields("Customer", party)
    books.add(
        "orders",
        {
            "OrderId": order_id,
            "ReceivedIssued": kind,
            "Year": day.year,
            "Number": books.next_number("order" + kind, day, books.volume.orders_per_day),
            "Date": datetime_text(day),
            "Customer": books.fk("customers", party.record),
            "CustomerName": buyer["CustomerName"],
            "CustomerAddress": buyer["CustomerAddress"],
            "CustomerPostalCode": buyer["CustomerPostalCode"],
            "CustomerCity": buyer["CustomerCity"],
            "CustomerCountry": buyer["CustomerCountry"],
            "CustomerCountryName": buyer["CustomerCountryName"],
            **books.address_fields("Recipient", party),
            "Analytic": None,
            "DueDate": datetime_text(day + datetime.timedelta(days=books.rng.randint(3, 30))),
            "Reference": f"NAR-{books.rng.randint(1000, 99999)}" if received else None,
            "Currency": books.currency(),
            "Notes": None,
            "DateConfirmed": datetime_text(confirmed) if confirmed else None,
            "DateCompleted": datetime_text(completed) if completed else None,
            "DateCanceled": datetime_text(canceled) if canceled else None,
            "Status": status,
            "DescriptionAbove": None,
            "DescriptionBelow": None,
            "ReportTemplate": books.template("NA"),
            "OrderRows": rows,
            "RecordDtModified": stamp,
            "RowVersion": None,
        },
    )


def _order_rows(books: Books, parent: Ref, received: bool, stamp: str) -> list[Record]:
    # We order only goods from suppliers; customers may order anything we sell.
    pool = books.products if received else books.stocked
    rows = []
    for _ in range(books.pick((1, 1, 2, 2, 3, 4))):
        product = books.pick(pool)
        item = product.record
        rows.append(
            {
                "OrderRowId": books.new_id(),
                "Order": parent,
                "Item": books.fk("items", item),
                "Warehouse": books.main_warehouse() if product.stocked else None,
                "ItemName": item["Name"],
                "ItemCode": item["Code"],
                "Description": None,
                "Quantity": items.draw_quantity(books, item["UnitOfMeasurement"]),
                "DiscountPercent": 0.0,
                "Price": item["Price"] if received else product.cost,
                "UnitOfMeasurement": item["UnitOfMeasurement"],
                "RecordDtModified": stamp,
                "RowVersion": None,
            }
        )
    return rows
