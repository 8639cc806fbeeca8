"""MinimaxToSqlOperator's load into PostgreSQL, measured side by side with a plain COPY.

    make bench-sql                               # 1,000,000 ledger rows (several minutes)
    python benchmarks/sql_load.py --quick        # 100,000 rows, memory up to 100,000

Sections (the sandbox's bench ledger, organisation 126, in a process of its own; PostgreSQL as
the tests run it, tests/postgres.py, a fresh database for every run):
1. load: the same ledger rows, fetched from the sandbox once and held in memory as its pages
   (the JSON bytes), into PostgreSQL by (a) the operator's load path (pages decoded as the
   client decodes them, exact decimals; each row conformed to the vendor's model, flattened,
   COPY'd into the staging table, merged by key in one transaction) and (b) a plain psycopg2
   COPY of the same rows straight into a table of the same columns: decode, pick the fields,
   write COPY text, commit; no staging, no merge, no checks. Runs alternated A B A B; goal:
   ours >= 0.5 of plain. Also timed: a rerun of ours into the full table (every row kept).
2. end to end: the operator's execute() from the sandbox over HTTP into PostgreSQL (rows/s).
3. memory: peak resident memory of a process running the operator end to end for 10k, 100k and
   1M rows (goal: flat, <= 30 MB growth).
Results: a Markdown table on stdout and benchmarks/results/sql-load-<label>-<date>.json.
"""

from __future__ import annotations

import datetime
import decimal
import io
import json
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))  # this checkout's package, and tests/postgres.py

import psycopg2  # noqa: E402
import requests  # noqa: E402

from airflow_provider_minimax.sandbox.auth import Credentials  # noqa: E402
from airflow_provider_minimax.sandbox.process import SandboxProcess  # noqa: E402
from benchmarks.common import arguments, memory_row, publish, verdict  # noqa: E402
from tests.postgres import PostgresServer, airflow_connection_uri  # noqa: E402

BENCH_ORG = 126
RESOURCE = "journals/journal-entries"
YEAR = ("2025-01-01", "2025-12-31")
INTERVAL = {  # the year 2025 in Ljubljana: the window of every generated entry
    "data_interval_start": datetime.datetime(2024, 12, 31, 23, tzinfo=datetime.timezone.utc),
    "data_interval_end": datetime.datetime(2025, 12, 31, 23, tzinfo=datetime.timezone.utc),
}
CREDENTIALS = Credentials().token_form()


@contextmanager
def sandbox(rows: int) -> Iterator[Any]:
    with SandboxProcess("--scale", "bench", "--ledger-rows", str(rows)) as process:
        yield process


# A million rows are a thousand pages: more than the 900 calls a day the default policy
# leaves a task (docs/budget.md). The bench organisation is the sandbox's own: no limit.
UNLIMITED = {"daily_budget": 10_000_000, "monthly_budget": 10_000_000, "reserve": 0}


def minimax_connection(process: Any) -> str:
    connection = process.connection
    connection["extra"].update(organisation_id=BENCH_ORG, **UNLIMITED)
    return json.dumps(connection)


def fetch_pages(base_url: str) -> list[bytes]:
    """Every page of the year's ledger, as the sandbox sent it."""
    session = requests.Session()
    token = session.post(base_url + "AUT/oauth20/token", data=CREDENTIALS, timeout=60).json()
    headers = {"Authorization": f"Bearer {token['access_token']}"}
    url = f"{base_url}API/api/orgs/{BENCH_ORG}/{RESOURCE}"
    pages, rows, number = [], 0, 1
    while True:
        params = {"DateFrom": YEAR[0], "DateTo": YEAR[1], "CurrentPage": number, "PageSize": 1000}
        body = session.get(url, params=params, headers=headers, timeout=60).content
        page = json.loads(body)
        pages.append(body)
        rows += len(page["Rows"])
        if not page["Rows"] or rows >= page["TotalRows"]:
            return pages
        number += 1


# -- the contenders ------------------------------------------------------------------------


def ours(dsn: str, pages: list[bytes]) -> int:
    """The operator's load path: the warehouse package as MinimaxToSqlOperator runs it."""
    from airflow_provider_minimax.exports.pipeline import batches
    from airflow_provider_minimax.warehouse.columns import design_table
    from airflow_provider_minimax.warehouse.dialects import POSTGRESQL
    from airflow_provider_minimax.warehouse.flatten import Flattener
    from airflow_provider_minimax.warehouse.load import load
    from airflow_provider_minimax.warehouse.table import ensure_table

    design = design_table(RESOURCE, full_records=False, fields=None)
    flatten = Flattener(design, BENCH_ORG)
    rows = (row for body in pages for row in json.loads(body, parse_float=decimal.Decimal)["Rows"])
    connection = psycopg2.connect(dsn)
    try:
        ensure_table(connection, POSTGRESQL, "ledger", design, add_columns=False)
        result = load(
            connection,
            POSTGRESQL,
            "ledger",
            design,
            ([flatten(row) for row in batch] for batch in batches(rows)),
            organisation_id=BENCH_ORG,
            loaded_at=datetime.datetime(2026, 1, 1),
        )
    finally:
        connection.close()
    return result.rows


REFERENCES = ("Journal", "JournalType", "Account", "Customer", "Analytic", "Employee", "Currency")
PLAIN_TABLE = """CREATE TABLE plain (
    "JournalEntryId" BIGINT PRIMARY KEY,
    {references},
    "JournalDate" DATE, "JournalEntryDate" DATE, "DueDate" DATE, "TransactionDate" DATE,
    "Description" TEXT, "PaymentReference" TEXT,
    "Debit" NUMERIC, "Credit" NUMERIC,
    "DebitInDomesticCurrency" NUMERIC, "CreditInDomesticCurrency" NUMERIC,
    "RecordDtModified" TIMESTAMP, "RowVersion" TEXT
)""".format(
    references=", ".join(
        f'"{name}_ID" BIGINT, "{name}_Name" TEXT, "{name}_ResourceUrl" TEXT' for name in REFERENCES
    )
)
SCALARS = ("JournalDate", "JournalEntryDate", "DueDate", "TransactionDate", "Description",
           "PaymentReference", "Debit", "Credit", "DebitInDomesticCurrency",
           "CreditInDomesticCurrency", "RecordDtModified", "RowVersion")  # fmt: skip
ESCAPES = str.maketrans({"\\": "\\\\", "\t": "\\t", "\n": "\\n", "\r": "\\r"})


def plain_copy(dsn: str, pages: list[bytes]) -> int:
    """What a user writes by hand: decode each page, pick the fields, COPY, commit."""

    def text(value: Any) -> str:
        if value is None:
            return "\\N"
        value = str(value)
        # escaped only where COPY would read syntax, as ours does: the same work, no handicap
        return value if value.isprintable() and "\\" not in value else value.translate(ESCAPES)

    connection = psycopg2.connect(dsn)
    rows = 0
    try:
        cursor = connection.cursor()
        cursor.execute(PLAIN_TABLE)
        buffer = io.StringIO()
        for body in pages:
            for row in json.loads(body)["Rows"]:
                values = [str(row["JournalEntryId"])]
                for name in REFERENCES:
                    ref = row[name] or {}
                    values += [
                        text(ref.get("ID")),
                        text(ref.get("Name")),
                        text(ref.get("ResourceUrl")),
                    ]
                values += [text(row[name]) for name in SCALARS]
                buffer.write("\t".join(values) + "\n")
                rows += 1
            if buffer.tell() > 1 << 22:
                buffer.seek(0)
                cursor.copy_expert("COPY plain FROM STDIN", buffer)
                buffer = io.StringIO()
        buffer.seek(0)
        cursor.copy_expert("COPY plain FROM STDIN", buffer)
        connection.commit()
    finally:
        connection.close()
    return rows


def operator_end_to_end(minimax: str, warehouse: str) -> dict[str, Any]:
    """MinimaxToSqlOperator.execute() as a task would run it (no scheduler)."""
    os.environ["AIRFLOW_CONN_MINIMAX_DEFAULT"] = minimax
    os.environ["AIRFLOW_CONN_BENCH_WAREHOUSE"] = warehouse
    from airflow_provider_minimax.client.auth import forget_tokens
    from airflow_provider_minimax.transfers.minimax_to_sql import MinimaxToSqlOperator

    forget_tokens()
    task = MinimaxToSqlOperator(
        task_id="load", resource=RESOURCE, sql_conn_id="bench_warehouse", table="ledger"
    )
    report: dict[str, Any] = task.execute(INTERVAL)
    return report


# -- sections ------------------------------------------------------------------------------


def load_section(server: PostgresServer, rows: int, repeats: int) -> dict[str, Any]:
    with sandbox(rows) as process:
        pages = fetch_pages(process.base_url)
    rates: dict[str, list[float]] = {"ours": [], "plain": [], "ours_rerun": []}
    for _ in range(repeats):
        for name in ("ours", "plain"):  # alternated: A B A B …
            dsn = server.create_database()
            started = time.perf_counter()
            loaded = ours(dsn, pages) if name == "ours" else plain_copy(dsn, pages)
            rates[name].append(loaded / (time.perf_counter() - started))
            assert loaded == rows, (name, loaded)
            if name == "ours":  # the same rows again into the full table: all kept
                started = time.perf_counter()
                ours(dsn, pages)
                rates["ours_rerun"].append(rows / (time.perf_counter() - started))
                assert count(dsn, "ledger") == rows
            server.drop_database(dsn.split("dbname=")[1].split()[0])
    ratio = [a / b for a, b in zip(rates["ours"], rates["plain"], strict=True)]
    return {
        "rows": rows,
        "repeats": repeats,
        "rows_per_s": {name: [round(r) for r in values] for name, values in rates.items()},
        "median_rows_per_s": {name: round(statistics.median(v)) for name, v in rates.items()},
        "ratio_vs_plain": round(statistics.median(ratio), 3),
        "goal_ratio": 0.5,
    }


def count(dsn: str, table: str) -> int:
    with psycopg2.connect(dsn) as connection, connection.cursor() as cursor:
        cursor.execute(f"SELECT COUNT(*) FROM {table}")
        return int(cursor.fetchone()[0])


def end_to_end_section(server: PostgresServer, rows: int) -> dict[str, Any]:
    dsn = server.create_database()
    with sandbox(rows) as process:
        started = time.perf_counter()
        report = operator_end_to_end(minimax_connection(process), airflow_connection_uri(dsn))
        seconds = time.perf_counter() - started
    assert report["rows"] == count(dsn, "ledger") == rows, report
    return {
        "rows": rows,
        "seconds": round(seconds, 1),
        "rows_per_s": round(rows / seconds),
        "api_calls": report["api_calls"],
    }


# The peak is the kernel's VmHWM of the probe's own memory: getrusage's ru_maxrss would keep
# the benchmark process's peak across the fork and exec (a gigabyte of pages after "load").
MEMORY_PROBE = """
import json, sys
sys.path.insert(0, {root!r})
from benchmarks.sql_load import operator_end_to_end
report = operator_end_to_end({minimax!r}, {warehouse!r})
with open("/proc/self/status") as status:
    peak = next(int(line.split()[1]) for line in status if line.startswith("VmHWM:"))
print(json.dumps({{"rows": report["rows"], "max_rss_mb": peak / 1024}}))
"""


def memory_section(server: PostgresServer, sizes: list[int]) -> dict[str, Any]:
    peaks = {}
    for rows in sizes:
        dsn = server.create_database()
        with sandbox(rows) as process:
            code = MEMORY_PROBE.format(
                root=str(ROOT),
                minimax=minimax_connection(process),
                warehouse=airflow_connection_uri(dsn),
            )
            env = os.environ | {"PYTHONPATH": os.pathsep.join([str(ROOT), *sys.path[1:]])}
            done = subprocess.run(
                [sys.executable, "-c", code], capture_output=True, text=True, check=True, env=env
            )
        probe = json.loads(done.stdout.strip().splitlines()[-1])
        assert probe["rows"] == rows, probe
        peaks[rows] = round(probe["max_rss_mb"], 1)
    growth = peaks[max(sizes)] - peaks[min(sizes)]
    return {"peak_rss_mb": peaks, "growth_mb": round(growth, 1), "goal_growth_mb": 30}


def table(results: dict[str, Any]) -> str:
    lines = ["| measure | ours | baseline | ratio | goal |", "|---|---|---|---|---|"]

    if "load" in results:
        load = results["load"]
        m = load["median_rows_per_s"]
        lines.append(
            f"| {load['rows']:,} ledger rows into PostgreSQL from memory (rows/s, median of "
            f"{load['repeats']}) | {m['ours']:,} | plain psycopg2 COPY {m['plain']:,} "
            f"| {load['ratio_vs_plain']:.2f} | >= 0.5 {verdict(load['ratio_vs_plain'] >= 0.5)} |"
        )
        lines.append(
            f"| the same rows again into the full table (all kept; rows/s) | {m['ours_rerun']:,} "
            "| | | |"
        )
    if "end_to_end" in results:
        e = results["end_to_end"]
        lines.append(
            f"| the operator end to end, sandbox over HTTP to PostgreSQL, {e['rows']:,} rows "
            f"(rows/s) | {e['rows_per_s']:,} ({e['seconds']} s, {e['api_calls']} calls) | | | |"
        )
    if "memory" in results:
        lines.append(memory_row(results["memory"], "loading"))
    return "\n".join(lines)


def main() -> int:
    args = arguments(
        __doc__.split("\n\n")[0], "load,end_to_end,memory", "100,000 rows, a few minutes"
    )
    os.environ.setdefault("XDG_CACHE_HOME", tempfile.mkdtemp(prefix="minimax-bench-cache-"))
    label = "smoke" if args.smoke else "quick" if args.quick else "full"
    sizes = {
        "full": (1_000_000, 3, [10_000, 100_000, 1_000_000]),
        "quick": (100_000, 2, [10_000, 100_000]),
        "smoke": (3_000, 1, [2_000, 4_000]),
    }[label]
    results: dict[str, Any] = {
        "date": datetime.datetime.now(datetime.timezone.utc).isoformat(timespec="seconds"),
        "label": label,
        "machine": f"{platform.machine()}, {os.cpu_count()} cores, {platform.system()}",
        "python": platform.python_version(),
    }
    server = PostgresServer().start()
    try:
        with psycopg2.connect(server.dsn("postgres")) as connection, connection.cursor() as cur:
            cur.execute("SHOW server_version")
            results["postgresql"] = cur.fetchone()[0]
        sections = {
            "load": lambda: load_section(server, sizes[0], sizes[1]),
            "end_to_end": lambda: end_to_end_section(server, sizes[0]),
            "memory": lambda: memory_section(server, sizes[2]),
        }
        for name in args.sections.split(","):
            started = time.perf_counter()
            results[name] = sections[name]()
            print(f"{name} ({time.perf_counter() - started:.0f} s): {json.dumps(results[name])}")
    finally:
        server.stop()
    publish(
        results,
        args.results_dir,
        f"sql-load-{label}",
        table(results),
        keep_earlier=True,  # the sections not run now are kept from an earlier run that day
        machine_note=f", PostgreSQL {results['postgresql']}",
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
