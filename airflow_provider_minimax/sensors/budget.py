"""MinimaxBudgetSensor: wait until enough of the organisation's API budget is free.

It reads the call ledger (client/budget.py) and makes no API call of its own, so waiting for
the budget never spends it. Put it before a task that needs many calls (a history backfill, a
bulk write) so that the task starts only when its calls fit beside the nightly runs and the web
shop's reserve.
"""

from __future__ import annotations

import datetime
from collections.abc import Sequence
from functools import cached_property
from typing import TYPE_CHECKING, Any

from airflow.providers.common.compat.sdk import (
    AirflowFailException,
    AirflowSensorTimeout,
    BaseSensorOperator,
    PokeReturnValue,
)

from airflow_provider_minimax.operators._deferral import date_time_trigger, default_deferrable

if TYPE_CHECKING:
    from airflow_provider_minimax.client import BudgetState
    from airflow_provider_minimax.hooks.minimax import MinimaxHook


def _utc_now() -> datetime.datetime:
    return datetime.datetime.now(datetime.timezone.utc)


class MinimaxBudgetSensor(BaseSensorOperator):
    """Wait until `needed` calls of the organisation's API budget are free for this connection.

    Free means what the connection's policy leaves: `daily_budget` less `reserve` in the rolling
    24 hours (and `monthly_budget` less `reserve` in the month), less the calls every worker
    sharing the ledger made or reserved. Returns the budget (`BudgetState.as_dict()`) to XCom.
    Reschedules between looks by default (no worker slot held for hours); with
    `deferrable=True` it waits in the triggerer until the moment the ledger says the calls free
    up. A `needed` that can never fit (more than a day's or a month's budget less the reserve)
    fails at once.

    :param needed: the calls the next task needs.
    :param minimax_conn_id: the Airflow connection of type `minimax`.
    :param organisation_id: the organisation (default: the connection's).
    :param deferrable: wait in the triggerer (default from `[operators] default_deferrable`).
    """

    template_fields: Sequence[str] = ("needed", "minimax_conn_id", "organisation_id")
    ui_color = "#fdebd0"

    def __init__(
        self,
        *,
        needed: int | str,
        minimax_conn_id: str = "minimax_default",
        organisation_id: int | str | None = None,
        deferrable: bool | None = None,
        **kwargs: Any,
    ) -> None:
        kwargs.setdefault("mode", "reschedule")
        kwargs.setdefault("poke_interval", 300)
        super().__init__(**kwargs)
        self.needed = needed
        self.minimax_conn_id = minimax_conn_id
        self.organisation_id = organisation_id
        self.deferrable = default_deferrable() if deferrable is None else deferrable

    @cached_property
    def hook(self) -> MinimaxHook:
        from airflow_provider_minimax.hooks.minimax import MinimaxHook

        return MinimaxHook(
            minimax_conn_id=self.minimax_conn_id, organisation_id=self.organisation_id
        )

    def _needed(self) -> int:
        try:
            needed = int(str(self.needed).strip())
        except ValueError:
            needed = 0
        if needed < 1:
            raise AirflowFailException(
                f"needed must be a whole number of API calls, 1 or more, not {self.needed!r}."
            )
        return needed

    def _state(self, needed: int) -> BudgetState:
        state = self.hook.budget()
        most = min(state.daily_budget, state.monthly_budget) - state.reserve
        if needed > most:
            raise AirflowFailException(
                f"{needed} calls can never be free for this connection: organisation "
                f"{state.organisation_id} gets {state.daily_budget} a day and "
                f"{state.monthly_budget} a month, {state.reserve} of them kept in reserve. "
                "Split the work over several runs, or raise daily_budget in the connection's "
                "extra if Minimax allows the organisation more."
            )
        return state

    def poke(self, context: Any) -> PokeReturnValue:
        needed = self._needed()
        state = self._state(needed)
        if state.available >= needed:
            self.log.info("Minimax budget: %d calls needed; %s", needed, state.describe())
            return PokeReturnValue(is_done=True, xcom_value=state.as_dict())
        moment = self.hook.get_conn().budget.available_at(needed, state.organisation_id)
        self.log.info(
            "Minimax budget: %d calls needed, %d free; %s%s",
            needed,
            max(state.available, 0),
            state.describe(),
            f"; enough free at {moment:%Y-%m-%d %H:%M:%S} UTC" if moment else "",
        )
        return PokeReturnValue(is_done=False)

    def execute(self, context: Any) -> Any:
        if not self.deferrable:
            return super().execute(context)
        return self._check_then_defer(_utc_now().isoformat())

    def _check_then_defer(self, started: str) -> Any:
        needed = self._needed()
        state = self._state(needed)
        if state.available >= needed:
            self.log.info("Minimax budget: %d calls needed; %s", needed, state.describe())
            return state.as_dict()
        now = _utc_now()
        give_up = datetime.datetime.fromisoformat(started) + datetime.timedelta(
            seconds=float(self.timeout)
        )
        moment = self.hook.get_conn().budget.available_at(needed, state.organisation_id)
        # The ledger's moment assumes nobody else spends meanwhile: look again then, or after
        # poke_interval when it cannot tell (a reservation of a worker that may still finish).
        moment = moment or now + datetime.timedelta(seconds=float(self.poke_interval))
        if now >= give_up or moment > give_up:
            raise AirflowSensorTimeout(
                f"{needed} calls of organisation {state.organisation_id}'s budget are not free "
                f"before the sensor's timeout ({state.describe()})."
            )
        self.log.info(
            "Minimax budget: %d calls needed, %d free; deferring until %s UTC",
            needed,
            max(state.available, 0),
            f"{moment:%Y-%m-%d %H:%M:%S}",
        )
        self.defer(
            trigger=date_time_trigger(moment + datetime.timedelta(seconds=2)),
            method_name="execute_complete",
            kwargs={"started": started},
        )
        return None  # not reached: defer() hands the task to the triggerer

    def execute_complete(self, context: Any, event: Any = None, started: str = "") -> Any:
        """The moment came: look at the ledger again (others may have spent meanwhile)."""
        return self._check_then_defer(started or _utc_now().isoformat())
