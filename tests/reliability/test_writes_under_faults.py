"""Creates under faults: lost answers, resets and 5xx on POST, and Airflow's task retries.

A create whose answer is lost may or may not have been stored. The client never sends such a
POST again blindly: with `match_on` it first looks the record up (and uses it if it is there),
without `match_on` it fails the task at once with MinimaxAmbiguousWriteError,
    MinimaxConfigurationError, so that no retry
can double the record. Here hundreds of creates run under such faults, each task retried (as
Airflow would) when it fails, and the sandbox's store is then checked: every customer exactly
once, none twice.
"""

from __future__ import annotations

import logging
import time
from collections import Counter
from collections.abc import Callable
from typing import Any

import pytest
from airflow.providers.common.compat.sdk import AirflowFailException

from airflow_provider_minimax.client import (
    MinimaxAmbiguousWriteError,
    MinimaxConfigurationError,
    MinimaxError,
    MinimaxValidationError,
)
from airflow_provider_minimax.operators.records import MinimaxCreateOperator
from airflow_provider_minimax.sandbox import FaultRule, Sandbox
from tests.reliability.conftest import FULL, runs

ORG = 123
CUSTOMERS = r"/orgs/123/customers"  # the list, the records, and the code look-ups
TRIES = 3  # the first try and two Airflow retries
LOST_AND_STORED = "the lost create had been stored"
LOST_NOT_STORED = "the lost create was not stored"
FOUND_EXISTING = "found existing record by"


def codes_in_store(sandbox: Sandbox) -> Counter[str]:
    return Counter(str(record.get("Code")) for record in sandbox.records(ORG, "customers"))


def named(sandbox: Sandbox, name: str) -> list[int]:
    """The IDs of organisation 123's customers of that name."""
    return sandbox.ids(ORG, "customers", Name=name)


def posts(sandbox: Sandbox) -> int:
    """POSTs of customers the sandbox saw (answered, failed or dropped)."""
    by_route: dict[str, int] = sandbox.stats()["by_route"]
    return sum(
        n for route, n in by_route.items() if route.startswith("POST ") and "customers" in route
    )


def create_task(code: str, client: Any, **options: Any) -> MinimaxCreateOperator:
    """A create task whose hook uses `client` (the connection's, with fast backoff)."""
    task = MinimaxCreateOperator(
        task_id=f"create_{code.lower().replace('-', '_')}",
        resource="customers",
        payload={"Code": code, "Name": f"Spletni kupec {code}", "City": "Koper"},
        **options,
    )
    task.hook.client = client
    return task


class Messages(logging.Handler):
    """The client's log lines, counted by a phrase they contain."""

    def __init__(self) -> None:
        super().__init__(logging.INFO)
        self.lines: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.lines.append(record.getMessage())

    def count(self, phrase: str) -> int:
        return sum(phrase in line for line in self.lines)


@pytest.fixture
def client_log() -> Any:
    logger = logging.getLogger("airflow_provider_minimax.client")
    handler = Messages()
    level = logger.level
    logger.addHandler(handler)
    logger.setLevel(logging.INFO)
    yield handler
    logger.removeHandler(handler)
    logger.setLevel(level)


def test_creates_with_match_on_under_faults_store_every_customer_exactly_once(
    minimax_connection: str,
    minimax_sandbox: Sandbox,
    make_client: Callable[..., Any],
    client_log: Messages,
    report: Callable[..., None],
) -> None:
    """runs(20, 200) creates with match_on="Code" while POSTs lose their answers (stored but
    unanswered), are reset or answered 5xx (not stored), and reads fail now and then; a task
    that fails is run again, up to three tries. Duplicates: 0; missing: 0."""
    sandbox = minimax_sandbox
    assert max(codes_in_store(sandbox).values()) == 1  # the seeded world has no twins
    rules = [
        # After the record is stored: the answer is lost, or cut off half-way.
        FaultRule("drop_response", method="POST", path=CUSTOMERS, probability=0.3),
        FaultRule("truncate", method="POST", path=CUSTOMERS, probability=0.05),
        # Before it is stored: a reset, a 5xx, a gateway's HTML page.
        FaultRule("reset", method="POST", path=CUSTOMERS, probability=0.1),
        FaultRule("status", status=503, method="POST", path=CUSTOMERS, probability=0.08),
        FaultRule("status", status=500, method="POST", path=CUSTOMERS, probability=0.04),
        FaultRule("html", status=502, method="POST", path=CUSTOMERS, probability=0.04),
        # The look-ups and read-backs around the POST fail too (retried, being GETs).
        FaultRule("status", status=503, method="GET", path=CUSTOMERS, probability=0.1),
        FaultRule("reset", method="GET", path=CUSTOMERS, probability=0.05),
        FaultRule("status", status=429, retry_after=0, method="GET", probability=0.03),
    ]
    for rule in rules:
        sandbox.add_fault(rule)
    injected_before = sum(sandbox.stats()["faults_injected"].values())

    total = runs(20, 200)
    intended = [f"WEB-{number:04d}" for number in range(total)]
    task_retries = 0
    failed_tries: Counter[str] = Counter()
    results: dict[str, Any] = {}
    started = time.perf_counter()
    for code in intended:
        # One client per task, as each Airflow task builds its own; retries few so that tasks
        # fail now and then and are retried as Airflow would.
        task = create_task(code, make_client(max_retries=2), match_on="Code")
        for attempt in range(1, TRIES + 1):
            try:
                results[code] = task.execute(context={})
                break
            except (AirflowFailException, MinimaxError) as error:
                cause = error.__cause__ if isinstance(error, AirflowFailException) else error
                failed_tries[type(cause or error).__name__] += 1
                if attempt < TRIES:
                    task_retries += 1
    seconds = round(time.perf_counter() - started, 1)
    sandbox.clear_faults()

    stored = codes_in_store(sandbox)
    duplicates = sum(count - 1 for count in stored.values() if count > 1)
    missing = [code for code in intended if stored[code] == 0]
    stats = sandbox.stats()
    figures = {
        "creates": total,
        "faults_injected": sum(stats["faults_injected"].values()) - injected_before,
        "faults_by_effect": dict(sorted(stats["faults_injected"].items())),
        "posts": posts(sandbox),
        "posts_refused_as_existing": stats["by_status"].get("400", 0),
        "task_retries": task_retries,
        "failed_tries": dict(sorted(failed_tries.items())),
        "ambiguous_recovered_by_match_on": client_log.count(LOST_AND_STORED),
        "ambiguous_not_stored_sent_again": client_log.count(LOST_NOT_STORED),
        "found_existing_on_task_retry": client_log.count(FOUND_EXISTING),
        "duplicates": duplicates,
        "missing": len(missing),
        "seconds": seconds,
    }
    report("writes_under_faults", **figures)

    assert duplicates == 0, [code for code, count in stored.items() if count > 1]
    # The sandbox keeps Code unique, so a stored create sent again shows as a 400, not a twin.
    assert figures["posts_refused_as_existing"] == 0
    assert "MinimaxValidationError" not in failed_tries
    assert missing == [], f"never created: {missing} ({figures})"
    assert all(stored[code] == 1 for code in intended)
    assert sorted(results) == intended
    for code, result in results.items():
        record = sandbox.record(ORG, "customers", int(result["id"]))
        assert record["Code"] == code  # each task returned its own customer
    assert figures["ambiguous_recovered_by_match_on"] >= 1
    assert figures["faults_injected"] >= total // 2
    if FULL:
        assert task_retries >= 1  # some tasks did fail and were run again


def test_without_match_on_a_lost_answer_fails_the_task_at_once_and_is_not_sent_again(
    minimax_connection: str,
    minimax_sandbox: Sandbox,
    make_client: Callable[..., Any],
) -> None:
    """The provider refuses to guess. Without match_on, a create whose answer is lost fails the
    task at once (AirflowFailException caused by MinimaxAmbiguousWriteError, which Airflow does
    not retry) and is not sent again, though four retries were allowed: exactly one customer
    exists. Run again with match_on, the task finds that one. Run again blindly, the POST is
    sent a second time; here only the service's own unique Code refuses it (HTTP 400)."""
    sandbox = minimax_sandbox
    code = "WEB-LOST"
    rule = sandbox.add_fault(FaultRule("drop_response", method="POST", path=CUSTOMERS, times=1))
    task = create_task(code, make_client(max_retries=4))
    with pytest.raises(AirflowFailException) as failure:
        task.execute(context={})
    assert isinstance(failure.value.__cause__, MinimaxAmbiguousWriteError)
    assert "match_on" in str(failure.value)  # it says how to make a retry safe
    assert rule.fired == 1
    assert posts(sandbox) == 1  # not sent again
    assert codes_in_store(sandbox)[code] == 1  # stored once

    found = create_task(code, make_client(), match_on="Code").execute(context={})
    assert posts(sandbox) == 1 and codes_in_store(sandbox)[code] == 1
    assert sandbox.record(ORG, "customers", int(found["id"]))["Code"] == code

    with pytest.raises(AirflowFailException) as refused:
        task.execute(context={})  # the blind retry: a second POST of the same customer
    assert isinstance(refused.value.__cause__, MinimaxValidationError)
    assert "already exists" in str(refused.value)
    assert posts(sandbox) == 2 and codes_in_store(sandbox)[code] == 1


def test_without_match_on_or_a_unique_code_the_blind_retry_is_what_doubles_the_record(
    minimax_connection: str,
    minimax_sandbox: Sandbox,
    make_client: Callable[..., Any],
) -> None:
    """A customer without a Code (nothing the service keeps unique): the lost answer fails the
    task at once and leaves exactly one customer. Had the provider retried the POST itself, or
    if the task is run again without match_on, the customer exists twice: the very duplicate
    the provider refused to risk. match_on="Name" is refused before anything is sent: customers
    have no exact lookup by name (SearchString proves no absence), only by Code."""
    sandbox = minimax_sandbox
    name = "Spletni kupec brez kode"
    payload = {"Name": name, "City": "Piran"}
    sandbox.add_fault(FaultRule("drop_response", method="POST", path=CUSTOMERS, times=1))

    def task(**options: Any) -> MinimaxCreateOperator:
        created = MinimaxCreateOperator(
            task_id="create", resource="customers", payload=payload, **options
        )
        created.hook.client = make_client(max_retries=4)
        return created

    with pytest.raises(AirflowFailException) as failure:
        task().execute(context={})
    assert isinstance(failure.value.__cause__, MinimaxAmbiguousWriteError)
    assert posts(sandbox) == 1
    assert len(named(sandbox, name)) == 1  # the provider refused to guess: one customer

    with pytest.raises(AirflowFailException, match="match on Code") as refused:
        task(match_on="Name").execute(context={})
    assert isinstance(refused.value.__cause__, MinimaxConfigurationError)
    assert posts(sandbox) == 1

    task().execute(context={})  # what a blind retry does
    assert posts(sandbox) == 2
    assert len(named(sandbox, name)) == 2  # the duplicate
