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
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import psycopg2
import requests

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
    return ClientConfig(Credentials(*CREDENTIALS), base_url=base_url, organisation_id=ORG,
                        **(UNLIMITED | options))  # fmt: skip


def stores(dsn: str, folder: Path) -> dict[str, Any]:
    return {"memory": MemoryLedger(), "local": LocalLedger(folder), "sql": postgres_ledger(dsn)}


def ms(seconds: float) -> float:
    return round(seconds * 1000, 3)


def summary(rounds: list[list[float]]) -> dict[str, Any]:
    """Per-call median (all calls), p90, and the spread of the rounds' medians (ms)."""
    calls = sorted(t for one in rounds for t in one)
    medians = [statistics.median(one) for one in rounds]
    return {"calls": len(calls), "median_ms": ms(statistics.median(calls)),
            "p90_ms": ms(calls[int(len(calls) * 0.9)]),
            "round_medians_ms": [ms(m) for m in medians]}  # fmt: skip


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
            tx.cursor.executemany(tx.sql(  # type: ignore[attr-defined]
                "INSERT INTO {p}_calls (ledger_key, minute, calls, token_requests) "
                "VALUES (?, ?, 1, 0)"), rows)  # fmt: skip


def takes(dsn: str, folder: Path, calls: int, rounds: int, full_month: bool) -> dict[str, Any]:
    cfg = config("http://127.0.0.1:9/SI/")
    clock = month_clock() if full_month else time.time
    budgets = {name: Budget(cfg, ledger, clock=clock)
               for name, ledger in stores(dsn, folder).items()}  # fmt: skip
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
        statements = {label: {"per_take": round(len(t) / calls, 2), "median_ms": ms(
            statistics.median(t)), "share": round(sum(t) / calls / per_take, 3)}
            for label, t in sorted(spent.items(), key=lambda kv: -sum(kv[1]))}  # fmt: skip
        found[name] = {"take_mean_ms": ms(per_take), "statements": statements}
    return found


# -- 2. a call at +50 ms -----------------------------------------------------------------------


def cost(dsn: str, folder: Path, calls: int, rounds: int) -> dict[str, Any]:
    fault = f"latency:latency_ms={LATENCY_MS}"
    with SandboxProcess("--fault", fault) as sandbox:
        clients = {name: MinimaxClient(config(sandbox.base_url, ledger_dir=folder / "local",
                                              guard_dir=folder / "guard"), ledger=ledger)
                   for name, ledger in stores(dsn, folder / "local").items()}  # fmt: skip
        for client in clients.values():
            client.count("customers")  # token, connection pool, tables
        found = alternate({n: lambda c=c: c.count("customers") for n, c in clients.items()},
                          calls, rounds) | {"latency_ms": LATENCY_MS}  # fmt: skip
        for client in clients.values():
            client.close()
    for name in ("local", "sql"):
        paired = [found[name]["round_medians_ms"][r] - found["memory"]["round_medians_ms"][r]
                  for r in range(rounds)]  # fmt: skip
        overhead = found[name]["median_ms"] - found["memory"]["median_ms"]
        found[name] |= {"overhead_ms": round(overhead, 3),
                        "overhead_pct_of_latency": round(overhead / LATENCY_MS * 100, 2),
                        "round_overheads_ms": [round(p, 3) for p in paired]}  # fmt: skip
    return found


# -- 3. exactness ------------------------------------------------------------------------------

WORKER = """
import json, sys
from pathlib import Path
import psycopg2
from airflow_provider_minimax.client import (
    ClientConfig, Credentials, MinimaxBudgetExhaustedError, MinimaxClient, SqlLedger)
base_url, store, folder, dsn, budget, calls = sys.argv[1:7]
ledger = SqlLedger(lambda: psycopg2.connect(dsn), placeholder="%s", name="postgres")
client = MinimaxClient(ClientConfig(
    Credentials(*json.loads(sys.argv[7])), base_url=base_url, organisation_id=123,
    daily_budget=int(budget), monthly_budget=int(budget), reserve=0, budget_store=store,
    ledger_dir=Path(folder) / "ledger", guard_dir=Path(folder) / "guard",
), ledger=ledger if store == "sql" else None)
client.budget.state()  # the ledger opened (tables, key row) before the start
print("ready", flush=True)
sys.stdin.readline()
made = refused = 0
while made < int(calls) and not refused:
    try:
        client.count("customers")
        made += 1
    except MinimaxBudgetExhaustedError:
        refused = 1
print(json.dumps({"made": made, "refused": refused}), flush=True)
"""


def race(sandbox: SandboxProcess, store: str, machines: list[Path], dsn: str, budget: int,
         calls: int, processes: int = 8) -> dict[str, Any]:  # fmt: skip
    """`processes` at once, in len(machines) groups; the sandbox's and the ledger's counts."""
    admin = sandbox.base_url.rsplit("/SI/", 1)[0] + "/_sandbox"
    requests.post(f"{admin}/reset", timeout=30).raise_for_status()
    started = []
    for number in range(processes):
        machine = machines[number * len(machines) // processes]
        env = os.environ | {"PYTHONPATH": str(ROOT), "XDG_CACHE_HOME": str(machine / "cache")}
        started.append(subprocess.Popen(
            [sys.executable, "-c", WORKER, sandbox.base_url, store, str(machine), dsn,
             str(budget), str(calls), json.dumps(CREDENTIALS)],
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True, env=env))  # fmt: skip
    for process in started:
        assert process.stdout is not None and process.stdout.readline().strip() == "ready"
    began = time.perf_counter()
    for process in started:  # all ready: go
        assert process.stdin is not None
        process.stdin.write("go\n")
        process.stdin.flush()
    outcomes = [json.loads(p.communicate(timeout=600)[0].strip().splitlines()[-1])
                for p in started]  # fmt: skip
    seconds = time.perf_counter() - began
    if store == "sql":
        with psycopg2.connect(dsn) as connection, connection.cursor() as cursor:
            cursor.execute("SELECT SUM(calls) FROM minimax_ledger_calls WHERE ledger_key LIKE "
                           "%s", (f"%/org/{ORG}",))  # fmt: skip
            ledgers = [int(cursor.fetchone()[0] or 0)]
        connection.close()
    else:
        ledgers = []
        for machine in machines:
            with sqlite3.connect(machine / "ledger" / "ledger.sqlite") as local:
                row = local.execute("SELECT SUM(calls) FROM minimax_ledger_calls WHERE "
                                    "ledger_key LIKE ?", (f"%/org/{ORG}",)).fetchone()  # fmt: skip
            local.close()
            ledgers.append(int(row[0] or 0))
    seen = requests.get(f"{admin}/orgs/{ORG}/budget", timeout=30).json()["window"]
    api_calls = requests.get(f"{admin}/stats", timeout=30).json()["api_calls"]
    return {"store": store, "machines": len(machines), "processes": processes,
            "budget": budget, "calls_each": calls, "made": [o["made"] for o in outcomes],
            "refused": sum(o["refused"] for o in outcomes), "made_total": sum(
                o["made"] for o in outcomes), "ledger_totals": ledgers, "sandbox_window": seen,
            "sandbox_api_calls": api_calls, "seconds": round(seconds, 2)}  # fmt: skip


def exactness(server: PostgresServer, folder: Path, repeats: int, calls: int) -> dict[str, Any]:
    """The races, alternated; each run checked: made == ledger == sandbox == expected."""
    unlimited = UNLIMITED["daily_budget"]
    plans = [("sql_budget_500", "sql", 2, 500, unlimited),  # name, store, machines, budget,
             ("local_budget_500", "local", 1, 500, unlimited),  # calls each; every round
             ("sql_no_limit", "sql", 2, unlimited, calls),  # the first round only
             ("control_two_local", "local", 2, 500, unlimited)]  # fmt: skip
    runs: dict[str, list[dict[str, Any]]] = {plan[0]: [] for plan in plans}
    with SandboxProcess() as sandbox:
        for number in range(repeats):
            for name, store, count, budget, each in plans[: 4 if number < 1 else 2]:
                machines = [folder / f"{name}-{number}-{m}" for m in "AB"[:count]]
                dsn = server.create_database() if store == "sql" else ""
                run = race(sandbox, store, machines, dsn, budget, each)
                files = count if store == "local" else 1  # a local store: one file a machine
                run["expected"] = budget * files if budget < unlimited else 8 * each
                run["exact"] = (run["made_total"] == sum(run["ledger_totals"])
                                == run["sandbox_window"] == run["sandbox_api_calls"]
                                == run["expected"])  # fmt: skip
                runs[name].append(run)
    return runs


# -- the report --------------------------------------------------------------------------------


def table(results: dict[str, Any]) -> str:
    lines = ["| measure | memory | local | sql (PostgreSQL) | goal |", "|---|---|---|---|---|"]
    for key, what in (("take", "Budget.take() alone, fresh ledger (ms, median; p90)"),
                      ("take_full_month", "same, a month of buckets in the ledger")):  # fmt: skip
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
        over = [f"{c[n]['overhead_ms']:+.2f} ms = {c[n]['overhead_pct_of_latency']:+.1f} % "
                f"(rounds {min(c[n]['round_overheads_ms']):+.2f} to "
                f"{max(c[n]['round_overheads_ms']):+.2f})" for n in ("local", "sql")]  # fmt: skip
        met = all(c[n]["overhead_pct_of_latency"] <= 2 for n in ("local", "sql"))
        lines.append(f"| the ledger's overhead on that call | baseline | {over[0]} | {over[1]} "
                     f"| <= 2 % {'met' if met else '**missed**'} |")  # fmt: skip
    if "exactness" in results:
        lines += ["", "| run | processes x machines | budget | calls made (per process) | "
                  "ledger | sandbox | exact |", "|---|---|---|---|---|---|---|"]  # fmt: skip
        for name, done in results["exactness"].items():
            for run in done:
                lines.append(
                    f"| {name} | {run['processes']} x {run['machines']} | {run['budget']:,} | "
                    f"{run['made_total']:,} ({min(run['made'])}-{max(run['made'])}) | "
                    f"{' + '.join(map(str, run['ledger_totals']))} | {run['sandbox_window']:,} "
                    f"| {'yes' if run['exact'] else '**NO**'} |")  # fmt: skip
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
        "full": (1000, 5, 100, 5, 3), "quick": (500, 3, 40, 3, 1), "smoke": (20, 1, 5, 1, 1),
    }[size]  # fmt: skip
    results: dict[str, Any] = {
        "date": datetime.datetime.now(datetime.timezone.utc).isoformat(timespec="seconds"),
        "size": size, "machine": f"{platform.machine()}, {os.cpu_count()} cores, "
        f"{platform.system()}", "python": platform.python_version(),
    }  # fmt: skip
    wanted = args.sections.split(",")
    with PostgresServer() as server, tempfile.TemporaryDirectory() as temporary:
        folder = Path(temporary)
        sections = {
            "take": lambda: takes(server.create_database(), folder / "take", take_calls,
                                  take_rounds, full_month=False),
            "take_full_month": lambda: takes(server.create_database(), folder / "month",
                                             max(take_calls // 3, 10), 3, full_month=True),
            "profile": lambda: {"fresh": profile(server.create_database(), folder / "p1",
                                                 take_calls, False),
                                "full_month": profile(server.create_database(), folder / "p2",
                                                      max(take_calls // 3, 10), True)},
            "cost": lambda: cost(server.create_database(), folder / "cost", calls, rounds),
            "exactness": lambda: exactness(server, folder / "race", repeats,
                                           150 if size == "full" else 20),
        }  # fmt: skip
        for name in wanted:
            started = time.perf_counter()
            results[name] = sections[name]()
            print(f"{name} ({time.perf_counter() - started:.0f} s): "
                  f"{json.dumps(results[name])}", flush=True)  # fmt: skip
    results_dir = Path(args.results_dir)
    results_dir.mkdir(parents=True, exist_ok=True)
    suffix = "" if size == "full" else f"-{size}"
    out = results_dir / f"budget{suffix}-{datetime.date.today().isoformat()}.json"
    out.write_text(json.dumps(results, indent=2) + "\n")
    print(f"\nMachine: {results['machine']}, Python {results['python']}\n")
    print(table(results))
    print(f"\nresults: {out}")
    exact = all(run["exact"] for done in results.get("exactness", {}).values() for run in done)
    return 0 if exact else 1


if __name__ == "__main__":
    sys.exit(main())
