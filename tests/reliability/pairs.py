"""Helpers of the whole-files tests: a pair published as the export does, what a reader finds
at rest, a child process's environment."""

from __future__ import annotations

import hashlib
import json
import os
from pathlib import Path
from typing import Any

from airflow_provider_minimax.exports.manifest import verify_pair
from airflow_provider_minimax.operators._destination import Destination

ROOT = Path(__file__).resolve().parents[2]
MANIFEST = ".manifest.json"
RESOURCES = ("countries", "currencies", "customers")  # each file differs from the one before


def attempt(action: Any) -> OSError | None:
    """None if `action()` succeeds, else the OSError it raised."""
    try:
        action()
    except OSError as error:
        return error
    return None


def child_env(extra: dict[str, str] | None = None) -> dict[str, str]:
    return {**os.environ, "PYTHONPATH": str(ROOT), **(extra or {})}


def pair_state(target: Path) -> str:
    """What a reader finds at rest: `pair`, `data without manifest`, `nothing`, or `MISMATCH`
    (a manifest beside data it does not describe: what must never be)."""
    manifest = target.with_name(target.name + MANIFEST)
    if manifest.exists():
        if not target.exists():
            return "MISMATCH"
        ok = verify_pair(target.read_bytes(), json.loads(manifest.read_bytes()))
        return "pair" if ok else "MISMATCH"
    return "data without manifest" if target.exists() else "nothing"


def publish(target: Path, data: bytes, **described: Any) -> dict[str, Any]:
    manifest = {"bytes": len(data), "sha256": hashlib.sha256(data).hexdigest(), **described}
    with Destination(target, manifest=True) as claimed:
        with claimed.writer() as out:
            for start in range(0, len(data), 1000):  # as an export writes: batch by batch
                out.write(data[start : start + 1000])
        claimed.publish(out, json.dumps(manifest).encode())
    return manifest
