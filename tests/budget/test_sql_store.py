"""budget_store "sql": the ledger in an Airflow SQL connection (real PostgreSQL), shared by
workers on different machines (here: separate cache folders)."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest

from airflow_provider_minimax.client import MinimaxConfigurationError
from airflow_provider_minimax.hooks.minimax import MinimaxHook
from tests.budget.conftest import spend
from tests.postgres import airflow_connection_uri


@pytest.fixture
def sql_budget(
    budget_conn: Callable[..., str], postgres_dsn: str, monkeypatch: pytest.MonkeyPatch
) -> str:
    monkeypatch.setenv("AIRFLOW_CONN_MINIMAX_LEDGER", airflow_connection_uri(postgres_dsn))
    return budget_conn(
        budget_store="sql", budget_conn_id="minimax_ledger", daily_budget=100, reserve=0
    )


def test_two_machines_count_in_one_postgresql_ledger(
    sql_budget: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "machine-a"))
    spend(sql_budget, 3)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "machine-b"))
    spend(sql_budget, 2)
    state = MinimaxHook(sql_budget).budget()
    assert state.used_window == 5
    assert state.available == 95
    assert state.store.startswith("sql minimax_ledger")


def test_sql_store_without_a_database_connection_is_a_clear_error(
    budget_conn: Callable[..., str],
) -> None:
    budget_conn(budget_store="sql")
    with pytest.raises(MinimaxConfigurationError, match="budget_conn_id"):
        MinimaxHook().get_conn()


def test_sql_store_naming_a_connection_that_is_no_database_is_a_clear_error(
    budget_conn: Callable[..., str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(
        "AIRFLOW_CONN_NOT_A_DATABASE", json.dumps({"conn_type": "http", "host": "example"})
    )
    budget_conn(budget_store="sql", budget_conn_id="not_a_database")
    with pytest.raises(MinimaxConfigurationError, match="not a SQL database hook"):
        MinimaxHook().get_conn()
