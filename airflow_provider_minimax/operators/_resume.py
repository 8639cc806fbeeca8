"""After a deferral: which of the files an export had published before it are still there.

An export that meets a spent budget defers with the manifests of the organisations it finished
(operators/_deferral.py). When it goes on, possibly on another worker, a file counts as done
only if the destination still holds it as a pair: the manifest in place names that file, and
the data's size and sha256 are the manifest's. On object storage, which every worker sees, it
is; on a local path of another worker there is nothing, and the organisation is exported again.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Mapping
from typing import Any

from airflow_provider_minimax.operators._destination import Destination
from airflow_provider_minimax.operators._storage import url_of

CHUNK = 1 << 20  # the file is hashed a MiB at a time: exports can be larger than memory


def _sha256_and_size(path: Any) -> tuple[str, int]:
    digest = hashlib.sha256()
    size = 0
    with path.open("rb") as data:
        while chunk := data.read(CHUNK):
            digest.update(chunk)
            size += len(chunk)
    return digest.hexdigest(), size


def kept_manifest(
    task: Any, done: Iterable[dict[str, Any]], destination: Destination
) -> dict[str, Any] | None:
    """The manifest in `done` of the destination's file, if that pair is still in place."""
    where = url_of(destination.target)
    earlier = next((m for m in done if isinstance(m, dict) and m.get("path") == where), None)
    if earlier is None or destination.manifest is None:
        return None
    try:
        in_place = json.loads(destination.manifest.read_bytes())
        sha256, size = _sha256_and_size(destination.target)
    except (OSError, ValueError) as error:  # not here (another worker's disk), or unreadable
        task.log.info("Minimax export: %s is exported again (%s)", where, error)
        return None
    same = (
        in_place.get("sha256") == earlier.get("sha256") == sha256
        and in_place.get("bytes") == earlier.get("bytes") == size
    )
    if not same:
        task.log.info("Minimax export: %s changed since the deferral; exported again", where)
        return None
    task.log.info(
        "Minimax export: %s was published before the deferral (%s rows); kept, no call spent",
        where,
        earlier.get("rows"),
    )
    return earlier


def deferral_state(
    done: list[dict[str, Any]], resumed: Mapping[str, Any], error: Any
) -> dict[str, Any]:
    """What an export defers with: the manifests it finished, and what a plan that did not fit
    needs (its calls and the probe that priced it), so that the next try sends no probe before
    they fit."""
    needed = dict(resumed.get("needed") or {})
    org = str(error.organisation_id)
    # The check of wait_for_plan asks for what is stored already: no second probe to add.
    if error.needed > 1 and error.organisation_id is not None and error.needed != needed.get(org):
        needed[org] = error.needed + 1
    return {"done": list(done), "needed": needed}


def wait_for_plan(task: Any, client: Any, organisation_id: int) -> None:
    """After a deferral for a plan that did not fit, that many calls must fit before the probe
    is sent again: checked by a reservation given back at once (nothing is sent)."""
    needed = (task._resumed.get("needed") or {}).get(str(organisation_id))
    if needed:
        task.call(
            f"check the budget for the export of {task.resource}",
            lambda: client.budget.reserve(organisation_id, int(needed), "a check").release(),
            lambda _: f"{needed} calls fit",
        )
