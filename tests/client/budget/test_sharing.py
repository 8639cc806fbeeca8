"""Holders sharing a ledger: processes racing for the last calls, reservations, expired ones,
the service's over-limit answers blocking everyone, SQL ledgers, and a broken store."""

from __future__ import annotations

import datetime
import logging
import sqlite3
import subprocess
import sys
import textwrap
from pathlib import Path
from typing import Any

import pytest

from airflow_provider_minimax.client import (
    MinimaxBudgetExhaustedError,
    MinimaxConfigurationError,
    MinimaxPlanTooLargeError,
    SqlLedger,
)
from airflow_provider_minimax.sandbox import Sandbox

from .support import ORG, Clock

UTC = datetime.timezone.utc

RACER = textwrap.dedent(
    """
    import sys
    from pathlib import Path
    from airflow_provider_minimax.client import (
        ClientConfig, Credentials, MinimaxBudgetExhaustedError, MinimaxClient,
    )
    base_url, ledger_dir, calls, reserve_calls = sys.argv[1:5]
    client = MinimaxClient(ClientConfig(
        Credentials("sandbox-client", "sandbox-secret", "sandbox-user", "sandbox-password"),
        base_url=base_url, organisation_id=123, daily_budget=200, reserve=0,
        ledger_dir=Path(ledger_dir), guard_dir=Path(ledger_dir) / "guard",
    ))
    if int(reserve_calls):
        try:
            client.budget.reserve(123, int(reserve_calls), "race")
            print("reserved")
        except MinimaxBudgetExhaustedError:
            print("refused")
        sys.exit(0)
    made = 0
    for _ in range(int(calls)):
        try:
            client.count("customers")
        except MinimaxBudgetExhaustedError:
            break
        made += 1
    print(made)
    """
)


def _race(sandbox: Sandbox, folder: Path, processes: int, calls: int, reserve: int) -> list[str]:
    creds = sandbox.settings.credentials
    script = RACER.replace("sandbox-client", creds.client_id)
    script = script.replace("sandbox-secret", creds.client_secret)
    script = script.replace("sandbox-user", creds.username)
    script = script.replace("sandbox-password", creds.password)
    started = [
        subprocess.Popen(
            [sys.executable, "-c", script, sandbox.base_url, str(folder), str(calls), str(reserve)],
            stdout=subprocess.PIPE,
            text=True,
        )
        for _ in range(processes)
    ]
    return [process.communicate(timeout=300)[0].strip() for process in started]


def test_processes_racing_for_the_last_calls_get_exactly_the_budget(
    minimax_sandbox: Sandbox, tmp_path: Path
) -> None:
    minimax_sandbox.reset_stats()
    made = _race(minimax_sandbox, tmp_path / "ledger", processes=4, calls=80, reserve=0)
    assert sum(int(n) for n in made) == 200
    assert minimax_sandbox.stats()["api_calls"] == 200


def test_two_processes_cannot_both_reserve_the_last_calls(
    minimax_sandbox: Sandbox, tmp_path: Path
) -> None:
    answers = _race(minimax_sandbox, tmp_path / "ledger", processes=4, calls=0, reserve=150)
    assert sorted(answers) == ["refused", "refused", "refused", "reserved"]


def test_a_reservation_is_spent_by_its_calls_and_blocks_the_others(
    minimax_sandbox: Sandbox, make_client: Any, tmp_path: Path
) -> None:
    clock = Clock(datetime.datetime(2025, 11, 20, 10, 0, tzinfo=UTC))
    options = {"clock": clock, "daily_budget": 6, "reserve": 1, "ledger_dir": tmp_path / "l"}
    mine, other = make_client(**options), make_client(**options)
    with pytest.raises(MinimaxPlanTooLargeError, match="daily_budget of 6 less reserve 1"):
        mine.budget.reserve(ORG, 6, "too much")
    with mine.budget.reserve(ORG, 4, "export") as reservation:
        assert other.budget.state().reserved_by_others == 4
        assert other.budget.state().available == 1
        other.count("customers")
        with pytest.raises(MinimaxBudgetExhaustedError) as caught:
            other.count("customers")
        assert "4 reserved by other tasks" in str(caught.value)
        # The reservation's holder still has its 4 calls, though the window holds only 5.
        for _ in range(3):
            mine.count("customers")
        assert reservation.spent == 3 and reservation.left == 1
        with pytest.raises(MinimaxBudgetExhaustedError):
            other.budget.reserve(ORG, 1, "another")
    assert other.budget.state().reserved_by_others == 0
    other.count("customers")  # the unspent call came back
    assert mine.budget.state().used_window == 5
    assert mine.budget.reserve(ORG, 0, "nothing").released  # a 0-call reservation: a no-op


def test_an_expired_reservation_is_ignored(
    minimax_sandbox: Sandbox, make_client: Any, tmp_path: Path
) -> None:
    clock = Clock(datetime.datetime(2025, 11, 20, 10, 0, tzinfo=UTC))
    options = {"clock": clock, "daily_budget": 5, "reserve": 0, "ledger_dir": tmp_path / "l"}
    dead, alive = make_client(**options), make_client(**options)
    dead.budget.reserve(ORG, 5, "a task that died")
    with pytest.raises(MinimaxBudgetExhaustedError) as caught:
        alive.count("customers")
    assert caught.value.available_at == datetime.datetime(2025, 11, 20, 10, 10, tzinfo=UTC)
    clock.advance(600)
    alive.count("customers")
    assert alive.budget.state().reserved_by_others == 0


@pytest.mark.switch("budget_answer")
def test_the_service_saying_the_limit_is_spent_blocks_every_client_of_the_ledger(
    minimax_sandbox: Sandbox, make_client: Any, switch_position: str, tmp_path: Path
) -> None:
    first = make_client(max_retries=0, ledger_dir=tmp_path / "l")
    second = make_client(ledger_dir=tmp_path / "l")
    minimax_sandbox.configure(request_budget=1, budget_window=600)
    first.count("customers")
    with pytest.raises(MinimaxBudgetExhaustedError) as caught:
        first.count("customers")
    minimax_sandbox.reset_stats()
    with pytest.raises(MinimaxBudgetExhaustedError) as blocked:
        second.count("customers")
    assert minimax_sandbox.stats()["api_calls"] == 0  # the second client sent nothing
    assert blocked.value.available_at == caught.value.available_at
    assert "Minimax said organisation 123's API limit is spent" in str(blocked.value)
    assert second.budget.state().blocked_until == caught.value.available_at


def test_a_sql_ledger_is_shared_exactly(
    minimax_sandbox: Sandbox, make_client: Any, tmp_path: Path
) -> None:
    database = tmp_path / "shared.sqlite"

    def ledger() -> SqlLedger:
        return SqlLedger(lambda: sqlite3.connect(database), placeholder="?", name="shared")

    first = make_client(budget_store="sql", ledger=ledger(), daily_budget=5, reserve=0)
    second = make_client(budget_store="sql", ledger=ledger(), daily_budget=5, reserve=0)
    for client in (first, second, first, second, first):
        client.count("customers")
    with pytest.raises(MinimaxBudgetExhaustedError):
        second.count("customers")
    assert first.budget.state().store == "sql shared"
    with pytest.raises(MinimaxConfigurationError, match="budget_store is 'sql' but no ledger"):
        make_client(budget_store="sql")


def test_a_postgresql_ledger_is_shared_exactly(
    minimax_sandbox: Sandbox, make_client: Any, request: pytest.FixtureRequest
) -> None:
    psycopg2 = pytest.importorskip("psycopg2")
    try:
        dsn = request.getfixturevalue("postgres_dsn")
    except pytest.FixtureLookupError:
        pytest.skip("no postgres_dsn fixture (tests/postgres.py) here")

    def ledger() -> SqlLedger:
        return SqlLedger(lambda: psycopg2.connect(dsn), placeholder="%s", name="postgres")

    clients = [make_client(budget_store="sql", ledger=ledger(), daily_budget=6, reserve=0)]
    clients.append(make_client(budget_store="sql", ledger=ledger(), daily_budget=6, reserve=0))
    for number in range(6):
        clients[number % 2].count("customers")
    with pytest.raises(MinimaxBudgetExhaustedError):
        clients[0].count("customers")
    assert clients[1].budget.state().used_window == 6


def _broken(*_: Any) -> Any:
    raise OSError("the database is down")


@pytest.mark.parametrize("store", ["a file as ledger_dir", "a sql ledger that cannot connect"])
def test_a_broken_store_warns_once_and_counts_in_the_process(
    minimax_sandbox: Sandbox,
    make_client: Any,
    tmp_path: Path,
    caplog: pytest.LogCaptureFixture,
    store: str,
) -> None:
    if store.startswith("a file"):
        (tmp_path / "not-a-folder").write_text("")
        options: dict[str, Any] = {"ledger_dir": tmp_path / "not-a-folder"}
    else:
        options = {"budget_store": "sql", "ledger": SqlLedger(_broken, name="down")}
    client = make_client(daily_budget=3, reserve=0, **options)
    with caplog.at_level(logging.WARNING, "airflow_provider_minimax.client"):
        for _ in range(3):
            client.count("customers")
        with pytest.raises(MinimaxBudgetExhaustedError):
            client.count("customers")
    warnings = [r.getMessage() for r in caplog.records if "call ledger" in r.getMessage()]
    assert len(warnings) == 1, warnings
    assert (
        "counting in this process from now on; other workers' calls are not seen" in (warnings[0])
    )
    state = client.budget.state()
    assert state.store.startswith("in-process (the store failed") and state.used_window == 3
