"""The web shop's nightly sync DAG (example_dags/minimax_webshop_sync.py) with dag.test(): a
night's orders become customers, items and issued invoices with their PDFs; a rerun changes
nothing in Minimax."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from airflow_provider_minimax.sandbox import Sandbox
from tests.dagtools import parse_dags, run_dag, use_bundles, xcoms
from tests.sync.helpers import ORG

EXAMPLE_DAGS = Path(__file__).resolve().parents[2] / "example_dags"
DAG_FILE = EXAMPLE_DAGS / "minimax_webshop_sync.py"
ORDERS = ("WS-2025-2001", "WS-2025-2002", "WS-2025-2003")


@pytest.fixture
def webshop_dag(airflow_db: str, monkeypatch: pytest.MonkeyPatch) -> Any:
    use_bundles(monkeypatch, **{"minimax-example-dags": EXAMPLE_DAGS})
    return parse_dags(DAG_FILE)["minimax_webshop_sync"]


def versions(sandbox: Sandbox) -> dict[str, str]:
    """The RowVersion of each record the night wrote: any write changes it."""
    found = {}
    for kind, field, values in (
        ("customers", "Code", ("WEB-C-2001", "WEB-C-2002")),
        ("items", "Code", ("WEB-KAVA-1KG", "WEB-SKODELICA")),
        ("issuedinvoices", "DocumentReference", ORDERS),
    ):
        for value in values:
            [record] = sandbox.records(ORG, kind, **{field: value})
            found[value] = record["RowVersion"]
    return found


@pytest.mark.switch("search_scope")
def test_a_night_of_orders_is_synced_issued_and_a_rerun_changes_nothing(
    webshop_dag: Any, minimax_connection: str, minimax_sandbox: Sandbox, tmp_path: Path
) -> None:
    """Under either SearchString scope: the syncs never search."""
    conf = {
        "orders_dir": str(tmp_path / "orders"),
        "pdf_dir": str(tmp_path / "pdf"),
        "day": "2025-11-20",
    }
    first = run_dag(webshop_dag, run_conf=conf)
    assert first.state == "success"
    values = xcoms(first)
    assert values["sync_customers"]["outcomes"] == {"created": 2}
    assert values["sync_items"]["outcomes"] == {"created": 2}
    assert values["sync_invoices"]["outcomes"] == {"created": 3}
    for order in ORDERS:
        [invoice] = minimax_sandbox.records(ORG, "issuedinvoices", DocumentReference=order)
        assert invoice["Status"] == "I"
        assert invoice["DateIssued"].startswith("2025-11-20")
        assert (tmp_path / "pdf" / f"{order}.pdf").read_bytes().startswith(b"%PDF-1.")
    [cafe] = minimax_sandbox.records(ORG, "customers", Code="WEB-C-2001")
    cafes = minimax_sandbox.records(ORG, "issuedinvoices", DocumentReference="WS-2025-2003")
    assert cafes[0]["Customer"]["ID"] == cafe["CustomerId"]
    night = tmp_path / "orders" / "2025-11-20"
    results = [
        json.loads(line)
        for line in (night / "invoices.results.jsonl").read_text("utf-8").splitlines()
    ]
    assert [r["key"]["DocumentReference"] for r in results] == list(ORDERS)
    assert (night / "invoices.failed.jsonl").read_bytes() == b""

    kept = versions(minimax_sandbox)
    second = run_dag(webshop_dag, run_conf=conf)
    assert second.state == "success"
    again = xcoms(second)
    assert again["sync_customers"]["outcomes"] == {"unchanged": 2}
    assert again["sync_items"]["outcomes"] == {"unchanged": 2}
    assert again["sync_invoices"]["outcomes"] == {"unchanged": 3}
    assert again["sync_invoices"]["ids"] == values["sync_invoices"]["ids"]
    assert versions(minimax_sandbox) == kept
