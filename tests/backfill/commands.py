"""The backfill commands of docs/rate-budget.md, as argument lists: what the backfill test runs
and the docs test checks against Airflow's own command-line parser."""

from __future__ import annotations

import shlex

from tests.docs.snippets import snippet

SNIPPETS = {True: "rate-backfill-airflow3", False: "rate-backfill-airflow2"}  # by AIRFLOW_3
# What the page adds to pace a backfill beside a nightly run (a small pool, few runs at once).
# The test leaves them out: on its 2-core machine they would only make the 90 days slower, and
# what it measures (deferrals, calls) is the budget's doing, not the pool's.
PACING = {"--max-active-runs": 1, "--pool": 1}


def commands(airflow_3: bool) -> list[list[str]]:
    """The commands of the page's block for Airflow 3 or 2.11 (see `commands_of`)."""
    return commands_of(snippet(SNIPPETS[airflow_3]).code)


def commands_of(code: str) -> list[list[str]]:
    """Each command of a shell block (`\\` continuations joined, comments dropped), without
    the leading `airflow`."""
    text = code.replace("\\\n", " ")
    found = [shlex.split(line, comments=True) for line in text.splitlines()]
    found = [command for command in found if command]
    for command in found:
        assert command[0] == "airflow", command
    return [command[1:] for command in found]


def without_pacing(command: list[str]) -> list[str]:
    """The command without the pacing options (and their values)."""
    kept: list[str] = []
    skip = 0
    for argument in command:
        if skip:
            skip -= 1
        elif argument in PACING:
            skip = PACING[argument]
        else:
            kept.append(argument)
    return kept
