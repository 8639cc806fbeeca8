"""What goes wrong: a fault part-way through the list leaves the table as it was and the rerun
loads it exactly; a spent budget defers or fails saying when; bad arguments fail at once,
before any API call, naming what to change."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from airflow.providers.common.compat.sdk import AirflowFailException, TaskDeferred

from airflow_provider_minimax.sandbox import Sandbox
from tests.budget.conftest import spend
from tests.exports.helpers import AfterFirst, expected, list_path
from tests.logtools import operator_logs
from tests.transfers.conftest import LEDGER, Warehouse, transfer, transfer_task, utc

START, END = utc(2025, 11, 3), utc(2025, 11, 17)


@pytest.fixture
def connect(conn: Sandbox, monkeypatch: pytest.MonkeyPatch) -> Callable[..., None]:
    """`connect(**extra)`: `minimax_default` as the sandbox's connection with more extras."""

    def point(**extra: Any) -> None:
        connection = conn.connection
        connection["extra"].update(extra)
        monkeypatch.setenv("AIRFLOW_CONN_MINIMAX_DEFAULT", json.dumps(connection))

    return point


@pytest.mark.parametrize("effect", ["status", "truncate"])
def test_a_fault_part_way_leaves_the_table_as_it_was_and_the_rerun_loads_it_exactly(
    conn: Sandbox, warehouse: Warehouse, connect: Callable[..., None], effect: str
) -> None:
    """The first week is loaded; the next load (two weeks, with changes) fails at page 4 of 5,
    after three pages were staged: the table holds the first week as it was. The rerun loads
    both weeks; a third run changes nothing."""
    connect(max_retries=0)
    conn.configure(max_page_size=50)
    transfer(LEDGER, START, utc(2025, 11, 10))
    before = warehouse.rows("ledger", "JournalEntryId")
    rule = AfterFirst(effect, status=500, path=list_path(LEDGER), skip=3)
    conn.add_fault(rule)
    with pytest.raises(Exception):  # noqa: B017, PT011 (what the client raises is its business)
        transfer(LEDGER, START, END)
    assert rule.fired == 1
    assert warehouse.rows("ledger", "JournalEntryId") == before

    conn.clear_faults()
    rerun = transfer(LEDGER, START, END)
    assert rerun["rows"] == len(expected(conn, LEDGER, START, END))
    assert rerun["inserted"] == rerun["rows"] - len(before) and rerun["kept"] == len(before)
    after = warehouse.rows("ledger", "JournalEntryId")
    assert transfer(LEDGER, START, END)["kept"] == rerun["rows"]
    assert warehouse.rows("ledger", "JournalEntryId") == after


def test_a_value_its_column_cannot_hold_fails_at_once_and_loads_nothing(
    conn: Sandbox, warehouse: Warehouse
) -> None:
    item = conn.ids(123, "items")[2]
    conn.change(123, "items", item, Price="abc")
    with pytest.raises(AirflowFailException, match=rf"ItemId {item}.*field Price"):
        transfer("items", table="items")
    assert warehouse.query("SELECT COUNT(*) FROM items") == [(0,)]  # created, then nothing


WINDOW = 120


def test_a_spent_budget_defers_the_load_and_sends_nothing(
    conn: Sandbox, postgres_warehouse: Warehouse, connect: Callable[..., None]
) -> None:
    connect(daily_budget=3, reserve=0, budget_window=WINDOW)
    spend("minimax_default", 3)
    sent = conn.stats()["api_calls"]
    with pytest.raises(TaskDeferred) as deferred:
        transfer_task("customers", table="customers", deferrable=True).execute({})
    assert deferred.value.method_name == "execute_complete"
    assert conn.stats()["api_calls"] == sent
    json.dumps(deferred.value.kwargs)  # what Airflow stores must be JSON


def test_without_deferral_a_spent_budget_fails_at_once_saying_when(
    conn: Sandbox, postgres_warehouse: Warehouse, connect: Callable[..., None]
) -> None:
    connect(daily_budget=3, reserve=0, budget_window=WINDOW)
    spend("minimax_default", 3)
    with pytest.raises(AirflowFailException, match=r"organisation 123.*UTC.*deferrable=True"):
        transfer("customers", table="customers", deferrable=False)


def test_after_a_deferral_the_organisations_loaded_before_are_kept(
    conn: Sandbox,
    postgres_warehouse: Warehouse,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Organisation 124's budget is spent in the web app: the task defers with 123's report;
    woken, it loads only 124 (123's rows were committed: not read again)."""
    spend("minimax_default", 1)
    conn.configure(request_budget=5, budget_window=3600)
    conn.spend(124, 5)
    task = transfer_task("customers", table="customers", organisation_ids=[123, 124])
    task.deferrable = True
    with pytest.raises(TaskDeferred) as deferred:
        task.execute({})
    done = deferred.value.kwargs["done"]
    assert [report["organisation_id"] for report in done] == [123]
    conn.configure(request_budget=None)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "another-worker"))
    before = conn.stats()["by_route"].copy()
    again = transfer_task("customers", table="customers", organisation_ids=[123, 124])
    reports = again.execute_complete({}, {"status": "fired"}, **deferred.value.kwargs)
    assert reports[0] == done[0] and reports[1]["organisation_id"] == 124
    route = f"GET /{conn.settings.country}/API/api/orgs/{{id}}/customers"
    assert conn.stats()["by_route"].get(route, 0) - before.get(route, 0) == 1
    counts = postgres_warehouse.query(
        "SELECT organisation_id, COUNT(*) FROM customers GROUP BY 1 ORDER BY 1"
    )
    assert [org for org, _ in counts] == [123, 124]


@pytest.mark.parametrize(
    ("options", "message"),
    [
        ({"table": "ledger; DROP TABLE x"}, r"table: table 'ledger; DROP TABLE x' is not a plain"),
        ({"table": "a.b.c"}, r"table: .*schema"),
        ({"fields": ["Debit", "Debt"]}, r"fields: .*no field 'Debt'"),
        ({"mode": "weekly"}, r"mode must be one of window, changes, full"),
        ({"delete_missing": True}, r"delete_missing=True .* mode='full'"),
        ({"delete_missing": "maybe", "mode": "full"}, r"delete_missing must be true or false"),
        ({"sql_conn_id": "nowhere"}, r"sql_conn_id 'nowhere' gives no database hook"),
        ({"resource": "ledgers"}, r"Unknown Minimax resource 'ledgers'"),
    ],
)
def test_bad_arguments_fail_at_once_before_any_call(
    conn: Sandbox, postgres_warehouse: Warehouse, options: dict[str, Any], message: str
) -> None:
    conn.reset_stats()
    resource = options.pop("resource", LEDGER)
    task = transfer_task(resource, **options)
    with pytest.raises(AirflowFailException, match=message):
        task.execute({"data_interval_start": START, "data_interval_end": END})
    assert conn.stats()["api_calls"] == 0


def test_delete_missing_with_filters_is_refused(
    conn: Sandbox, postgres_warehouse: Warehouse
) -> None:
    task = transfer_task(
        "customers", table="customers", mode="full", delete_missing=True, filters={"Code": "1"}
    )
    with pytest.raises(AirflowFailException, match="without filters"):
        task.execute({})


def test_an_existing_table_lacking_a_column_fails_naming_it_or_gets_it_added(
    conn: Sandbox, warehouse: Warehouse
) -> None:
    transfer(LEDGER, START, utc(2025, 11, 4))
    warehouse.execute('ALTER TABLE ledger DROP COLUMN "Analytic_Name"')
    conn.reset_stats()
    with pytest.raises(AirflowFailException, match=r"no column Analytic_Name .*add_columns=True"):
        transfer(LEDGER, START, END)
    assert conn.stats()["api_calls"] == 0
    report = transfer(LEDGER, START, END, add_columns=True)
    assert report["added_columns"] == ["Analytic_Name"]


def test_the_load_is_logged_with_its_counts(conn: Sandbox, postgres_warehouse: Warehouse) -> None:
    conn.reset_stats()
    with operator_logs() as events:
        report = transfer(LEDGER, START, END)
    text = "\n".join(str(event["event"]) for event in events)
    assert f"{report['rows']} rows: {report['rows']} inserted, 0 updated" in text
    assert f"Minimax load of {LEDGER}: {report['rows']} rows into table ledger" in text
    assert report["api_calls"] == conn.stats()["api_calls"]
