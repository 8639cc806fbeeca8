"""One log line per call and no secret in the logs; every user argument is templated."""

from __future__ import annotations

import inspect
import logging
import re
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import pytest

from airflow_provider_minimax.operators.action import MinimaxActionOperator
from airflow_provider_minimax.operators.records import (
    MinimaxCreateOperator,
    MinimaxDeleteOperator,
    MinimaxGetOperator,
    MinimaxUpdateOperator,
)
from airflow_provider_minimax.operators.sync import MinimaxSyncOperator
from airflow_provider_minimax.sandbox import Sandbox
from airflow_provider_minimax.sensors.record import MinimaxRecordSensor
from airflow_provider_minimax.transfers.minimax_to_sql import MinimaxToSqlOperator
from tests.logtools import operator_logs

# Each line ends with what is left of the organisation's budget (operators/_base.py).
DURATION = r"in \d+\.\d{3} s \(\d+ API calls\); \d+ of organisation 123's 24 h budget left \(.*\)$"


def call_lines(events: list[dict[str, Any]]) -> list[str]:
    """The operators' INFO lines that report a Minimax call."""
    return [
        str(event["event"])
        for event in events
        if event.get("log_level") == "info" and str(event["event"]).startswith("Minimax ")
    ]


def test_one_info_line_per_call_and_no_secret(
    conn: Sandbox,
    draft: dict[str, Any],
    tmp_path: Path,
    caplog: pytest.LogCaptureFixture,
    capfd: pytest.CaptureFixture[str],
) -> None:
    """create, update and action each log one INFO line with operation, resource, ID and
    duration; no password, client secret or access token appears anywhere in the logs.

    Operators log through Airflow's structlog (not the stdlib `logging` that caplog sees), so
    their lines are captured with structlog's capture_logs; the client's stdlib lines with
    caplog; anything printed with capfd.
    """
    caplog.set_level(logging.DEBUG)
    invoice = draft["IssuedInvoiceId"]
    with operator_logs() as create_events:
        created = MinimaxCreateOperator(
            task_id="c", resource="customers", payload={"Code": "OPS-LOG", "Name": "Log"}
        ).execute({})
    with operator_logs() as update_events:
        MinimaxUpdateOperator(
            task_id="u", resource="customers", id=created["id"], changes={"City": "Ptuj"}
        ).execute({})
    with operator_logs() as action_events:
        MinimaxActionOperator(
            task_id="a",
            resource="issuedinvoices",
            id=invoice,
            action="issueAndGeneratepdf",
            attachment_path=str(tmp_path / "i.pdf"),
        ).execute({})

    [create_line] = call_lines(create_events)
    [update_line] = call_lines(update_events)
    [action_line] = call_lines(action_events)
    assert re.match(rf"^Minimax create customers: id {created['id']} {DURATION}", create_line)
    assert re.match(
        rf"^Minimax update customers {created['id']}: row version \S+ {DURATION}", update_line
    )
    assert re.match(
        rf"^Minimax issueAndGeneratepdf issuedinvoices {invoice}: file \S+\.pdf {DURATION}",
        action_line,
    )

    out, err = capfd.readouterr()
    events = [*create_events, *update_events, *action_events]
    text = "\n".join([caplog.text, out, err, *(repr(event) for event in events)])
    assert "Minimax token for 'sandbox-user' obtained" in text  # the client's lines are here
    creds = conn.settings.credentials
    tokens = conn.issued_tokens()
    assert tokens, "a token was issued"
    for secret in (creds.password, creds.client_secret, *tokens):
        assert secret not in text


# -- templating -------------------------------------------------------------------------------

TASK_LEVEL = {"skip_if_done", "deferrable"}
CLASSES = [
    MinimaxCreateOperator,
    MinimaxGetOperator,
    MinimaxUpdateOperator,
    MinimaxDeleteOperator,
    MinimaxActionOperator,
    MinimaxRecordSensor,
    MinimaxSyncOperator,
    MinimaxToSqlOperator,
]


def user_arguments(cls: type) -> list[str]:
    """Keyword arguments of the provider's own __init__ methods along the class's MRO."""
    names: list[str] = []
    for klass in cls.__mro__:
        if not klass.__module__.startswith("airflow_provider_minimax") or "__init__" not in vars(
            klass
        ):
            continue
        for parameter in inspect.signature(klass.__init__).parameters.values():
            if parameter.kind is parameter.KEYWORD_ONLY and parameter.name not in names:
                names.append(parameter.name)
    return [name for name in names if name not in TASK_LEVEL]


def sentinel(name: str) -> Any:
    """A value only this argument gets."""
    return f"<{name}>"


def holds(value: Any, expected: Any) -> bool:
    if isinstance(expected, dict):
        return isinstance(value, Mapping) and {key: value[key] for key in value} == expected
    return bool(value == expected)


@pytest.mark.parametrize("cls", CLASSES, ids=lambda cls: cls.__name__)
def test_every_user_argument_is_a_template_field(cls: type) -> None:
    """Each argument's value lands in an attribute that template_fields names."""
    arguments = user_arguments(cls)
    assert {"minimax_conn_id", "organisation_id", "resource"} <= set(arguments)
    operator = cls(task_id="t", **{name: sentinel(name) for name in arguments})
    for name in arguments:
        holders = [
            attribute
            for attribute, value in vars(operator).items()
            if not attribute.startswith("_") and holds(value, sentinel(name))
        ]
        assert set(holders) & set(cls.template_fields), (
            f"{cls.__name__}({name}=…) is kept in {holders}, not in template_fields "
            f"{cls.template_fields}"
        )
