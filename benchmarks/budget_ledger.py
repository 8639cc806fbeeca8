"""The call ledger (client/budget.py), measured: its cost per call and its exactness.

    make bench-budget    # about 4 minutes; --quick: about 1 minute

Sections (a sandbox in its own process, PostgreSQL from tests/postgres.py, both throwaway):
1. take: Budget.take() alone, no HTTP, for each store: memory (no I/O), local (SQLite in a
   temporary cache folder), sql (PostgreSQL via psycopg2); rounds alternated, every call timed.
   Once on a fresh ledger, once on a full month of it (20,000 minute buckets: the monthly budget's
   calls, each in a minute of its own, the most a month holds), and a statement profile of each.
2. cost: one API call (`count("customers")`: one GET of one row) against a sandbox adding 50 ms
   to every API request, N calls a round with each store, rounds alternated (A B C, B C A, ...).
   The ledger's overhead is a store's median call minus the memory ledger's; goal <= 2 % of 50 ms.
3. exactness: 8 processes at once in two groups of 4, the groups two "machines" (their own
   XDG_CACHE_HOME and ledger_dir), one PostgreSQL ledger; with daily_budget=500 and reserve=0
   each calls until MinimaxBudgetExhaustedError: the sandbox's count and the ledger's total
   must both be exactly 500. Then without a limit (8 x 150 calls: both exactly 1,200), the local
   store with all 8 on one machine (500), and a control: local stores on two machines (1,000).
Results: a table on stdout and benchmarks/results/budget-<date>.json.
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
from collections.abc import Callable
from pathlib import Path
from typing import Any

import psycopg2

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))  # this checkout's package, and tests/postgres.py
# Borrowed from the tests on purpose (a benchmark is not shipped code): the same throwaway
# PostgreSQL the test suite runs (Debian's postgresql package, a temporary folder, a free port,
# fsync and synchronous_commit off: commits are not flushed, as on a fast server with a cache).
from airflow_provider_minimax.client import (  # noqa: E402
    Budget,
    ClientConfig,
    Credentials,
    LocalLedger,
    MemoryLedger,
    MinimaxClient,
    SqlLedger,
)
from airflow_provider_minimax.sandbox.process import SandboxProcess  # noqa: E402
from benchmarks.budget_race import exactness  # noqa: E402
from benchmarks.common import publish  # noqa: E402
from tests.postgres import PostgresServer  # noqa: E402

RESULTS = Path(__file__).parent / "results"
ORG = 123
LATENCY_MS = 50
STORES = ("memory", "local", "sql")
CREDENTIALS = ("sandbox-client", "sandbox-secret", "sandbox-user", "sandbox-password")
UNLIMITED = {"daily_budget": 10_000_000, "monthly_budget": 10_000_000, "reserve": 0}


def postgres_ledger(dsn: str, wrap: Callable[[Any], Any] = lambda c: c) -> SqlLedger:
    return SqlLedger(lambda: wrap(psycopg2.connect(dsn)), placeholder="%s", name="postgres")


def config(base_url: str, **options: Any) -> ClientConfig:
    return ClientConfig(
        Credentials(*CREDENTIALS), base_url=base_url, organisation_id=ORG, **(UNLIMITED | options)
    )


def stores(dsn: str, folder: Path) -> dict[str, Any]:
    return {"memory": MemoryLedger(), "local": LocalLedger(folder), "sql": postgres_ledger(dsn)}


def ms(seconds: float) -> float:
    return round(seconds * 1000, 3)


def summary(rounds: list[list[float]]) -> dict[str, Any]:
    """Per-call median (all calls), p90, and the spread of the rounds' medians (ms)."""
    calls = sorted(t for one in rounds for t in one)
    medians = [statistics.median(one) for one in rounds]
    return {
        "calls": len(calls),
        "median_ms": ms(statistics.median(calls)),
        "p90_ms": ms(calls[int(len(calls) * 0.9)]),
        "round_medians_ms": [ms(m) for m in medians],
    }


def alternate(runs: dict[str, Callable[[], Any]], calls: int, rounds: int) -> dict[str, Any]:
    """`calls` of each contender a round, rounds rotated (A B C, B C A, ...): every call timed."""
    times: dict[str, list[list[float]]] = {name: [] for name in runs}
    for number in range(rounds):
        for name in STORES[number % 3 :] + STORES[: number % 3]:
            run, one = runs[name], []
            for _ in range(calls):
                started = time.perf_counter()
                run()
                one.append(time.perf_counter() - started)
            times[name].append(one)
    return {"calls_per_round": calls, "rounds": rounds, **{n: summary(t) for n, t in times.items()}}


# -- 1. Budget.take() alone ------------------------------------------------------------------


class Timed:
    """A DB-API connection whose statements and commits are timed, by their first words."""

    def __init__(self, connection: Any, spent: dict[str, list[float]]) -> None:
        self._connection, self._spent, self._seen = connection, spent, set()

    def __getattr__(self, name: str) -> Any:
        return getattr(self._connection, name)

    def _timed(self, label: str, run: Callable[[], Any]) -> Any:
        started = time.perf_counter()
        result = run()
        self._spent.setdefault(label, []).append(time.perf_counter() - started)
        return result

    def commit(self) -> None:
        self._seen.clear()
        self._timed("COMMIT", self._connection.commit)

    def cursor(self) -> Any:
        outer, cursor = self, self._connection.cursor()

        class Cursor:
            __getattr__ = lambda self, name: getattr(cursor, name)  # noqa: E731

            def execute(self, statement: str, args: Any = ()) -> Any:
                words = " ".join(statement.split()).replace("minimax_ledger_", "")
                label = words[: words.find(" WHERE")] if " WHERE" in words else words[:40]
                label += " (again)" if label in outer._seen else ""  # the month's SUM
                outer._seen.add(label)
                return outer._timed(label, lambda: cursor.execute(statement, args))

        return Cursor()


def month_clock() -> Callable[[], float]:
    """Wall time moved to 30 November 2025, 20:00 UTC: a month of buckets behind it."""
    offset = datetime.datetime(2025, 11, 30, 20, tzinfo=datetime.timezone.utc).timestamp()
    started = time.time()
    return lambda: offset + (time.time() - started)


def fill_month(budget: Budget, buckets: int = 20_000) -> None:
    """One call in each of `buckets` minutes spread over the month before the clock's now
    (20,000: monthly_budget's calls, each in a minute of its own: the most a month holds)."""
    now_minute = int(budget.clock() // 60)
    first = int(datetime.datetime(2025, 10, 31, 23, tzinfo=datetime.timezone.utc).timestamp())
    span = now_minute - first // 60
    minutes = sorted({now_minute - 1 - (i * span) // buckets for i in range(buckets)})
    with budget.ledger.transaction(budget.key(ORG)) as tx:
        if isinstance(budget.ledger, MemoryLedger):
            for minute in minutes:
                tx.add(minute, calls=1)
        else:
            rows = [(tx.key, minute) for minute in minutes]  # type: ignore[attr-defined]
            tx.cursor.executemany(
                tx.sql(  # type: ignore[attr-defined]
                    "INSERT INTO {p}_calls (ledger_key, minute, calls, token_requests) "
                    "VALUES (?, ?, 1, 0)"
                ),
                rows,
            )


def takes(dsn: str, folder: Path, calls: int, rounds: int, full_month: bool) -> dict[str, Any]:
    cfg = config("http://127.0.0.1:9/SI/")
    clock = month_clock() if full_month else time.time
    budgets = {
        name: Budget(cfg, ledger, clock=clock) for name, ledger in stores(dsn, folder).items()
    }
    for budget in budgets.values():
        budget.take(ORG)  # tables, key row, connection
        if full_month:
            fill_month(budget)
    found = alternate({n: lambda b=b: b.take(ORG) for n, b in budgets.items()}, calls, rounds)
    found["used_window_after"] = {n: b.state(ORG).used_window for n, b in budgets.items()}
    for budget in budgets.values():
        budget.close()
    return found


def profile(dsn: str, folder: Path, calls: int, full_month: bool) -> dict[str, Any]:
    """Where one take() goes: each statement's median and its share (local and sql)."""
    found: dict[str, Any] = {}
    cfg = config("http://127.0.0.1:9/SI/")
    for name in ("local", "sql"):
        spent: dict[str, list[float]] = {}
        ledger: Any = postgres_ledger(dsn, lambda c, spent=spent: Timed(c, spent))
        if name == "local":
            ledger = LocalLedger(folder / "profile")
            connect = ledger._connect
            ledger._connect = lambda c=connect, spent=spent: Timed(c(), spent)
        budget = Budget(cfg, ledger, clock=month_clock() if full_month else time.time)
        budget.take(ORG)
        if full_month:
            fill_month(budget)
        spent.clear()
        started = time.perf_counter()
        for _ in range(calls):
            budget.take(ORG)
        per_take = (time.perf_counter() - started) / calls
        budget.close()
        statements = {
            label: {
                "per_take": round(len(t) / calls, 2),
                "median_ms": ms(statistics.median(t)),
                "share": round(sum(t) / calls / per_take, 3),
            }
            for label, t in sorted(spent.items(), key=lambda kv: -sum(kv[1]))
        }
        found[name] = {"take_mean_ms": ms(per_take), "statements": statements}
    return found


# -- 2. a call at +50 ms -----------------------------------------------------------------------


def cost(dsn: str, folder: Path, calls: int, rounds: int) -> dict[str, Any]:
    fault = f"latency:latency_ms={LATENCY_MS}"
    with SandboxProcess("--fault", fault) as sandbox:
        clients = {
            name: MinimaxClient(
                config(sandbox.base_url, ledger_dir=folder / "local", guard_dir=folder / "guard"),
                ledger=ledger,
            )
            for name, ledger in stores(dsn, folder / "local").items()
        }
        for client in clients.values():
            client.count("customers")  # token, connection pool, tables
        found = alternate(
            {n: lambda c=c: c.count("customers") for n, c in clients.items()}, calls, rounds
        ) | {"latency_ms": LATENCY_MS}
        for client in clients.values():
            client.close()
    for name in ("local", "sql"):
        paired = [
            found[name]["round_medians_ms"][r] - found["memory"]["round_medians_ms"][r]
            for r in range(rounds)
        ]
        overhead = found[name]["median_ms"] - found["memory"]["median_ms"]
        found[name] |= {
            "overhead_ms": round(overhead, 3),
            "overhead_pct_of_latency": round(overhead / LATENCY_MS * 100, 2),
            "round_overheads_ms": [round(p, 3) for p in paired],
        }
    return found


# -- the report --------------------------------------------------------------------------------


def table(results: dict[str, Any]) -> str:
    lines = ["| measure | memory | local | sql (PostgreSQL) | goal |", "|---|---|---|---|---|"]
    for key, what in (
        ("take", "Budget.take() alone, fresh ledger (ms, median; p90)"),
        ("take_full_month", "same, a month of buckets in the ledger"),
    ):
        if key in results:
            t = results[key]
            cells = [f"{t[n]['median_ms']:.3f}; {t[n]['p90_ms']:.3f}" for n in STORES]
            lines.append(f"| {what} | {' | '.join(cells)} | |")
    if "cost" in results:
        c = results["cost"]
        lines.append(
            f"| one call at +{LATENCY_MS} ms (ms, median of {c['memory']['calls']}) | "
            + " | ".join(f"{c[n]['median_ms']:.2f}" for n in STORES)
            + " | |"
        )
        over = [
            f"{c[n]['overhead_ms']:+.2f} ms = {c[n]['overhead_pct_of_latency']:+.1f} % "
            f"(rounds {min(c[n]['round_overheads_ms']):+.2f} to "
            f"{max(c[n]['round_overheads_ms']):+.2f})"
            for n in ("local", "sql")
        ]
        met = all(c[n]["overhead_pct_of_latency"] <= 2 for n in ("local", "sql"))
        lines.append(
            f"| the ledger's overhead on that call | baseline | {over[0]} | {over[1]} "
            f"| <= 2 % {'met' if met else '**missed**'} |"
        )
    if "exactness" in results:
        lines += [
            "",
            "| run | processes x machines | budget | calls made (per process) | "
            "ledger | sandbox | exact |",
            "|---|---|---|---|---|---|---|",
        ]
        for name, done in results["exactness"].items():
            for run in done:
                lines.append(
                    f"| {name} | {run['processes']} x {run['machines']} | {run['budget']:,} | "
                    f"{run['made_total']:,} ({min(run['made'])}-{max(run['made'])}) | "
                    f"{' + '.join(map(str, run['ledger_totals']))} | {run['sandbox_window']:,} "
                    f"| {'yes' if run['exact'] else '**NO**'} |"
                )
    return "\n".join(lines)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="fewer rounds, about a minute")
    parser.add_argument("--smoke", action="store_true", help="tiny sizes: does it still run?")
    parser.add_argument("--results-dir", default=str(RESULTS), help="where the JSON goes")
    parser.add_argument("--sections", default="take,take_full_month,profile,cost,exactness")
    args = parser.parse_args()
    size = "smoke" if args.smoke else "quick" if args.quick else "full"
    take_calls, take_rounds, calls, rounds, repeats = {
        "full": (1000, 5, 100, 5, 3),
        "quick": (500, 3, 40, 3, 1),
        "smoke": (20, 1, 5, 1, 1),
    }[size]
    results: dict[str, Any] = {
        "date": datetime.datetime.now(datetime.timezone.utc).isoformat(timespec="seconds"),
        "size": size,
        "machine": f"{platform.machine()}, {os.cpu_count()} cores, {platform.system()}",
        "python": platform.python_version(),
    }
    wanted = args.sections.split(",")
    with PostgresServer() as server, tempfile.TemporaryDirectory() as temporary:
        folder = Path(temporary)
        sections = {
            "take": lambda: takes(
                server.create_database(), folder / "take", take_calls, take_rounds, full_month=False
            ),
            "take_full_month": lambda: takes(
                server.create_database(),
                folder / "month",
                max(take_calls // 3, 10),
                3,
                full_month=True,
            ),
            "profile": lambda: {
                "fresh": profile(server.create_database(), folder / "p1", take_calls, False),
                "full_month": profile(
                    server.create_database(), folder / "p2", max(take_calls // 3, 10), True
                ),
            },
            "cost": lambda: cost(server.create_database(), folder / "cost", calls, rounds),
            "exactness": lambda: exactness(
                server, folder / "race", repeats, 150 if size == "full" else 20
            ),
        }
        for name in wanted:
            started = time.perf_counter()
            results[name] = sections[name]()
            print(
                f"{name} ({time.perf_counter() - started:.0f} s): {json.dumps(results[name])}",
                flush=True,
            )
    suffix = "" if size == "full" else f"-{size}"
    publish(results, args.results_dir, f"budget{suffix}", table(results))
    exact = all(run["exact"] for done in results.get("exactness", {}).values() for run in done)
    return 0 if exact else 1


if __name__ == "__main__":
    sys.exit(main())
