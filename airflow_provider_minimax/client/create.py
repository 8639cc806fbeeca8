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
    MinimaxUnreadCreateError,
)
from .location import named_record, read_named
from .matching import check_plan, find_exact
from .payload import checked_payload
from .resources import Resource

log = logging.getLogger("airflow_provider_minimax.client")

IDENTIFYING_FIELDS = ("Code", "Name", "Title", "DocumentReference", "InvoiceNumber", "TaxNumber")


def create_record(
    client: ClientAccess,
    resource: str,
    payload: Mapping[str, Any],
    *,
    match_on: str | Sequence[str] | None = None,
    organisation_id: int | str | None = None,
    absent: bool = False,
) -> Record:
    """MinimaxClient.create: see there.

    `absent=True`: the caller has just proven by exact means (a complete list of the resource,
    or find_record) that no record matches `match_on`, so the first lookup is not repeated. A
    lost answer is still looked up exactly before the create is ever sent again: what was
    absent before the POST proves nothing about what the POST did.
    """
    resolved, org, path = client._where(resource, organisation_id)
    if not isinstance(payload, Mapping):
        raise MinimaxConfigurationError(
            f"The payload for {resolved.resource.name} must be a mapping of fields, "
            f"not {type(payload).__name__}."
        )
    payload = checked_payload(resolved.resource, payload)
    fields = _match_fields(match_on, payload)
    if fields:  # refused before anything is written when no exact means can prove absence
        check_plan(resolved.resource, fields, payload)
    wanted = {name: payload[name] for name in fields}
    if absent and not fields:
        raise MinimaxConfigurationError(
            "absent=True needs match_on: a lost answer could not be looked up without it."
        )
    client._reachable(org)
    if fields and not absent:
        existing = find_record(
            client,
            resource,
            wanted,
            organisation_id=org,
            payload=payload,
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
            found = _look_after_post(client, resource, wanted, org, payload, ambiguous)
            if found is not None:
                log.warning("Minimax %s: the lost create had been stored; using it", path)
                return found
            # Minimax said it stored the record: a lookup that misses it proves nothing.
            if isinstance(ambiguous, MinimaxUnreadCreateError) or attempt == attempts:
                raise
            log.warning("Minimax %s: the lost create was not stored; sending it again", path)
    raise AssertionError("unreachable")  # pragma: no cover


def _post_and_read(client: ClientAccess, resource: Resource, path: str, payload: Record) -> Record:
    response = client.transport.request("POST", path, json=payload)
    # From here on the record exists: a failure to read it back must never lead to a second
    # POST, so it is reported as MinimaxUnreadCreateError, which create() never sends again.
    location = response.headers.get("Location") or ""
    named = named_record(location, path, resource.id_field)
    if named is None:
        shown = f"the Location {location!r}" if location else "no Location"
        raise MinimaxUnreadCreateError(
            f"Minimax answered the create of a {resource.name} record with HTTP "
            f"{response.status_code} and {shown}, which names no new record of it: the record "
            "exists but could not be read back. It was not sent again.",
            method="POST",
            path=path,
            status=response.status_code,
        )
    try:
        return read_named(client, named, resource.id_field)
    except MinimaxError as error:
        raise MinimaxUnreadCreateError(
            f"The new {resource.name} record {named.record_id} was created but could not be "
            f"read back ({error}). It was not sent again.",
            method="POST",
            path=path,
            status=response.status_code,
        ) from error


def _look_after_post(
    client: ClientAccess,
    resource: str,
    wanted: Mapping[str, Any],
    org: int,
    payload: Mapping[str, Any],
    ambiguous: MinimaxAmbiguousWriteError,
) -> Record | None:
    """The record a POST with an unclear outcome may have made, or None when proven absent.

    A lookup that fails here must not read as "nothing was written": the POST may have stored
    the record, so its failure is reported as the ambiguous write it is.
    """
    try:
        return find_record(client, resource, wanted, organisation_id=org, payload=payload)
    except MinimaxError as error:
        raise MinimaxAmbiguousWriteError(
            f"{ambiguous.args[0]} Looking for it by {list(wanted)} then failed ({error}): check "
            f"in Minimax whether {_identify(payload)} exists before running this again.",
            method=ambiguous.method,
            path=ambiguous.path,
            status=ambiguous.status,
        ) from error


def find_record(
    client: ClientAccess,
    resource: str,
    values: Mapping[str, Any],
    *,
    organisation_id: int | str | None = None,
    payload: Mapping[str, Any] | None = None,
) -> Record | None:
    """MinimaxClient.find: see there. `payload` may name the day of the resource's window."""
    resolved, org, _ = client._where(resource, organisation_id)
    if not values:
        raise MinimaxConfigurationError("find() needs at least one field to match on.")
    return find_exact(client, resolved, org, values, payload)


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
