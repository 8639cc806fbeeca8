"""A web shop's night of orders into Minimax in a few tasks: customers, items, invoices, PDFs.

    tonights_orders  the shop's file of the night, <orders_dir>/<day>.jsonl (an order a line)
    -> prepare       customers.jsonl and items.jsonl in <orders_dir>/<day>/, each once; the
                     country, currency and VAT rates looked up by code (IDs differ per
                     organisation)
    -> sync_customers  upsert by Code (one MinimaxSyncOperator for all of them)
    -> sync_items      upsert by Code
    -> invoices      invoices.jsonl: an invoice per order, its customer and items linked by the
                     IDs the syncs returned
    -> sync_invoices   created by DocumentReference (the order number), never twice
    -> issue_and_pdf   each new invoice issued, its PDF kept in pdf_dir (one task per invoice)

Beside each file the sync leaves `<name>.results.jsonl` (a line per record: its outcome, ID,
Location, RowVersion, or Minimax's words of refusal) and `<name>.failed.jsonl` (the records that
failed, as they were: sync that file to try them again). A record Minimax refuses fails its sync
after both files are written (max_failures=0), so nothing fails unseen.

Run it again for the same night and nothing changes in Minimax: every customer, item and invoice
is found by its key and reported unchanged, and an invoice whose PDF is kept is not touched (one
whose PDF went missing gets it made again; it is issued once).

An order of the file:

    {"order_id": "WS-2025-2001", "currency": "EUR",
     "customer": {"Code": "WEB-C-2001", "Name": "…", "City": "…", "country": "SI"},
     "lines": [{"code": "WEB-KAVA-1KG", "name": "…", "unit": "kos", "quantity": 3,
                "price": 18.5, "vat": "N"}]}

With the `demo` param on (the default), a night without a file gets the three orders below
written for it, so that the DAG runs as it is against the local sandbox:

    python -m airflow_provider_minimax.sandbox   # prints AIRFLOW_CONN_MINIMAX_DEFAULT
    airflow dags test minimax_webshop_sync

In Croatia invoices must name an issuing employee: add `"Employee": {"ID": …}` to each invoice
as minimax_webshop_invoice.py does.
"""

from __future__ import annotations

import datetime
import json
from typing import Any

from airflow.providers.common.compat.sdk import Param, dag, task

from airflow_provider_minimax.operators.action import MinimaxActionOperator
from airflow_provider_minimax.operators.sync import MinimaxSyncOperator

PAYMENT_DAYS = 15
KAVA = {"code": "WEB-KAVA-1KG", "name": "Kava v zrnu, 1 kg", "unit": "kos", "vat": "N"}
SKODELICA = {"code": "WEB-SKODELICA", "name": "Skodelica za espresso", "unit": "kos", "vat": "S"}
KAVARNA = {
    "Code": "WEB-C-2001",
    "Name": "Kavarna Pri Mostu d.o.o.",
    "Address": "Trubarjeva cesta 12",
    "PostalCode": "1000",
    "City": "Ljubljana",
    "country": "SI",
}
DEMO_ORDERS: list[dict[str, Any]] = [
    {
        "order_id": "WS-2025-2001",
        "currency": "EUR",
        "customer": KAVARNA,
        "lines": [KAVA | {"quantity": 3, "price": 18.5}, SKODELICA | {"quantity": 6, "price": 7.9}],
    },
    {
        "order_id": "WS-2025-2002",
        "currency": "EUR",
        "customer": {
            "Code": "WEB-C-2002",
            "Name": "Pekarna Kruh d.o.o.",
            "Address": "Glavni trg 3",
            "PostalCode": "2250",
            "City": "Ptuj",
            "country": "SI",
        },
        "lines": [KAVA | {"quantity": 1, "price": 18.5}],
    },
    {  # the café orders again the same night: one customer, two invoices
        "order_id": "WS-2025-2003",
        "currency": "EUR",
        "customer": KAVARNA,
        "lines": [SKODELICA | {"quantity": 12, "price": 7.9}],
    },
]


@dag(
    dag_id="minimax_webshop_sync",
    schedule="0 2 * * *",  # the shop writes the night's file before two
    start_date=datetime.datetime(2025, 1, 1, tzinfo=datetime.timezone.utc),
    catchup=False,
    tags=["minimax", "example"],
    doc_md=__doc__,
    params={
        "orders_dir": Param(
            "/tmp/minimax-webshop/orders",
            type="string",
            description="Where the shop writes a night's orders (a path or ObjectStoragePath URL).",
        ),
        "day": Param("", type="string", description="The night (YYYY-MM-DD); empty: the run's."),
        "pdf_dir": Param("/tmp/minimax-webshop/pdf", type="string", description="PDFs go here."),
        "demo": Param(True, type="boolean", description="Write the demo orders if none came."),
    },
)
def minimax_webshop_sync() -> None:
    @task
    def tonights_orders(params: dict[str, Any] | None = None, ds: str | None = None) -> str:
        """The night's file of orders (the demo's orders written if none came and demo is on)."""
        from airflow.providers.common.compat.sdk import ObjectStoragePath

        params = params or {}
        day = params.get("day") or ds or datetime.date.today().isoformat()
        folder = str(params["orders_dir"]).rstrip("/")
        path = ObjectStoragePath(folder if "://" in folder else f"file://{folder}") / f"{day}.jsonl"
        if not path.exists():
            if not params.get("demo"):
                raise FileNotFoundError(f"No orders for {day} yet: {path}")
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text("".join(json.dumps(o, ensure_ascii=False) + "\n" for o in DEMO_ORDERS))
        return str(path)

    @task
    def prepare(orders_file: str) -> dict[str, Any]:
        """The night's customers and items, each once, as files for the syncs to read."""
        from airflow.providers.common.compat.sdk import ObjectStoragePath

        from airflow_provider_minimax.hooks.minimax import MinimaxHook

        orders = [
            json.loads(line)
            for line in ObjectStoragePath(orders_file).read_text().splitlines()
            if line.strip()
        ]
        hook = MinimaxHook()
        ids: dict[tuple[str, str], int] = {}

        def by_code(resource: str, code: str, id_field: str) -> int:
            # Looked up once a night per code: IDs differ between organisations.
            if (resource, code) not in ids:
                ids[resource, code] = hook.get_by_code(resource, code)[id_field]
            return ids[resource, code]

        customers: dict[str, dict[str, Any]] = {}
        items: dict[str, dict[str, Any]] = {}
        for order in orders:
            buyer = order["customer"]
            customers.setdefault(
                buyer["Code"],
                {k: v for k, v in buyer.items() if k != "country"}
                | {"Country": {"ID": by_code("countries", buyer["country"], "CountryId")}},
            )
            currency = by_code("currencies", order["currency"], "CurrencyId")
            for line in order["lines"]:
                items.setdefault(
                    line["code"],
                    {
                        "Code": line["code"],
                        "Name": line["name"],
                        "UnitOfMeasurement": line["unit"],
                        "Price": line["price"],
                        "ItemType": "B",
                        "VatRate": {"ID": by_code("vatrates", line["vat"], "VatRateId")},
                        "Currency": {"ID": currency},
                    },
                )
        folder = ObjectStoragePath(orders_file).parent / orders_file.rsplit("/", 1)[
            -1
        ].removesuffix(".jsonl")
        folder.mkdir(parents=True, exist_ok=True)
        for name, records in (("customers", customers), ("items", items)):
            text = "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records.values())
            (folder / f"{name}.jsonl").write_text(text)
        return {
            "folder": str(folder),
            "orders": orders,
            "vat_rates": {code: i for (kind, code), i in ids.items() if kind == "vatrates"},
            "currencies": {code: i for (kind, code), i in ids.items() if kind == "currencies"},
            "day": orders_file.rsplit("/", 1)[-1].removesuffix(".jsonl"),
        }

    prepared = prepare(tonights_orders())
    folder = "{{ ti.xcom_pull(task_ids='prepare')['folder'] }}"

    sync_customers = MinimaxSyncOperator(
        task_id="sync_customers",
        resource="customers",
        source=f"{folder}/customers.jsonl",
        key="Code",
    )
    sync_items = MinimaxSyncOperator(
        task_id="sync_items", resource="items", source=f"{folder}/items.jsonl", key="Code"
    )

    @task
    def invoices(prepared: dict[str, Any], customers: dict[str, Any], items: dict[str, Any]) -> str:
        """An invoice per order, linked to its customer and items by the IDs the syncs found."""
        from airflow.providers.common.compat.sdk import ObjectStoragePath

        day = datetime.date.fromisoformat(prepared["day"])
        lines = []
        for order in prepared["orders"]:
            rows = [
                {
                    "Item": {"ID": items["ids"][line["code"]]},
                    "ItemName": line["name"],
                    "Quantity": line["quantity"],
                    "Price": line["price"],
                    "UnitOfMeasurement": line["unit"],
                    "VatRate": {"ID": prepared["vat_rates"][line["vat"]]},
                }
                for line in order["lines"]
            ]
            invoice = {
                "Customer": {"ID": customers["ids"][order["customer"]["Code"]]},
                "DateIssued": day.isoformat(),
                "DateTransaction": day.isoformat(),
                "DateDue": (day + datetime.timedelta(days=PAYMENT_DAYS)).isoformat(),
                "Currency": {"ID": prepared["currencies"][order["currency"]]},
                "DocumentReference": order["order_id"],
                "InvoiceType": "R",
                "IssuedInvoiceRows": rows,
            }
            lines.append(json.dumps(invoice, ensure_ascii=False) + "\n")
        path = ObjectStoragePath(prepared["folder"]) / "invoices.jsonl"
        path.write_text("".join(lines))
        return str(path)

    invoice_file = invoices(prepared, sync_customers.output, sync_items.output)
    sync_invoices = MinimaxSyncOperator(
        task_id="sync_invoices",
        resource="issuedinvoices",
        source=invoice_file,
        key="DocumentReference",
        mode="create",  # an invoice once made is issued, not updated
    )

    @task
    def to_issue(synced: dict[str, Any], params: dict[str, Any] | None = None) -> list[dict]:
        """One issue-and-PDF task per invoice of the night whose PDF is not kept yet (a rerun
        has none: the night's invoices were issued and their PDFs kept the first time)."""
        from airflow.providers.common.compat.sdk import ObjectStoragePath

        folder = str((params or {})["pdf_dir"]).rstrip("/")
        pdf_dir = ObjectStoragePath(folder if "://" in folder else f"file://{folder}")
        return [
            {"id": invoice_id, "attachment_path": str(pdf_dir / f"{order_id}.pdf")}
            for order_id, invoice_id in sorted(synced["ids"].items())
            if not (pdf_dir / f"{order_id}.pdf").exists()
        ]

    MinimaxActionOperator.partial(
        task_id="issue_and_pdf", resource="issuedinvoices", action="issueAndGeneratepdf"
    ).expand_kwargs(to_issue(sync_invoices.output))

    prepared >> [sync_customers, sync_items]


minimax_webshop_sync()
