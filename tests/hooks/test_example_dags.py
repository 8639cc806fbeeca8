"""The example DAGs run end to end with `dag.test()` against the sandbox.

DAG files listed in `NEEDS_SETUP` need more than the `minimax_default` connection (files,
buckets, other connections) and are left to their own tests; every other file in example_dags/
is run here, so a new self-contained example is covered as soon as it is added.
"""

from __future__ import annotations

import importlib.util
import json
import sys
from decimal import Decimal
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

from airflow_provider_minimax.sandbox import Sandbox
from tests.dagtools import parse_dags, run_dag, use_bundles, xcoms

EXAMPLE_DAGS = Path(__file__).resolve().parents[2] / "example_dags"
HOOK_DAG = EXAMPLE_DAGS / "minimax_hook_tasks.py"
# File names of examples that need setup beyond the sandbox connection (tested elsewhere).
NEEDS_SETUP: set[str] = {
    "minimax_daily_export.py",  # needs a logical date with data
    "minimax_ledger_to_postgres.py",  # and a database (tests/docs/test_warehouse_page.py)
}
SELF_CONTAINED = sorted(
    path
    for path in EXAMPLE_DAGS.glob("*.py")
    if not path.name.startswith("_") and path.name not in NEEDS_SETUP
)


def load_module(path: Path) -> ModuleType:
    """Import a DAG file by path under a private module name."""
    name = f"example_dag_{path.stem}"
    spec = importlib.util.spec_from_file_location(name, path)
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    spec.loader.exec_module(module)
    return module


def dag_bag(path: Path) -> dict[str, Any]:
    """The DAGs of one file; fails on an import error or a file with no DAG."""
    dags = parse_dags(path)
    assert dags, f"{path.name} defines no DAG"
    return dags


@pytest.fixture
def example_bundle(airflow_db: str, monkeypatch: pytest.MonkeyPatch) -> None:
    """example_dags/ as a DAG bundle (Airflow 3's `dag.test()` runs only DAGs of a bundle)."""
    use_bundles(monkeypatch, **{"minimax-example-dags": EXAMPLE_DAGS})


@pytest.fixture(params=["SI", "HR", "RS"])
def country_sandbox(
    request: pytest.FixtureRequest,
    minimax_sandbox_server: Sandbox,
    country_sandboxes: dict[str, Sandbox],
    monkeypatch: pytest.MonkeyPatch,
) -> Sandbox:
    """Each country's sandbox as new, `minimax_default` pointing at it."""
    sandbox = minimax_sandbox_server if request.param == "SI" else country_sandboxes[request.param]
    sandbox.reset_if_used()
    monkeypatch.setenv("AIRFLOW_CONN_MINIMAX_DEFAULT", sandbox.airflow_connection)
    return sandbox


def customers_with_code(sandbox: Sandbox, code: str, organisation_id: int = 123) -> list[Any]:
    return sandbox.records(organisation_id, "customers", Code=code)


def test_the_hook_dag_is_among_the_self_contained_examples() -> None:
    """The glob finds the hook DAG, so the parametrised run below covers it."""
    assert HOOK_DAG in SELF_CONTAINED


@pytest.mark.parametrize("path", SELF_CONTAINED, ids=lambda path: path.stem)
def test_example_dag_runs_against_the_sandbox(
    path: Path, example_bundle: None, minimax_connection: str, minimax_sandbox: Sandbox
) -> None:
    """Every self-contained example DAG file parses and each of its DAGs runs to success."""
    for dag in dag_bag(path).values():
        dag_run = run_dag(dag)
        assert dag_run.state == "success", f"{dag.dag_id}: {dag_run.state}"


def test_hook_dag_creates_updates_and_issues_once(
    example_bundle: None, minimax_connection: str, minimax_sandbox: Sandbox
) -> None:
    """The hook DAG's records land in the sandbox; a second run creates no second customer."""
    dag = dag_bag(HOOK_DAG)["minimax_hook_tasks"]
    assert set(dag.tags) == {"minimax", "example"}

    first = run_dag(dag)
    assert first.state == "success"
    values = xcoms(first)
    assert values["organisations"] == {"count": 2, "ids": [123, 124]}
    customer_id = values["ensure_customer"]
    [customer] = customers_with_code(minimax_sandbox, "WEB-SHOP-0001")
    assert customer["CustomerId"] == customer_id
    assert customer["City"] == "Koper" == values["move_customer"]
    assert values["vat_rate"]["percent"] == 22.0
    invoice = values["invoice_customer"]
    stored = minimax_sandbox.record(123, "issuedinvoices", invoice["invoice_id"])
    assert stored["Status"] == "I" == invoice["status"]
    assert stored["Customer"]["ID"] == customer_id
    assert stored["InvoiceNumber"] == invoice["invoice_number"]
    # XCom holds small values only, and no secret of the connection.
    creds = minimax_sandbox.settings.credentials
    text = json.dumps(values)
    assert creds.password not in text and creds.client_secret not in text
    assert all(token not in text for token in minimax_sandbox.issued_tokens())

    second = run_dag(dag)
    assert second.state == "success"
    assert second.run_id != first.run_id
    again = xcoms(second)
    assert again["ensure_customer"] == customer_id
    assert len(customers_with_code(minimax_sandbox, "WEB-SHOP-0001")) == 1
    assert again["invoice_customer"]["invoice_id"] != invoice["invoice_id"]  # a new invoice


def test_importing_the_hook_dag_makes_no_http_call(
    minimax_connection: str, minimax_sandbox: Sandbox
) -> None:
    """Parsing the DAG file is cheap: no token request, no API call."""
    load_module(HOOK_DAG)
    stats = minimax_sandbox.stats()
    assert stats["token_requests"] == 0
    assert not stats["by_route"]


WEBSHOP_DAG = EXAMPLE_DAGS / "minimax_webshop_invoice.py"
UPDATE_DAG = EXAMPLE_DAGS / "minimax_update_customer.py"


def records_where(sandbox: Sandbox, kind: str, field: str, value: Any) -> list[Any]:
    return sandbox.records(123, kind, **{field: value})


# The order's VAT codes N and S, in each country.
WEBSHOP_RATES = {"SI": (9.5, 22.0), "HR": (13.0, 25.0), "RS": (10.0, 20.0)}


def _cents(value: float) -> Decimal:
    # As the sandbox rounds (Python's round of the float): Croatia's 13 % of 55.50 is the tie
    # 7.215, which that gives as 7.21 where half-up would give 7.22.
    return Decimal(str(round(value, 2)))


def test_webshop_dag_invoices_once_keeps_the_pdf_and_waits_for_payment(
    example_bundle: None, country_sandbox: Sandbox, tmp_path: Path
) -> None:
    """Order -> customer, items, invoice (VAT and currency by code), PDF on disk, paid; a rerun
    of the same order doubles nothing and only makes the PDF again. In every country: the
    rates are the country's, and in Croatia the invoice names an employee."""
    minimax_sandbox = country_sandbox
    country = minimax_sandbox.settings.country
    dag = dag_bag(WEBSHOP_DAG)["minimax_webshop_invoice"]
    conf = {"pdf_dir": str(tmp_path / "pdf")}
    first = run_dag(dag, run_conf=conf)
    assert first.state == "success"
    values = xcoms(first)
    pdf = tmp_path / "pdf" / "WS-2025-1001.pdf"
    assert values["issue_and_pdf"]["path"].endswith("WS-2025-1001.pdf")
    content = pdf.read_bytes()
    assert content.startswith(b"%PDF-1.") and content.rstrip().endswith(b"%%EOF")
    assert values["issue_and_pdf"]["bytes"] == len(content)
    assert "AttachmentData" not in json.dumps(values)
    assert values["wait_until_paid"]["PaymentStatus"] == "Placan"

    [invoice] = records_where(
        minimax_sandbox, "issuedinvoices", "DocumentReference", "WS-2025-1001"
    )
    assert invoice["Status"] == "I"
    assert invoice["PaymentStatus"] == "Placan"
    reduced, standard = WEBSHOP_RATES[country]
    percents = sorted(row["VATPercent"] for row in invoice["IssuedInvoiceRows"])
    assert percents == [reduced, standard]  # rates resolved by code S and N, not hard-coded
    [euro] = minimax_sandbox.records(123, "currencies", Code="EUR")
    assert invoice["Currency"]["ID"] == euro["CurrencyId"]
    # 3 x 18.50 at the reduced rate and 6 x 7.90 at the standard one: VAT rounded per rate.
    vat = _cents(55.5 * reduced / 100) + _cents(47.4 * standard / 100)
    assert Decimal(str(invoice["InvoiceValue"])) == Decimal("102.90") + vat
    if country == "HR":  # no employee param: the first employee issues it
        assert invoice["Employee"]["ID"] == min(minimax_sandbox.ids(123, "employees"))
    else:
        assert invoice["Employee"] is None

    second = run_dag(dag, run_conf=conf)
    assert second.state == "success"
    assert len(records_where(minimax_sandbox, "customers", "Code", "WEB-C-1001")) == 1
    assert len(records_where(minimax_sandbox, "items", "Code", "WEB-KAVA-1KG")) == 1
    assert (
        len(records_where(minimax_sandbox, "issuedinvoices", "DocumentReference", "WS-2025-1001"))
        == 1
    )
    assert xcoms(second)["create_invoice"]["id"] == values["create_invoice"]["id"]


def test_webshop_dag_names_the_employee_of_the_param_and_refuses_an_unknown_one(
    example_bundle: None,
    country_sandboxes: dict[str, Sandbox],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """`employee` (a tax number) picks the issuing employee; one no employee has fails the run
    before the customer is written."""
    sandbox = country_sandboxes["HR"]
    sandbox.reset_if_used()
    monkeypatch.setenv("AIRFLOW_CONN_MINIMAX_DEFAULT", sandbox.airflow_connection)
    dag = dag_bag(WEBSHOP_DAG)["minimax_webshop_invoice"]
    wrong = run_dag(dag, run_conf={"employee": "00000000000", "pdf_dir": str(tmp_path)})
    assert wrong.state == "failed"
    assert not records_where(sandbox, "customers", "Code", "WEB-C-1001")
    second = sandbox.records(123, "employees")[1]
    run_ = run_dag(dag, run_conf={"employee": second["TaxNumber"], "pdf_dir": str(tmp_path)})
    assert run_.state == "success"
    [invoice] = records_where(sandbox, "issuedinvoices", "DocumentReference", "WS-2025-1001")
    assert invoice["Employee"]["ID"] == second["EmployeeId"]


def test_webshop_dag_reads_the_order_from_a_json_file(
    example_bundle: None, minimax_connection: str, minimax_sandbox: Sandbox, tmp_path: Path
) -> None:
    """`order_file` names a JSON file that replaces the params' order."""
    module = load_module(WEBSHOP_DAG)
    order = json.loads(json.dumps(module.ORDER)) | {"order_id": "WS-FILE-7"}
    order_file = tmp_path / "order.json"
    order_file.write_text(json.dumps(order), "utf-8")
    dag = dag_bag(WEBSHOP_DAG)["minimax_webshop_invoice"]
    run_ = run_dag(dag, run_conf={"order_file": str(order_file), "pdf_dir": str(tmp_path)})
    assert run_.state == "success"
    assert (tmp_path / "WS-FILE-7.pdf").exists()
    assert records_where(minimax_sandbox, "issuedinvoices", "DocumentReference", "WS-FILE-7")


def test_update_dag_changes_the_fields_it_names_and_no_other(
    example_bundle: None, minimax_connection: str, minimax_sandbox: Sandbox
) -> None:
    """The update applies the run's changes with the RowVersion it read; the rest of the record
    is left as it was. (Another writer in between: tests/operators, on_conflict="retry".)"""
    dag = dag_bag(UPDATE_DAG)["minimax_update_customer"]
    [before] = records_where(minimax_sandbox, "customers", "Code", "00001")
    run_ = run_dag(dag, run_conf={"code": "00001", "changes": {"City": "Bled"}})
    assert run_.state == "success"
    [after] = records_where(minimax_sandbox, "customers", "Code", "00001")
    assert after["City"] == "Bled"
    unchanged = {
        k: v for k, v in before.items() if k not in ("City", "RowVersion", "RecordDtModified")
    }
    assert {k: after[k] for k in unchanged} == unchanged
    assert xcoms(run_)["update_customer"] == {
        "id": after["CustomerId"],
        "row_version": after["RowVersion"],
    }


DAILY_EXPORT_DAG = EXAMPLE_DAGS / "minimax_daily_export.py"


def test_daily_export_dag_writes_every_file_with_its_manifest(
    example_bundle: None,
    country_sandbox: Sandbox,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """One day, both organisations (mapped), six resources, JSONL and Parquet: 24 files whose
    manifests count what the sandbox holds for that local day, in every country."""
    import datetime as dt

    minimax_sandbox = country_sandbox

    import pendulum

    monkeypatch.setenv("MINIMAX_EXPORT_ROOT", str(tmp_path))
    dag = dag_bag(DAILY_EXPORT_DAG)["minimax_daily_export"]
    run_ = run_dag(dag, pendulum.datetime(2025, 11, 21, tz="Europe/Ljubljana"))
    assert run_.state == "success"
    manifests = [json.loads(p.read_text()) for p in tmp_path.rglob("*.manifest.json")]
    assert len(manifests) == 24
    assert {m["organisation_id"] for m in manifests} == {123, 124}
    day = dt.date(2025, 11, 20)  # a manual run at X covers the interval that ends at X
    for m in manifests:
        assert Path(m["path"].removeprefix("file://")).stat().st_size == m["bytes"]
        if m["mode"] == "window":
            assert m["window"] == {"first_day": str(day), "last_day": str(day)}
    invoices = [
        m for m in manifests if m["resource"] == "issuedinvoices" and m["organisation_id"] == 123
    ]
    expected = sum(
        r["DateIssued"].startswith(str(day)) for r in minimax_sandbox.records(123, "issuedinvoices")
    )
    assert [m["rows"] for m in invoices] == [expected, expected] and expected > 0


def test_make_demo_runs_from_the_repository(tmp_path: Path) -> None:
    """The README's first command: demo/run_demo.py, as `make demo` runs it."""
    import subprocess
    import sys

    done = subprocess.run(
        [sys.executable, str(EXAMPLE_DAGS.parent / "demo" / "run_demo.py"), "--out", str(tmp_path)],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    assert "24 files" in done.stdout
    assert len(list(tmp_path.rglob("*.manifest.json"))) == 24
