"""A running sandbox: the server thread, the world it serves, and the handles tests use.

with Sandbox(seed=1, scale="small") as sandbox:
    sandbox.base_url            # http://127.0.0.1:PORT/SI/
    sandbox.airflow_connection  # the JSON an AIRFLOW_CONN_MINIMAX_DEFAULT variable takes
    sandbox.add_fault(FaultRule("status", status=503, times=1))
    sandbox.stats()["by_route"]
    sandbox.records(123, "customers", City="Koper")  # copies of what it holds
    sandbox.change(123, "customers", 100085, City="Piran")  # another writer
    sandbox.spend(123, 900); sandbox.budget(123)["window"]  # the web app's share of the budget
"""

from __future__ import annotations

import copy
import dataclasses
import datetime
import json
import threading
from types import TracebackType
from typing import Any

from . import admin, documents, listing
from . import settings as runtime
from .errors import ApiError
from .exchange import Request, Response
from .faults import FaultInjector, FaultRule
from .server import SandboxHTTPServer
from .service import Service
from .settings import Settings
from .store import Organisation, Record, Store, Table
from .world import build_store

DEFAULT_ORGANISATION_ID = 123


class Sandbox:
    """A Minimax-compatible server on 127.0.0.1, in a background thread of this process."""

    def __init__(
        self,
        settings: Settings | None = None,
        *,
        host: str = "127.0.0.1",
        port: int = 0,
        verbose: bool = False,
        faults: list[FaultRule] | None = None,
        **overrides: Any,
    ) -> None:
        self._initial_settings = dataclasses.replace(settings or Settings(), **overrides)
        self.settings = dataclasses.replace(self._initial_settings)
        self.verbose = verbose
        self._initial_faults = list(faults or [])
        self._httpd = SandboxHTTPServer((host, port), self)
        self.host = host
        self.port: int = self._httpd.server_address[1]
        self._thread: threading.Thread | None = None
        self._build()

    def _build(self) -> None:
        self.store: Store = build_store(self.settings, self.base_url)
        self.store.writes = 0
        self.faults = FaultInjector([dataclasses.replace(r) for r in self._initial_faults])
        self.service = Service(self.settings, self.store, self.faults)

    # -- addresses and credentials ------------------------------------------------------------

    @property
    def root_url(self) -> str:
        return f"http://{self.host}:{self.port}"

    @property
    def base_url(self) -> str:
        """What a connection's host field takes: the country's base, like https://moj.minimax.si/SI/."""
        return f"{self.root_url}/{self.settings.country}/"

    @property
    def api_url(self) -> str:
        return f"{self.base_url}API/"

    @property
    def token_url(self) -> str:
        return f"{self.base_url}AUT/oauth20/token"

    @property
    def connection(self) -> dict[str, Any]:
        """An Airflow connection for this sandbox (the `minimax` connection type)."""
        creds = self.settings.credentials
        return {
            "conn_type": "minimax",
            "host": self.base_url,
            "login": creds.username,
            "password": creds.password,
            "extra": {
                "client_id": creds.client_id,
                "client_secret": creds.client_secret,
                "organisation_id": DEFAULT_ORGANISATION_ID,
                "country": self.settings.country,
            },
        }

    @property
    def airflow_connection(self) -> str:
        """The value for `AIRFLOW_CONN_MINIMAX_DEFAULT` (Airflow's JSON connection form)."""
        return json.dumps(self.connection, separators=(",", ":"))

    def info(self) -> dict[str, Any]:
        return {
            "base_url": self.base_url,
            "token_url": self.token_url,
            "country": self.settings.country,
            "scale": self.settings.scale,
            "seed": self.settings.seed,
            "connection": self.connection,
            "organisations": [
                {"id": org.id, "title": org.title, "api_access": org.api_access}
                for org in self.store.organisations.values()
            ],
        }

    # -- control ----------------------------------------------------------------------------------

    def stats(self) -> dict[str, Any]:
        authority = self.service.authority
        return self.service.stats.as_dict() | {
            "token_requests": authority.token_requests,
            "rejected_logins": authority.rejected_logins,
            "locked_applications": len(authority.locked),
            "faults_injected": dict(self.faults.injected),
        }

    def reset_stats(self) -> None:
        authority = self.service.authority
        self.service.stats = type(self.service.stats)()
        authority.token_requests = authority.rejected_logins = 0
        self.faults.injected.clear()

    def reset(self) -> None:
        """Back to the initial world: data, settings, counters, faults, tokens and locks."""
        with self.store.lock:
            self.settings = dataclasses.replace(self._initial_settings)
            self._build()

    def reset_if_used(self) -> None:
        """Reset, rebuilding the data only if something was written (cheap between tests)."""
        if self.store.writes:
            self.reset()
            return
        # Everything but the data is rebuilt: settings, faults, tokens, locks, budget, counters.
        self.settings = dataclasses.replace(self._initial_settings)
        self.faults = FaultInjector([dataclasses.replace(r) for r in self._initial_faults])
        self.service = Service(self.settings, self.store, self.faults)

    def add_fault(self, rule: FaultRule) -> FaultRule:
        self.faults.add(rule)
        return rule

    def clear_faults(self) -> None:
        self.faults.clear()

    def configure(self, **changes: Any) -> dict[str, Any]:
        """Change run-time settings (page cap, error styles, budget …); returns them all."""
        current = runtime.configure(self.settings, **changes)
        # A new limit counts from nothing; moving the clock (clock_offset) keeps what is spent.
        if {"request_budget", "budget_window", "monthly_budget"} & set(changes):
            self.service.reset_budget()
        if "lockout_threshold" in changes:
            # The Authority keeps its own copy: a run-time change must reach the next login.
            self.service.authority.lockout_threshold = self.settings.lockout_threshold
        return current

    def budget(self, organisation_id: int) -> dict[str, Any]:
        """The organisation's request budget (as GET /_sandbox/orgs/{org}/budget shows it):
        {"window": calls in the rolling window, "month": calls this calendar month, "limit":
        request_budget, "monthly_limit": monthly_budget, "window_seconds": budget_window,
        "frees_in": seconds until the oldest counted call leaves the window, None if none}."""
        self._organisation(organisation_id)
        return self.service.budget.report(int(organisation_id))

    def spend(self, organisation_id: int, calls: int) -> dict[str, Any]:
        """The Minimax web app makes `calls` requests (POST /_sandbox/orgs/{org}/budget/spend):
        not API calls, but counted in the same window and month. Returns the budget after."""
        self._organisation(organisation_id)
        self.service.budget.spend_elsewhere(int(organisation_id), int(calls))
        return self.budget(organisation_id)

    def expire_tokens(self, *, lifetime: int | None = None) -> int:
        """Make every issued token stale (as POST /_sandbox/tokens/expire does); returns how
        many. `lifetime` (seconds) also changes how long the tokens issued from now on live,
        until the next reset: 0 makes them stale on arrival."""
        with self.store.lock:
            authority = self.service.authority
            if lifetime is not None:
                authority.token_lifetime = lifetime
            return authority.expire_all()

    def unlock(self) -> None:
        """Undo a lock-out after refused logins (in Minimax: re-create the application)."""
        self.service.authority.unlock()

    def issued_tokens(self, *, valid_only: bool = False) -> list[str]:
        """The access tokens issued since the last reset, oldest first (only the unexpired ones
        with `valid_only`): what must never show in a log, an XCom or a file."""
        return self.service.authority.issued(valid_only=valid_only)

    def admin(self, request: Request) -> Response:
        return admin.handle(self, request)

    def handle(self, request: Request) -> Response:
        """One request of the emulated service, without sockets or faults."""
        return self.service.handle(request)

    def count_injected(self, request: Request, response: Response | None) -> None:
        stats = self.service.stats
        stats.count_request(request.method, request.path, is_api=True)
        if response is not None:
            stats.count_response(response.status)

    # -- inspection: what the sandbox holds, for tests (copies: the store stays as it is) -------

    @property
    def writes(self) -> int:
        """Records written (created, updated, changed, deleted, rows stamped) since the data was
        built."""
        return self.store.writes

    def records(self, org: int, kind: str, **where: Any) -> list[Record]:
        """Copies of the records of a kind, in ID order; `where` keeps those whose fields equal
        the values given (`records(123, "customers", Code="00001")`). The kind is a catalogue
        key (`"customers"`, `"issuedinvoices"`, `"contacts"` …) or "journals/journal-entries"
        (the general ledger rows built from the journals, as the service lists them)."""
        with self.store.lock:
            if kind == "journals/journal-entries":
                found = listing.journal_entry_rows(self._table(org, "journals").records.values())
            else:
                found = list(self._table(org, kind).records.values())
            return copy.deepcopy([record for record in found if _matches(record, where)])

    def ids(self, org: int, kind: str, **where: Any) -> list[int]:
        """The IDs of the records of a kind, in order; `where` as for `records`."""
        with self.store.lock:
            table = self._table(org, kind)
            return [key for key, record in table.records.items() if _matches(record, where)]

    def count(self, org: int, kind: str, **where: Any) -> int:
        """How many records of a kind the sandbox holds; `where` as for `records`."""
        return len(self.ids(org, kind, **where))

    def record(self, org: int, kind: str, record_id: int) -> Record:
        """A copy of one record; LookupError naming the organisation, kind and ID if none."""
        with self.store.lock:
            found = self._table(org, kind).records.get(int(record_id))
            if found is None:
                raise LookupError(f"organisation {org} has no {kind} record {record_id}")
            return copy.deepcopy(found)

    def attachments(self, org: int, kind: str, record_id: int) -> list[Record]:
        """Copies of the PDFs actions attached to a record (GET …/{id}/attachments lists them)."""
        with self.store.lock:
            self._table(org, kind)
            made = self.store.organisations[org].attachments.get((kind, int(record_id)), [])
            return copy.deepcopy(made)

    def change(self, org: int, kind: str, record_id: int, /, **fields: Any) -> Record:
        """Another writer sets fields (as POST /_sandbox/orgs/…/change does): the record gets a
        new RowVersion and modification time. Returns a copy of it; an unknown organisation,
        record or field is refused as the service refuses it (`errors.ApiError`)."""
        with self.store.lock:
            return copy.deepcopy(self.store.change(org, kind, int(record_id), **fields))

    def backdate(self, org: int, kind: str, record_id: int, when: datetime.datetime) -> Record:
        """Set a record's RecordDtModified to `when`'s wall-clock time, as if its last change
        happened then (no new RowVersion). Returns a copy of it."""
        with self.store.lock:
            record = self.store.get(org, kind, int(record_id))
            record["RecordDtModified"] = when.strftime("%Y-%m-%dT%H:%M:%S")
            self.store.table(org, kind).touch()
            self.store.count_write()
            return copy.deepcopy(record)

    def mark_paid(self, org: int, invoice_id: int, after: float = 0) -> Record:
        """The issued invoice is paid in full (POST /_sandbox/orgs/…/pay): what a bank statement
        does. Returns a copy of it. `after` seconds > 0: the payment comes that much later (a
        waiting sensor sees it unpaid first), and the copy is of the invoice as it is now."""
        if after > 0:
            with self.store.lock:
                invoice = copy.deepcopy(self.store.get(int(org), "issuedinvoices", int(invoice_id)))
            if invoice.get("Status") != "I":
                raise ApiError(400, "Only an issued invoice can be paid.")
            later = threading.Timer(after, self.mark_paid, (org, invoice_id))
            later.daemon = True
            later.start()
            return invoice
        with self.store.lock:
            return copy.deepcopy(documents.mark_paid(self.store, org, int(invoice_id)))

    def _organisation(self, org: int) -> Organisation:
        organisation = self.store.organisations.get(int(org))
        if organisation is None:
            known = sorted(self.store.organisations)
            raise LookupError(f"the sandbox has no organisation {org} (it has {known})")
        return organisation

    def _table(self, org: int, kind: str) -> Table:
        table = self._organisation(org).tables.get(kind)
        if table is None:
            raise LookupError(f"organisation {org} keeps no records of kind {kind!r}")
        return table

    # -- lifecycle --------------------------------------------------------------------------------

    def start(self) -> Sandbox:
        if self._thread is None:
            self._thread = threading.Thread(
                target=self._httpd.serve_forever, name="minimax-sandbox", daemon=True
            )
            self._thread.start()
        return self

    def serve_forever(self) -> None:
        self._httpd.serve_forever()

    def stop(self) -> None:
        self._httpd.shutdown()
        self._httpd.server_close()
        if self._thread is not None:
            self._thread.join(timeout=5)
            self._thread = None

    def __enter__(self) -> Sandbox:
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.stop()


def _matches(record: Record, where: dict[str, Any]) -> bool:
    return all(record.get(name) == value for name, value in where.items())
