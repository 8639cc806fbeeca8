"""MinimaxRecordSensor: wait until a record exists and shows the expected values."""

from __future__ import annotations

import datetime
import time
from collections.abc import Sequence
from functools import cached_property
from typing import TYPE_CHECKING, Any

from airflow.providers.common.compat.sdk import (
    AirflowException,
    AirflowFailException,
    AirflowSensorTimeout,
    BaseSensorOperator,
    PokeReturnValue,
    conf,
)

from airflow_provider_minimax.operators._base import logged_call, parse_mapping
from airflow_provider_minimax.triggers.record import MinimaxRecordTrigger

if TYPE_CHECKING:
    from airflow_provider_minimax.hooks.minimax import MinimaxHook


def check_event(event: Any, task: str) -> dict[str, Any]:
    """The record summary of a trigger event, or a clear failure for anything else."""
    if not isinstance(event, dict) or "status" not in event:
        raise AirflowException(f"{task}: the trigger sent an event of unknown shape: {event!r}")
    if event["status"] == "success" and isinstance(event.get("record"), dict):
        record: dict[str, Any] = event["record"]
        return record
    if event["status"] == "timeout":
        raise AirflowSensorTimeout(f"{task}: {event.get('message', 'timed out')}")
    if event.get("retry_may_help") is False:  # events of older triggers do not say: retry
        raise AirflowFailException(f"{task}: {event.get('message', event)}")
    raise AirflowException(f"{task}: {event.get('message', event)}")


class MinimaxRecordSensor(BaseSensorOperator):
    """Wait until a record exists and, with `expect`, shows the expected values.

    The record is named by `id`, `code` or `filters` (list filters the resource documents that
    select one record, e.g. `{"InvoiceNumber": 42, "Year": 2025}` for an issued invoice).
    `expect` maps fields to a value or a list of accepted values, e.g.
    `{"Status": "I", "PaymentStatus": ["Placan"]}`. Returns `{"id", "row_version", …the expected
    fields}` to XCom. Works in poke and reschedule modes, and deferred to the triggerer with
    `deferrable=True` (default from `[operators] default_deferrable`).

    :param resource: path below the organisation, e.g. `issuedinvoices`.
    :param id: the record's ID.
    :param code: the record's code.
    :param filters: list filters that select the one record (a dict or JSON text).
    :param expect: field -> value or list of accepted values (a dict or JSON text).
    :param minimax_conn_id: the Airflow connection of type `minimax`.
    :param organisation_id: the organisation (default: the connection's).
    :param deferrable: wait in the triggerer instead of occupying a worker slot.
    """

    template_fields: Sequence[str] = (
        "resource",
        "id",
        "code",
        "filters",
        "expect",
        "minimax_conn_id",
        "organisation_id",
    )
    ui_color = "#e8f8f5"

    def __init__(
        self,
        *,
        resource: str,
        id: int | str | None = None,
        code: str | None = None,
        filters: dict[str, Any] | str | None = None,
        expect: dict[str, Any] | str | None = None,
        minimax_conn_id: str = "minimax_default",
        organisation_id: int | str | None = None,
        deferrable: bool = conf.getboolean("operators", "default_deferrable", fallback=False),
        **kwargs: Any,
    ) -> None:
        super().__init__(**kwargs)
        self.resource = resource
        self.id = id
        self.code = code
        self.filters = filters
        self.expect = expect
        self.minimax_conn_id = minimax_conn_id
        self.organisation_id = organisation_id
        self.deferrable = deferrable

    @cached_property
    def hook(self) -> MinimaxHook:
        from airflow_provider_minimax.hooks.minimax import MinimaxHook

        return MinimaxHook(
            minimax_conn_id=self.minimax_conn_id, organisation_id=self.organisation_id
        )

    def _arguments(self) -> tuple[dict[str, Any] | None, dict[str, Any]]:
        filters = parse_mapping(self.filters, "filters", allow_none=True)
        expect = parse_mapping(self.expect, "expect", allow_none=True) or {}
        return filters, expect

    def poke(self, context: Any) -> PokeReturnValue:
        from airflow_provider_minimax.client import MinimaxBudgetExhaustedError
        from airflow_provider_minimax.client.waits import check_record

        filters, expect = self._arguments()

        def look() -> Any:
            try:
                return check_record(
                    self.hook.get_conn(),
                    self.resource,
                    record_id=self.id,
                    code=self.code,
                    filters=filters,
                    expect=expect,
                    organisation_id=self.hook.organisation_id,
                )
            except MinimaxBudgetExhaustedError as spent:  # nothing was sent: wait, not fail
                self.log.warning("Minimax %s: not looked up now: %s", self.resource, spent)
                return None

        check = logged_call(
            self,
            f"look up {self.resource}",
            look,
            lambda seen: (
                "budget spent" if seen is None else "found" if seen.found else "not there yet"
            ),
        )
        if check is None:
            return PokeReturnValue(is_done=False)
        if check.done:
            return PokeReturnValue(is_done=True, xcom_value=check.summary)
        if check.found:  # a record still missing is said once, by the logged call
            self.log.info("Waiting for %s: %s", self.resource, "; ".join(check.waiting_for))
        return PokeReturnValue(is_done=False)

    def execute(self, context: Any) -> Any:
        if not self.deferrable:
            return super().execute(context)
        return self._check_then_defer(context)

    def _check_then_defer(self, context: Any) -> Any:
        # One look first: a record that is already there needs no trip to the triggerer.
        first = self.poke(context)
        if first.is_done:
            return first.xcom_value
        filters, expect = self._arguments()
        self.defer(
            trigger=MinimaxRecordTrigger(
                resource=self.resource,
                id=self.id,
                code=self.code,
                filters=filters,
                expect=expect,
                minimax_conn_id=self.minimax_conn_id,
                organisation_id=self.organisation_id,
                poll_interval=float(self.poke_interval),
                timeout_at=time.time() + float(self.timeout),
            ),
            method_name="execute_complete",
            timeout=datetime.timedelta(seconds=float(self.timeout)),
        )
        return None  # not reached: defer() hands the task to the triggerer

    def execute_complete(self, context: Any, event: Any = None) -> dict[str, Any]:
        record = check_event(event, f"Waiting for {self.resource}")
        self.log.info("Minimax %s matched: %s", self.resource, record)
        return record
