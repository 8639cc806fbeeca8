"""What every Minimax task shares: the hook, argument parsing, one log line per call, failures.

Importing this module must stay cheap (DAG files are parsed every few seconds): the hook, the
client and requests are imported only when a task runs.
"""

from __future__ import annotations

import ast
import json
import time
from collections.abc import Callable, Mapping
from functools import cached_property
from typing import TYPE_CHECKING, Any, TypeVar

from airflow.providers.common.compat.sdk import AirflowFailException, BaseOperator

from airflow_provider_minimax.operators._deferral import default_deferrable, defer_or_fail

if TYPE_CHECKING:
    from airflow_provider_minimax.hooks.minimax import MinimaxHook

T = TypeVar("T")


def parse_mapping(value: Any, field: str, *, allow_none: bool = False) -> dict[str, Any] | None:
    """A dict from a dict, or from rendered JSON text (a Python literal is accepted too)."""
    if value is None or value == "":
        if allow_none:
            return None
        raise AirflowFailException(f"{field} is required: give a mapping of fields or JSON text.")
    if isinstance(value, Mapping):
        return dict(value)
    if isinstance(value, (str, bytes)):
        parsed = parse_text(value, field)
        if isinstance(parsed, Mapping):
            return dict(parsed)
        raise AirflowFailException(
            f"{field} must be a JSON object (a mapping of fields); it rendered to "
            f"{type(parsed).__name__}: {str(value)[:200]!r}"
        )
    raise AirflowFailException(
        f"{field} must be a mapping of fields or JSON text, not {type(value).__name__}."
    )


def parse_list(value: Any, field: str) -> list[str] | None:
    """A list of names from a list, a JSON list, or comma-separated text."""
    if value is None or value == "" or value == []:
        return None
    if isinstance(value, str):
        text = value.strip()
        if text.startswith("["):
            value = parse_text(text, field)
        else:
            return [part.strip() for part in text.split(",") if part.strip()]
    if isinstance(value, (list, tuple)) and all(isinstance(item, str) for item in value):
        return list(value)
    raise AirflowFailException(f"{field} must be a name or a list of names, not {value!r}.")


def parse_text(value: str | bytes, field: str) -> Any:
    """JSON text, or the Python literal Jinja renders a value pulled from XCom as."""
    text = value.decode() if isinstance(value, bytes) else value
    try:
        return json.loads(text)
    except json.JSONDecodeError as error:
        # Jinja renders a dict pulled from XCom as its Python repr; accept that too.
        try:
            return ast.literal_eval(text)
        except (ValueError, SyntaxError, TypeError, MemoryError, RecursionError):
            raise AirflowFailException(
                f"{field} is not valid JSON ({error.msg} at line {error.lineno} column "
                f"{error.colno}): {text[:200]!r}"
            ) from None


class MinimaxBaseOperator(BaseOperator):
    """Base of the Minimax operators.

    :param minimax_conn_id: the Airflow connection of type `minimax`.
    :param organisation_id: the organisation to work in (default: the connection's).
    :param deferrable: when the organisation's API budget is spent, wait in the triggerer until
        calls free up instead of failing (default from `[operators] default_deferrable`).
    """

    def __init__(
        self,
        *,
        minimax_conn_id: str = "minimax_default",
        organisation_id: int | str | None = None,
        deferrable: bool | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(**kwargs)
        self.minimax_conn_id = minimax_conn_id
        self.organisation_id = organisation_id
        self.deferrable = default_deferrable() if deferrable is None else deferrable
        self._resumed: dict[str, Any] = {}  # what execute_complete brought back from a deferral

    @cached_property
    def hook(self) -> MinimaxHook:
        from airflow_provider_minimax.hooks.minimax import MinimaxHook

        return MinimaxHook(
            minimax_conn_id=self.minimax_conn_id, organisation_id=self.organisation_id
        )

    def call(
        self,
        what: str,
        function: Callable[[], T],
        describe: Callable[[T], str],
        *,
        plan: int = 0,
    ) -> T:
        """Run one hook call, logging one line with what happened and how long it took.

        `plan`: the organisation's calls a write takes (rate-budget.md's table), reserved in
        the budget first, so that it never stops half-way for want of calls: a create whose
        record could then not be read back. Calls beyond it are ordinary calls.
        """
        if plan > 0:
            unplanned = function

            def function() -> T:
                client = self.hook.get_conn()
                org = client.organisation_id(self.hook.organisation_id)
                with client.budget.reserve(org, plan, what):
                    return unplanned()

        return logged_call(self, what, function, describe)

    # -- a spent budget (operators/_deferral.py) ----------------------------------------------

    def may_defer_now(self) -> bool:
        """Whether starting again after a deferral repeats no write: true while this try has
        sent nothing (a refused call is not sent). Operators that can resume say more."""
        return self.hook.get_conn().stats.api_calls == 0

    def deferral_kwargs(self, error: Any) -> dict[str, Any] | None:
        """What execute_complete gets back after the deferral (small: it is stored as JSON)."""
        return None

    def execute_complete(self, context: Any, event: Any = None, **kwargs: Any) -> Any:
        """The budget has freed (the DateTimeTrigger fired): run the task again from the start."""
        self._resumed = kwargs
        return self.execute(context)


def logged_call(task: Any, what: str, function: Callable[[], T], describe: Callable[[T], str]) -> T:
    """Run one call of `task.hook`; one log line per call; failures no retry cures fail at once."""
    from airflow_provider_minimax.client import MinimaxBudgetExhaustedError, MinimaxError

    started = time.perf_counter()
    calls_before = 0
    try:
        stats = task.hook.get_conn().stats  # reads the connection: its errors are ours too
        calls_before = stats.api_calls
        result = function()
    except MinimaxError as error:
        task.log.error(
            "Minimax %s failed after %.3f s: %s", what, time.perf_counter() - started, error
        )
        if isinstance(error, MinimaxBudgetExhaustedError):
            defer_or_fail(task, what, error)
        if not error.retry_may_help:
            raise AirflowFailException(f"Minimax {what}: {error}") from error
        raise
    task.log.info(
        "Minimax %s: %s in %.3f s (%d API calls)%s",
        what,
        describe(result),
        time.perf_counter() - started,
        stats.api_calls - calls_before,
        budget_left(task),
    )
    return result


def budget_left(task: Any, organisation_id: int | str | None = None) -> str:
    """ "; 612 of organisation 123's 24 h budget left (…)" from the ledger (no API call), or ""
    when the task's organisation is not known yet (finding it would cost a call)."""
    client = task.hook.get_conn()
    org = organisation_id or getattr(task, "organisation_id", None) or client.config.organisation_id
    if org in (None, ""):
        return ""
    try:
        return "; " + str(client.budget.state(int(org)).describe())
    except Exception as error:  # a log line never fails a task; the ledger says why elsewhere
        task.log.debug("Minimax budget for the log line: %s", error)
        return ""
