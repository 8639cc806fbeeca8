"""Section 3 of benchmarks/budget_ledger.py: 8 processes on two "machines" racing for the last
calls of one budget; the sandbox's count and the ledger's total must both be exact."""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import psycopg2
import requests

from airflow_provider_minimax.sandbox.process import SandboxProcess
from tests.postgres import PostgresServer

ROOT = Path(__file__).resolve().parents[1]
ORG = 123
CREDENTIALS = ("sandbox-client", "sandbox-secret", "sandbox-user", "sandbox-password")
UNLIMITED = 10_000_000

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


def race(
    sandbox: SandboxProcess,
    store: str,
    machines: list[Path],
    dsn: str,
    budget: int,
    calls: int,
    processes: int = 8,
) -> dict[str, Any]:
    """`processes` at once, in len(machines) groups; the sandbox's and the ledger's counts."""
    admin = sandbox.base_url.rsplit("/SI/", 1)[0] + "/_sandbox"
    requests.post(f"{admin}/reset", timeout=30).raise_for_status()
    started = []
    for number in range(processes):
        machine = machines[number * len(machines) // processes]
        env = os.environ | {"PYTHONPATH": str(ROOT), "XDG_CACHE_HOME": str(machine / "cache")}
        started.append(
            subprocess.Popen(
                [
                    sys.executable,
                    "-c",
                    WORKER,
                    sandbox.base_url,
                    store,
                    str(machine),
                    dsn,
                    str(budget),
                    str(calls),
                    json.dumps(CREDENTIALS),
                ],
                stdin=subprocess.PIPE,
                stdout=subprocess.PIPE,
                text=True,
                env=env,
            )
        )
    for process in started:
        assert process.stdout is not None and process.stdout.readline().strip() == "ready"
    began = time.perf_counter()
    for process in started:  # all ready: go
        assert process.stdin is not None
        process.stdin.write("go\n")
        process.stdin.flush()
    outcomes = [json.loads(p.communicate(timeout=600)[0].strip().splitlines()[-1]) for p in started]
    seconds = time.perf_counter() - began
    if store == "sql":
        with psycopg2.connect(dsn) as connection, connection.cursor() as cursor:
            cursor.execute(
                "SELECT SUM(calls) FROM minimax_ledger_calls WHERE ledger_key LIKE %s",
                (f"%/org/{ORG}",),
            )
            ledgers = [int(cursor.fetchone()[0] or 0)]
        connection.close()
    else:
        ledgers = []
        for machine in machines:
            with sqlite3.connect(machine / "ledger" / "ledger.sqlite") as local:
                row = local.execute(
                    "SELECT SUM(calls) FROM minimax_ledger_calls WHERE ledger_key LIKE ?",
                    (f"%/org/{ORG}",),
                ).fetchone()
            local.close()
            ledgers.append(int(row[0] or 0))
    seen = requests.get(f"{admin}/orgs/{ORG}/budget", timeout=30).json()["window"]
    api_calls = requests.get(f"{admin}/stats", timeout=30).json()["api_calls"]
    return {
        "store": store,
        "machines": len(machines),
        "processes": processes,
        "budget": budget,
        "calls_each": calls,
        "made": [o["made"] for o in outcomes],
        "refused": sum(o["refused"] for o in outcomes),
        "made_total": sum(o["made"] for o in outcomes),
        "ledger_totals": ledgers,
        "sandbox_window": seen,
        "sandbox_api_calls": api_calls,
        "seconds": round(seconds, 2),
    }


def exactness(server: PostgresServer, folder: Path, repeats: int, calls: int) -> dict[str, Any]:
    """The races, alternated; each run checked: made == ledger == sandbox == expected."""
    unlimited = UNLIMITED
    plans = [
        ("sql_budget_500", "sql", 2, 500, unlimited),  # name, store, machines, budget,
        ("local_budget_500", "local", 1, 500, unlimited),  # calls each; every round
        ("sql_no_limit", "sql", 2, unlimited, calls),  # the first round only
        ("control_two_local", "local", 2, 500, unlimited),
    ]
    runs: dict[str, list[dict[str, Any]]] = {plan[0]: [] for plan in plans}
    with SandboxProcess() as sandbox:
        for number in range(repeats):
            for name, store, count, budget, each in plans[: 4 if number < 1 else 2]:
                machines = [folder / f"{name}-{number}-{m}" for m in "AB"[:count]]
                dsn = server.create_database() if store == "sql" else ""
                run = race(sandbox, store, machines, dsn, budget, each)
                files = count if store == "local" else 1  # a local store: one file a machine
                run["expected"] = budget * files if budget < unlimited else 8 * each
                run["exact"] = (
                    run["made_total"]
                    == sum(run["ledger_totals"])
                    == run["sandbox_window"]
                    == run["sandbox_api_calls"]
                    == run["expected"]
                )
                runs[name].append(run)
    return runs
