"""Every call an export makes is in a log line and a manifest: with organisation_ids="all", the
lookup of the organisations (and its retries, and the token) once was in neither."""

from __future__ import annotations

import re
from pathlib import Path

from airflow_provider_minimax.sandbox import Sandbox
from airflow_provider_minimax.sandbox.faults import FaultRule
from tests.exports.helpers import export, utc
from tests.logtools import operator_logs

START, END = utc(2025, 11, 3), utc(2025, 11, 10)


def test_the_manifests_and_the_logs_count_every_call_the_sandbox_saw(
    conn: Sandbox, tmp_path: Path
) -> None:
    conn.reset_stats()
    conn.add_fault(FaultRule("status", status=503, times=2, path="currentuser/orgs"))
    with operator_logs() as events:
        manifests = export(
            "issuedinvoices",
            f"{tmp_path}/{{organisation_id}}.jsonl",
            START,
            END,
            organisation_ids="all",
        )
    text = "\n".join(str(event["event"]) for event in events)
    seen = conn.stats()
    assert seen["faults_injected"]  # the lookup was retried
    assert sum(m["api_calls"] for m in manifests) == seen["api_calls"]
    assert sum(m["token_requests"] for m in manifests) == seen["token_requests"] == 1
    assert sum(m["retries"] for m in manifests) == 2
    # The lookup has its log line with its calls, and the task a line with the total.
    [lookup] = re.findall(r"Minimax lookup of the organisations: .*\((\d+) API calls\)", text)
    assert int(lookup) == 3
    # Each call's line ends with its count: the lookup's, each plan's, each file's.
    logged = re.findall(r"^Minimax .*\((\d+) API calls\); \d+ of organisation", text, re.MULTILINE)
    assert len(logged) == 5 and sum(int(calls) for calls in logged) == seen["api_calls"]
    [total] = re.findall(r"Minimax export of issuedinvoices: .* in (\d+) API calls", text)
    assert int(total) == seen["api_calls"]


def test_a_single_organisation_counts_the_same_way(conn: Sandbox, tmp_path: Path) -> None:
    conn.reset_stats()
    manifest = export("issuedinvoices", tmp_path / "x.jsonl", START, END)
    assert manifest["api_calls"] == conn.stats()["api_calls"]
    assert manifest["token_requests"] == conn.stats()["token_requests"] == 1
