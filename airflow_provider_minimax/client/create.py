"""Create, once: the record read back from its Location, and `match_on` so a rerun finds it.

A POST whose answer is lost may or may not have stored the record. Nothing here sends a create
a second time without first looking for the record it may have made.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping, Sequence
from typing import Any

from .access import ClientAccess, Record
from .errors import (
    MinimaxAmbiguousWriteError,
    MinimaxConfigurationError,
    MinimaxError,
    MinimaxNotFoundError,
)
from .location import named_record, read_named
from .resources import Resource, ResourcePath
from .values import same_value

log = logging.getLogger("airflow_provider_minimax.client")

MATCH_CANDIDATES = 50  # records compared one by one when match_on has no exact lookup
IDENTIFYING_FIELDS = ("Code", "Name", "Title", "DocumentReference", "InvoiceNumber", "TaxNumber")


def create_record(
    client: ClientAccess,
    resource: str,
    payload: Mapping[str, Any],
    *,
    match_on: str | Sequence[str] | None = None,
    organisation_id: int | str | None = None,
) -> Record:
    """MinimaxClient.create: see there."""
    resolved, org, path = client._where(resource, organisation_id)
    if not isinstance(payload, Mapping):
        raise MinimaxConfigurationError(
            f"The payload for {resolved.resource.name} must be a mapping of fields, "
            f"not {type(payload).__name__}."
        )
    fields = _match_fields(match_on, payload)
    client._reachable(org)
    if fields:
        existing = find_record(
            client, resource, {name: payload[name] for name in fields}, organisation_id=org
        )
        if existing is not None:
            log.info("Minimax %s: found existing record by %s; not creating", path, fields)
            return existing
    attempts = client.config.max_retries + 1
    for attempt in range(1, attempts + 1):
        try:
            return _post_and_read(client, resolved.resource, path, dict(payload))
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
            found = find_record(
                client, resource, {name: payload[name] for name in fields}, organisation_id=org
            )
            if found is not None:
                log.warning("Minimax %s: the lost create had been stored; using it", path)
                return found
            if attempt == attempts:
                raise
            log.warning("Minimax %s: the lost create was not stored; sending it again", path)
    raise AssertionError("unreachable")  # pragma: no cover


def _post_and_read(client: ClientAccess, resource: Resource, path: str, payload: Record) -> Record:
    response = client.transport.request("POST", path, json=payload)
    # From here on the record exists: a failure to read it back must never lead to a second
    # POST, so it is reported as an ambiguous write (create() then looks it up by match_on).
    location = response.headers.get("Location") or ""
    named = named_record(location, path, resource.id_field)
    if named is None:
        shown = f"the Location {location!r}" if location else "no Location"
        raise MinimaxAmbiguousWriteError(
            f"Minimax answered the create of a {resource.name} record with HTTP "
            f"{response.status_code} and {shown}, which names no new record of it: the record "
            "may exist. It was not sent again.",
            method="POST",
            path=path,
            status=response.status_code,
        )
    try:
        return read_named(client, named, resource.id_field)
    except MinimaxError as error:
        raise MinimaxAmbiguousWriteError(
            f"The new {resource.name} record {named.record_id} was created but could not be "
            f"read back ({error}). It was not sent again.",
            method="POST",
            path=path,
            status=response.status_code,
        ) from error


def find_record(
    client: ClientAccess,
    resource: str,
    values: Mapping[str, Any],
    *,
    organisation_id: int | str | None = None,
) -> Record | None:
    """MinimaxClient.find: see there."""
    resolved, org, _ = client._where(resource, organisation_id)
    if not values:
        raise MinimaxConfigurationError("find() needs at least one field to match on.")
    code = values.get("Code")
    if resolved.resource.code_lookup and isinstance(code, str) and code:
        try:
            record = client.get_by_code(resource, code, organisation_id=org)
        except MinimaxNotFoundError:
            return None
        return record if all(same_value(v, record.get(k)) for k, v in values.items()) else None
    return _search_match(client, resolved, org, values)


def _search_match(
    client: ClientAccess, resolved: ResourcePath, org: int, values: Mapping[str, Any]
) -> Record | None:
    needle = next((v for v in values.values() if isinstance(v, str) and v), None)
    filters: dict[str, Any] = {"SearchString": needle} if needle else {}
    id_field = resolved.resource.id_field
    matches: list[Record] = []
    for count, row in enumerate(client.list(resolved.path, organisation_id=org, **filters), 1):
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
            row = client.get(resolved.path, row[id_field], organisation_id=org)
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
        return client.get(resolved.path, matches[0][id_field], organisation_id=org)
    return matches[0]


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
    """What a person can search Minimax by, when they must check a lost create by hand."""
    shown = {name: payload[name] for name in IDENTIFYING_FIELDS if payload.get(name)}
    return str(shown) if shown else "(no identifying field in the payload)"
