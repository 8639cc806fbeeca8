"""Every night: yesterday's books of every organisation the login reaches, as files.

For each organisation (dynamic task mapping over the organisations the connection reaches):

    journals, journal entries (the general ledger), issued and received invoices
        -> the run's day, by each resource's date filter (mode "window")
    customers, items
        -> everything (mode "full": reference data)

each as JSONL and as Parquet, under `<export_root>/<day>/<organisation>/`, every file with its
`.manifest.json` (rows, bytes, sha256, API calls). The schedule is a *data-interval* timetable
at local midnight in Ljubljana, so each run's data interval is exactly one local day, the day
the filters select. (A plain "@daily" in Airflow 3 means CronTriggerTimetable, whose runs have an
empty data interval: the export refuses those rather than write nothing.) A rerun replaces that
day's files whole; a failed export leaves no file behind.

Environment variables, read when the file is parsed, shape a deployment (all optional):

    MINIMAX_EXPORT_ROOT        where the files go (default /tmp/minimax-export)
    MINIMAX_EXPORT_FIRST_DAY   a local day (2025-11-17): the DAG starts there and catches up
    MINIMAX_EXPORT_LAST_DAY    the last local day it exports (with FIRST_DAY: a bounded history)
    MINIMAX_EXPORTS            the task IDs of EXPORTS to run, comma-separated
                               (issued_invoices,journals); default: every export

tests/scheduler/ runs this file under a real scheduler with a week's catch-up of two exports.

Against the local sandbox: `make demo` (README's first command).
"""

from __future__ import annotations

import os

import pendulum
from airflow.providers.common.compat.sdk import dag, task
from airflow.timetables.interval import CronDataIntervalTimetable

from airflow_provider_minimax.operators.export import MinimaxExportOperator

EXPORT_ROOT = os.environ.get("MINIMAX_EXPORT_ROOT", "/tmp/minimax-export")
# {first_day}: the local day exported (the run's data interval, in Ljubljana).
DAY_DESTINATION = EXPORT_ROOT + "/{first_day}/{organisation_id}/{resource}."
EXPORTS = [  # (task_id, resource, mode)
    ("journals", "journals", "window"),
    ("journal_entries", "journals/journal-entries", "window"),
    ("issued_invoices", "issuedinvoices", "window"),
    ("received_invoices", "receivedinvoices", "window"),
    ("customers", "customers", "full"),
    ("items", "items", "full"),
]
FORMATS = ("jsonl", "parquet")
TIMEZONE = "Europe/Ljubljana"


def local_midnight(day: str) -> pendulum.DateTime:
    """The start of a local day in Ljubljana (an ISO date)."""
    return pendulum.datetime(*map(int, day.split("-")), tz=TIMEZONE)


def selected_exports(names: str) -> list[tuple[str, str, str]]:
    """The EXPORTS whose task IDs `names` lists (comma-separated); all of them when empty."""
    wanted = [name.strip() for name in names.split(",") if name.strip()]
    unknown = sorted(set(wanted) - {task_id for task_id, _, _ in EXPORTS})
    if unknown:
        raise ValueError(f"MINIMAX_EXPORTS names no export {unknown}; the exports: {EXPORTS}")
    return [export for export in EXPORTS if not wanted or export[0] in wanted]


FIRST_DAY = os.environ.get("MINIMAX_EXPORT_FIRST_DAY", "")
LAST_DAY = os.environ.get("MINIMAX_EXPORT_LAST_DAY", "")


@dag(
    dag_id="minimax_daily_export",
    schedule=CronDataIntervalTimetable("0 0 * * *", timezone=TIMEZONE),
    # A run's logical date is the start of its day: the first day's run starts the DAG, and the
    # last day's run is the last the end date allows.
    start_date=local_midnight(FIRST_DAY or "2025-01-01"),
    end_date=local_midnight(LAST_DAY) if LAST_DAY else None,
    catchup=bool(FIRST_DAY),
    max_active_tasks=4,  # Minimax allows ~1,000 calls a day per organisation: stay gentle
    tags=["minimax", "example", "export"],
    doc_md=__doc__,
)
def minimax_daily_export() -> None:
    @task
    def organisations() -> list[int]:
        """The organisations the connection's login reaches."""
        from airflow_provider_minimax.hooks.minimax import MinimaxHook

        return [int(org["ID"]) for org in MinimaxHook().organisations()]

    reached = organisations()
    for task_id, resource, mode in selected_exports(os.environ.get("MINIMAX_EXPORTS", "")):
        for file_format in FORMATS:
            MinimaxExportOperator.partial(
                task_id=f"{task_id}_{file_format}",
                resource=resource,
                mode=mode,
                format=file_format,
                destination=DAY_DESTINATION + file_format,
                retries=2,
            ).expand(organisation_ids=reached)


minimax_daily_export()
