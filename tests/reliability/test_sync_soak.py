"""MinimaxSyncOperator under the fault soak: many customers upserted while POSTs lose their
answers (stored, unanswered) or are reset or answered 5xx (not stored), and reads fail now and
then. A task that fails is run again, as Airflow's retries would, until it succeeds.

What may never happen: a customer stored twice, a customer missing at the end, or a results file
that says something the store does not hold (an ID that is not that record's, a record reported
done that is not there)."""

from __future__ import annotations

import json
import shutil
import time
from collections import Counter
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from airflow.providers.common.compat.sdk import AirflowException

from airflow_provider_minimax.client import MinimaxError
from airflow_provider_minimax.operators.sync import MinimaxSyncOperator
from airflow_provider_minimax.sandbox import FaultRule, Sandbox
from tests.reliability.conftest import runs

ORG = 123
CUSTOMERS = r"/orgs/123/customers"  # the list, the records, and the code look-ups
TRIES = 15  # the first try and Airflow's retries


# (effect, method, probability, status): before the record is stored (a reset, a 5xx, a
# gateway's HTML page), after (the answer lost or cut off half-way: drop_response, truncate);
# the key index, the look-ups and the read-backs fail too (retried, being GETs); a PUT repeated
# after a lost answer meets its own new RowVersion.
SOAK = (
    ("drop_response", "POST", 0.2, 503),
    ("truncate", "POST", 0.05, 503),
    ("reset", "POST", 0.08, 503),
    ("status", "POST", 0.06, 503),
    ("status", "POST", 0.03, 500),
    ("html", "POST", 0.03, 502),
    ("status", "GET", 0.08, 503),
    ("reset", "GET", 0.04, 503),
    ("drop_response", "PUT", 0.1, 503),
    ("status", "PUT", 0.05, 503),
)


def faults() -> list[FaultRule]:
    rules = [
        FaultRule(effect, method=method, path=CUSTOMERS, probability=p, status=status)
        for effect, method, p, status in SOAK
    ]
    return [*rules, FaultRule("status", status=429, retry_after=0, method="GET", probability=0.02)]


def results_of(path: Path) -> list[dict[str, Any]]:
    return [json.loads(line) for line in path.read_text("utf-8").splitlines()]


def test_a_sync_under_faults_stores_every_record_once_and_its_results_are_exact(
    minimax_sandbox: Sandbox,
    monkeypatch: pytest.MonkeyPatch,
    tmp_path: Path,
    report: Callable[..., None],
) -> None:
    sandbox = minimax_sandbox
    settings = sandbox.connection
    settings["extra"].update(
        # Few retries, so that records fail now and then and the task is run again; a budget
        # for the soak's calls (the ledger is this test's own).
        max_retries=2,
        backoff_initial=0.01,
        backoff_max=0.05,
        daily_budget=1_000_000,
        monthly_budget=10_000_000,
        reserve=0,
    )
    monkeypatch.setenv("AIRFLOW_CONN_MINIMAX_DEFAULT", json.dumps(settings))
    total = runs(100, 1000)
    records = [
        {"Code": f"SOAK-{n:05d}", "Name": f"Kupec {n} d.o.o.", "City": "Koper"}
        for n in range(1, total + 1)
    ]
    # A tenth of them exist already, in another city: the soak updates those.
    earlier = tmp_path / "earlier" / "customers.jsonl"
    earlier.parent.mkdir()
    moved = [r | {"City": "Celje"} for r in records[: total // 10]]
    earlier.write_text("".join(json.dumps(r) + "\n" for r in moved), "utf-8")
    MinimaxSyncOperator(task_id="s", resource="customers", source=str(earlier), key="Code").execute(
        {}
    )
    source = tmp_path / "customers.jsonl"
    source.write_text("".join(json.dumps(r) + "\n" for r in records), "utf-8")
    for rule in faults():
        sandbox.add_fault(rule)
    injected_before = sum(sandbox.stats()["faults_injected"].values())

    tries: list[dict[str, Any]] = []
    started = time.perf_counter()
    for attempt in range(1, TRIES + 1):
        task = MinimaxSyncOperator(
            task_id="sync", resource="customers", source=str(source), key="Code"
        )
        try:
            summary = task.execute({})
        except (AirflowException, MinimaxError) as error:
            failure: dict[str, Any] = {"failed": type(error).__name__}
            kept = tmp_path / f"try-{attempt}.results.jsonl"
            if (tmp_path / "customers.results.jsonl").exists():
                shutil.copy(tmp_path / "customers.results.jsonl", kept)
                failure["outcomes"] = dict(Counter(line["outcome"] for line in results_of(kept)))
            tries.append(failure)
            tmp_path.joinpath("customers.results.jsonl").unlink(missing_ok=True)
            continue
        tries.append({"outcomes": summary["outcomes"]})
        break
    else:
        pytest.fail(f"the sync did not succeed in {TRIES} tries: {tries}")
    seconds = time.perf_counter() - started
    injected = sum(sandbox.stats()["faults_injected"].values()) - injected_before
    sandbox.clear_faults()

    stored = {
        r["Code"]: r for r in sandbox.records(ORG, "customers") if r["Code"].startswith("SOAK-")
    }
    counts = Counter(r["Code"] for r in sandbox.records(ORG, "customers"))
    duplicates = sum(n - 1 for n in counts.values() if n > 1)
    missing = [r["Code"] for r in records if r["Code"] not in stored]
    assert duplicates == 0
    assert missing == []
    # The last results file: every record done, with the ID the store holds for its code.
    final = results_of(tmp_path / "customers.results.jsonl")
    assert [line["record"] for line in final] == list(range(1, total + 1))
    for line in final:
        held = stored[line["key"]["Code"]]
        assert line["outcome"] in ("created", "updated", "unchanged"), line
        assert held["City"] == "Koper"
        assert line["id"] == held["CustomerId"]
        assert line["location"].endswith(f"/customers/{held['CustomerId']}")
        if line["outcome"] in ("created", "updated"):
            assert line["row_version"] == held["RowVersion"]
    # The earlier tries' files say nothing the store contradicts: a record reported created
    # is there with that ID; a failed one names its error.
    wrong = [
        line
        for kept in tmp_path.glob("try-*.results.jsonl")
        for line in results_of(kept)
        if (line["id"] is not None and stored[line["key"]["Code"]]["CustomerId"] != line["id"])
        or (line["outcome"] == "failed" and not line["error"])
    ]
    assert wrong == []
    assert (tmp_path / "customers.failed.jsonl").read_bytes() == b""
    report(
        "sync_soak",
        records=total,
        tries=len(tries),
        tries_detail=tries,
        faults_injected=injected,
        duplicates=duplicates,
        missing=len(missing),
        seconds=round(seconds, 1),
    )
