"""The row shapes shipped for the CSV and Parquet writers are the vendor's models, current."""

from __future__ import annotations

import importlib.util
import json
from pathlib import Path

from airflow_provider_minimax.client import RESOURCES
from airflow_provider_minimax.exports.shapes import project, shape_for

ROOT = Path(__file__).resolve().parents[2]


def test_shapes_json_is_generated_from_the_vendor_digest() -> None:
    """scripts/client_models.py run now gives exactly the client's shipped models.json."""
    spec = importlib.util.spec_from_file_location(
        "client_models", ROOT / "scripts/client_models.py"
    )
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    shipped = json.loads((ROOT / "airflow_provider_minimax/client/models.json").read_text())
    assert shipped == module.build()


def test_every_listable_resource_of_the_catalogue_has_a_shape() -> None:
    missing = [r.name for r in RESOURCES if shape_for(r.name, full_records=False) is None]
    assert missing == []


def test_shapes_know_references_amounts_and_document_rows() -> None:
    invoice = shape_for("issuedinvoices", full_records=True)
    assert invoice is not None
    assert invoice["Customer"] == "ref"
    assert invoice["InvoiceValue"] == "number"
    assert invoice["IssuedInvoiceRows"]["rows"]["Price"] == "number"
    assert list(project(invoice, ["InvoiceValue", "Customer"])) == ["InvoiceValue", "Customer"]
