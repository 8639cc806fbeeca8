"""Inspection and control under `/_sandbox/`, a prefix the real service never uses.

GET    /_sandbox/info                          base URL, credentials, organisations
GET    /_sandbox/stats                         requests by route, logins, faults, rows
POST   /_sandbox/stats/reset                   zero the counters
POST   /_sandbox/reset                         data, counters, faults, tokens and locks anew
GET    /_sandbox/faults                        the fault rules and how often each fired
POST   /_sandbox/faults                        add a rule (JSON: see faults.FaultRule)
DELETE /_sandbox/faults                        remove every rule
POST   /_sandbox/tokens/expire                 make every issued token stale
POST   /_sandbox/unlock                        undo a lock-out (in Minimax: re-create the app)
PATCH  /_sandbox/settings                      change settings at run time (JSON)
GET    /_sandbox/orgs/{org}/budget             calls in the window and this month, the limits
POST   /_sandbox/orgs/{org}/budget/spend       the web app spends calls (JSON: {"calls": N})
POST   /_sandbox/orgs/{org}/{kind}/{id}/change another writer sets fields (JSON), new RowVersion
POST   /_sandbox/orgs/{org}/issuedinvoices/{id}/pay  the invoice is paid in full
                                               ({"after": seconds}: that much later)
"""

from __future__ import annotations

import json
from typing import Any, Protocol

from .errors import ApiError
from .exchange import Request, Response
from .faults import FaultInjector, FaultRule
from .store import Record


class Controls(Protocol):
    """What the admin routes ask of the sandbox (`app.Sandbox` is one)."""

    faults: FaultInjector

    def info(self) -> dict[str, Any]: ...

    def stats(self) -> dict[str, Any]: ...

    def reset_stats(self) -> None: ...

    def reset(self) -> None: ...

    def expire_tokens(self) -> int: ...

    def unlock(self) -> None: ...

    def configure(self, **changes: Any) -> dict[str, Any]: ...

    def change(self, org: int, kind: str, record_id: int, /, **fields: Any) -> Record: ...

    def mark_paid(self, org: int, invoice_id: int, after: float = 0) -> Record: ...

    def budget(self, organisation_id: int) -> dict[str, Any]: ...

    def spend(self, organisation_id: int, calls: int) -> dict[str, Any]: ...


def handle(sandbox: Controls, request: Request) -> Response:
    parts = [part for part in request.path.split("/") if part][1:]
    try:
        return _route(sandbox, request, parts)
    except ApiError as error:
        return Response.json(error.status, {"Message": error.message})
    except LookupError as error:
        return Response.json(404, {"Message": f"sandbox admin: {error}"})
    except (TypeError, ValueError) as error:
        return Response.json(400, {"Message": f"sandbox admin: {error}"})


def _body(request: Request) -> dict[str, Any]:
    loaded = json.loads(request.body or b"{}")
    if not isinstance(loaded, dict):
        raise ValueError("the body must be a JSON object")
    return loaded


def _route(sandbox: Controls, request: Request, parts: list[str]) -> Response:
    method = request.method
    route = (method, tuple(part.lower() for part in parts))
    if route == ("GET", ("info",)):
        return Response.json(200, sandbox.info())
    if route == ("GET", ("stats",)):
        return Response.json(200, sandbox.stats())
    if route == ("POST", ("stats", "reset")):
        sandbox.reset_stats()
        return Response.json(200, sandbox.stats())
    if route == ("POST", ("reset",)):
        sandbox.reset()
        return Response.json(200, {"reset": True})
    if route == ("GET", ("faults",)):
        return Response.json(200, [rule.as_dict() for rule in sandbox.faults.rules])
    if route == ("POST", ("faults",)):
        rule = FaultRule(**_body(request))
        sandbox.faults.add(rule)
        return Response.json(201, rule.as_dict())
    if route == ("DELETE", ("faults",)):
        sandbox.faults.clear()
        return Response.json(200, [])
    if route == ("POST", ("tokens", "expire")):
        return Response.json(200, {"expired": sandbox.expire_tokens()})
    if route == ("POST", ("unlock",)):
        sandbox.unlock()
        return Response.json(200, {"unlocked": True})
    if route == ("PATCH", ("settings",)):
        return Response.json(200, sandbox.configure(**_body(request)))
    if len(parts) in (3, 4) and route[1][0] == "orgs" and route[1][2] == "budget":
        return _budget_admin(sandbox, request, parts)
    if method == "POST" and len(parts) == 5 and parts[0].lower() == "orgs":
        return _record_admin(sandbox, request, parts)
    return Response.json(404, {"Message": f"sandbox admin: no route {method} {request.path}"})


def _budget_admin(sandbox: Controls, request: Request, parts: list[str]) -> Response:
    organisation_id = int(parts[1])
    verb = parts[3].lower() if len(parts) == 4 else None
    if request.method == "GET" and verb is None:
        return Response.json(200, sandbox.budget(organisation_id))
    if request.method == "POST" and verb == "spend":
        calls = _body(request).get("calls")
        if not isinstance(calls, int) or isinstance(calls, bool):
            raise ValueError('the body must be {"calls": a whole number}')
        return Response.json(200, sandbox.spend(organisation_id, calls))
    return Response.json(
        404, {"Message": f"sandbox admin: no route {request.method} {request.path}"}
    )


def _record_admin(sandbox: Controls, request: Request, parts: list[str]) -> Response:
    _, org_text, kind_key, id_text, verb = parts
    organisation_id, record_id = int(org_text), int(id_text)
    if verb.lower() == "change":
        record = sandbox.change(organisation_id, kind_key.lower(), record_id, **_body(request))
    elif verb.lower() == "pay" and kind_key.lower() == "issuedinvoices":
        after = _body(request).get("after", 0)  # {"after": seconds}: paid that much later
        if not isinstance(after, (int, float)) or isinstance(after, bool):
            raise ValueError('the body must be {"after": seconds}')
        record = sandbox.mark_paid(organisation_id, record_id, float(after))
    else:
        return Response.json(404, {"Message": f"sandbox admin: no action {verb}"})
    return Response.json(200, record)
