"""MinimaxRecordTrigger: wait in the triggerer until a record exists and matches.

It carries only JSON arguments and the connection id, never a token: the triggerer reads the
connection itself. The client is synchronous, so each check runs in a worker thread and the
triggerer's event loop never blocks.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator, Mapping
from typing import TYPE_CHECKING, Any

from airflow.triggers.base import BaseTrigger, TriggerEvent

if TYPE_CHECKING:
    from airflow_provider_minimax.client.waits import RecordCheck


def record_summary(
    resource: str, record: Mapping[str, Any], expect: Mapping[str, Any] | None
) -> dict[str, Any]:
    """What a wait returns to XCom: the record's ID, RowVersion and the fields it waited for."""
    # Kept importable from here; the client is imported late, as DAG files import this module.
    from airflow_provider_minimax.client.waits import record_summary as summary

    return summary(resource, record, expect)


class MinimaxRecordTrigger(BaseTrigger):
    """Poll Minimax until the record named by id, code or filters exists and matches `expect`.

    :param resource: path below the organisation, e.g. `issuedinvoices`.
    :param id: the record's ID; or `code`; or `filters` that select one record.
    :param expect: field -> value (or a list of accepted values) the record must show.
    :param poll_interval: seconds between checks.
    :param timeout_at: the wall-clock time (seconds since the epoch) to give up at; None: never.
    """

    def __init__(
        self,
        *,
        resource: str,
        id: int | str | None = None,
        code: str | None = None,
        filters: dict[str, Any] | None = None,
        expect: dict[str, Any] | None = None,
        minimax_conn_id: str = "minimax_default",
        organisation_id: int | str | None = None,
        poll_interval: float = 60.0,
        timeout_at: float | None = None,
    ) -> None:
        super().__init__()  # type: ignore[no-untyped-call]  # BaseTrigger.__init__ is untyped
        self.resource = resource
        self.id = id
        self.code = code
        self.filters = filters
        self.expect = expect
        self.minimax_conn_id = minimax_conn_id
        self.organisation_id = organisation_id
        self.poll_interval = poll_interval
        self.timeout_at = timeout_at

    def serialize(self) -> tuple[str, dict[str, Any]]:
        return (
            f"{type(self).__module__}.{type(self).__qualname__}",
            {
                "resource": self.resource,
                "id": self.id,
                "code": self.code,
                "filters": self.filters,
                "expect": self.expect,
                "minimax_conn_id": self.minimax_conn_id,
                "organisation_id": self.organisation_id,
                "poll_interval": self.poll_interval,
                "timeout_at": self.timeout_at,
            },
        )

    def _check(self, hook: Any) -> RecordCheck:
        """One look at the record, as the sensor's poke makes it (runs in a worker thread)."""
        from airflow_provider_minimax.client.waits import check_record

        return check_record(
            hook.get_conn(),
            self.resource,
            record_id=self.id,
            code=self.code,
            filters=self.filters,
            expect=self.expect,
            organisation_id=hook.organisation_id,
        )

    async def run(self) -> AsyncIterator[TriggerEvent]:
        from airflow_provider_minimax.client import MinimaxBudgetExhaustedError, MinimaxError
        from airflow_provider_minimax.hooks.minimax import MinimaxHook

        hook = MinimaxHook(
            minimax_conn_id=self.minimax_conn_id, organisation_id=self.organisation_id
        )
        try:
            # Reading the connection may talk to the API server: off the event loop too.
            await asyncio.to_thread(hook.get_conn)
            while True:
                pause = self.poll_interval
                try:
                    check = await asyncio.to_thread(self._check, hook)
                except MinimaxBudgetExhaustedError as spent:
                    # Nothing was sent: look again when the calls free up, not before.
                    waiting_for = [f"the organisation's API budget ({spent})"]
                    pause = max(spent.available_at.timestamp() - time.time(), self.poll_interval)
                else:
                    if check.summary is not None:
                        yield TriggerEvent({"status": "success", "record": check.summary})
                        return
                    waiting_for = check.waiting_for
                remaining = None if self.timeout_at is None else self.timeout_at - time.time()
                if remaining is not None and remaining <= 0:
                    yield TriggerEvent(
                        {
                            "status": "timeout",
                            "message": f"Timed out waiting for {self.resource} "
                            f"({'; '.join(waiting_for)}).",
                        }
                    )
                    return
                self.log.info("Waiting for %s: %s", self.resource, "; ".join(waiting_for))
                pause = pause if remaining is None else min(pause, remaining)
                await asyncio.sleep(max(pause, 0.0))
        except MinimaxError as error:
            # The error cannot cross to the worker; whether a retry can cure it must, so that
            # execute_complete fails the task at once where a poke in the worker would have.
            yield TriggerEvent(
                {
                    "status": "error",
                    "message": f"{type(error).__name__}: {error}",
                    "retry_may_help": error.retry_may_help,
                }
            )
