"""A spent API budget: the task defers until calls free up, or fails at once saying when.

Minimax counts about 1,000 calls per organisation per rolling 24 hours, shared with its web app
(client/budget.py keeps the ledger). A task that meets a spent budget cannot be helped by
Airflow's retries minutes later, so it never burns them: with `deferrable=True` it hands a
DateTimeTrigger to the triggerer and goes on when the calls free up; without, it fails at once
with the time they do.
"""

from __future__ import annotations

import datetime
from typing import TYPE_CHECKING, Any, NoReturn

from airflow.providers.common.compat.sdk import AirflowFailException, conf

if TYPE_CHECKING:
    from airflow_provider_minimax.client import MinimaxBudgetExhaustedError

# The triggerer fires a little after the moment: the ledger's minute buckets leave the window
# at the end of their minute, and a wake-up a second early would meet the same refusal.
WAKE_MARGIN = datetime.timedelta(seconds=2)


def default_deferrable() -> bool:
    """`[operators] default_deferrable`, as Airflow's own deferrable operators read it."""
    return bool(conf.getboolean("operators", "default_deferrable", fallback=False))


def date_time_trigger(moment: datetime.datetime) -> Any:
    """A DateTimeTrigger firing at `moment` (an aware datetime), from where this Airflow has it."""
    try:
        from airflow.providers.standard.triggers.temporal import DateTimeTrigger
    except ImportError:  # Airflow 2.11 without the standard provider
        from airflow.triggers.temporal import DateTimeTrigger  # type: ignore[no-redef]
    return DateTimeTrigger(moment=moment)


def wake_time(error: MinimaxBudgetExhaustedError) -> datetime.datetime:
    """When to try again: the error's `available_at` (never in the past), and a margin."""
    now = datetime.datetime.now(datetime.timezone.utc)
    available_at = error.available_at or now
    return max(available_at, now) + WAKE_MARGIN


def defer_or_fail(task: Any, what: str, error: MinimaxBudgetExhaustedError) -> NoReturn:
    """Defer `task` until the budget frees (if it asked to and may), else fail it at once.

    A task may defer when it can start again from its beginning without repeating a write:
    `task.may_defer_now()` says so (by default: it has sent nothing yet), and the values it
    wants back after the deferral come from `task.deferral_kwargs(error)`.
    """
    may_defer = getattr(task, "may_defer_now", None)  # sensors wait in their own way
    if getattr(task, "deferrable", False) and may_defer is not None and may_defer():
        moment = wake_time(error)
        task.log.warning(
            "Minimax %s: the API budget is spent; deferring until %s UTC. %s",
            what,
            moment.strftime("%Y-%m-%d %H:%M:%S"),
            error,
        )
        task.defer(
            trigger=date_time_trigger(moment),
            method_name="execute_complete",
            kwargs=task.deferral_kwargs(error),
        )
    advice = (
        "This task had already sent calls, so it does not start again by itself: run it again "
        "after that time."
        if getattr(task, "deferrable", False)
        else "Set deferrable=True to wait for that in the triggerer instead of failing."
    )
    raise AirflowFailException(f"Minimax {what}: {error} {advice}") from error
