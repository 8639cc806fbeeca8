"""The web shop example under each position of the sandbox's SearchString scope.

Its customer and items are matched on Code, its invoice on DocumentReference (with DateIssued in
the payload): under `search_scope=narrow` SearchString matches Code and Name only, and a rerun
must still make no second customer, item or invoice (match_on never rests on the search).
"""

from __future__ import annotations

from pathlib import Path

import pytest

from airflow_provider_minimax.sandbox import Sandbox
from tests.dagtools import run_dag, use_bundles, xcoms
from tests.hooks.test_example_dags import EXAMPLE_DAGS, dag_bag

WEBSHOP_DAG = EXAMPLE_DAGS / "minimax_webshop_invoice.py"
ORG = 123


@pytest.fixture
def example_bundle(airflow_db: str, monkeypatch: pytest.MonkeyPatch) -> None:
    use_bundles(monkeypatch, **{"minimax-example-dags": EXAMPLE_DAGS})


@pytest.mark.switch("search_scope")
def test_webshop_dag_run_twice_makes_each_record_once(
    example_bundle: None, minimax_connection: str, minimax_sandbox: Sandbox, tmp_path: Path
) -> None:
    dag = dag_bag(WEBSHOP_DAG)["minimax_webshop_invoice"]
    conf = {"pdf_dir": str(tmp_path / "pdf")}
    before = {kind: minimax_sandbox.count(ORG, kind) for kind in ("customers", "items")}
    first = run_dag(dag, run_conf=conf)
    invoice_id = xcoms(first)["create_invoice"]["id"]
    second = run_dag(dag, run_conf=conf)
    assert first.state == second.state == "success"
    assert minimax_sandbox.count(ORG, "customers", Code="WEB-C-1001") == 1
    assert minimax_sandbox.count(ORG, "items", Code="WEB-KAVA-1KG") == 1
    assert minimax_sandbox.count(ORG, "items", Code="WEB-SKODELICA") == 1
    assert minimax_sandbox.count(ORG, "issuedinvoices", DocumentReference="WS-2025-1001") == 1
    assert minimax_sandbox.count(ORG, "customers") == before["customers"] + 1
    assert minimax_sandbox.count(ORG, "items") == before["items"] + 2
    assert xcoms(second)["create_invoice"]["id"] == invoice_id
