"""The sync's run: each record written once, by create()'s and update()'s guarantees, every
outcome kept; reruns write only what is missing."""

from __future__ import annotations

import json
from typing import Any

import pytest

from airflow_provider_minimax.client import (
    MinimaxBudgetExhaustedError,
    MinimaxCallBudgetError,
    MinimaxClient,
)
from airflow_provider_minimax.client.syncplan import plan_sync
from airflow_provider_minimax.client.syncrun import Progress, run_sync
from airflow_provider_minimax.sandbox import FaultRule, Sandbox
from tests.sync.helpers import ORG, Sent, codes, customer, seeded

CUSTOMER_POSTS = r"/orgs/123/customers$"


def sync(client: MinimaxClient, records: list[dict[str, Any]], **options: Any) -> Any:
    plan = plan_sync(client, "customers", records, "Code", max_workers=4)
    return plan, run_sync(client, plan, max_workers=4, **options)


@pytest.mark.switch("location_style")
def test_records_are_created_and_updated_and_each_outcome_names_the_record(
    minimax_sandbox: Sandbox, client: MinimaxClient, switch_position: str
) -> None:
    stored = seeded(minimax_sandbox, 1)[0]
    records = [customer(n) for n in range(1, 6)] + [{"Code": stored["Code"], "City": "Bled"}]
    plan, result = sync(client, records)
    assert [o.outcome for o in result.outcomes] == ["created"] * 5 + ["updated"]
    for outcome in result.outcomes:
        held = minimax_sandbox.record(ORG, "customers", outcome.id)
        assert held["Code"] == outcome.key["Code"]
        assert outcome.row_version == held["RowVersion"]
        assert outcome.location == client.record_url("customers", outcome.id)
    assert result.outcomes[-1].changes == ["City"]
    assert minimax_sandbox.record(ORG, "customers", stored["CustomerId"])["City"] == "Bled"
    # The organisations (before the first write), then two calls a create, three an update.
    assert result.calls == 1 + plan.write_calls == 1 + 5 * 2 + 3


def test_a_rerun_finds_every_record_done_and_writes_nothing(
    minimax_sandbox: Sandbox, make_client: Any
) -> None:
    records = [customer(n) for n in range(1, 21)]
    sync(make_client(), records)
    writes = minimax_sandbox.writes
    rerun = make_client()
    _, result = sync(rerun, records)
    assert {o.outcome for o in result.outcomes} == {"unchanged"}
    assert all(o.id and o.location for o in result.outcomes)
    assert minimax_sandbox.writes == writes
    assert rerun.stats.api_calls == 1  # the key index: one page


def test_a_rerun_after_a_partial_failure_writes_only_what_is_missing(
    minimax_sandbox: Sandbox, make_client: Any
) -> None:
    records = [customer(n) for n in range(1, 11)]
    broken = [dict(r) if n % 3 else {**r, "Name": ""} for n, r in enumerate(records, 1)]
    _, first = sync(make_client(), broken)
    assert [o.outcome for o in first.outcomes].count("failed") == 3
    sent = make_client()
    seen = Sent.watching(sent)
    _, second = sync(sent, records)
    assert [o.outcome for o in second.outcomes].count("created") == 3
    assert [o.outcome for o in second.outcomes].count("unchanged") == 7
    assert seen.count("POST") == 3
    assert max(codes(minimax_sandbox).values()) == 1


@pytest.mark.switch("error_style")
def test_a_refusal_of_the_server_is_the_records_outcome_in_its_words(
    minimax_sandbox: Sandbox, client: MinimaxClient, switch_position: str
) -> None:
    """However Minimax words a refusal (ValidationMessages, a Message, plain text), the
    outcome keeps its words; the field is named where the answer names it."""
    records = [customer(1), customer(2, Name=""), customer(3, Country={"ID": 999999})]
    _, result = sync(client, records)
    created, unnamed, nowhere = result.outcomes
    assert created.outcome == "created"
    assert unnamed.outcome == nowhere.outcome == "failed"
    assert "The Name field is required." in (unnamed.server_message or "")  # as Minimax put it
    assert unnamed.fields == (["Name"] if switch_position == "validation" else [])
    assert unnamed.status == 400
    assert unnamed.error_type == "MinimaxValidationError" and unnamed.retry_may_help is False
    assert "Country with ID 999999 does not exist." in (nowhere.error or "")
    assert len(result.failures) == 2


def test_updates_change_only_their_fields_and_another_writers_survive(
    minimax_sandbox: Sandbox, client: MinimaxClient
) -> None:
    """Between the plan and the write, someone changes the customer's address in Minimax."""
    stored = seeded(minimax_sandbox, 1)[0]
    plan = plan_sync(client, "customers", [{"Code": stored["Code"], "City": "Bled"}], "Code")
    minimax_sandbox.change(ORG, "customers", stored["CustomerId"], Address="Prešernova 5")
    result = run_sync(client, plan)
    held = minimax_sandbox.record(ORG, "customers", stored["CustomerId"])
    assert result.outcomes[0].outcome == "updated"
    assert (held["City"], held["Address"]) == ("Bled", "Prešernova 5")


@pytest.mark.switch("concurrency_status", "write_answer")
def test_an_update_that_meets_another_writer_is_applied_to_what_that_writer_stored(
    minimax_sandbox: Sandbox, client: MinimaxClient
) -> None:
    """The other writer changes the record just after update() read it: the PUT is refused
    (400 or 409, as the service may answer), read again, and applied again."""
    stored = seeded(minimax_sandbox, 1)[0]
    path = f"/customers/{stored['CustomerId']}"
    plan = plan_sync(client, "customers", [{"Code": stored["Code"], "City": "Bled"}], "Code")
    reads: list[str] = []

    def meddle(response: Any, *args: Any, **kwargs: Any) -> None:
        if response.request.method == "GET" and response.request.url.endswith(path):
            reads.append(response.request.url)
            if len(reads) == 1:
                minimax_sandbox.change(ORG, "customers", stored["CustomerId"], Address="Nova 1")

    client.transport.session.hooks["response"].append(meddle)
    result = run_sync(client, plan)
    held = minimax_sandbox.record(ORG, "customers", stored["CustomerId"])
    assert result.outcomes[0].outcome == "updated", result.outcomes[0].error
    assert (held["City"], held["Address"]) == ("Bled", "Nova 1")
    assert len(reads) >= 3  # read, refused PUT, read again, PUT, read back


@pytest.mark.parametrize("effect", ["drop_response", "reset", "status"])
def test_a_lost_create_is_looked_up_before_it_is_sent_again_and_never_doubled(
    minimax_sandbox: Sandbox, client: MinimaxClient, effect: str
) -> None:
    """drop_response: stored, the answer lost; reset and 503: not stored. The index had proven
    every record absent, but after a lost answer each is looked up by its code again."""
    minimax_sandbox.add_fault(FaultRule(effect, method="POST", path=CUSTOMER_POSTS, times=3))
    sent = Sent.watching(client)
    records = [customer(n) for n in range(1, 9)]
    _, result = sync(client, records)
    assert [o.outcome for o in result.outcomes] == ["created"] * 8
    assert all(codes(minimax_sandbox)[r["Code"]] == 1 for r in records)
    assert sent.count("GET", "customers/code(") == 3  # one exact lookup per lost answer
    posts = sum(
        n for r, n in minimax_sandbox.stats()["by_route"].items() if r.startswith("POST /SI/API")
    )
    assert posts == 8 + (3 if effect != "drop_response" else 0)  # sent again: not stored


@pytest.mark.switch("budget_answer")
def test_a_spent_budget_stops_the_run_and_the_rest_is_reported_not_sent(
    minimax_sandbox: Sandbox, client: MinimaxClient, switch_position: str
) -> None:
    """Minimax says the budget is spent (a 429 with a day's Retry-After, or words)."""
    records = [customer(n) for n in range(1, 11)]
    plan = plan_sync(client, "customers", records, "Code")
    used = minimax_sandbox.budget(ORG)["window"]
    # Room for three creates (the organisations' lookup is no call of the organisation's).
    minimax_sandbox.configure(request_budget=used + 3 * 2)
    result = run_sync(client, plan)
    outcomes = [o.outcome for o in result.outcomes]
    assert outcomes[:3] == ["created"] * 3
    assert outcomes[3:] == ["failed"] * 7
    # The fourth is refused, or (when the POST fit and its read back did not) created but not
    # read back: either way not sent again. The rest are not sent at all.
    assert "API limit is spent" in (result.outcomes[3].error or "")
    assert all("Not sent: the run stopped after" in (o.error or "") for o in result.outcomes[4:])
    # Not sent for a spent budget: a retry minutes later cannot help (a deferral can).
    assert all(o.retry_may_help is False for o in result.outcomes[4:])
    assert isinstance(result.stopped, MinimaxBudgetExhaustedError)
    # (The sandbox counts a call as it finishes answering: the index's page may count or not.)
    assert len(minimax_sandbox.records(ORG, "customers")) in (40 + 3, 40 + 4)


def test_progress_is_reported_while_the_writes_run(client: MinimaxClient) -> None:
    seen: list[Progress] = []
    records = [customer(n) for n in range(1, 7)] + [customer(1)]
    _, result = sync(client, records, progress=seen.append, every=0.0)
    assert seen, "no progress was reported"
    last = seen[-1]
    assert (last.done, last.total, last.failures) == (6, 6, 0)
    assert last.calls == result.calls and last.seconds_left == 0
    assert json.dumps(result.outcomes[-1].as_dict())  # a line of the results file
    assert result.outcomes[-1].outcome == "duplicate" and result.outcomes[-1].same_as == 1


def test_writes_that_would_pass_max_calls_are_refused_before_the_first(
    minimax_sandbox: Sandbox, make_client: Any
) -> None:
    client = make_client(max_calls=10)
    plan = plan_sync(client, "customers", [customer(n) for n in range(1, 11)], "Code")
    with pytest.raises(MinimaxCallBudgetError, match="needs 20 more API calls, and only 9"):
        run_sync(client, plan)
    assert minimax_sandbox.writes == 0
