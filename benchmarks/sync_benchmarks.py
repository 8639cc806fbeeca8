"""Bulk writes, measured side by side with what a DAG author writes today.

    make bench-sync                                  # 1,000 customers at +50 ms, 3 runs each
    python benchmarks/sync_benchmarks.py --quick     # 200 customers, one run each
    python benchmarks/sync_benchmarks.py --smoke     # 20 customers, no latency: does it run?

Against the sandbox in a process of its own, every request to the API taking 50 ms more (a
realistic round trip to Minimax), the data reset before each run; alternated A B A B:

- A: MinimaxSyncOperator.execute() upserting a JSONL file of N new customers by Code,
  max_workers=4; then the same file again (the rerun: everything unchanged).
- B: one hook's loop of `create(…, match_on="Code")` over the same customers, one after the
  other: what a user writes today (a mapped MinimaxCreateOperator costs more still: a token
  and an organisations check per task).

Reported: seconds (median), the ratio B / A (goal >= 3.5), and the sync's API calls against the
minimum: its writes (a create is the POST and the read back that gives its ID and RowVersion),
the pages of the key index, and the one check of the organisations every write task makes.
Results: a table on stdout and benchmarks/results/sync-<size>-<date>.json.
"""

from __future__ import annotations

import argparse
import datetime
import json
import os
import platform
import statistics
import sys
import tempfile
import time
import urllib.parse
from pathlib import Path
from typing import Any

import requests

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))  # this checkout's benchmarks package, run as a script too

from airflow_provider_minimax.sandbox.process import SandboxProcess  # noqa: E402
from benchmarks.common import publish  # noqa: E402

RESULTS = Path(__file__).parent / "results"
ORG = 123
LATENCY_MS = 50
GOAL_RATIO = 3.5


def connection(sandbox: SandboxProcess, ledger_dir: str) -> str:
    """The sandbox's connection (organisation 123), with a budget large enough for the runs
    (the sandbox sets no limit of its own here: what is measured is speed and calls)."""
    settings = sandbox.connection
    settings["extra"].update(
        organisation_id=ORG,
        daily_budget=10_000_000,
        monthly_budget=100_000_000,
        reserve=0,
        ledger_dir=ledger_dir,
    )
    return json.dumps(settings)


def customers(count: int) -> list[dict[str, Any]]:
    return [
        {
            "Code": f"BENCH-{number:05d}",
            "Name": f"Spletni kupec {number} d.o.o.",
            "Address": f"Trubarjeva cesta {number}",
            "PostalCode": "1000",
            "City": "Ljubljana",
        }
        for number in range(1, count + 1)
    ]


def reset(base_url: str) -> None:
    """The sandbox's data as new (its admin endpoint; no API call, no latency)."""
    parts = urllib.parse.urlsplit(base_url)
    requests.post(f"{parts.scheme}://{parts.netloc}/_sandbox/reset", timeout=60).raise_for_status()


def fresh_task_process() -> None:
    """Each run pays for its own token and client, as a new task does."""
    from airflow_provider_minimax.client.auth import forget_tokens

    forget_tokens()


def sync(source: Path, workers: int) -> dict[str, Any]:
    from airflow_provider_minimax.operators.sync import MinimaxSyncOperator

    fresh_task_process()
    task = MinimaxSyncOperator(
        task_id="sync", resource="customers", source=str(source), key="Code", max_workers=workers
    )
    summary: dict[str, Any] = task.execute({})
    summary["token_requests"] = task.hook.get_conn().stats.token_requests
    return summary


def create_loop(records: list[dict[str, Any]]) -> dict[str, Any]:
    from airflow_provider_minimax.hooks.minimax import MinimaxHook

    fresh_task_process()
    hook = MinimaxHook()
    for record in records:
        hook.create("customers", record, match_on="Code")
    stats = hook.get_conn().stats
    return {"calls": stats.api_calls, "token_requests": stats.token_requests}


def measure(count: int, repeats: int, latency: bool, workers: int) -> dict[str, Any]:
    records = customers(count)
    faults = ("--fault", f"latency:latency_ms={LATENCY_MS}") if latency else ()
    times: dict[str, list[float]] = {"sync": [], "rerun": [], "create_loop": []}
    calls: dict[str, list[int]] = {"sync": [], "rerun": [], "create_loop": []}
    minimum: list[int] = []
    exact: list[bool] = []
    with tempfile.TemporaryDirectory() as folder, SandboxProcess(*faults) as sandbox:
        os.environ["AIRFLOW_CONN_MINIMAX_DEFAULT"] = connection(sandbox, folder)
        source = Path(folder) / "customers.jsonl"
        source.write_text("".join(json.dumps(r) + "\n" for r in records), "utf-8")
        for _ in range(repeats):
            reset(sandbox.base_url)
            started = time.perf_counter()
            summary = sync(source, workers)
            times["sync"].append(time.perf_counter() - started)
            calls["sync"].append(summary["calls"])
            minimum.append(2 * count + summary["plan"]["pages"] + 1)
            exact.append(summary["outcomes"] == {"created": count} and len(summary["ids"]) == count)
            started = time.perf_counter()
            again = sync(source, workers)
            times["rerun"].append(time.perf_counter() - started)
            calls["rerun"].append(again["calls"])
            exact.append(
                again["outcomes"] == {"unchanged": count} and again["ids"] == summary["ids"]
            )
            reset(sandbox.base_url)
            started = time.perf_counter()
            loop = create_loop(records)
            times["create_loop"].append(time.perf_counter() - started)
            calls["create_loop"].append(loop["calls"])
    median = {name: statistics.median(values) for name, values in times.items()}
    return {
        "records": count,
        "latency_ms": LATENCY_MS if latency else 0,
        "max_workers": workers,
        "repeats": repeats,
        "seconds": {name: [round(t, 2) for t in values] for name, values in times.items()},
        "median_seconds": {name: round(value, 2) for name, value in median.items()},
        "ratio": round(median["create_loop"] / median["sync"], 2),
        "goal_ratio": GOAL_RATIO,
        "calls": calls,
        "minimum_calls": minimum,
        "calls_goal_met": all(c <= m for c, m in zip(calls["sync"], minimum, strict=True)),
        "outcomes_exact": all(exact),
    }


def verdict(met: bool) -> str:
    return "met" if met else "**missed**"


def table(result: dict[str, Any]) -> str:
    sec, n = result["median_seconds"], result["records"]
    calls = result["calls"]
    lines = [
        "| measure | MinimaxSyncOperator | baseline | ratio | goal |",
        "|---|---|---|---|---|",
        f"| {n:,} new customers upserted at +{result['latency_ms']} ms (s, median of "
        f"{result['repeats']}), max_workers={result['max_workers']} | {sec['sync']:.1f} "
        f"| loop of create(match_on) {sec['create_loop']:.1f} | {result['ratio']:.2f}x "
        f"| >= {GOAL_RATIO}x {verdict(result['ratio'] >= GOAL_RATIO)} |",
        f"| API calls of the sync | {calls['sync'][0]:,} | minimum {result['minimum_calls'][0]:,} "
        f"| | <= minimum {verdict(result['calls_goal_met'])} |",
        f"| API calls of the loop | | {calls['create_loop'][0]:,} | | |",
        f"| the same file again (everything unchanged) (s) | {sec['rerun']:.2f} "
        f"({calls['rerun'][0]} calls) | | | |",
    ]
    return "\n".join(lines)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="200 customers, one run each")
    parser.add_argument("--smoke", action="store_true", help="20 customers, no latency")
    parser.add_argument("--records", type=int, default=None)
    parser.add_argument("--repeats", type=int, default=None)
    parser.add_argument("--results-dir", default=str(RESULTS), help="where the JSON goes")
    args = parser.parse_args()
    os.environ.setdefault("AIRFLOW_HOME", tempfile.mkdtemp(prefix="minimax-bench-airflow-"))
    os.environ.setdefault("AIRFLOW__CORE__LOAD_EXAMPLES", "False")
    os.environ.setdefault("XDG_CACHE_HOME", tempfile.mkdtemp(prefix="minimax-bench-cache-"))
    import airflow_provider_minimax.operators.sync  # noqa: F401 (a task has Airflow loaded)

    label = "smoke" if args.smoke else "quick" if args.quick else "full"
    count = args.records or {"smoke": 20, "quick": 200, "full": 1000}[label]
    repeats = args.repeats or {"smoke": 1, "quick": 1, "full": 3}[label]
    started = time.perf_counter()
    result = measure(count, repeats, latency=not args.smoke, workers=4)
    results = {
        "date": datetime.datetime.now(datetime.timezone.utc).isoformat(timespec="seconds"),
        "size": label,
        "machine": f"{platform.machine()}, {os.cpu_count()} cores, {platform.system()}",
        "python": platform.python_version(),
        "seconds_in_all": round(time.perf_counter() - started, 1),
        "sync": result,
    }
    publish(results, args.results_dir, f"sync-{label}", table(result))
    return 0


if __name__ == "__main__":
    sys.exit(main())
