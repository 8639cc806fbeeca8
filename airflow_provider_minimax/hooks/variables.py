"""Refused logins shared with every worker through Airflow Variables (the lock-out guard's
shared store; the guard itself is the client's, client/guard.py)."""

from __future__ import annotations

import inspect
import logging
import os
from typing import Any

# The hook's logger, as before this moved out of it: log settings made for it still apply.
log = logging.getLogger("airflow_provider_minimax.hooks.minimax")


def _variables() -> Any:
    """Airflow's Variable class for this process.

    In Airflow 3, task code reads and writes Variables through the task SDK, which works only
    inside a task or trigger. Airflow's server processes (the API server running *Test
    connection*, `airflow connections test`, the scheduler) mark themselves with
    `_AIRFLOW_PROCESS_CONTEXT=server`, as Airflow's own secrets lookup does, and reach the
    metadata database directly: there the database's Variable is the one that works. Airflow 2
    has only that one.
    """
    if os.environ.get("_AIRFLOW_PROCESS_CONTEXT") == "server":
        from airflow.models.variable import Variable as DatabaseVariable

        return DatabaseVariable
    from airflow.providers.common.compat.sdk import Variable

    return Variable


class VariableGuardStore:
    """Refused logins in Airflow Variables, so that tasks on every worker see them.

    Best effort: without a metadata database to reach, the on-disk guard still holds.
    """

    def read(self, key: str) -> str | None:
        variables = _variables()
        # Airflow 3's Variable.get takes `default`, Airflow 2's `default_var`.
        default = (
            "default" if "default" in inspect.signature(variables.get).parameters else "default_var"
        )
        options: dict[str, Any] = {default: None}
        try:
            value = variables.get(key, **options)
        except Exception as error:  # no task context, no database: nothing shared to read
            log.debug("Could not read Airflow Variable %s: %s", key, error)
            return None
        return None if value is None else str(value)

    def write(self, key: str, value: str) -> None:
        _variables().set(key, value, description="Minimax refused this login: see the value")

    def delete(self, key: str) -> None:
        try:
            _variables().delete(key)
        except Exception as error:  # absent, or no database: nothing to delete
            log.debug("Could not delete Airflow Variable %s: %s", key, error)

    def describe(self, key: str) -> str:
        return f"the Airflow Variable {key}"
