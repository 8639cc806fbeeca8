"""One look at the record a wait is for: does it exist, does it show what is expected?

The sensor's poke and the trigger's loop both call `check_record`, so that a wait in a worker
and a deferred wait in the triggerer finish on the same condition and report the same thing.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from .access import ClientAccess, Record
from .errors import MinimaxConfigurationError, MinimaxNotFoundError
from .resources import resolve
from .values import unmet

NOT_THERE_YET = "the record does not exist yet"


@dataclass(frozen=True)
class RecordCheck:
    """What one look found: `summary` once the wait is over, else what it still waits for."""

    found: bool
    summary: dict[str, Any] | None = None
    waiting_for: list[str] = field(default_factory=list)

    @property
    def done(self) -> bool:
        return self.summary is not None


def check_record(
    client: ClientAccess,
    resource: str,
    *,
    record_id: int | str | None = None,
    code: str | None = None,
    filters: Mapping[str, Any] | None = None,
    expect: Mapping[str, Any] | None = None,
    organisation_id: int | str | None = None,
) -> RecordCheck:
    """Look the record up and compare it with `expect` (field -> value or accepted values)."""
    record = lookup_record(
        client,
        resource,
        record_id=record_id,
        code=code,
        filters=filters,
        organisation_id=organisation_id,
    )
    if record is None:
        return RecordCheck(found=False, waiting_for=[NOT_THERE_YET])
    missing = unmet(record, expect or {})
    if missing:
        return RecordCheck(found=True, waiting_for=missing)
    return RecordCheck(found=True, summary=record_summary(resource, record, expect))


def record_summary(
    resource: str, record: Mapping[str, Any], expect: Mapping[str, Any] | None
) -> dict[str, Any]:
    """What a wait returns to XCom: the record's ID, RowVersion and the fields it waited for."""
    id_field = resolve(resource).resource.id_field
    summary: dict[str, Any] = {
        "id": record.get(id_field) if id_field else None,
        "row_version": record.get("RowVersion"),
    }
    summary.update({name: record.get(name) for name in (expect or {})})
    return summary


def lookup_record(
    client: ClientAccess,
    resource: str,
    *,
    record_id: int | str | None = None,
    code: str | None = None,
    filters: Mapping[str, Any] | None = None,
    organisation_id: int | str | None = None,
) -> Record | None:
    """MinimaxClient.lookup: see there."""
    given = [
        name
        for name, value in (("id", record_id), ("code", code), ("filters", filters))
        if value not in (None, "", {})
    ]
    if len(given) != 1:
        raise MinimaxConfigurationError(
            f"Name the record by exactly one of id, code or filters (got {given or 'none'})."
        )
    resolved, org, _ = client._where(resource, organisation_id)
    try:
        if record_id not in (None, ""):
            return client.get(resource, record_id, organisation_id=org)
        if code:
            return client.get_by_code(resource, code, organisation_id=org)
    except MinimaxNotFoundError:
        return None
    rows = list(client.list(resource, organisation_id=org, **dict(filters or {})))
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
    return client.get(resource, rows[0][id_field], organisation_id=org)
