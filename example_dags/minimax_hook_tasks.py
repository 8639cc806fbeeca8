"""Minimax from plain TaskFlow tasks, through `MinimaxHook`.

What it shows, one task each:

1. `organisations` - which organisations the connection's login reaches (a count and the IDs).
2. `ensure_customer` - `create("customers", ..., match_on="Code")`: the customer is created once;
   a rerun (or a retried task) finds it by its code and creates nothing twice.
3. `move_customer` - `update(...)` changes one field; the hook reads the record, sends it back
   with its RowVersion, and re-applies the change if somebody else wrote in between.
4. `vat_rate` - `get_by_code("vatrates", "S")`: a record looked up by its code.
5. `invoice_customer` - a draft issued invoice for that customer, then
   `action("issuedinvoices", id, "issue")` (the hook supplies the RowVersion).

Every task returns small values (IDs, counts, a number) to XCom, never a whole payload. The
connection is `minimax_default` (type `minimax`): base URL, API username and password, and the
extra `client_id`, `client_secret` and (if the login reaches several) `organisation_id`.
Importing this file makes no HTTP call: the hook is built inside each task.

Try it against the local sandbox:

    python -m airflow_provider_minimax.sandbox   # prints the AIRFLOW_CONN_MINIMAX_DEFAULT value
    airflow dags test minimax_hook_tasks
"""

from __future__ import annotations

import datetime
from typing import Any

try:
    from airflow.providers.common.compat.sdk import dag, task
except ImportError:  # an older common-compat provider
    from airflow.sdk import dag, task

CONN_ID = "minimax_default"

CUSTOMER = {
    "Code": "WEB-SHOP-0001",
    "Name": "Spletna Trgovina d.o.o.",
    "Address": "Celovška cesta 10",
    "PostalCode": "1000",
    "City": "Ljubljana",
    "TaxNumber": "10000010",
}
NEW_CITY = "Koper"
VAT_CODE = "S"
ITEM_CODE = "S0001"  # an item of the organisation's catalogue (the sandbox has this one)


def _hook() -> Any:
    # Imported here, not at the top: parsing the DAG file must stay cheap.
    from airflow_provider_minimax.hooks.minimax import MinimaxHook

    return MinimaxHook(minimax_conn_id=CONN_ID)


@dag(
    dag_id="minimax_hook_tasks",
    schedule=None,
    start_date=datetime.datetime(2025, 1, 1, tzinfo=datetime.timezone.utc),
    catchup=False,
    tags=["minimax", "example"],
    doc_md=__doc__,
)
def minimax_hook_tasks() -> None:
    @task
    def organisations() -> dict[str, Any]:
        """The organisations the login reaches: their count and IDs."""
        reached = _hook().organisations()
        return {"count": len(reached), "ids": [org["ID"] for org in reached]}

    @task
    def ensure_customer() -> int:
        """The web shop's customer, created once (matched on its Code after that)."""
        customer = _hook().create("customers", CUSTOMER, match_on="Code")
        return int(customer["CustomerId"])

    @task
    def move_customer(customer_id: int) -> str:
        """Change the customer's city; the hook handles the RowVersion."""
        updated = _hook().update("customers", customer_id, {"City": NEW_CITY})
        return str(updated["City"])

    @task
    def vat_rate() -> dict[str, Any]:
        """The standard VAT rate, looked up by its code."""
        rate = _hook().get_by_code("vatrates", VAT_CODE)
        return {"id": int(rate["VatRateId"]), "percent": float(rate["Percent"])}

    @task
    def invoice_customer(customer_id: int, rate: dict[str, Any]) -> dict[str, Any]:
        """A draft invoice with one row, then issued; returns its ID and number."""
        hook = _hook()
        item = hook.get_by_code("items", ITEM_CODE)
        today = datetime.date.today()
        draft = hook.create(
            "issuedinvoices",
            {
                "Customer": {"ID": customer_id},
                "DateIssued": today.isoformat(),
                "DateTransaction": today.isoformat(),
                "DateDue": (today + datetime.timedelta(days=15)).isoformat(),
                "IssuedInvoiceRows": [
                    {
                        "Item": {"ID": item["ItemId"]},
                        "Quantity": 2,
                        "Price": 49.99,
                        "VatRate": {"ID": rate["id"]},
                    }
                ],
            },
        )
        invoice_id = int(draft["IssuedInvoiceId"])
        issued = hook.action("issuedinvoices", invoice_id, "issue")
        return {
            "invoice_id": invoice_id,
            "invoice_number": issued.get("InvoiceNumber"),
            "status": issued.get("Status"),
        }

    customer_id = ensure_customer()
    organisations() >> customer_id
    move_customer(customer_id)
    invoice_customer(customer_id, vat_rate())


minimax_hook_tasks()
