"""The emulated Minimax service: one request in, one response out, no sockets.

Routes follow the real paths (`/{SI|HR|RS}/AUT/oauth20/token`, `/{country}/API/api/...`), matched
case-insensitively. The HTTP layer (server.py) adds what needs a socket: latency, resets, dropped
and truncated answers.
"""

from __future__ import annotations

import urllib.parse
from typing import Any

from . import documents, listing, login, reader, search, writes
from .auth import Authority, LoginRefused
from .budget import RequestBudget
from .catalogue import BY_KEY, JOURNAL_ENTRIES, SYNC_FILTERS, Kind
from .errors import CONCURRENCY_MESSAGE, ApiError, not_found
from .exchange import Request, Response
from .faults import FaultInjector
from .settings import Settings
from .stats import Statistics
from .store import Record, Store

# Query parameters the service accepts on some lists without filtering by them.
_ACCEPTED_QUIETLY = {"vatrates": ("date", "countryid"), "vataccountingtypes": ("date",)}

__all__ = ["Request", "Response", "Service"]


class Service:
    def __init__(self, settings: Settings, store: Store, faults: FaultInjector) -> None:
        self.settings = settings
        self.store = store
        self.faults = faults
        self.stats = Statistics()
        self.authority = Authority(
            settings.credentials,
            token_lifetime=settings.token_lifetime,
            lockout_threshold=settings.lockout_threshold,
        )
        self.budget = RequestBudget(settings)

    # -- entry point ----------------------------------------------------------------------------

    def handle(self, request: Request) -> Response:
        parts = [urllib.parse.unquote(part) for part in request.path.split("/") if part]
        lower = [part.lower() for part in parts]
        is_api = len(lower) >= 3 and lower[1] == "api" and lower[2] == "api"
        self.stats.count_request(request.method, request.path, is_api=is_api)
        try:
            response = self._route(request, parts, lower)
        except ApiError as error:
            response = self.error_response(error)
        self.stats.count_response(response.status, response.rows)
        return response

    def _route(self, request: Request, parts: list[str], lower: list[str]) -> Response:
        if not lower or lower[0] != self.settings.country.lower():
            raise not_found(f"Resource '{request.path}'")
        if lower[1:] == ["aut", "oauth20", "token"] and request.method == "POST":
            return self._token(request)
        if len(lower) >= 3 and lower[1:3] == ["api", "api"]:
            return self._api(request, parts[3:], lower[3:])
        raise not_found(f"Resource '{request.path}'")

    # -- errors -------------------------------------------------------------------------------

    def error_response(self, error: ApiError) -> Response:
        status = error.status
        if error.message == CONCURRENCY_MESSAGE:
            status = self.settings.concurrency_status
        headers = {"Retry-After": str(error.retry_after)} if error.retry_after is not None else {}
        style = self.settings.error_style
        if style == "text" and status < 500:
            text = (
                f"{error.property_name}: {error.message}" if error.property_name else error.message
            )
            return Response(status, text.encode(), "text/plain; charset=utf-8", headers)
        payload: dict[str, Any] = {"Message": error.message}
        if style == "validation" and error.property_name:
            payload["ValidationMessages"] = [
                {"Message": error.message, "PropertyName": error.property_name}
            ]
        return Response.json(status, payload, **headers)

    # -- token ----------------------------------------------------------------------------------

    def _token(self, request: Request) -> Response:
        try:
            return Response.json(200, self.authority.grant(login.token_form(request)))
        except LoginRefused as refused:
            return login.refusal(refused, self.settings.login_error_style)

    # -- API ----------------------------------------------------------------------------------

    def _api(self, request: Request, parts: list[str], lower: list[str]) -> Response:
        self.authority.check(request.headers.get("Authorization"))
        if lower == ["currentuser", "orgs"] and request.method == "GET":
            return self._plain_list(self._user_organisations(), request)
        if lower == ["currentuser", "profile"] and request.method == "GET":
            return Response.json(200, self._profile())
        if lower == ["orgs", "allorgs"] and request.method == "GET":
            return Response.json(200, [org.record for org in self._reachable()])
        if len(lower) >= 2 and lower[0] == "orgs":
            organisation_id = _record_id(lower[1], "organisation")
            self.store.organisation(organisation_id)  # 404 / 403 before anything else
            self.budget.spend(organisation_id)
            if len(lower) == 2 and request.method == "GET":
                return Response.json(200, self.store.organisation(organisation_id).record)
            return self._resource(request, organisation_id, parts[2:], lower[2:])
        raise not_found(f"Resource '{request.path}'")

    def _reachable(self) -> list[Any]:
        return [org for org in self.store.organisations.values() if org.api_access]

    def _user_organisations(self) -> list[Record]:
        return [
            {
                "Organisation": self.store.ref(org.id, "", org.id, org.title)
                | {"ResourceUrl": f"{self.store.base_url}API/api/orgs/{org.id}"},
                "APIAccess": "D",
                "MobileAccess": "N",
            }
            for org in self._reachable()
        ]

    def _profile(self) -> Record:
        return {
            "UserId": 1,
            "FullName": "Sandbox Uporabnik",
            "Email": "sandbox@example.si",
            "MobilePhone": None,
            "Language": "SL",
        }

    def reset_budget(self) -> None:
        self.budget.reset()

    # -- resources ------------------------------------------------------------------------------

    def _resource(
        self, request: Request, organisation_id: int, parts: list[str], lower: list[str]
    ) -> Response:
        if not lower:
            raise not_found("Resource")
        if lower[:2] == ["journals", "journal-entries"] and len(lower) == 2:
            return self._journal_entries(request, organisation_id)
        if lower[0] == "customers" and len(lower) >= 3 and lower[2] == "contacts":
            parent_id = _record_id(lower[1], "customer")
            self.store.get(organisation_id, "customers", parent_id)
            return self._kind_route(
                request, organisation_id, BY_KEY["contacts"], parts[3:], lower[3:], parent_id
            )
        kind = BY_KEY.get(lower[0])
        if kind is None:
            raise not_found(f"Resource '{request.path}'")
        return self._kind_route(request, organisation_id, kind, parts[1:], lower[1:], None)

    def _kind_route(
        self,
        request: Request,
        organisation_id: int,
        kind: Kind,
        parts: list[str],
        lower: list[str],
        parent_id: int | None,
    ) -> Response:
        method = request.method
        with self.store.lock:
            if not lower:
                record_id = self._id_in_query(request, kind)
                if record_id is not None:
                    return self._one(request, organisation_id, kind, record_id, parent_id)
                if method == "GET":
                    return self._list(request, organisation_id, kind, parent_id)
                if method == "POST":
                    return self._create(request, organisation_id, kind, parent_id)
            elif lower == ["synccandidates"] and method == "GET" and kind.synccandidates:
                return self._sync(request, organisation_id, kind, parent_id)
            elif len(lower) == 1 and lower[0].startswith("code(") and lower[0].endswith(")"):
                if kind.code_field and method == "GET":
                    code = parts[0][5:-1]
                    return Response.json(
                        200, self.store.get_by_code(organisation_id, kind.key, code)
                    )
            elif len(lower) == 1:
                record_id = _record_id(lower[0], kind.key)
                return self._one(request, organisation_id, kind, record_id, parent_id)
            elif len(lower) == 3 and lower[1] == "actions":
                record_id = _record_id(lower[0], kind.key)
                return self._action(request, organisation_id, kind, record_id, lower[2])
            elif len(lower) == 2 and lower[1] == "attachments" and method == "GET":
                record_id = _record_id(lower[0], kind.key)
                self.store.get(organisation_id, kind.key, record_id)
                organisation = self.store.organisation(organisation_id)
                return Response.json(200, organisation.attachments.get((kind.key, record_id), []))
        raise ApiError(405, f"The requested resource does not support http method '{method}'.")

    def _id_in_query(self, request: Request, kind: Kind) -> int | None:
        """`…/customers?id=5`: ASP.NET Web API binds a method's `id` from the query string as
        readily as from the path, so this is the record's address too (the "query" form of a
        Location, settings.location_style)."""
        if request.method not in ("GET", "PUT", "DELETE"):
            return None
        sent = next((value for name, value in request.query.items() if name.lower() == "id"), None)
        return None if sent is None else _record_id(sent, kind.key)

    def _query(self, request: Request, known: Any) -> listing.Query:
        query = listing.parse_query(
            request.query,
            known,
            default_page_size=self.settings.default_page_size,
            max_page_size=self.settings.max_page_size,
        )
        if query.ignored:
            self.stats.count_ignored(query.ignored)
        return query

    def _plain_list(self, records: list[Record], request: Request) -> Response:
        """A list that is not a catalogue kind (the current user's organisations)."""
        query = self._query(request, ())
        rows, total = listing.page_of(records, query)
        return self._page_response(listing.Page(list(rows), total, query.page, query.page_size))

    def _page_response(self, page: listing.Page) -> Response:
        response = Response.json(200, page.envelope())
        response.rows = len(page.rows)
        return response

    def _children(self, organisation_id: int, kind: Kind, parent_id: int | None) -> list[Record]:
        records = list(self.store.table(organisation_id, kind.key).records.values())
        if parent_id is None or not kind.parent_field:
            return records
        field_name = kind.parent_field
        return [rec for rec in records if (rec.get(field_name) or {}).get("ID") == parent_id]

    def _list(
        self, request: Request, organisation_id: int, kind: Kind, parent_id: int | None
    ) -> Response:
        known = tuple(kind.filters) + _ACCEPTED_QUIETLY.get(kind.key, ())
        query = self._query(request, known)
        for quiet in _ACCEPTED_QUIETLY.get(kind.key, ()):
            query.filters.pop(quiet, None)
        query.search_fields = search.search_fields(kind, self.settings.search_scope)
        organisation = self.store.organisation(organisation_id)
        if kind.key == "journals" and organisation.ledger is not None:
            page = organisation.ledger.journals_page(query)
        else:
            records = self._children(organisation_id, kind, parent_id)
            page = listing.list_page(records, kind, query)
        return self._page_response(page)

    def _journal_entries(self, request: Request, organisation_id: int) -> Response:
        query = self._query(request, tuple(JOURNAL_ENTRIES.filters))
        organisation = self.store.organisation(organisation_id)
        if organisation.ledger is not None:
            page = organisation.ledger.entries_page(query)
        else:
            with self.store.lock:
                rows = self._ledger_view(organisation_id)
                page = listing.list_page(rows, JOURNAL_ENTRIES, query)
        return self._page_response(page)

    def _ledger_view(self, organisation_id: int) -> list[Record]:
        """journal-entries rows, rebuilt only when a journal changed since the last request."""
        table = self.store.table(organisation_id, "journals")
        if table.derived is None or table.derived[0] != table.version:
            table.derived = (table.version, listing.journal_entry_rows(table.records.values()))
        return table.derived[1]

    def _sync(
        self, request: Request, organisation_id: int, kind: Kind, parent_id: int | None
    ) -> Response:
        query = self._query(request, tuple(SYNC_FILTERS))
        page = listing.sync_page(self._children(organisation_id, kind, parent_id), kind, query)
        return self._page_response(page)

    def _one(
        self,
        request: Request,
        organisation_id: int,
        kind: Kind,
        record_id: int,
        parent_id: int | None,
    ) -> Response:
        organisation = self.store.organisation(organisation_id)
        if request.method == "GET":
            if kind.key == "journals" and organisation.ledger is not None:
                return Response.json(200, organisation.ledger.journal(record_id))
            record = self.store.get(organisation_id, kind.key, record_id)
            self._check_parent(kind, record, parent_id)
            return Response.json(200, record)
        self._check_writable(kind, organisation, request.method)
        if request.method == "PUT" and kind.updatable:
            self._check_parent(
                kind, self.store.get(organisation_id, kind.key, record_id), parent_id
            )
            body = self._body(request, kind)
            record = self.store.update(organisation_id, kind, record_id, body)
            documents.after_write(self.store, organisation_id, kind.key, record)
            return writes.answer(self.settings, record)
        if request.method == "DELETE":
            record = self.store.get(organisation_id, kind.key, record_id)
            self._check_parent(kind, record, parent_id)
            self.store.delete(organisation_id, kind, record_id)
            return writes.answer(self.settings, record)
        raise ApiError(
            405, f"The requested resource does not support http method '{request.method}'."
        )

    def _check_parent(self, kind: Kind, record: Record, parent_id: int | None) -> None:
        parent = record.get(kind.parent_field or "") or {}
        if parent_id is not None and parent.get("ID") != parent_id:
            raise not_found(f"{kind.key} record {record[kind.id_field]}")

    def _check_writable(self, kind: Kind, organisation: Any, method: str) -> None:
        read_only = not kind.writable or (kind.key == "journals" and organisation.ledger)
        if read_only:
            raise ApiError(405, f"The requested resource does not support http method '{method}'.")

    def _create(
        self, request: Request, organisation_id: int, kind: Kind, parent_id: int | None
    ) -> Response:
        self._check_writable(kind, self.store.organisation(organisation_id), "POST")
        body = self._body(request, kind)
        record = self.store.create(organisation_id, kind, body, parent_id)
        documents.after_write(self.store, organisation_id, kind.key, record)
        collection = kind.key
        if parent_id is not None and kind.parent:
            collection = f"{kind.parent}/{parent_id}/{kind.key}"
        location = writes.location(
            self.settings, request, organisation_id, collection, record[kind.id_field]
        )
        return Response(201, headers={"Location": location})

    def _body(self, request: Request, kind: Kind) -> Any:
        """The body bound to the kind's model by the lenient reader; ignored names counted."""
        ignored: list[str] = []
        body = reader.bind(reader.parse(request.body), kind.model, ignored)
        if ignored:
            self.stats.count_ignored_properties(ignored)
        return body

    def _action(
        self, request: Request, organisation_id: int, kind: Kind, record_id: int, action: str
    ) -> Response:
        allowed = kind.actions if request.method == "PUT" else kind.get_actions
        if request.method not in ("PUT", "GET"):
            raise ApiError(405, f"The requested resource does not support '{request.method}'.")
        if action not in allowed:
            known = ", ".join(kind.actions + kind.get_actions) or "none"
            raise ApiError(
                400,
                f"Unknown action '{action}' for {kind.key} with {request.method}. Known: {known}.",
            )
        record = self.store.get(organisation_id, kind.key, record_id)
        params = {key.lower(): value for key, value in request.query.items()}
        if kind.action_needs_row_version:
            writes.check_action_row_version(self.settings, self.store, record, params)
        data = documents.run_action(
            self.store, organisation_id, kind.key, record_id, action, params
        )
        return Response.json(200, {"Data": data})


def _record_id(text: str, what: str) -> int:
    try:
        return int(text)
    except ValueError:
        raise not_found(f"{what} '{text}'") from None
