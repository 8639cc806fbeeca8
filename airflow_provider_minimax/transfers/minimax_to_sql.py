"""MinimaxToSqlOperator: a resource over the run's data interval, merged into a SQL table by ID."""

from __future__ import annotations

import datetime
import functools
import time
from collections.abc import Sequence
from functools import cached_property
from typing import TYPE_CHECKING, Any

from airflow.providers.common.compat.sdk import AirflowFailException

from airflow_provider_minimax.operators._base import parse_list, parse_mapping
from airflow_provider_minimax.operators._feed import FEED_TEMPLATE_FIELDS, MinimaxFeedOperator

if TYPE_CHECKING:
    from airflow_provider_minimax.client.feeds import Feed
    from airflow_provider_minimax.operators._lineage import Lineage
    from airflow_provider_minimax.transfers._lineage import Loaded
    from airflow_provider_minimax.warehouse.columns import TableDesign
    from airflow_provider_minimax.warehouse.dialects import Dialect
    from airflow_provider_minimax.warehouse.load import LoadResult
    from airflow_provider_minimax.warehouse.table import TableState


class MinimaxToSqlOperator(MinimaxFeedOperator):
    """Merge a resource's records for the run's data interval into a SQL table, by ID.

    The table is created when missing, from the vendor's model: typed columns (NUMERIC amounts,
    DATE days, TIMESTAMP moments, JSON document rows), references flattened as in the CSV
    export (`Customer_ID`, `Customer_Name`, …), and `organisation_id`, `_row_version`,
    `_loaded_at`; its key is (`organisation_id`, the resource's ID field). Rows stream page by
    page into a staging table, then one upsert keeps, per record, the newer of the stored and
    the incoming row (by RecordDtModified; a rerun changes nothing). All of an organisation's
    load is one transaction: a failure leaves the table as it was. The XCom is the load's report
    (a list of them for several organisations): rows, inserted, updated, kept, deleted, calls.

    Any database with an Airflow provider works, through common-sql's DbApiHook: PostgreSQL
    stages with COPY; SQLite and others with executemany (see docs/warehouse.md).

    :param resource: e.g. `journals/journal-entries`, `issuedinvoices`, `customers`.
    :param sql_conn_id: the Airflow connection of the database (any common-sql hook).
    :param table: the table, `name` or `schema.name` (letters, digits and underscores).
    :param mode: `window`, `changes` or `full`, as MinimaxExportOperator's.
    :param delete_missing: in mode `full` without filters: delete the organisation's rows
        that the list no longer has (records deleted in Minimax).
    :param add_columns: add the columns an existing table lacks, instead of failing.

    Its other arguments are MinimaxFeedOperator's (operators/_feed.py): `filters`,
    `organisation_ids`, `fields`, `detail`, `max_workers`, `time_zone`, `interval_start`,
    `interval_end`; and the connection's, `minimax_conn_id`, `organisation_id`, `deferrable`.
    """

    template_fields: Sequence[str] = (
        "sql_conn_id",
        "table",
        "delete_missing",
        "add_columns",
        *FEED_TEMPLATE_FIELDS,
    )
    ui_color = "#d6eaf8"
    what = "load"

    def __init__(
        self,
        *,
        resource: str,
        sql_conn_id: str,
        table: str,
        mode: str | None = None,
        delete_missing: bool = False,
        add_columns: bool = False,
        **kwargs: Any,
    ) -> None:
        super().__init__(resource=resource, mode=mode, **kwargs)
        self.sql_conn_id = sql_conn_id
        self.table = table
        self.delete_missing = delete_missing
        self.add_columns = add_columns
        self._loaded: list[Loaded] = []  # what the run merged, for OpenLineage
        self._table_dataset: tuple[str, str] | None = None
        self._columns: list[tuple[str, str]] = []

    @cached_property
    def sql_hook(self) -> Any:
        """The database's DbApiHook, from `sql_conn_id`."""
        from airflow_provider_minimax.hooks.database import database_hook

        return database_hook(self.sql_conn_id, "sql_conn_id")

    # -- arguments: all checked before the first call ---------------------------------------

    def _checked(self) -> tuple[TableDesign, Dialect]:
        from airflow_provider_minimax.client.feeds import MODES, default_mode
        from airflow_provider_minimax.warehouse.columns import design_table
        from airflow_provider_minimax.warehouse.dialects import dialect_for, table_parts

        try:
            table_parts(self.table)
        except ValueError as error:
            raise AirflowFailException(f"table: {error}") from None
        if self.mode and self.mode not in MODES:
            raise AirflowFailException(
                f"mode must be one of {', '.join(MODES)}, not {self.mode!r}."
            )
        mode = self.mode or default_mode(self.resource)
        if _flag(self.delete_missing, "delete_missing") and (mode != "full" or self.filters):
            raise AirflowFailException(
                "delete_missing=True deletes every row of the organisation that the load did "
                "not read: it needs the whole list, mode='full' without filters (this task "
                f"reads {mode}{' with filters' if self.filters else ''})."
            )
        try:
            design = design_table(
                self.resource,
                full_records=bool(self.detail) or mode == "changes",
                fields=parse_list(self.fields, "fields"),
            )
        except ValueError as error:
            raise AirflowFailException(f"fields: {self.resource}: {error}") from None
        hook = self.sql_hook
        dialect = dialect_for(
            getattr(hook, "dialect_name", None) or getattr(hook, "conn_type", None),
            placeholder=hook.placeholder,
            quote_format=str(getattr(hook, "escape_word_format", '"{}"')),
        )
        return design, dialect

    # -- the run ------------------------------------------------------------------------------

    def _execute(self, context: Any) -> Any:
        from airflow_provider_minimax.operators._organisations import log_total
        from airflow_provider_minimax.transfers._lineage import table_dataset

        design, dialect = self._checked()
        self._loaded = []
        self._columns = [(c.name, dialect.types[c.kind]) for c in design.columns]
        before: dict[str, float] | None = self.hook.get_conn().stats.as_dict()
        connection = self.sql_hook.get_conn()
        try:
            state = self._ensure_table(connection, dialect, design)
            self._table_dataset = table_dataset(self.sql_hook, self.table)
            organisations = self._organisations()
            reports = self._done = []
            for org in organisations:
                reports.append(
                    self._kept(org)
                    or self._load(context, org, connection, design, dialect, state, before)
                )
                before = None
        finally:
            connection.close()
        log_total(self, reports, f"into table {self.table} ({len(reports)} organisations)")
        return reports[0] if len(reports) == 1 else reports

    def _ensure_table(self, connection: Any, dialect: Dialect, design: TableDesign) -> TableState:
        from airflow_provider_minimax.warehouse.table import ensure_table

        state = ensure_table(
            connection,
            dialect,
            self.table,
            design,
            add_columns=_flag(self.add_columns, "add_columns"),
        )
        if state.created:
            self.log.info("Created table %s for %s (%s)", self.table, self.resource, dialect.name)
        if state.added:
            self.log.info("Added columns to table %s: %s", self.table, ", ".join(state.added))
        return state

    def _kept(self, organisation_id: int | None) -> dict[str, Any] | None:
        """The report of this organisation's load from before a deferral: it is committed."""
        for report in self._resumed.get("done") or ():
            if (
                isinstance(report, dict)
                and report.get("table") == self.table
                and organisation_id in (None, report.get("organisation_id"))
            ):
                self.log.info(
                    "Minimax load of organisation %s into %s was committed before the deferral "
                    "(%s rows); kept, no call spent",
                    report.get("organisation_id"),
                    self.table,
                    report.get("rows"),
                )
                return report
        return None

    def _load(
        self,
        context: Any,
        organisation_id: int | None,
        connection: Any,
        design: TableDesign,
        dialect: Dialect,
        state: TableState,
        before: dict[str, float] | None,
    ) -> dict[str, Any]:
        """One organisation's rows merged in one transaction; its report."""
        from airflow_provider_minimax.exports.manifest import call_counts
        from airflow_provider_minimax.operators._resume import wait_for_plan
        from airflow_provider_minimax.transfers._lineage import Loaded

        client = self.hook.get_conn()
        before = before or client.stats.as_dict()
        started = time.perf_counter()
        filters = parse_mapping(self.filters, "filters", allow_none=True)
        start, end = self._interval(context)
        wait_for_plan(self, client, client.organisation_id(organisation_id))
        feed = self.call(
            f"plan load of {self.resource}",
            lambda: self._open_feed(client, organisation_id, start, end, filters, decimals=True),
            lambda opened: opened.mode,
        )
        with feed:  # gives back what the feed reserved and did not spend
            result = self._merge(connection, design, dialect, feed)
        cost = {k: v - before.get(k, 0) for k, v in client.stats.as_dict().items()}
        report = {
            "resource": self.resource,
            "organisation_id": feed.organisation_id,
            **feed.describe(),
            "table": self.table,
            "created": state.created,
            "added_columns": list(state.added),
            **result.as_dict(),
            **call_counts(cost),
            "budget": client.budget.state(feed.organisation_id).as_dict(),
            "seconds": round(time.perf_counter() - started, 3),
        }
        source = client.list_url(feed.path, organisation_id=feed.organisation_id)
        self._loaded.append(Loaded(report, source))
        return report

    def _merge(
        self, connection: Any, design: TableDesign, dialect: Dialect, feed: Feed
    ) -> LoadResult:
        from airflow_provider_minimax.exports.pipeline import batches, every_few_seconds
        from airflow_provider_minimax.warehouse.flatten import Flattener
        from airflow_provider_minimax.warehouse.load import load

        org = feed.organisation_id
        flatten = Flattener(design, org)
        loaded_at = datetime.datetime.now(datetime.timezone.utc).replace(tzinfo=None)
        return self.call(
            f"load {self.resource} of organisation {org} into {self.table}",
            lambda: load(
                connection,
                dialect,
                self.table,
                design,
                ([flatten(row) for row in batch] for batch in batches(feed.rows)),
                organisation_id=org,
                loaded_at=loaded_at.replace(microsecond=0),
                delete_missing=_flag(self.delete_missing, "delete_missing"),
                progress=every_few_seconds(functools.partial(self._log_progress, org)),
            ),
            lambda done: (
                f"{done.rows} rows: {done.inserted} inserted, {done.updated} updated, "
                f"{done.kept} kept, {done.deleted} deleted"
            ),
        )

    # -- lineage (the `openlineage` extra) ----------------------------------------------------

    def get_openlineage_facets_on_complete(self, task_instance: Any) -> Lineage:
        """The Minimax lists read (one per organisation) in, the table out."""
        from airflow_provider_minimax.transfers._lineage import transfer_lineage

        table = self._table_dataset or ("sql://", self.table)
        return transfer_lineage(self._loaded, table, self._columns)


def _flag(value: Any, name: str) -> bool:
    """A yes/no argument, also as a template renders it ("True", "false")."""
    if isinstance(value, str):
        if value.strip().lower() in ("true", "false"):
            return value.strip().lower() == "true"
        raise AirflowFailException(f"{name} must be true or false, not {value!r}.")
    return bool(value)
