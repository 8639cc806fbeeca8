"""MinimaxClient: records in and out of Minimax, safely. No Airflow in here.

client = MinimaxClient(ClientConfig(Credentials(...), base_url="https://moj.minimax.si/SI/"))
for row in client.list("issuedinvoices", DateIssuedFrom="2025-11-01", DateIssuedTo="2025-11-30"):
    ...
customer = client.create("customers", {"Code": "WEB-1", "Name": "…"}, match_on="Code")
client.update("customers", customer["CustomerId"], {"City": "Koper"})
pdf = client.action("issuedinvoices", invoice_id, "issueAndGeneratepdf")
"""

from __future__ import annotations

import copy
import datetime
import difflib
import logging
import random
import re
import threading
import time
import urllib.parse
from collections.abc import Callable, Iterator, Mapping, Sequence
from typing import Any

import requests

from .config import ClientConfig
from .errors import (
    MinimaxAmbiguousWriteError,
    MinimaxConcurrencyError,
    MinimaxConfigurationError,
    MinimaxError,
    MinimaxNotFoundError,
    MinimaxResponseError,
)
from .guard import SharedGuardStore
from .pagination import Page, PageReader, read_page
from .resources import ACTION_OUTCOMES, Resource, ResourcePath, resolve
from .transport import CallStats, Transport, decode_json, quote_segment
from .values import same_value

log = logging.getLogger("airflow_provider_minimax.client")

Record = dict[str, Any]
Changes = Mapping[str, Any] | Callable[[Record], Record]
UPDATE_ATTEMPTS = 4  # the first try and three re-reads after another writer's change
MATCH_CANDIDATES = 50  # records compared one by one when match_on has no exact lookup
IDENTIFYING_FIELDS = ("Code", "Name", "Title", "DocumentReference", "InvoiceNumber", "TaxNumber")


def format_filter(value: Any) -> str:
    """A filter value as the service reads it: dates as YYYY-MM-DD, date-times without offset."""
    if isinstance(value, datetime.datetime):
        return value.strftime("%Y-%m-%dT%H:%M:%S")
    if isinstance(value, datetime.date):
        return value.isoformat()
    return str(value)


class MinimaxClient:
    def __init__(
        self,
        config: ClientConfig,
        *,
        session: requests.Session | None = None,
        guard_store: SharedGuardStore | None = None,
        on_token: Callable[[str], None] | None = None,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self.config = config
        self.transport = Transport(
            config, session=session, guard_store=guard_store, on_token=on_token, sleep=sleep
        )
        self._organisations: list[Record] | None = None
        self._lock = threading.Lock()

    @property
    def stats(self) -> CallStats:
        return self.transport.stats

    def close(self) -> None:
        self.transport.session.close()

    def clear_lockout_guard(self) -> None:
        """Forget a refused login for these exact credentials (after fixing it in Minimax)."""
        self.transport.guard.clear()

    # -- organisations ------------------------------------------------------------------------

    def organisations(self) -> list[Record]:
        """The organisations this login reaches with API access: `{ID, Name, …}` each."""
        with self._lock:
            if self._organisations is None:
                reached = []
                for row in self._pages("currentuser/orgs", {}, self.config.page_size, 1):
                    org = row.get("Organisation")
                    if not isinstance(org, Mapping) or not isinstance(org.get("ID"), int):
                        raise MinimaxResponseError(
                            "currentuser/orgs answered a row without Organisation.ID.",
                            method="GET",
                            path="currentuser/orgs",
                        )
                    if row.get("APIAccess", "D") == "N":
                        continue
                    reached.append({**org, **{k: v for k, v in row.items() if k != "Organisation"}})
                self._organisations = reached
            return list(self._organisations)

    def organisation_id(self, organisation_id: int | str | None = None) -> int:
        """The organisation to use: the argument, else the configured one, else the only one."""
        chosen = (
            organisation_id if organisation_id not in (None, "") else self.config.organisation_id
        )
        if chosen not in (None, ""):
            try:
                return int(chosen)
            except ValueError:
                raise MinimaxConfigurationError(
                    f"organisation_id must be a number, not {chosen!r}."
                ) from None
        reached = self.organisations()
        if len(reached) == 1:
            return int(reached[0]["ID"])
        if not reached:
            raise MinimaxConfigurationError(
                f"The login {self.config.credentials.username!r} reaches no organisation with API "
                "access. Grant it API access in Minimax (user settings of the organisation)."
            )
        raise MinimaxConfigurationError(
            "The login reaches several organisations; choose one with organisation_id: "
            + listed(reached)
        )

    def _reachable(self, organisation_id: int) -> None:
        """Before a write: the organisation must be one the login reaches."""
        ids = [org["ID"] for org in self.organisations()]
        if organisation_id not in ids:
            raise MinimaxConfigurationError(
                f"Organisation {organisation_id} is not one the login "
                f"{self.config.credentials.username!r} reaches with API access "
                f"({', '.join(map(str, ids)) or 'none'}); nothing was written."
            )

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
        return self._record("GET", f"{base}/{_record_id(record_id)}", decimals=decimals)

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
        """The record a create's `Location` names (an absolute URL of this service)."""
        return self._record("GET", url)

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
        resolved, _, path = self._where(resource, organisation_id)
        size = self._page_size(page_size)
        workers = max_workers or self.config.max_workers
        query = self._filters(resolved.resource, filters)
        return self._pages(path, query, size, workers, decimals=decimals)

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
        return self._pages(f"{base}/synccandidates", query, self.config.page_size, 1)

    def _page_size(self, page_size: int | None) -> int:
        size = self.config.page_size if page_size is None else page_size
        if isinstance(size, bool) or not isinstance(size, int) or not 1 <= size <= 10_000:
            raise MinimaxConfigurationError(f"page_size must be between 1 and 10000, not {size!r}.")
        return size

    def _pages(
        self,
        path: str,
        query: dict[str, str],
        size: int,
        workers: int,
        *,
        decimals: bool = False,
    ) -> Iterator[Record]:
        def fetch(number: int) -> Page:
            params = {**query, "CurrentPage": number, "PageSize": size}
            body = self.transport.json("GET", path, params=params, decimals=decimals)
            page = read_page(body, number, path)
            self.stats.add(pages=1, rows=len(page.rows))
            return page

        reader = PageReader(fetch, path, workers)
        yield from reader.rows()
        log.debug("Minimax listed %s: %d rows in %d pages", path, reader.received, reader.pages)

    def _record(self, method: str, path: str, **kwargs: Any) -> Record:
        body = self.transport.json(method, path, **kwargs)
        if not isinstance(body, dict):
            raise MinimaxResponseError(
                f"Expected a record (a JSON object), got {type(body).__name__}.",
                method=method,
                path=self.transport.relative(self.transport.url(path)),
            )
        return body

    # -- writes ---------------------------------------------------------------------------------

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
        resolved, org, path = self._where(resource, organisation_id)
        if not isinstance(payload, Mapping):
            raise MinimaxConfigurationError(
                f"The payload for {resolved.resource.name} must be a mapping of fields, "
                f"not {type(payload).__name__}."
            )
        fields = _match_fields(match_on, payload)
        self._reachable(org)
        if fields:
            existing = self.find(
                resource, {name: payload[name] for name in fields}, organisation_id=org
            )
            if existing is not None:
                log.info("Minimax %s: found existing record by %s; not creating", path, fields)
                return existing
        attempts = self.config.max_retries + 1
        for attempt in range(1, attempts + 1):
            try:
                return self._post_and_read(resolved.resource, path, dict(payload))
            except MinimaxAmbiguousWriteError as ambiguous:
                if not fields:
                    raise MinimaxAmbiguousWriteError(
                        f"{ambiguous.args[0]} Check in Minimax whether {resolved.resource.name} "
                        f"{_identify(payload)} exists before running this again, or give match_on "
                        "so that the provider can check by itself.",
                        method=ambiguous.method,
                        path=ambiguous.path,
                        status=ambiguous.status,
                    ) from None
                found = self.find(
                    resource, {name: payload[name] for name in fields}, organisation_id=org
                )
                if found is not None:
                    log.warning("Minimax %s: the lost create had been stored; using it", path)
                    return found
                if attempt == attempts:
                    raise
                log.warning("Minimax %s: the lost create was not stored; sending it again", path)
        raise AssertionError("unreachable")  # pragma: no cover

    def _post_and_read(self, resource: Resource, path: str, payload: Record) -> Record:
        response = self.transport.request("POST", path, json=payload)
        # From here on the record exists: a failure to read it back must never lead to a second
        # POST, so it is reported as an ambiguous write (create() then looks it up by match_on).
        location = response.headers.get("Location") or ""
        location_path = urllib.parse.urlsplit(location).path
        found = re.search(rf"/{re.escape(path)}/([0-9]+)/?$", location_path, re.IGNORECASE)
        if found is None:
            named = f"the Location {location!r}" if location else "no Location"
            raise MinimaxAmbiguousWriteError(
                f"Minimax answered the create of a {resource.name} record with HTTP "
                f"{response.status_code} and {named}, which names no new record of it: the record "
                "may exist. It was not sent again.",
                method="POST",
                path=path,
                status=response.status_code,
            )
        # Read back through our own base URL: a proxy may rewrite the Location's host.
        try:
            return self._record("GET", f"{path}/{found.group(1)}")
        except MinimaxError as error:
            raise MinimaxAmbiguousWriteError(
                f"The new {resource.name} record {found.group(1)} was created but could not be "
                f"read back ({error}). It was not sent again.",
                method="POST",
                path=path,
                status=response.status_code,
            ) from error

    def find(
        self,
        resource: str,
        values: Mapping[str, Any],
        *,
        organisation_id: int | str | None = None,
    ) -> Record | None:
        """The one record whose fields equal `values`, or None. Raises if several match."""
        resolved, org, _ = self._where(resource, organisation_id)
        if not values:
            raise MinimaxConfigurationError("find() needs at least one field to match on.")
        code = values.get("Code")
        if resolved.resource.code_lookup and isinstance(code, str) and code:
            try:
                record = self.get_by_code(resource, code, organisation_id=org)
            except MinimaxNotFoundError:
                return None
            return record if all(same_value(v, record.get(k)) for k, v in values.items()) else None
        return self._search_match(resolved, org, values)

    def _search_match(
        self, resolved: ResourcePath, org: int, values: Mapping[str, Any]
    ) -> Record | None:
        needle = next((v for v in values.values() if isinstance(v, str) and v), None)
        filters: dict[str, Any] = {"SearchString": needle} if needle else {}
        id_field = resolved.resource.id_field
        matches: list[Record] = []
        for count, row in enumerate(self.list(resolved.path, organisation_id=org, **filters), 1):
            if count > MATCH_CANDIDATES and needle is None:
                raise MinimaxConfigurationError(
                    f"match_on {list(values)} cannot be checked cheaply on "
                    f"{resolved.resource.name}: match on a text field such as Code or "
                    "DocumentReference."
                )
            comparable = {k: v for k, v in values.items() if k in row}
            if not all(same_value(v, row.get(k)) for k, v in comparable.items()):
                continue
            if len(comparable) < len(values) and id_field:
                row = self.get(resolved.path, row[id_field], organisation_id=org)
                if not all(same_value(v, row.get(k)) for k, v in values.items()):
                    continue
            matches.append(row)
        if len(matches) > 1 and id_field:
            ids = ", ".join(str(m.get(id_field)) for m in matches)
            raise MinimaxConfigurationError(
                f"match_on {list(values)} is not unique in {resolved.resource.name}: records {ids} "
                "match. Match on a field that identifies one record."
            )
        if not matches:
            return None
        if id_field and "RowVersion" not in matches[0]:  # a slim list row: return the record
            return self.get(resolved.path, matches[0][id_field], organisation_id=org)
        return matches[0]

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
        if on_conflict not in (None, "fail", "retry"):
            raise MinimaxConfigurationError(
                f"on_conflict must be 'fail' or 'retry', not {on_conflict!r}."
            )
        resolved, org, base = self._where(resource, organisation_id)
        if not resolved.resource.updatable:
            raise MinimaxConfigurationError(f"{resolved.resource.name} records cannot be updated.")
        self._reachable(org)
        path = f"{base}/{_record_id(record_id)}"
        apply = _changer(changes, resolved.resource.name)
        strict = row_version is not None and on_conflict != "retry"
        for attempt in range(1, UPDATE_ATTEMPTS + 1):
            current = self._record("GET", path)
            if strict and attempt == 1 and current.get("RowVersion") != row_version:
                raise MinimaxConcurrencyError(
                    f"{resolved.resource.name} {record_id} changed since RowVersion {row_version} "
                    f"was read (it is now {current.get('RowVersion')}). Read it again, or pass "
                    "on_conflict='retry' to apply the changes to the latest version.",
                    method="PUT",
                    path=path,
                )
            desired = apply(copy.deepcopy(current))
            if desired == current:  # nothing to do: unchanged, or applied by a lost answer
                return current
            desired["RowVersion"] = current.get("RowVersion")
            try:
                self.transport.request("PUT", path, json=desired)
            except MinimaxConcurrencyError:
                if strict or attempt == UPDATE_ATTEMPTS:
                    raise
                log.info("Minimax %s changed while updating; reading it again", path)
                # A short random pause, so that writers racing for one record fall out of step.
                time.sleep(random.uniform(0, 0.05 * attempt))
                continue
            return self._record("GET", path)
        raise AssertionError("unreachable")  # pragma: no cover

    def delete(
        self, resource: str, record_id: int | str, *, organisation_id: int | str | None = None
    ) -> None:
        resolved, org, base = self._where(resource, organisation_id)
        if not resolved.resource.deletable:
            raise MinimaxConfigurationError(f"{resolved.resource.name} records cannot be deleted.")
        self._reachable(org)
        self.transport.request("DELETE", f"{base}/{_record_id(record_id)}")

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
        resolved, org, base = self._where(resource, organisation_id)
        name, method = resolved.resource.action_name(action)
        self._reachable(org)
        path = f"{base}/{_record_id(record_id)}"
        outcome = ACTION_OUTCOMES.get((resolved.resource.name, name.lower()))
        current: Record | None = None
        if (skip_if_done and outcome) or (
            row_version is None and resolved.resource.action_needs_row_version
        ):
            current = self._record("GET", path)
            row_version = row_version or current.get("RowVersion")
        if (
            skip_if_done
            and outcome is not None
            and current is not None
            and current.get(outcome.field) in outcome.values
        ):
            if outcome.instead is None:
                log.info(
                    "Minimax %s: %s already done (%s %s)",
                    path,
                    name,
                    outcome.field,
                    current.get(outcome.field),
                )
                return current
            log.info("Minimax %s: %s already done; running %s", path, name, outcome.instead)
            name, method = resolved.resource.action_name(outcome.instead)
            row_version = current.get("RowVersion")
        query = {key: format_filter(value) for key, value in params.items() if value is not None}
        if row_version is not None:
            query["rowVersion"] = row_version
        response = self.transport.request(method, f"{path}/actions/{name}", params=query)
        body = decode_json(response, method, f"{path}/actions/{name}")
        if not isinstance(body, dict) or "Data" not in body:
            raise MinimaxResponseError(
                f"The answer to action {name} has no Data.", method=method, path=path
            )
        return body["Data"]

    # -- helpers for tasks that wait and report --------------------------------------------------

    def list_url(self, resource: str, *, organisation_id: int | str | None = None) -> str:
        """The absolute URL of the resource's list in the organisation."""
        _, _, base = self._where(resource, organisation_id)
        return f"{self.config.api_root}{base}"

    def record_url(
        self, resource: str, record_id: int | str, *, organisation_id: int | str | None = None
    ) -> str:
        """The record's absolute URL, as a create's Location names it."""
        return f"{self.list_url(resource, organisation_id=organisation_id)}/{_record_id(record_id)}"

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
        given = [
            name
            for name, value in (("id", record_id), ("code", code), ("filters", filters))
            if value not in (None, "", {})
        ]
        if len(given) != 1:
            raise MinimaxConfigurationError(
                f"Name the record by exactly one of id, code or filters (got {given or 'none'})."
            )
        resolved, org, _ = self._where(resource, organisation_id)
        try:
            if record_id not in (None, ""):
                return self.get(resource, record_id, organisation_id=org)
            if code:
                return self.get_by_code(resource, code, organisation_id=org)
        except MinimaxNotFoundError:
            return None
        rows = list(self.list(resource, organisation_id=org, **dict(filters or {})))
        if not rows:
            return None
        id_field = resolved.resource.id_field
        if len(rows) > 1:
            ids = ", ".join(str(row.get(id_field or "")) for row in rows[:10])
            raise MinimaxConfigurationError(
                f"The filters {dict(filters or {})} select {len(rows)} {resolved.resource.name} "
                f"records ({ids}…); name one record."
            )
        if id_field is None:
            return rows[0]
        return self.get(resource, rows[0][id_field], organisation_id=org)


def _record_id(record_id: int | str) -> int:
    try:
        value = int(record_id)
    except (TypeError, ValueError):
        raise MinimaxConfigurationError(
            f"A record ID must be a number, not {record_id!r}."
        ) from None
    if value < 1:
        raise MinimaxConfigurationError(f"A record ID must be positive, not {value}.")
    return value


def _match_fields(match_on: str | Sequence[str] | None, payload: Mapping[str, Any]) -> list[str]:
    if match_on is None:
        return []
    fields = [match_on] if isinstance(match_on, str) else list(match_on)
    for name in fields:
        if not isinstance(name, str) or name not in payload or payload[name] in (None, ""):
            raise MinimaxConfigurationError(
                f"match_on names {name!r}, but the payload has no value for it; match on fields "
                f"the payload fills (it has: {', '.join(sorted(payload))})."
            )
    return fields


def _identify(payload: Mapping[str, Any]) -> str:
    shown = {name: payload[name] for name in IDENTIFYING_FIELDS if payload.get(name)}
    return str(shown) if shown else "(no identifying field in the payload)"


def _changer(changes: Changes, resource: str) -> Callable[[Record], Record]:
    if callable(changes):

        def apply_function(record: Record) -> Record:
            result = changes(record)
            if not isinstance(result, dict):
                raise MinimaxConfigurationError(
                    f"The changes function for {resource} must return the record (a dict), "
                    f"not {type(result).__name__}."
                )
            return result

        return apply_function
    if not isinstance(changes, Mapping):
        raise MinimaxConfigurationError(
            f"changes must be a mapping of fields or a function, not {type(changes).__name__}."
        )

    def apply_mapping(record: Record) -> Record:
        unknown = [name for name in changes if name not in record]
        if unknown:
            close = difflib.get_close_matches(unknown[0], list(record), n=1)
            hint = f" Did you mean {close[0]!r}?" if close else ""
            raise MinimaxConfigurationError(
                f"{resource} records have no field {unknown[0]!r}.{hint} Nothing was written."
            )
        return {**record, **changes}

    return apply_mapping


def listed(organisations: list[Record]) -> str:
    """`123 Demo d.o.o., 124 Primer d.o.o.` to end a sentence: one full stop, even after a name
    that ends with one (most Slovenian company names do)."""
    text = ", ".join(f"{org['ID']} {org.get('Name')}" for org in organisations)
    return text if text.endswith(".") else f"{text}."
