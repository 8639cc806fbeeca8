"""What a task that reads a resource's rows for an interval shares: its arguments (mode, filters,
organisations, fields, the interval), the feed it opens, and its failures and deferrals.

MinimaxExportOperator (rows into a file) and MinimaxToSqlOperator (rows into a table) read the
same rows the same way; only where the rows go differs. A spent budget defers the task (when it
asked to) and it starts again from the beginning: what it finished for an organisation before
stays finished (a published file, a committed load), and the subclass says how it knows.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from airflow.providers.common.compat.sdk import AirflowFailException

from airflow_provider_minimax.operators._base import MinimaxBaseOperator

if TYPE_CHECKING:
    from airflow_provider_minimax.client import MinimaxClient
    from airflow_provider_minimax.client.feeds import Feed

FEED_TEMPLATE_FIELDS: Sequence[str] = (
    "resource",
    "mode",
    "filters",
    "organisation_ids",
    "fields",
    "detail",
    "max_workers",
    "time_zone",
    "interval_start",
    "interval_end",
    "minimax_conn_id",
    "organisation_id",
)


class MinimaxFeedOperator(MinimaxBaseOperator):
    """Base of the tasks that read a resource over the run's data interval.

    :param resource: e.g. `journals/journal-entries`, `issuedinvoices`, `customers`.
    :param mode: `window` (the data interval's local days by the resource's date filter; the
        default where there is one), `changes` (records modified in the interval, from
        synccandidates, each read in full) or `full` (everything; reference data).
    :param filters: more list filters the resource documents (a dict or JSON text).
    :param organisation_ids: one ID, a list, or `"all"` the login reaches; default the
        connection's organisation.
    :param fields: only these fields (a list or comma-separated text).
    :param detail: read every listed record in full (one API call each; refused if over
        the connection's `max_calls`).
    :param max_workers: pages (and detail reads) fetched at once.
    :param time_zone: the organisation's time zone; default by the connection's country.
    :param interval_start: the interval's start instead of the run's `data_interval_start`
        (a datetime, or ISO text from a template such as `{{ macros.ds_add(ds, -7) }}`).
    :param interval_end: likewise for the end.
    """

    what = "export"  # the task's word for what it does, in its log lines and failures

    def __init__(
        self,
        *,
        resource: str,
        mode: str | None = None,
        filters: dict[str, Any] | str | None = None,
        organisation_ids: int | str | list[int | str] | None = None,
        fields: list[str] | str | None = None,
        detail: bool = False,
        max_workers: int | None = None,
        time_zone: str | None = None,
        interval_start: Any = None,
        interval_end: Any = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(**kwargs)
        self.resource = resource
        self.mode = mode
        self.filters = filters
        self.organisation_ids = organisation_ids
        self.fields = fields
        self.detail = detail
        self.max_workers = max_workers
        self.time_zone = time_zone
        self.interval_start = interval_start
        self.interval_end = interval_end
        self._done: list[dict[str, Any]] = []  # the results of this try, kept if it defers

    # -- arguments ----------------------------------------------------------------------------

    def _organisations(self) -> list[int | None]:
        from airflow_provider_minimax.operators._organisations import organisations_to_export

        return organisations_to_export(self, self.organisation_ids)

    def _interval(self, context: Any) -> tuple[Any, Any]:
        from airflow_provider_minimax.operators._interval import export_interval

        return export_interval(self, context)

    def _max_workers(self) -> int | None:
        """The argument as a number (a template renders text); its range is the client's."""
        from airflow_provider_minimax.client.settings import from_text

        value: Any = self.max_workers
        return None if value in (None, "") else from_text("max_workers", value)

    # -- the run ------------------------------------------------------------------------------

    def execute(self, context: Any) -> Any:
        from airflow_provider_minimax.client import MinimaxBudgetExhaustedError, MinimaxError
        from airflow_provider_minimax.operators._deferral import defer_or_fail

        try:
            return self._execute(context)
        except MinimaxBudgetExhaustedError as error:  # outside a logged call: the organisation
            defer_or_fail(self, f"{self.what} of {self.resource}", error)
        except MinimaxError as error:  # raised outside a logged call (arguments, connection)
            if not error.retry_may_help:
                raise AirflowFailException(
                    f"Minimax {self.what} of {self.resource}: {error}"
                ) from error
            raise

    def _execute(self, context: Any) -> Any:
        raise NotImplementedError

    def _open_feed(
        self,
        client: MinimaxClient,
        organisation_id: int | None,
        start: Any,
        end: Any,
        filters: dict[str, Any] | None,
        *,
        decimals: bool,
    ) -> Feed:
        """Plan the reading (its first page is read now); the rows are read only as they go."""
        from airflow_provider_minimax.client.feeds import open_feed

        return open_feed(
            client,
            self.resource,
            mode=self.mode or None,
            start=start,
            end=end,
            time_zone=self.time_zone or None,
            filters=filters,
            detail=bool(self.detail),
            organisation_id=organisation_id,
            max_workers=self._max_workers(),
            decimals=decimals,  # exact amounts where the rows' place has them
        )

    def _log_progress(self, organisation_id: int, rows: int, rate: float) -> None:
        """A long task says now and then that it is alive, and how fast it goes."""
        self.log.info(
            "Minimax %s of %s of organisation %s: %d rows, %.0f rows/s",
            self.what,
            self.resource,
            organisation_id,
            rows,
            rate,
        )

    # -- a spent budget: what is kept across a deferral ---------------------------------------

    def may_defer_now(self) -> bool:
        """Such a task may always start again: what it wrote appears whole or not at all, and
        what it finished for an organisation is kept."""
        return True

    def deferral_kwargs(self, error: Any) -> dict[str, Any]:
        from airflow_provider_minimax.operators._resume import deferral_state

        return deferral_state(self._done, self._resumed, error)
