"""MinimaxExportOperator: a resource over the run's data interval, into a file, whole and once."""

from __future__ import annotations

import contextlib
import functools
import json
import time
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from airflow.providers.common.compat.sdk import AirflowFailException, Asset

from airflow_provider_minimax.exports.destination import (
    DestinationError,
    asset_uri,
    days_to_name,
    fill_destination,
)
from airflow_provider_minimax.operators._base import parse_list, parse_mapping
from airflow_provider_minimax.operators._destination import Destination
from airflow_provider_minimax.operators._feed import FEED_TEMPLATE_FIELDS, MinimaxFeedOperator
from airflow_provider_minimax.operators._organisations import log_total
from airflow_provider_minimax.operators._storage import AtomicWriter, url_of

if TYPE_CHECKING:
    from airflow_provider_minimax.client import MinimaxClient
    from airflow_provider_minimax.client.feeds import Feed
    from airflow_provider_minimax.exports.shapes import Shape
    from airflow_provider_minimax.operators._lineage import Exported, Lineage


class MinimaxExportOperator(MinimaxFeedOperator):
    """Export a resource for the run's data interval into a file (JSONL, CSV or Parquet).

    Rows stream from Minimax to the file page by page (memory does not grow with the rows). The
    file is written under a temporary name and moved into place only when complete and the rows
    add up to the list's TotalRows; otherwise the task fails and no file is left. A manifest
    `<file>.manifest.json` lies beside it; the manifest is also the task's XCom (a list of them
    for several organisations). A rerun of the same interval replaces the files atomically.

    :param destination: an ObjectStoragePath URL or local path, templated; `{organisation_id}`,
        `{resource}`, and `{first_day}` / `{last_day}` (the interval's local days, as exported)
        are filled in per organisation, e.g.
        `file:///data/minimax/{first_day}/{organisation_id}/journal-entries.jsonl`.
    :param format: `jsonl` (default), `csv`, or `parquet` (the `parquet` extra).

    Its other arguments are MinimaxFeedOperator's (operators/_feed.py): `resource`, `mode`,
    `filters`, `organisation_ids`, `fields`, `detail`, `max_workers`, `time_zone`,
    `interval_start`, `interval_end`; and the connection's, `minimax_conn_id`, `organisation_id`,
    `deferrable`.
    """

    template_fields: Sequence[str] = ("destination", "format", *FEED_TEMPLATE_FIELDS)
    ui_color = "#d5f5e3"

    def __init__(
        self,
        *,
        resource: str,
        destination: str,
        format: str = "jsonl",  # the documented argument name
        **kwargs: Any,
    ) -> None:
        given_outlets = "outlets" in kwargs
        super().__init__(resource=resource, **kwargs)
        if not given_outlets:  # after BaseOperator: the Asset may be named after the DAG's ID
            uri = asset_uri(
                destination, resource=resource, dag_id=self.dag_id, task_id=self.task_id
            )
            self.outlets = [Asset(uri, extra={"resource": resource})]
        self.destination = destination
        self.format = format
        self._exported: list[Exported] = []  # what the run wrote, for OpenLineage

    # -- the run ------------------------------------------------------------------------------

    def _execute(self, context: Any) -> Any:
        from airflow_provider_minimax.exports.formats import FORMATS

        if self.format not in FORMATS:
            raise AirflowFailException(
                f"format must be one of {', '.join(FORMATS)}, not {self.format!r}."
            )
        self._exported = []
        # Taken before the organisations are chosen: what choosing them cost (the lookup of
        # "all", and its token) is counted in the first manifest, so the manifests add up to
        # every call the task made.
        before: dict[str, float] | None = self.hook.get_conn().stats.as_dict()
        organisations = self._organisations()
        with contextlib.ExitStack() as held:
            # Every file is claimed before the first call of any export: a destination no run
            # can write (a folder, read-only, another writer's) fails before anything is spent.
            claimed = [
                (org, held.enter_context(self._claim(context, org, len(organisations) > 1)))
                for org in organisations
            ]
            manifests = self._done = []
            for org, destination in claimed:
                manifests.append(
                    self._kept(destination) or self._export(context, org, destination, before)
                )
                before = None
        self._announce(context, manifests)
        log_total(self, manifests)
        return manifests[0] if len(manifests) == 1 else manifests

    # -- a spent budget: what is kept across a deferral ---------------------------------------

    def _kept(self, destination: Destination) -> dict[str, Any] | None:
        """The manifest of this file from before a deferral, if the file is still its pair here
        (on object storage it is; a local path of another worker has none: exported again)."""
        from airflow_provider_minimax.operators._resume import kept_manifest

        return kept_manifest(self, self._resumed.get("done") or (), destination)

    def _claim(self, context: Any, organisation_id: int | None, several: bool) -> Destination:
        """The organisation's file, claimed (see _destination.py): nothing is sent to Minimax."""
        client = self.hook.get_conn()
        org = client.organisation_id(organisation_id)  # a lookup only if none is configured
        path = self._file_path(client, org, *self._interval(context), several)
        return Destination(path, manifest=True)

    def _export(
        self,
        context: Any,
        organisation_id: int | None,
        destination: Destination,
        before: dict[str, float] | None = None,
    ) -> dict[str, Any]:
        """One organisation's file and its manifest, published as a pair (its cost counted from
        `before`, default now); the manifest is returned."""
        from airflow_provider_minimax.operators._lineage import Exported
        from airflow_provider_minimax.operators._resume import wait_for_plan

        client = self.hook.get_conn()
        before = before or client.stats.as_dict()
        started = time.perf_counter()
        filters = parse_mapping(self.filters, "filters", allow_none=True)
        wanted = parse_list(self.fields, "fields")
        start, end = self._interval(context)
        wait_for_plan(self, client, client.organisation_id(organisation_id))
        feed = self.call(
            f"plan export of {self.resource}",
            lambda: self._open_feed(
                client,
                organisation_id,
                start,
                end,
                filters,
                decimals=self.format != "jsonl",  # exact amounts where a file type has them
            ),
            lambda opened: opened.mode,
        )
        with feed:  # gives back what the feed reserved and did not spend
            shape = self._shape(feed, wanted)
            written, rows = self._write(destination, feed, shape, wanted)
        cost = {k: v - before.get(k, 0) for k, v in client.stats.as_dict().items()}
        result = self._manifest(client, feed, written, rows, cost, time.perf_counter() - started)
        destination.publish(written, json.dumps(result, indent=2).encode())
        source = client.list_url(feed.path, organisation_id=feed.organisation_id)
        self._exported.append(Exported(result, source, shape))
        return result

    def _file_path(
        self, client: MinimaxClient, organisation_id: int, start: Any, end: Any, several: bool
    ) -> str:
        """The file this organisation's rows go to, by the destination's placeholders; known
        before the feed (a window's days are the interval's local days)."""
        days = days_to_name(
            None, start, end, country=client.config.country, time_zone=self.time_zone or None
        )
        try:
            return fill_destination(
                self.destination,
                resource=self.resource,
                organisation_id=organisation_id,
                days=days,
                several=several,
            )
        except DestinationError as error:
            raise AirflowFailException(str(error)) from None

    def _shape(self, feed: Feed, wanted: list[str] | None) -> Shape | None:
        from airflow_provider_minimax.exports.pipeline import export_shape

        try:
            return export_shape(feed.resource.name, full_records=feed.detail, fields=wanted)
        except ValueError as error:
            raise AirflowFailException(f"fields: {self.resource} has {error}") from None

    def _write(
        self, destination: Destination, feed: Feed, shape: Shape | None, wanted: list[str] | None
    ) -> tuple[AtomicWriter, int]:
        """The feed's rows into a temporary file, whole or not at all; (the file, its rows)."""
        from airflow_provider_minimax.exports.formats import writer_for
        from airflow_provider_minimax.exports.pipeline import (
            UnknownFieldsError,
            every_few_seconds,
            export_rows,
        )

        org = feed.organisation_id

        def stream() -> tuple[AtomicWriter, int]:
            try:
                with destination.writer() as out:
                    writer = writer_for(self.format, out, shape)  # type: ignore[arg-type]
                    rows = export_rows(
                        feed.rows,
                        writer,
                        fields=wanted,
                        resource=self.resource,
                        progress=every_few_seconds(functools.partial(self._log_progress, org)),
                    )
            except UnknownFieldsError as error:  # the file is discarded already
                raise AirflowFailException(str(error)) from None
            return out, rows

        return self.call(
            f"export {self.resource} of organisation {org}",
            stream,
            lambda done: f"{done[1]} rows, {done[0].size} bytes to {url_of(done[0].target)}",
        )

    def _manifest(
        self,
        client: MinimaxClient,
        feed: Feed,
        written: AtomicWriter,
        rows: int,
        cost: dict[str, float],
        seconds: float,
    ) -> dict[str, Any]:
        from airflow_provider_minimax.exports.manifest import manifest

        return manifest(
            resource=self.resource,
            organisation_id=feed.organisation_id,
            feed=feed.describe(),
            file_format=self.format,
            path=url_of(written.target),
            rows=rows,
            size=written.size,
            sha256=written.sha256,
            cost=cost,
            seconds=seconds,
            base_url=client.config.base_url,
            budget=client.budget.state(feed.organisation_id).as_dict(),
        )

    def _announce(self, context: Any, manifests: list[dict[str, Any]]) -> None:
        """Tell the outlet Asset's consumers what landed (rows and files), where supported."""
        events = context.get("outlet_events") if hasattr(context, "get") else None
        if events is None:
            return
        for outlet in self.outlets:
            try:
                events[outlet].extra = {
                    "resource": self.resource,
                    "files": [m["path"] for m in manifests],
                    "rows": sum(m["rows"] for m in manifests),
                }
            except (KeyError, TypeError, AttributeError):  # older Airflow: no event extras
                return

    # -- lineage (the `openlineage` extra) ----------------------------------------------------

    def get_openlineage_facets_on_complete(self, task_instance: Any) -> Lineage:
        """What the run read (one Minimax list per organisation) and wrote (each file), for the
        OpenLineage provider, which alone calls this; after a failure, the files that landed."""
        from airflow_provider_minimax.operators._lineage import operator_lineage

        return operator_lineage(self._exported)
