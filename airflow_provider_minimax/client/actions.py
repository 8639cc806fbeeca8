"""Document actions (issue, confirm, generatepdf, …) and how to tell that one already ran.

Rerunning a DAG runs its actions again; on a document whose state already shows the action's
work, the service would refuse (an invoice cannot be issued twice), so `skip_if_done` reads the
record first and leaves out what is done.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Any

from .access import ClientAccess, Record, format_filter, valid_record_id
from .answers import decode_json
from .errors import MinimaxResponseError

log = logging.getLogger("airflow_provider_minimax.client")


@dataclass(frozen=True)
class ActionOutcome:
    """How to tell that an action's work is already done, so a rerun need not repeat it."""

    field: str
    values: tuple[str, ...]  # the record is in one of these states once the action ran
    instead: str | None = None  # what to run when it is done (the PDF half of issue-and-PDF)


# (resource, action in lower case) -> its outcome. Documents move through Status values:
# invoices O (draft) -> I (issued); orders O -> P (confirmed) -> Z (completed), R (invalid);
# stock entries O -> P (confirmed).
ACTION_OUTCOMES: dict[tuple[str, str], ActionOutcome] = {
    ("issuedinvoices", "issue"): ActionOutcome("Status", ("I",)),
    ("issuedinvoices", "issueandgeneratepdf"): ActionOutcome("Status", ("I",), "generatepdf"),
    ("issuedinvoices", "issuecancellation"): ActionOutcome("Status", ("O",)),
    ("orders", "confirm"): ActionOutcome("Status", ("P", "Z")),
    ("orders", "cancelconfirmation"): ActionOutcome("Status", ("O",)),
    ("orders", "complete"): ActionOutcome("Status", ("Z",)),
    ("orders", "cancelcompletion"): ActionOutcome("Status", ("P",)),
    ("orders", "invalidate"): ActionOutcome("Status", ("R",)),
    ("orders", "cancelinvalidation"): ActionOutcome("Status", ("O",)),
    ("stockentry", "confirm"): ActionOutcome("Status", ("P",)),
    ("stockentry", "cancelconfirmation"): ActionOutcome("Status", ("O",)),
}


def run_action(
    client: ClientAccess,
    resource: str,
    record_id: int | str,
    action: str,
    *,
    row_version: str | None = None,
    skip_if_done: bool = False,
    organisation_id: int | str | None = None,
    **params: Any,
) -> Any:
    """MinimaxClient.action: see there."""
    resolved, org, base = client._where(resource, organisation_id)
    name, method = resolved.resource.action_name(action)
    client._reachable(org)
    path = f"{base}/{valid_record_id(record_id)}"
    outcome = ACTION_OUTCOMES.get((resolved.resource.name, name.lower()))
    current: Record | None = None
    if (skip_if_done and outcome) or (
        row_version is None and resolved.resource.action_needs_row_version
    ):
        current = client._record("GET", path)
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
    response = client.transport.request(method, f"{path}/actions/{name}", params=query)
    body = decode_json(response, method, f"{path}/actions/{name}")
    if not isinstance(body, dict) or "Data" not in body:
        raise MinimaxResponseError(
            f"The answer to action {name} has no Data.", method=method, path=path
        )
    return body["Data"]
