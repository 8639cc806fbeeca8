"""The export, measured side by side with what users would otherwise write.

    make bench          # full: 200,000-row throughput x5, latency, memory up to 1,000,000 rows
    make bench-quick    # under a minute: smaller sizes, two runs each

Sections (each against the sandbox's bench ledger, organisation 126, in a separate process):
1. throughput: MinimaxExportOperator (hook and client, no scheduler) vs (a) a plain
   requests.Session loop fetching the same pages and writing the same JSONL, and (b) a loop over
   the http provider's HttpHook (token by hand, one run() per page); runs alternated.
2. latency: the sandbox adds 50 ms per request; 100 pages sequential vs max_workers=4.
3. memory: peak resident memory of a process exporting 10k, 100k (and 1M) rows.
4. calls: API calls for 100,000 rows vs the minimum (pages at the server's maximum + 1 token).
5. parse: importing the provider's operator and sensor modules in a fresh interpreter, minus
   importing airflow.sdk alone (Airflow 2: airflow.decorators and airflow.models.dag).
Results: a table on stdout and benchmarks/results/export-<date>.json.
"""

from __future__ import annotations

import datetime
import hashlib
import json
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
from contextlib import contextmanager
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))  # this checkout's benchmarks package, run as a script too

from airflow_provider_minimax.sandbox.auth import Credentials  # noqa: E402
from airflow_provider_minimax.sandbox.process import SandboxProcess  # noqa: E402
from benchmarks.common import arguments, memory_row, publish, verdict  # noqa: E402

BENCH_ORG = 126
RESOURCE = "journals/journal-entries"
YEAR = (
    datetime.datetime(2025, 1, 1, tzinfo=datetime.timezone.utc),
    datetime.datetime(2026, 1, 1, tzinfo=datetime.timezone.utc),
)
CREDENTIALS = Credentials().token_form()  # the sandbox's default login


@contextmanager
def sandbox(rows: int, *extra: str) -> Any:
    """A bench-scale sandbox in its own process; yields its base URL."""
    with SandboxProcess("--scale", "bench", "--ledger-rows", str(rows), *extra) as process:
        yield process.base_url


def connection(base_url: str, **extra: Any) -> str:
    return json.dumps(
        {
            "conn_type": "minimax",
            "host": base_url,
            "login": CREDENTIALS["username"],
            "password": CREDENTIALS["password"],
            "extra": {
                "client_id": CREDENTIALS["client_id"],
                "client_secret": CREDENTIALS["client_secret"],
                "organisation_id": BENCH_ORG,
                **extra,
            },
        }
    )


# -- the contenders (each returns rows written; the caller times it) ---------------------------


def ours(base_url: str, out: Path, max_workers: int = 1) -> dict[str, Any]:
    """MinimaxExportOperator.execute(), as a task would run it (no scheduler)."""
    os.environ["AIRFLOW_CONN_MINIMAX_DEFAULT"] = connection(base_url)
    from airflow_provider_minimax.client.auth import forget_tokens
    from airflow_provider_minimax.operators.export import MinimaxExportOperator

    forget_tokens()  # every run pays for its own token, like a fresh task
    operator = MinimaxExportOperator(
        task_id="export", resource=RESOURCE, destination=str(out), max_workers=max_workers
    )
    manifest: dict[str, Any] = operator.execute(
        {"data_interval_start": YEAR[0], "data_interval_end": YEAR[1]}
    )
    return manifest


def plain_loop(base_url: str, out: Path, page_size: int = 1000) -> int:
    """The practical limit: one pooled requests.Session, the same pages, the same JSONL."""
    import requests

    session = requests.Session()
    token = session.post(base_url + "AUT/oauth20/token", data=CREDENTIALS, timeout=60).json()
    headers = {"Authorization": f"Bearer {token['access_token']}"}
    url = f"{base_url}API/api/orgs/{BENCH_ORG}/{RESOURCE}"
    rows, page = 0, 1
    with out.open("wb") as file:
        while True:
            params = {"DateFrom": "2025-01-01", "DateTo": "2025-12-31", "CurrentPage": page,
                      "PageSize": page_size}  # fmt: skip
            body = session.get(url, params=params, headers=headers, timeout=60).json()
            lines = [
                json.dumps(row, ensure_ascii=False, separators=(",", ":")) for row in body["Rows"]
            ]
            if lines:
                file.write(("\n".join(lines) + "\n").encode("utf-8"))
            rows += len(lines)
            if not lines or rows >= body["TotalRows"]:
                return rows
            page += 1


def http_hook_loop(base_url: str, out: Path, page_size: int = 1000) -> int:
    """What a user writes with the http provider: token by hand, HttpHook.run() per page."""
    import requests
    from airflow.providers.http.hooks.http import HttpHook

    os.environ["AIRFLOW_CONN_MINIMAX_HTTP"] = json.dumps({"conn_type": "http", "host": base_url})
    token = requests.post(base_url + "AUT/oauth20/token", data=CREDENTIALS, timeout=60).json()
    headers = {"Authorization": f"Bearer {token['access_token']}"}
    hook = HttpHook(method="GET", http_conn_id="minimax_http")
    rows, page = 0, 1
    with out.open("wb") as file:
        while True:
            params = {"DateFrom": "2025-01-01", "DateTo": "2025-12-31", "CurrentPage": page,
                      "PageSize": page_size}  # fmt: skip
            body = hook.run(
                f"API/api/orgs/{BENCH_ORG}/{RESOURCE}", data=params, headers=headers
            ).json()
            for row in body["Rows"]:
                file.write((json.dumps(row, ensure_ascii=False) + "\n").encode("utf-8"))
            rows += len(body["Rows"])
            if not body["Rows"] or rows >= body["TotalRows"]:
                return rows
            page += 1


# -- sections ------------------------------------------------------------------------------------


def throughput(rows: int, repeats: int) -> dict[str, Any]:
    rates: dict[str, list[float]] = {"ours": [], "ours_2_workers": [], "plain": [], "http_hook": []}
    with sandbox(rows) as base_url, tempfile.TemporaryDirectory() as folder:
        contenders = {
            "ours": lambda path: ours(base_url, path)["rows"],
            # the same export, fetching the next page while the last one is written
            "ours_2_workers": lambda path: ours(base_url, path, max_workers=2)["rows"],
            "plain": lambda path: plain_loop(base_url, path),
            "http_hook": lambda path: http_hook_loop(base_url, path),
        }
        digests: dict[str, str] = {}
        for _ in range(repeats):
            for name, run in contenders.items():  # alternated: A B C A B C …
                path = Path(folder) / f"{name}.jsonl"
                started = time.perf_counter()
                written = run(path)
                rates[name].append(written / (time.perf_counter() - started))
                digests[name] = hashlib.sha256(path.read_bytes()).hexdigest()
    ratio_plain = [a / b for a, b in zip(rates["ours"], rates["plain"], strict=True)]
    ratio_hook = [a / b for a, b in zip(rates["ours"], rates["http_hook"], strict=True)]
    ratio_2_plain = [a / b for a, b in zip(rates["ours_2_workers"], rates["plain"], strict=True)]
    ratio_2_hook = [a / b for a, b in zip(rates["ours_2_workers"], rates["http_hook"], strict=True)]
    return {
        "rows": rows,
        "repeats": repeats,
        "rows_per_s": {name: [round(r) for r in values] for name, values in rates.items()},
        "median_rows_per_s": {name: round(statistics.median(v)) for name, v in rates.items()},
        "ratio_vs_plain": round(statistics.median(ratio_plain), 3),
        "ratio_vs_http_hook": round(statistics.median(ratio_hook), 3),
        "ratio_2_workers_vs_plain": round(statistics.median(ratio_2_plain), 3),
        "ratio_2_workers_vs_http_hook": round(statistics.median(ratio_2_hook), 3),
        "same_file_as_plain": digests["ours"] == digests["plain"],
        "goals": {"vs_plain": 0.90, "vs_http_hook": 3.0},
    }


def latency(pages: int, repeats: int) -> dict[str, Any]:
    page_size = 100
    times: dict[str, list[float]] = {"sequential": [], "max_workers_4": [], "http_hook": []}
    with sandbox(pages * page_size, "--max-page-size", str(page_size),
                 "--fault", "latency:latency_ms=50") as base_url:  # fmt: skip
        digests = set()
        with tempfile.TemporaryDirectory() as folder:
            for _ in range(repeats):
                for name, workers in (("sequential", 1), ("max_workers_4", 4)):
                    path = Path(folder) / f"{name}.jsonl"
                    started = time.perf_counter()
                    ours(base_url, path, max_workers=workers)
                    times[name].append(time.perf_counter() - started)
                    digests.add(hashlib.sha256(path.read_bytes()).hexdigest())
                started = time.perf_counter()
                http_hook_loop(base_url, Path(folder) / "hook.jsonl", page_size=page_size)
                times["http_hook"].append(time.perf_counter() - started)
    speedups = [a / b for a, b in zip(times["sequential"], times["max_workers_4"], strict=True)]
    versus_hook = [a / b for a, b in zip(times["http_hook"], times["max_workers_4"], strict=True)]
    return {
        "median_speedup_vs_http_hook": round(statistics.median(versus_hook), 2),
        "pages": pages,
        "latency_ms": 50,
        "seconds": {name: [round(t, 2) for t in values] for name, values in times.items()},
        "median_speedup": round(statistics.median(speedups), 2),
        "rows_identical_and_in_order": len(digests) == 1,
        "goal_speedup": 3.0,
    }


MEMORY_PROBE = """
import json, resource, sys, datetime
sys.path.insert(0, {root!r})
from benchmarks.export_benchmarks import ours
manifest = ours({base_url!r}, __import__("pathlib").Path({out!r}))
print(json.dumps({{"rows": manifest["rows"],
                   "max_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}}))
"""


def memory(sizes: list[int]) -> dict[str, Any]:
    peaks = {}
    for rows in sizes:
        with sandbox(rows) as base_url, tempfile.TemporaryDirectory() as folder:
            code = MEMORY_PROBE.format(root=str(ROOT), base_url=base_url, out=f"{folder}/x.jsonl")
            env = os.environ | {"PYTHONPATH": str(ROOT)}
            done = subprocess.run(
                [sys.executable, "-c", code], capture_output=True, text=True, check=True, env=env
            )
            probe = json.loads(done.stdout.strip().splitlines()[-1])
            assert probe["rows"] == rows, probe
            peaks[rows] = round(probe["max_rss_mb"], 1)
    growth = peaks[max(sizes)] - peaks[min(sizes)]
    return {"peak_rss_mb": peaks, "growth_mb": round(growth, 1), "goal_growth_mb": 30}


def calls(rows: int) -> dict[str, Any]:
    with sandbox(rows) as base_url, tempfile.TemporaryDirectory() as folder:
        manifest = ours(base_url, Path(folder) / "x.jsonl")
    minimum_pages = -(-rows // 1000)
    return {
        "rows": rows,
        "api_calls": manifest["api_calls"],
        "token_requests": manifest["token_requests"],
        "minimum_api_calls": minimum_pages,
        "minimum_token_requests": 1,
        "goal_met": manifest["api_calls"] == minimum_pages and manifest["token_requests"] == 1,
    }


PARSE_PROBE = """
import time
started = time.perf_counter()
try:
    import airflow.sdk  # what an Airflow 3 DAG file imports anyway
except ImportError:
    import airflow.decorators, airflow.models.dag  # Airflow 2's spelling of the same
sdk = time.perf_counter() - started
started = time.perf_counter()
import airflow_provider_minimax.operators.records, airflow_provider_minimax.operators.action
import airflow_provider_minimax.operators.export, airflow_provider_minimax.sensors.record
print(sdk, time.perf_counter() - started)
"""


def parse(repeats: int) -> dict[str, Any]:
    """A fresh interpreter imports airflow.sdk, then the provider's task modules: both timed."""
    sdk, provider = [], []
    for _ in range(repeats):
        done = subprocess.run(
            [sys.executable, "-c", PARSE_PROBE], capture_output=True, text=True, check=True
        )
        first, second = map(float, done.stdout.split())
        sdk.append(first)
        provider.append(second)
    return {
        "median_sdk_ms": round(statistics.median(sdk) * 1000, 1),
        "provider_extra_ms": round(statistics.median(provider) * 1000, 1),
        "goal_ms": 50,
    }


def table(results: dict[str, Any]) -> str:
    """The figures as a Markdown table: measure, ours, baseline, ratio, goal and verdict."""
    lines = ["| measure | ours | baseline | ratio | goal |", "|---|---|---|---|---|"]

    if "throughput" in results:
        t = results["throughput"]
        m = t["median_rows_per_s"]
        lines.append(
            f"| JSONL export, {t['rows']:,} rows (rows/s, median of {t['repeats']}) "
            f"| {m['ours']:,} | plain requests loop {m['plain']:,} | {t['ratio_vs_plain']:.2f} "
            f"| >= 0.90 {verdict(t['ratio_vs_plain'] >= 0.9)} |"
        )
        lines.append(
            f"| same, against an HttpHook loop | {m['ours']:,} | HttpHook {m['http_hook']:,} "
            f"| {t['ratio_vs_http_hook']:.2f} | >= 3.0 {verdict(t['ratio_vs_http_hook'] >= 3)} |"
        )
        lines.append(
            f"| same with max_workers=2 (next page fetched while writing) "
            f"| {m['ours_2_workers']:,} | plain {m['plain']:,} / HttpHook {m['http_hook']:,} "
            f"| {t['ratio_2_workers_vs_plain']:.2f} / {t['ratio_2_workers_vs_http_hook']:.2f} | |"
        )
    if "latency" in results:
        lat = results["latency"]
        sec = {k: statistics.median(v) for k, v in lat["seconds"].items()}
        lines.append(
            f"| {lat['pages']} pages at +50 ms each (s), max_workers=4 "
            f"| {sec['max_workers_4']:.2f} | sequential {sec['sequential']:.2f} "
            f"| {lat['median_speedup']:.2f}x "
            f"| >= 3x {verdict(lat['median_speedup'] >= 3)} |"
        )
        lines.append(
            f"| same, against an HttpHook loop (s) | {sec['max_workers_4']:.2f} "
            f"| HttpHook {sec['http_hook']:.2f} | {lat['median_speedup_vs_http_hook']:.2f}x | |"
        )
    if "memory" in results:
        lines.append(memory_row(results["memory"], "exporting"))
    if "calls" in results:
        c = results["calls"]
        lines.append(
            f"| API calls for {c['rows']:,} rows | {c['api_calls']} + {c['token_requests']} token "
            f"| minimum {c['minimum_api_calls']} + 1 token | | equal {verdict(c['goal_met'])} |"
        )
    if "parse" in results:
        p = results["parse"]
        lines.append(
            f"| importing the provider's task modules after airflow.sdk (ms) "
            f"| {p['provider_extra_ms']} | airflow.sdk {p['median_sdk_ms']} | "
            f"| <= 50 ms {verdict(p['provider_extra_ms'] <= 50)} |"
        )
    return "\n".join(lines)


def main() -> int:
    args = arguments(
        __doc__.split("\n\n")[0],
        "throughput,latency,memory,calls,parse",
        "smaller sizes, under a minute",
    )
    quick = args.quick
    wanted = args.sections.split(",")
    # Import Airflow and the operator once up front: a task's interpreter has it loaded already.
    import airflow_provider_minimax.operators.export  # noqa: F401

    results: dict[str, Any] = {
        "date": datetime.datetime.now(datetime.timezone.utc).isoformat(timespec="seconds"),
        "quick": quick or args.smoke,
        "machine": f"{platform.machine()}, {os.cpu_count()} cores, {platform.system()}",
        "python": platform.python_version(),
    }
    sections = {
        "throughput": lambda: throughput(20_000 if quick else 200_000, 2 if quick else 5),
        "latency": lambda: latency(20 if quick else 100, 1 if quick else 3),
        "memory": lambda: memory([10_000, 100_000] if quick else [10_000, 100_000, 1_000_000]),
        "calls": lambda: calls(10_000 if quick else 100_000),
        "parse": lambda: parse(3 if quick else 10),
    }
    if args.smoke:
        quick = True
        sections = {
            "throughput": lambda: throughput(2_000, 1),
            "latency": lambda: latency(4, 1),
            "memory": lambda: memory([2_000, 4_000]),
            "calls": lambda: calls(2_000),
            "parse": lambda: parse(1),
        }
    for name in wanted:
        started = time.perf_counter()
        results[name] = sections[name]()
        print(
            f"{name} ({time.perf_counter() - started:.0f} s): {json.dumps(results[name])}",
            flush=True,
        )
    label = "smoke" if args.smoke else "quick" if quick else "full"
    publish(results, args.results_dir, f"export-{label}", table(results))
    return 0


if __name__ == "__main__":
    sys.exit(main())
