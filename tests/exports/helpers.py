"""Helpers of the export tests: expected rows from the sandbox's store, files read back, the
interval rule written out independently, and fault rules that fire part-way through a list."""

from __future__ import annotations

import csv
import datetime
import io
import json
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from airflow_provider_minimax.operators.export import MinimaxExportOperator
from airflow_provider_minimax.sandbox import FaultRule, Sandbox, listing
from airflow_provider_minimax.sandbox.catalogue import BY_KEY, JOURNAL_ENTRIES, Kind

ORG = 123
UTC = datetime.timezone.utc
ZONE = ZoneInfo("Europe/Ljubljana")
ONE_DAY = datetime.timedelta(days=1)
FORMATS = ("jsonl", "csv", "parquet")
# The record field each resource's window filter selects on (the sandbox's filters).
WINDOW_FIELDS = {
    "journals/journal-entries": "JournalDate",
    "issuedinvoices": "DateIssued",
    "receivedinvoices": "DateIssued",
    "journals": "JournalDate",
    "orders": "Date",
    "stockentry": "Date",
}
Row = dict[str, Any]


def utc(year: int, month: int, day: int, hour: int = 0, minute: int = 0) -> datetime.datetime:
    return datetime.datetime(year, month, day, hour, minute, tzinfo=UTC)


def local(year: int, month: int, day: int, hour: int = 0, minute: int = 0) -> datetime.datetime:
    """A wall-clock time in Ljubljana."""
    return datetime.datetime(year, month, day, hour, minute, tzinfo=ZONE)


def context(start: datetime.datetime, end: datetime.datetime) -> dict[str, Any]:
    return {"data_interval_start": start, "data_interval_end": end}


def days_of(
    start: datetime.datetime, end: datetime.datetime
) -> tuple[datetime.date, datetime.date]:
    """The documented rule: [start, end) covers local_date(start) <= day < local_date(end)."""
    return start.astimezone(ZONE).date(), end.astimezone(ZONE).date() - ONE_DAY


def kind_of(resource: str) -> Kind:
    return JOURNAL_ENTRIES if resource == "journals/journal-entries" else BY_KEY[resource]


def id_field(resource: str) -> str:
    return kind_of(resource).id_field


def stored(sandbox: Sandbox, resource: str, org: int = ORG) -> list[Row]:
    """Copies of what the sandbox holds: full records (journal-entry rows for the ledger)."""
    return sandbox.records(org, resource)


def expected(
    sandbox: Sandbox,
    resource: str,
    start: datetime.datetime | None = None,
    end: datetime.datetime | None = None,
    org: int = ORG,
) -> list[Row]:
    """The full records an export of [start, end) must hold (all without an interval), in the
    order of the sandbox's list."""
    rows = stored(sandbox, resource, org)
    if start is not None and end is not None:
        first, last = days_of(start, end)
        name = WINDOW_FIELDS[resource]
        rows = [
            row
            for row in rows
            if row.get(name) and first <= datetime.date.fromisoformat(row[name][:10]) <= last
        ]
    return listing.sort(rows, kind_of(resource), listing.Query())


def ids(rows: list[Row], resource: str) -> list[int]:
    name = id_field(resource)
    return [int(row[name]) for row in rows]


def read_rows(path: Path, file_format: str) -> list[Row]:
    """The rows of an export file: JSON objects, CSV dicts of text, or Parquet rows."""
    if file_format == "jsonl":
        return [json.loads(line) for line in path.read_text("utf-8").splitlines()]
    if file_format == "csv":
        csv.field_size_limit(1 << 30)
        return list(csv.DictReader(io.StringIO(path.read_text("utf-8"), newline="")))
    import pyarrow.parquet as pq

    rows: list[Row] = pq.read_table(path).to_pylist()
    return rows


def csv_header(path: Path) -> list[str]:
    with path.open(encoding="utf-8", newline="") as handle:
        return next(csv.reader(handle), [])


def files(folder: Path) -> list[str]:
    """Every file below `folder` (hidden temporary files included), relative, sorted."""
    return sorted(str(p.relative_to(folder)) for p in folder.rglob("*") if p.is_file())


def export(
    resource: str,
    destination: Path | str,
    start: datetime.datetime | None = None,
    end: datetime.datetime | None = None,
    **options: Any,
) -> Any:
    """Run MinimaxExportOperator.execute() for the interval [start, end)."""
    task = MinimaxExportOperator(
        task_id="export", resource=resource, destination=str(destination), **options
    )
    return task.execute(context(start, end) if start and end else {})


@dataclass
class AfterFirst(FaultRule):
    """A fault rule that lets the first `skip` requests it matches through, then fires."""

    skip: int = 0
    seen: int = 0

    def applies_to(self, method: str, path: str) -> bool:
        if not super().applies_to(method, path):
            return False
        self.seen += 1
        return self.seen > self.skip


@dataclass
class Meanwhile(FaultRule):
    """No fault: just before the `at`-th request it matches is served, `then` runs (another
    writer acting between two pages of a list)."""

    at: int = 2
    then: Callable[[], Any] | None = None
    seen: int = 0

    def applies_to(self, method: str, path: str) -> bool:
        if not super().applies_to(method, path):
            return False
        self.seen += 1
        if self.seen == self.at and self.then is not None:
            self.then()
        return False


def list_path(resource: str, org: int = ORG) -> str:
    """A fault-rule pattern for the list requests of `resource` (not its records)."""
    return rf"/orgs/{org}/{resource}$"


def daily_export_dag(dag_id: str, folder: Path, fmt: str) -> str:
    """The source of a DAG file: daily data intervals at UTC midnights from 2025-11-01, one task
    exporting issued invoices to `folder/{{ ds }}/{organisation_id}/issuedinvoices.<fmt>`."""
    return f"""
import pendulum
from airflow.providers.common.compat.sdk import DAG
from airflow.timetables.interval import CronDataIntervalTimetable

from airflow_provider_minimax.operators.export import MinimaxExportOperator

with DAG(
    "{dag_id}",
    schedule=CronDataIntervalTimetable("0 0 * * *", timezone="UTC"),
    start_date=pendulum.datetime(2025, 11, 1, tz="UTC"),
    catchup=False,
):
    MinimaxExportOperator(
        task_id="export_invoices",
        resource="issuedinvoices",
        destination="{folder}/{{{{ ds }}}}/{{organisation_id}}/{{resource}}.{fmt}",
        format="{fmt}",
    )
"""
