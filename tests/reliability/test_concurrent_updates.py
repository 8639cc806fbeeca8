"""Concurrent updates: many writers change different fields of the same records, none is lost.

Eight threads of this process and two other Python processes each own one field of a few
customers and set it with `client.update` (no row_version: read, apply, PUT with RowVersion; read
again after another writer's change). All writers start together, so their PUTs collide at the
sandbox, which refuses every stale RowVersion. At the end every writer's value must be in every
record: a refused PUT that was silently dropped, or a PUT that overwrote another writer's field
with an old value, would show as a missing change.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
import threading
import time
from pathlib import Path
from typing import Any

from airflow_provider_minimax.client import MinimaxClient, MinimaxConcurrencyError
from airflow_provider_minimax.client.update import UPDATE_ATTEMPTS
from airflow_provider_minimax.sandbox import Sandbox
from tests.reliability.conftest import runs

ORG = 123
CUSTOMERS = 3
THREADS = 8
PROCESSES = 2
# One field per writer: threads take the first eight, the processes the last two.
FIELDS = (
    "Address",
    "PostalCode",
    "City",
    "WebSiteURL",
    "InternalCustomerNumber",
    "GLN",
    "BudgetUserNumber",
    "RegistrationNumber",
    "TaxNumber",
    "VATIdentificationNumber",
)
# A writer whose update gave up (MinimaxConcurrencyError after UPDATE_ATTEMPTS tries) calls it
# again, as an Airflow retry would; this many give-ups per record is a failure of the test.
MAX_GIVE_UPS = 25

WRITER = textwrap.dedent(
    """
    import json, sys
    from pathlib import Path
    from airflow_provider_minimax.client import (
        ClientConfig, Credentials, MinimaxClient, MinimaxConcurrencyError,
    )

    job = json.loads(sys.argv[1])
    config = ClientConfig(
        Credentials(*job["credentials"]), base_url=job["base_url"], organisation_id=job["org"],
        guard_dir=Path(job["guard_dir"]), backoff_initial=0.01, backoff_max=0.05,
    )
    client = MinimaxClient(config)
    client.organisations()  # the token and the organisations, before the start
    print("ready", flush=True)
    sys.stdin.readline()
    done = give_ups = 0
    for customer in job["customers"]:
        while True:
            try:
                client.update("customers", customer, {job["field"]: job["values"][str(customer)]})
            except MinimaxConcurrencyError:
                give_ups += 1
                if give_ups > job["max_give_ups"]:
                    raise
                continue
            done += 1
            break
    print(json.dumps({"done": done, "give_ups": give_ups, "stats": client.stats.as_dict()}))
    """
)


def value_for(round_number: int, writer: int, customer: int) -> str:
    """The text writer `writer` puts into its field of `customer` in a round (unique each)."""
    return f"R{round_number}W{writer}C{customer}"


def customer_ids(sandbox: Sandbox) -> list[int]:
    return sorted(sandbox.ids(ORG, "customers"))[:CUSTOMERS]


def stored(sandbox: Sandbox, customer: int) -> dict[str, Any]:
    return sandbox.record(ORG, "customers", customer)


def update_all(client: MinimaxClient, field: str, values: dict[int, str]) -> dict[str, int]:
    """One writer's round: its field of every customer, again after a give-up."""
    done = give_ups = 0
    for customer, value in values.items():
        while True:
            try:
                client.update("customers", customer, {field: value})
            except MinimaxConcurrencyError:
                give_ups += 1
                assert give_ups <= MAX_GIVE_UPS, f"{field}: {give_ups} give-ups"
                continue
            done += 1
            break
    return {"done": done, "give_ups": give_ups}


def start_process(
    sandbox: Sandbox, writer: int, values: dict[int, str], guard_dir: Path
) -> subprocess.Popen[str]:
    creds = sandbox.settings.credentials
    job = {
        "credentials": [creds.client_id, creds.client_secret, creds.username, creds.password],
        "base_url": sandbox.base_url,
        "org": ORG,
        "guard_dir": str(guard_dir),
        "customers": list(values),
        "field": FIELDS[writer],
        "values": {str(customer): value for customer, value in values.items()},
        "max_give_ups": MAX_GIVE_UPS,
    }
    child = subprocess.Popen(
        [sys.executable, "-c", WRITER, json.dumps(job)],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=dict(os.environ),
    )
    assert child.stdout is not None
    line = child.stdout.readline().strip()
    assert line == "ready", f"writer process did not start: {line} {child.stderr.read()}"
    return child


def finish_process(child: subprocess.Popen[str]) -> dict[str, Any]:
    out, err = child.communicate(timeout=120)
    assert child.returncode == 0, err[-2000:]
    result: dict[str, Any] = json.loads(out.strip().splitlines()[-1])
    return result


def put_count(sandbox: Sandbox) -> int:
    route = f"PUT /{sandbox.settings.country}/API/api/orgs/{{id}}/customers/{{id}}"
    count: int = sandbox.stats()["by_route"].get(route, 0)
    return count


def run_round(
    sandbox: Sandbox, make_client: Any, values: dict[int, dict[int, str]], guard_dir: Path
) -> tuple[list[dict[str, Any]], int]:
    """Every writer at once: the threads released by a barrier, the processes by a line on
    stdin. Returns each writer's {"done", "give_ups"} and the transport retries."""
    children = [
        start_process(sandbox, writer, values[writer], guard_dir)
        for writer in range(THREADS, THREADS + PROCESSES)
    ]
    clients = [make_client() for _ in range(THREADS)]
    for client in clients:
        client.organisations()  # each has its token before the start
    gate = threading.Barrier(THREADS + 1)
    results: dict[int, dict[str, int]] = {}
    errors: list[BaseException] = []

    def write(writer: int, client: MinimaxClient) -> None:
        gate.wait(timeout=30)
        try:
            results[writer] = update_all(client, FIELDS[writer], values[writer])
        except BaseException as error:  # reported by the main thread
            errors.append(error)

    threads = [
        threading.Thread(target=write, args=(writer, clients[writer])) for writer in range(THREADS)
    ]
    for thread in threads:
        thread.start()
    for child in children:
        assert child.stdin is not None
        child.stdin.write("go\n")
        child.stdin.flush()
    gate.wait(timeout=30)
    for thread in threads:
        thread.join(timeout=120)
    process_results = [finish_process(child) for child in children]
    assert not errors, errors[0]
    retries = sum(c.stats.retries for c in clients)
    retries += sum(int(r["stats"]["retries"]) for r in process_results)
    return [*results.values(), *process_results], retries


def test_concurrent_writers_lose_no_field_change(
    minimax_sandbox: Sandbox, make_client: Any, tmp_path: Path, report: Any
) -> None:
    """8 threads and 2 processes, each its own field of the same customers, all at once, for
    a number of rounds: every writer's latest value is in every record afterwards, and the
    fields no writer touched are as they were."""
    rounds = runs(1, 5)
    customers = customer_ids(minimax_sandbox)
    untouched = {
        customer: {key: stored(minimax_sandbox, customer)[key] for key in ("Code", "Name")}
        for customer in customers
    }
    minimax_sandbox.reset_stats()
    totals = {"done": 0, "give_ups": 0, "transport_retries": 0}
    started = time.perf_counter()
    for round_number in range(1, rounds + 1):
        values = {
            writer: {c: value_for(round_number, writer, c) for c in customers}
            for writer in range(THREADS + PROCESSES)
        }
        results, retries = run_round(minimax_sandbox, make_client, values, tmp_path / "guard")
        for result in results:
            totals["done"] += result["done"]
            totals["give_ups"] += result["give_ups"]
        totals["transport_retries"] += retries

        for customer in customers:
            record = stored(minimax_sandbox, customer)
            lost = {
                FIELDS[writer]: (record.get(FIELDS[writer]), values[writer][customer])
                for writer in range(THREADS + PROCESSES)
                if record.get(FIELDS[writer]) != values[writer][customer]
            }
            assert not lost, f"round {round_number}, customer {customer}: lost updates {lost}"
            assert {k: record[k] for k in untouched[customer]} == untouched[customer]

    stats = minimax_sandbox.stats()
    puts = put_count(minimax_sandbox)
    writes = rounds * (THREADS + PROCESSES) * CUSTOMERS
    conflicts = puts - totals["done"]
    report(
        "concurrent_updates",
        rounds=rounds,
        writers=THREADS + PROCESSES,
        threads=THREADS,
        processes=PROCESSES,
        customers=CUSTOMERS,
        field_changes=writes,
        field_changes_lost=0,
        puts=puts,
        conflicts_http_400=int(stats["by_status"].get("400", 0)),
        conflicts_puts_minus_updates=conflicts,
        rereads_after_conflict=conflicts - totals["give_ups"],
        gave_up_after_attempts=totals["give_ups"],
        update_attempts=UPDATE_ATTEMPTS,
        transport_retries=totals["transport_retries"],
        seconds=round(time.perf_counter() - started, 2),
    )
    assert totals["done"] == writes
    # Every refused PUT was a stale RowVersion, and nothing else went wrong.
    assert int(stats["by_status"].get("400", 0)) == conflicts
    assert set(stats["by_status"]) <= {"200", "400"}
