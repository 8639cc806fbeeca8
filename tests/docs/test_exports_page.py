"""The snippets of exports.md: a nightly export, the day rule, the change feed, detail."""

from __future__ import annotations

import csv
import datetime
import json
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pendulum
import pytest

from airflow_provider_minimax.client.windows import modified_between
from airflow_provider_minimax.sandbox import Sandbox
from tests.dagtools import task_states, xcoms
from tests.docs.helpers import route_calls, sandbox_records
from tests.docs.snippets import snippet

NIGHT_OF_THE_20TH = pendulum.datetime(2025, 11, 21, tz="Europe/Ljubljana")
DAY = "2025-11-20"


def manifest_of(path: Path) -> dict[str, Any]:
    loaded: dict[str, Any] = json.loads(Path(f"{path}.manifest.json").read_text("utf-8"))
    return loaded


def ledger_rows(sandbox: Sandbox, organisation_id: int, day: str) -> int:
    """The general ledger's entries of a day: every entry of that day's journals."""
    return sum(
        len(journal["JournalEntries"])
        for journal in sandbox_records(sandbox, "journals", organisation_id)
        if journal["JournalDate"].startswith(day)
    )


def test_nightly_export_writes_each_organisation_s_day(
    run_dag: Any, minimax_sandbox: Sandbox, data_root: Path
) -> None:
    import pyarrow as pa
    import pyarrow.parquet as pq

    dag_run = run_dag("exports-nightly", logical_date=NIGHT_OF_THE_20TH)
    assert task_states(dag_run) == dict.fromkeys(
        ("general_ledger", "issued_invoices", "customers"), "success"
    )
    values = xcoms(dag_run)
    for organisation_id in (123, 124):
        folder = data_root / DAY / str(organisation_id)
        assert sorted(path.name for path in folder.iterdir()) == [
            "customers.jsonl",
            "customers.jsonl.manifest.json",
            "issued-invoices.csv",
            "issued-invoices.csv.manifest.json",
            "journal-entries.parquet",
            "journal-entries.parquet.manifest.json",
        ]
        ledger = pq.read_table(folder / "journal-entries.parquet")
        assert ledger.num_rows == ledger_rows(minimax_sandbox, organisation_id, DAY) > 0
        assert ledger.schema.field("Debit").type == pa.decimal128(38, 10)
        assert pa.types.is_struct(ledger.schema.field("Account").type)

        with (folder / "issued-invoices.csv").open(newline="", encoding="utf-8") as handle:
            invoices = list(csv.DictReader(handle))
        expected = [
            record["IssuedInvoiceId"]
            for record in sandbox_records(minimax_sandbox, "issuedinvoices", organisation_id)
            if record["DateIssued"].startswith(DAY)
        ]
        assert sorted(int(row["IssuedInvoiceId"]) for row in invoices) == sorted(expected)
        assert {"Customer_ID", "Customer_Name", "Customer_ResourceUrl"} <= set(invoices[0])

        customers = (folder / "customers.jsonl").read_text("utf-8").splitlines()
        stored = sandbox_records(minimax_sandbox, "customers", organisation_id)
        assert len(customers) == len(stored)

        manifest = manifest_of(folder / "issued-invoices.csv")
        assert manifest["window"] == {"first_day": DAY, "last_day": DAY}
        assert manifest["filters"] == {"DateIssuedFrom": DAY, "DateIssuedTo": DAY}
        # One list call; the first organisation's manifest also counts the lookup of "all".
        lookup = 1 if organisation_id == 123 else 0
        assert manifest["rows"] == len(expected) and manifest["api_calls"] == 1 + lookup
        assert manifest_of(folder / "customers.jsonl")["mode"] == "full"
    # The XCom of an export of several organisations: their manifests.
    assert [m["organisation_id"] for m in values["issued_invoices"]] == [123, 124]


def test_the_manifest_example_has_exactly_the_fields_of_a_real_one(
    run_dag: Any, data_root: Path
) -> None:
    example = json.loads(snippet("exports-manifest").code)
    dag_run = run_dag("index-first-dag", logical_date=NIGHT_OF_THE_20TH)
    real = xcoms(dag_run)["issued_invoices"]
    assert list(example) == list(real)
    assert example["provider_version"] == real["provider_version"]
    assert real["sandbox"] is True and example["sandbox"] is False


def test_the_day_rule_prints_what_the_page_says(run_python: Any) -> None:
    _, printed = run_python("exports-days")
    assert printed == snippet("exports-days-output").code


def change_window_is_wrong_for_airflow_datetimes() -> bool:
    """client/windows.py's modified_between() subtracts a second from a pendulum DateTime
    converted to a ZoneInfo zone, which pendulum 3 gets wrong (the result loses the zone and
    the offset): with Airflow's data interval the change feed's window ends an hour (two in
    summer) too early, and an hourly window is empty. Reported to the lead; once fixed, the
    test below runs as a plain test."""
    start = pendulum.datetime(2025, 11, 20, 13, tz="UTC")
    window = modified_between(start, start.add(hours=1), ZoneInfo("Europe/Ljubljana"))
    return window != ("2025-11-20T14:00:00", "2025-11-20T14:59:59")


@pytest.mark.xfail(
    change_window_is_wrong_for_airflow_datetimes(),
    reason="modified_between() with pendulum datetimes (client/windows.py)",
    strict=True,
)
def test_the_change_feed_exports_the_customer_changed_in_the_hour(
    run_dag: Any, minimax_sandbox: Sandbox, data_root: Path
) -> None:
    customer = next(
        c for c in sandbox_records(minimax_sandbox, "customers") if c["Code"] == "00002"
    )
    changed = minimax_sandbox.change(123, "customers", customer["CustomerId"], City="Piran")
    # The hourly run whose interval holds the change: it ends at the next full local hour.
    modified = datetime.datetime.fromisoformat(changed["RecordDtModified"])
    hour_end = pendulum.instance(modified, tz="Europe/Ljubljana").start_of("hour").add(hours=1)
    dag_run = run_dag("exports-changes", logical_date=hour_end)
    assert task_states(dag_run) == {"changed_customers": "success"}
    [written] = (data_root / "changes").glob("customers-*.jsonl")
    rows = [json.loads(line) for line in written.read_text("utf-8").splitlines()]
    assert [(row["CustomerId"], row["City"]) for row in rows] == [(customer["CustomerId"], "Piran")]
    assert rows[0]["RowVersion"] == changed["RowVersion"]  # the full record, read after the feed
    manifest = manifest_of(written)
    assert manifest["mode"] == "changes" and manifest["detail"] is True
    start = hour_end.subtract(hours=1).in_timezone("Europe/Ljubljana")
    assert manifest["modified"] == [
        start.strftime("%Y-%m-%dT%H:%M:%S"),
        start.add(minutes=59, seconds=59).strftime("%Y-%m-%dT%H:%M:%S"),
    ]


def test_detail_reads_every_invoice_and_respects_max_calls(
    run_dag: Any, minimax_sandbox: Sandbox, data_root: Path, use_connection: Any
) -> None:
    expected = sorted(
        record["IssuedInvoiceId"]
        for record in sandbox_records(minimax_sandbox, "issuedinvoices")
        if record["DateIssued"].startswith(DAY)
    )
    dag_run = run_dag("exports-detail", logical_date=NIGHT_OF_THE_20TH)
    assert task_states(dag_run) == {"issued_invoices_full": "success"}
    written = data_root / DAY / "issued-invoices-full.jsonl"
    rows = [json.loads(line) for line in written.read_text("utf-8").splitlines()]
    assert [row["IssuedInvoiceId"] for row in rows] == expected
    assert all(row["IssuedInvoiceRows"] for row in rows)  # full records, with their rows
    # One list page (the probe that prices the plan: no count call), one per invoice.
    assert manifest_of(written)["api_calls"] == 1 + len(expected)

    # With max_calls too small for the plan, nothing is read one by one and no file is left.
    written.unlink()
    Path(f"{written}.manifest.json").unlink()
    reads = route_calls(minimax_sandbox, "GET", "issuedinvoices/{id}")
    use_connection(extra={"max_calls": len(expected)})
    refused = run_dag("exports-detail", logical_date=NIGHT_OF_THE_20TH)
    assert task_states(refused) == {"issued_invoices_full": "failed"}
    assert route_calls(minimax_sandbox, "GET", "issuedinvoices/{id}") == reads
    assert not list(data_root.rglob("*.jsonl*"))
