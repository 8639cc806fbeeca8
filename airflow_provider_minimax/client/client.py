"""MinimaxClient: records in and out of Minimax, safely. No Airflow in here.

client = MinimaxClient(ClientConfig(Credentials(...), base_url="https://moj.minimax.si/SI/"))
for row in client.list("issuedinvoices", DateIssuedFrom="2025-11-01", DateIssuedTo="2025-11-30"):
    ...
customer = client.create("customers", {"Code": "WEB-1", "Name": "…"}, match_on="Code")
client.update("customers", customer["CustomerId"], {"City": "Koper"})
pdf = client.action("issuedinvoices", invoice_id, "issueAndGeneratepdf")
"""

from __future__ import annotations

import datetime
import logging
import threading
import time
from collections.abc import Callable, Iterator, Mapping, Sequence
from typing import Any

import requests

from .access import Record, format_filter, listed, valid_record_id
from .actions import run_action
from .budget import Budget
from .config import ClientConfig
from .create import create_record, find_record
from .errors import MinimaxConfigurationError, MinimaxResponseError
from .guard import SharedGuardStore
from .ledger import Ledger
from .lists import page_reader
from .location import read_location
from .orgs import check_reachable, chosen_organisation, reached_organisations
from .pagination import PageReader, read_page
from .resources import Resource, ResourcePath, resolve
from .settings import check
from .transport import CallStats, Transport, quote_segment
from .update import Changes, update_record
from .waits import lookup_record

__all__ = ["Changes", "MinimaxClient", "Record", "format_filter", "listed"]

log = logging.getLogger("airflow_provider_minimax.client")


class MinimaxClient:
    def __init__(
        self,
        config: ClientConfig,
        *,
        session: requests.Session | None = None,
        guard_store: SharedGuardStore | None = None,
        on_token: Callable[[str], None] | None = None,
        sleep: Callable[[float], None] = time.sleep,
        ledger: Ledger | None = None,
        clock: Callable[[], float] = time.time,
    ) -> None:
        """`ledger`: where the organisation's calls are counted (None: as `budget_store`
        says); `clock`: epoch seconds, for the budget's windows (tests let time pass)."""
        self.config = config
        self.transport = Transport(
            config,
            session=session,
            guard_store=guard_store,
            on_token=on_token,
            sleep=sleep,
            ledger=ledger,
            clock=clock,
        )
        self._organisations: list[Record] | None = None
        self._lock = threading.Lock()

    @property
    def stats(self) -> CallStats:
        return self.transport.stats

    @property
    def budget(self) -> Budget:
        """The organisation's API budget: state, reservations (reading it makes no call)."""
        return self.transport.budget

    def close(self) -> None:
        self.transport.session.close()
        self.transport.budget.close()

    def clear_lockout_guard(self) -> None:
        """Forget a refused login for these exact credentials (after fixing it in Minimax)."""
        self.transport.guard.clear()

    # -- organisations ------------------------------------------------------------------------

    def organisations(self) -> list[Record]:
        """The organisations this login reaches with API access: `{ID, Name, …}` each."""
        with self._lock:
            if self._organisations is None:
                pages = page_reader(
                    self.transport, "currentuser/orgs", {}, self.config.page_size, 1
                )
                self._organisations = reached_organisations(self._rows(pages))
            return list(self._organisations)

    def organisation_id(self, organisation_id: int | str | None = None) -> int:
        """The organisation to use: the argument, else the configured one, else the only one."""
        return chosen_organisation(self.config, organisation_id, self.organisations)

    def _reachable(self, organisation_id: int) -> None:
        """Before a write: the organisation must be one the login reaches."""
        check_reachable(self.config, self.organisations(), organisation_id)

    def _where(
        self, resource: str, organisation_id: int | str | None
    ) -> tuple[ResourcePath, int, str]:
        resolved = resolve(resource)
        org = self.organisation_id(organisation_id)
        return resolved, org, f"orgs/{org}/{resolved.path}"

    # -- reads ----------------------------------------------------------------------------------

    def get(
        self,
        resource: str,
        record_id: int | str,
        *,
        organisation_id: int | str | None = None,
        decimals: bool = False,
    ) -> Record:
        """One record in full; `decimals=True` reads fractional numbers as exact Decimals."""
        _, _, base = self._where(resource, organisation_id)
        return self._record("GET", f"{base}/{valid_record_id(record_id)}", decimals=decimals)

    def get_by_code(
        self,
        resource: str,
        code: str,
        *,
        organisation_id: int | str | None = None,
        **params: Any,
    ) -> Record:
        resolved, _, base = self._where(resource, organisation_id)
        if not resolved.resource.code_lookup:
            raise MinimaxConfigurationError(f"{resolved.resource.name} has no lookup by code.")
        if not isinstance(code, str) or not code:
            raise MinimaxConfigurationError(f"A code must be a non-empty text, not {code!r}.")
        query = {name: format_filter(value) for name, value in params.items() if value is not None}
        return self._record("GET", f"{base}/code({quote_segment(code)})", params=query)

    def get_location(self, url: str) -> Record:
        """The record a create's `Location` names (an absolute URL of this service): the ID
        as its last path segment or as a query parameter (`?id=`, `?CustomerId=`)."""
        return read_location(self, url)

    def list(
        self,
        resource: str,
        *,
        organisation_id: int | str | None = None,
        page_size: int | None = None,
        max_workers: int | None = None,
        decimals: bool = False,
        **filters: Any,
    ) -> Iterator[Record]:
        """Every row of every page, lazily; raises if the rows do not add up to TotalRows.

        `decimals=True` reads fractional numbers as exact Decimals (money in CSV and Parquet).
        """
        reader = self.list_reader(
            resource,
            organisation_id=organisation_id,
            page_size=page_size,
            max_workers=max_workers,
            decimals=decimals,
            **filters,
        )
        return self._rows(reader)

    def list_reader(
        self,
        resource: str,
        *,
        organisation_id: int | str | None = None,
        page_size: int | None = None,
        max_workers: int | None = None,
        decimals: bool = False,
        **filters: Any,
    ) -> PageReader:
        """The list's pages, nothing fetched yet: `start()` reads the first, `rows()` them all."""
        resolved, _, path = self._where(resource, organisation_id)
        size = self._page_size(page_size)
        workers = self.config.max_workers if max_workers is None else max_workers
        check("max_workers", workers, self.config.max_workers)
        query = self._filters(resolved.resource, filters)
        return page_reader(self.transport, path, query, size, workers, decimals=decimals)

    def count(
        self, resource: str, *, organisation_id: int | str | None = None, **filters: Any
    ) -> int:
        """How many rows a list holds (one call, one row): to price a plan before running it."""
        resolved, _, path = self._where(resource, organisation_id)
        params = {**self._filters(resolved.resource, filters), "CurrentPage": 1, "PageSize": 1}
        return read_page(self.transport.json("GET", path, params=params), 1, path).total_rows

    def _filters(self, resource: Resource, filters: Mapping[str, Any]) -> dict[str, str]:
        return {
            resource.filter_name(name): format_filter(value)
            for name, value in filters.items()
            if value is not None
        }

    def sync_candidates(
        self,
        resource: str,
        modified_from: datetime.datetime | str | None = None,
        modified_to: datetime.datetime | str | None = None,
        *,
        organisation_id: int | str | None = None,
    ) -> Iterator[Record]:
        """`{ID, RecordDtModified, RowVersion}` of the records changed in a window."""
        return self._rows(
            self.candidates_reader(
                resource, modified_from, modified_to, organisation_id=organisation_id
            )
        )

    def candidates_reader(
        self,
        resource: str,
        modified_from: datetime.datetime | str | None = None,
        modified_to: datetime.datetime | str | None = None,
        *,
        organisation_id: int | str | None = None,
    ) -> PageReader:
        """sync_candidates' pages, nothing fetched yet (see list_reader)."""
        resolved, _, base = self._where(resource, organisation_id)
        if not resolved.resource.synccandidates:
            raise MinimaxConfigurationError(f"{resolved.resource.name} has no synccandidates.")
        query = {
            name: format_filter(value)
            for name, value in (
                ("RecordDtModifiedFrom", modified_from),
                ("RecordDtModifiedTo", modified_to),
            )
            if value is not None
        }
        return page_reader(
            self.transport, f"{base}/synccandidates", query, self.config.page_size, 1
        )

    def _page_size(self, page_size: int | None) -> int:
        size = self.config.page_size if page_size is None else page_size
        check("page_size", size, self.config.page_size)
        return size

    def _rows(self, reader: PageReader) -> Iterator[Record]:
        yield from reader.rows()
        log.debug(
            "Minimax listed %s: %d rows in %d pages", reader.where, reader.received, reader.pages
        )

    def _record(self, method: str, path: str, **kwargs: Any) -> Record:
        body = self.transport.json(method, path, **kwargs)
        if not isinstance(body, dict):
            raise MinimaxResponseError(
                f"Expected a record (a JSON object), got {type(body).__name__}.",
                method=method,
                path=self.transport.relative(self.transport.url(path)),
            )
        return body

    # -- writes: each guarantee lives in a module of its own ------------------------------------

    def create(
        self,
        resource: str,
        payload: Mapping[str, Any],
        *,
        match_on: str | Sequence[str] | None = None,
        organisation_id: int | str | None = None,
    ) -> Record:
        """Create a record and return it as stored (read back from its Location).

        With `match_on` (a field or fields, e.g. "Code"), an existing record with the payload's
        values is returned instead, so a retried task creates nothing twice; and a create whose
        answer was lost is looked up before it is ever sent again.
        """
        return create_record(
            self, resource, payload, match_on=match_on, organisation_id=organisation_id
        )

    def find(
        self,
        resource: str,
        values: Mapping[str, Any],
        *,
        organisation_id: int | str | None = None,
    ) -> Record | None:
        """The one record whose fields equal `values`, or None. Raises if several match."""
        return find_record(self, resource, values, organisation_id=organisation_id)

    def update(
        self,
        resource: str,
        record_id: int | str,
        changes: Changes,
        *,
        row_version: str | None = None,
        on_conflict: str | None = None,
        organisation_id: int | str | None = None,
    ) -> Record:
        """Apply `changes` (a dict merged in, or a function of the record) with RowVersion.

        Without `row_version`: read, apply, PUT; when another writer got there first, read again
        and apply again (up to three times), so that no other writer's change is lost.
        With `row_version` (from an earlier read): refuse with MinimaxConcurrencyError when the
        record changed since, unless `on_conflict="retry"`.
        """
        return update_record(
            self,
            resource,
            record_id,
            changes,
            row_version=row_version,
            on_conflict=on_conflict,
            organisation_id=organisation_id,
        )

    def delete(
        self, resource: str, record_id: int | str, *, organisation_id: int | str | None = None
    ) -> None:
        resolved, org, base = self._where(resource, organisation_id)
        if not resolved.resource.deletable:
            raise MinimaxConfigurationError(f"{resolved.resource.name} records cannot be deleted.")
        self._reachable(org)
        self.transport.request("DELETE", f"{base}/{valid_record_id(record_id)}")

    def action(
        self,
        resource: str,
        record_id: int | str,
        action: str,
        *,
        row_version: str | None = None,
        skip_if_done: bool = False,
        organisation_id: int | str | None = None,
        **params: Any,
    ) -> Any:
        """Run a document action (`issue`, `generatepdf`, …) and return the answer's `Data`.

        The RowVersion is read first when not given; it travels URL-encoded (it holds + / =).
        With `skip_if_done`, an action whose work the record already shows (an issued invoice,
        a confirmed order) is not run again: the record is returned, or for
        `issueAndGeneratepdf` only the PDF is made. Reruns of a DAG then succeed.
        """
        return run_action(
            self,
            resource,
            record_id,
            action,
            row_version=row_version,
            skip_if_done=skip_if_done,
            organisation_id=organisation_id,
            **params,
        )

    # -- helpers for tasks that wait and report --------------------------------------------------

    def list_url(self, resource: str, *, organisation_id: int | str | None = None) -> str:
        """The absolute URL of the resource's list in the organisation."""
        _, _, base = self._where(resource, organisation_id)
        return f"{self.config.api_root}{base}"

    def record_url(
        self, resource: str, record_id: int | str, *, organisation_id: int | str | None = None
    ) -> str:
        """The record's absolute URL, as a create's Location names it."""
        base = self.list_url(resource, organisation_id=organisation_id)
        return f"{base}/{valid_record_id(record_id)}"

    def lookup(
        self,
        resource: str,
        *,
        record_id: int | str | None = None,
        code: str | None = None,
        filters: Mapping[str, Any] | None = None,
        organisation_id: int | str | None = None,
    ) -> Record | None:
        """The record named by ID, code or list filters, in full; None while it does not exist.

        Exactly one of `record_id`, `code` and `filters` is given. Filters that select several
        records are an error: a wait must be for one record.
        """
        return lookup_record(
            self,
            resource,
            record_id=record_id,
            code=code,
            filters=filters,
            organisation_id=organisation_id,
        )
