"""What the budget says to people: durations, moments, and the over-budget message."""

from __future__ import annotations

import datetime


def utc(moment: float) -> datetime.datetime:
    return datetime.datetime.fromtimestamp(moment, datetime.timezone.utc)


def span(seconds: float) -> str:
    """`2 h 5 min`, `45 min`, `3 days 2 h`, `under a minute`."""
    minutes = max(0, int(-(-seconds // 60)))  # rounded up: "in 1 min", never "in 0 min"
    if minutes == 0:
        return "under a minute"
    days, rest = divmod(minutes, 24 * 60)
    hours, mins = divmod(rest, 60)
    parts = []
    if days:
        parts.append(f"{days} day{'s' if days > 1 else ''}")
    if hours:
        parts.append(f"{hours} h")
    if mins and not days:
        parts.append(f"{mins} min")
    return " ".join(parts) or "under a minute"


def window_name(seconds: int) -> str:
    """`24 h` for the default window, `10 min` for a sandbox's short one."""
    if seconds % 3600 == 0:
        return f"{seconds // 3600} h"
    if seconds % 60 == 0:
        return f"{seconds // 60} min"
    return f"{seconds} s"


def whose(organisation_id: int | None) -> str:
    return f"organisation {organisation_id}'s" if organisation_id is not None else "the login's"


def when(moment: float, now: float) -> str:
    return f"{utc(moment):%Y-%m-%d %H:%M} UTC (in {span(moment - now)})"


def over_budget(
    *,
    organisation_id: int | None,
    needed: int,
    available: int,
    used_window: int,
    used_month: int,
    reserved_by_others: int,
    daily_budget: int,
    monthly_budget: int,
    reserve: int,
    window_seconds: int,
    available_at: float,
    now: float,
    blocked: bool,
    what: str = "",
) -> str:
    window = window_name(window_seconds)
    calls = "call" if needed == 1 else "calls"
    if blocked:
        head = (
            f"Minimax said {whose(organisation_id)} API limit is spent until "
            f"{when(available_at, now)}; nothing was sent."
        )
    else:
        head = (
            f"{what or 'This call'} does not fit {whose(organisation_id)} Minimax API budget: "
            f"{needed} {calls} needed, {available} left. Used {used_window} of "
            f"{daily_budget - reserve} in the last {window} (daily_budget {daily_budget} less "
            f"reserve {reserve} kept for others) and {used_month} of {monthly_budget - reserve} "
            f"this month; {reserved_by_others} reserved by other tasks. {needed} {calls} free "
            f"up at {when(available_at, now)}; nothing was sent."
        )
    return (
        f"{head} Defer the task until then (the error's available_at), raise daily_budget or "
        "monthly_budget in the connection's extra if Minimax grants this organisation more, or "
        "lower reserve if fewer calls need to be left to the web app and other connections."
    )


def refused_by_service(
    *, organisation_id: int | None, status: int, words: str, available_at: float, now: float
) -> str:
    return (
        f"Minimax refused the call: {whose(organisation_id)} API limit is spent (HTTP "
        f"{status}: {words}). Calls free up at {when(available_at, now)}; until then no client "
        "sharing this ledger sends any. Defer the task until then (the error's available_at), "
        "or spend fewer calls (larger pages, fewer sensor looks)."
    )
