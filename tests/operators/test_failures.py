"""What no retry can cure fails the task at once (AirflowFailException, the cause chained);
what a retry may cure is raised as it is, for Airflow's `retries`."""

from __future__ import annotations

import asyncio
import errno
import logging
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest
from airflow.providers.common.compat.sdk import AirflowException, AirflowFailException

from airflow_provider_minimax.client import (
    MinimaxAuthError,
    MinimaxError,
    MinimaxServerError,
    MinimaxTokenUnavailableError,
    MinimaxValidationError,
)
from airflow_provider_minimax.operators._base import logged_call
from airflow_provider_minimax.operators._destination import write_file
from airflow_provider_minimax.operators.action import MinimaxActionOperator
from airflow_provider_minimax.sandbox import Sandbox
from airflow_provider_minimax.sensors.record import check_event
from airflow_provider_minimax.triggers.record import MinimaxRecordTrigger
from tests.exports.helpers import export, files


class StrictValidationError(MinimaxValidationError):
    """A subclass the old list of names did not know."""


class ReadOnlyBooksError(MinimaxError):
    retry_may_help = False


class FlakyProxyError(MinimaxServerError):
    pass


def task() -> Any:
    """Just enough of an operator for logged_call: a hook whose client counts calls, a log."""
    client = SimpleNamespace(stats=SimpleNamespace(api_calls=0))
    return SimpleNamespace(
        hook=SimpleNamespace(get_conn=lambda: client), log=logging.getLogger("test")
    )


def failing(error: BaseException) -> Any:
    def call() -> None:
        raise error

    return call


@pytest.mark.parametrize(
    "error",
    [
        StrictValidationError("refused"),
        ReadOnlyBooksError("read only"),
        MinimaxAuthError("Minimax refused access", status=403),
    ],
)
def test_an_error_no_retry_cures_fails_at_once_with_its_cause(error: MinimaxError) -> None:
    with pytest.raises(AirflowFailException) as failed:
        logged_call(task(), "create customers", failing(error), str)
    assert failed.value.__cause__ is error
    assert str(error) in str(failed.value)


@pytest.mark.parametrize(
    "error",
    [
        FlakyProxyError("bad gateway"),
        MinimaxServerError("no answer"),
        MinimaxTokenUnavailableError("token endpoint down", status=503),
    ],
)
def test_an_error_a_retry_may_cure_is_raised_for_airflows_retries(error: MinimaxError) -> None:
    with pytest.raises(MinimaxError) as raised:
        logged_call(task(), "list customers", failing(error), str)
    assert raised.value is error
    assert not isinstance(raised.value, AirflowFailException)


# -- local storage ----------------------------------------------------------------------------


def test_a_folder_as_the_target_fails_at_once(tmp_path: Path) -> None:
    folder = tmp_path / "invoice.pdf"
    folder.mkdir()
    with pytest.raises(AirflowFailException, match="is a folder") as failed:
        write_file(str(folder), b"%PDF")
    assert isinstance(failed.value, IsADirectoryError)  # as it was raised before
    assert files(tmp_path) == []


def test_a_parent_that_is_a_file_fails_at_once_with_its_cause(tmp_path: Path) -> None:
    blocker = tmp_path / "blocker"
    blocker.write_text("not a folder")
    with pytest.raises(AirflowFailException) as failed:
        write_file(f"file://{blocker}/invoice.pdf", b"%PDF")
    assert isinstance(failed.value, NotADirectoryError)
    assert isinstance(failed.value.__cause__, NotADirectoryError)
    assert files(tmp_path) == ["blocker"]


@pytest.mark.skipif(not Path("/sys/kernel").is_dir(), reason="needs Linux's sysfs")
def test_a_folder_the_worker_may_not_write_fails_at_once() -> None:
    # sysfs refuses new files even to root (tests and CI run as root, so a chmod would not do).
    with pytest.raises(AirflowFailException) as failed:
        write_file("/sys/kernel/minimax-out.jsonl", b"{}\n")
    assert isinstance(failed.value.__cause__, PermissionError)


def test_a_storage_airflow_cannot_reach_fails_at_once() -> None:
    with pytest.raises(AirflowFailException, match="nosuchstore") as failed:
        write_file("nosuchstore://bucket/out.jsonl", b"{}\n")
    assert isinstance(failed.value.__cause__, ValueError)


def test_a_full_disk_is_left_to_airflows_retries(tmp_path: Path) -> None:
    """An OS error the path does not cause (no space left) may pass: raised as it is."""
    from airflow_provider_minimax.operators._storage import _fail_at_once

    error = OSError(errno.ENOSPC, "No space left on device")
    with pytest.raises(OSError, match="No space left") as raised:
        _fail_at_once(error, tmp_path / "out.jsonl")
    assert raised.value is error


def test_the_action_operator_fails_at_once_on_a_folder(
    conn: Sandbox, draft: dict[str, Any], tmp_path: Path
) -> None:
    folder = tmp_path / "invoice.pdf"
    folder.mkdir()
    operator = MinimaxActionOperator(
        task_id="act",
        resource="issuedinvoices",
        id=draft["IssuedInvoiceId"],
        action="issueAndGeneratepdf",
        attachment_path=str(folder),
    )
    before = conn.stats()["api_calls"]
    with pytest.raises(AirflowFailException, match="is a folder"):
        operator.execute({})
    # Found before the action: the invoice is not issued with its PDF going nowhere.
    assert conn.stats()["api_calls"] == before
    assert files(tmp_path) == []


def test_the_export_operator_fails_at_once_on_a_folder(conn: Sandbox, tmp_path: Path) -> None:
    folder = tmp_path / "countries.jsonl"
    folder.mkdir()
    with pytest.raises(AirflowFailException, match="is a folder"):
        export("countries", folder)
    assert files(tmp_path) == []


# -- deferred waits ---------------------------------------------------------------------------


def test_a_deferred_wait_fails_at_once_when_no_retry_cures_the_triggers_error(
    conn: Sandbox,
) -> None:
    async def first_event() -> dict[str, Any]:
        events = MinimaxRecordTrigger(resource="nosuchresource", id=1).run()
        try:
            return dict((await asyncio.wait_for(events.__anext__(), timeout=30)).payload)
        finally:
            await events.aclose()

    event = asyncio.run(first_event())
    assert event["status"] == "error" and event["retry_may_help"] is False
    with pytest.raises(AirflowFailException, match="MinimaxConfigurationError"):
        check_event(event, "Waiting for nosuchresource")


def test_a_deferred_wait_leaves_a_curable_error_to_airflows_retries() -> None:
    event = {"status": "error", "message": "MinimaxServerError: down", "retry_may_help": True}
    with pytest.raises(AirflowException, match="down") as failed:
        check_event(event, "Waiting")
    assert not isinstance(failed.value, AirflowFailException)
