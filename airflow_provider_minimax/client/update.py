"""Update without losing another writer's change: read, merge, PUT with the RowVersion read.

When another writer got there first, the PUT is refused; the record is read again and the
changes applied to what that writer stored, up to UPDATE_ATTEMPTS times in all.
"""

from __future__ import annotations

import copy
import difflib
import logging
import random
import time
from collections.abc import Callable, Mapping
from typing import Any

from .access import ClientAccess, Record, valid_record_id
from .errors import MinimaxConcurrencyError, MinimaxConfigurationError
from .models import shape_of
from .payload import checked
from .resources import Resource

log = logging.getLogger("airflow_provider_minimax.client")

Changes = Mapping[str, Any] | Callable[[Record], Record]
UPDATE_ATTEMPTS = 4  # the first try and three re-reads after another writer's change


def update_record(
    client: ClientAccess,
    resource: str,
    record_id: int | str,
    changes: Changes,
    *,
    row_version: str | None = None,
    on_conflict: str | None = None,
    organisation_id: int | str | None = None,
) -> Record:
    """MinimaxClient.update: see there."""
    if on_conflict not in (None, "fail", "retry"):
        raise MinimaxConfigurationError(
            f"on_conflict must be 'fail' or 'retry', not {on_conflict!r}."
        )
    resolved, org, base = client._where(resource, organisation_id)
    if not resolved.resource.updatable:
        raise MinimaxConfigurationError(f"{resolved.resource.name} records cannot be updated.")
    client._reachable(org)
    path = f"{base}/{valid_record_id(record_id)}"
    apply = _changer(changes, resolved.resource)
    strict = row_version is not None and on_conflict != "retry"
    for attempt in range(1, UPDATE_ATTEMPTS + 1):
        current = client._record("GET", path)
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
            client.transport.request("PUT", path, json=desired)
        except MinimaxConcurrencyError:
            if strict:
                # A PUT the transport repeated after a lost answer meets its own new RowVersion:
                # when the record already holds the changes, that earlier PUT was applied.
                stored = client._record("GET", path)
                if apply(copy.deepcopy(stored)) == stored:
                    return stored
                raise
            if attempt == UPDATE_ATTEMPTS:
                raise
            log.info("Minimax %s changed while updating; reading it again", path)
            # A short random pause, so that writers racing for one record fall out of step.
            time.sleep(random.uniform(0, 0.05 * attempt))
            continue
        return client._record("GET", path)
    raise AssertionError("unreachable")  # pragma: no cover


def _changer(changes: Changes, catalogued: Resource) -> Callable[[Record], Record]:
    """The changes as one function of the record, checked before anything is written.

    Changed values are converted to their fields' types as for a create (payload.py): the
    record keeps one type per field whatever Airflow's rendering made of a value.
    """
    resource = catalogued.name
    shape = shape_of(resource, "body") or shape_of(resource, "record") or {}

    def typed(record: Record, result: Record) -> Record:
        # A name neither the record nor the model knows would be dropped silently by the
        # service: checked() refuses it, with the nearest known name.
        changed = {
            name: value
            for name, value in result.items()
            if (name in shape and (name not in record or record[name] != value))
            or (name not in record and name not in shape)
        }
        return {**result, **checked(shape, changed, resource)}

    if callable(changes):

        def apply_function(record: Record) -> Record:
            result = changes(record)
            if not isinstance(result, dict):
                raise MinimaxConfigurationError(
                    f"The changes function for {resource} must return the record (a dict), "
                    f"not {type(result).__name__}."
                )
            return typed(record, result)

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
        return typed(record, {**record, **changes})

    return apply_mapping
