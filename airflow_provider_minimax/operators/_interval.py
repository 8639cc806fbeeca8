"""Which interval an export covers: its arguments, else the run's data interval."""

from __future__ import annotations

from typing import Any

from airflow.providers.common.compat.sdk import AirflowFailException


def moment(value: Any, name: str) -> Any:
    """A datetime from a datetime or ISO text (rendered templates are text); None stays None."""
    if value in (None, ""):
        return None
    if isinstance(value, str):
        import pendulum

        try:
            return pendulum.parse(value)
        except ValueError:
            raise AirflowFailException(f"{name} is not a date or time: {value!r}.") from None
    return value


def _has_window(resource: str) -> bool:
    from airflow_provider_minimax.client import resolve

    return resolve(resource).resource.window is not None


def export_interval(task: Any, context: Any) -> tuple[Any, Any]:
    """The interval `task` exports: interval_start/interval_end, else the run's data interval;
    a clear failure where its mode needs one and the run has none."""
    start = moment(task.interval_start, "interval_start") or context.get("data_interval_start")
    end = moment(task.interval_end, "interval_end") or context.get("data_interval_end")
    mode = task.mode or None
    needs_interval = mode in ("window", "changes") or (mode is None and _has_window(task.resource))
    if needs_interval and (start is None or end is None or start == end):
        which = "has none" if start is None or end is None else f"is empty ({start})"
        raise AirflowFailException(
            f"Exporting {task.resource} by {mode or 'window'} needs a data interval, and this "
            f"run's {which}. Airflow 3 schedules cron strings with "
            "CronTriggerTimetable, whose runs have no interval: schedule the DAG with "
            "CronDataIntervalTimetable(cron, timezone=…), or give interval_start and "
            "interval_end, or use mode='full'."
        )
    return start, end
