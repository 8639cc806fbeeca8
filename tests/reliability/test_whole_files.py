"""Whole files or none, in bulk: exports killed at random points, a disk that fills at every step
of the write, and destinations no run can write (concurrent writers:
test_whole_files_concurrent.py).

The promise (docs/exports.md, "Whole files or none"): a manifest a reader finds describes the
data beside it (its sha256 and size), read_export returns a pair only when it does, and the next
run to a destination leaves only its pair: no temporary file, no lock file.
"""

from __future__ import annotations

import collections
import os
import random
import subprocess
import sys
import time
import traceback
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from airflow.providers.common.compat.sdk import AirflowFailException

from airflow_provider_minimax.exports.manifest import read_export
from airflow_provider_minimax.operators import _destination, _storage
from airflow_provider_minimax.sandbox import Sandbox
from tests.exports.helpers import export, files
from tests.reliability.conftest import FULL, runs
from tests.reliability.pairs import MANIFEST, attempt, child_env, pair_state, publish

RESOURCES = ("countries", "currencies", "customers")  # each file differs from the one before


@pytest.fixture
def conn(minimax_connection: str, minimax_sandbox: Sandbox) -> Sandbox:
    """`minimax_default` points at the session's sandbox (organisation 123); returns it."""
    return minimax_sandbox


# -- killed part-way ------------------------------------------------------------------------

EXPORT_FOREVER = """
import itertools, sys
from airflow_provider_minimax.operators.export import MinimaxExportOperator
resources = sys.argv[2].split(",")
for n in itertools.count():
    MinimaxExportOperator(
        task_id=f"export_{n}", resource=resources[n % len(resources)], destination=sys.argv[1],
        mode="full",
    ).execute({})
    print("EXPORTED", n, flush=True)
"""


def test_an_export_killed_at_a_random_point_leaves_a_pair_and_the_rerun_cleans_up(
    conn: Sandbox, tmp_path: Path, report: Any
) -> None:
    """A process exports again and again (a different file each time) to one destination and
    is killed with SIGKILL at a random moment; what it leaves is never a manifest beside other
    data, and the rerun leaves exactly the pair."""
    kills = runs(fast=2, full=30)
    rng = random.Random(14)
    target = tmp_path / "books.jsonl"
    states: collections.Counter[str] = collections.Counter()
    left = {"temporary files": 0, "lock files": 0, "exports before the kill": 0}
    for _ in range(kills):
        child = subprocess.Popen(
            [sys.executable, "-c", EXPORT_FOREVER, str(target), ",".join(RESOURCES)],
            env=child_env({"AIRFLOW_CONN_MINIMAX_DEFAULT": conn.airflow_connection}),
            stdout=subprocess.PIPE,
            text=True,
        )
        try:
            assert child.stdout is not None
            said = []  # its log goes to stdout too
            for line in child.stdout:  # until the first export is done: then at any point
                said.append(line)
                if line.startswith("EXPORTED"):
                    break
            assert said and said[-1].startswith("EXPORTED"), "".join(said)
            time.sleep(rng.uniform(0, 0.6))
            child.kill()
            done = [line for line in child.stdout.read().splitlines() if "EXPORTED" in line]
            left["exports before the kill"] += len(done) + 1
        finally:
            child.kill()
            child.wait(10)
            if child.stdout is not None:
                child.stdout.close()
        states[pair_state(target)] += 1
        leftovers = [n for n in files(tmp_path) if n.endswith(".tmp")]
        left["temporary files"] += len(leftovers)
        left["lock files"] += int((tmp_path / ".books.jsonl.lock").exists())

        rerun = export("customers", target, mode="full")
        assert files(tmp_path) == ["books.jsonl", "books.jsonl" + MANIFEST]
        assert read_export(target).manifest == rerun
    assert states["MISMATCH"] == 0, states
    report("kills", kills=kills, states_after_kill=dict(states), **left)


KILL_AT_MOVE = """
import hashlib, json, os, signal, sys
from airflow_provider_minimax.operators._destination import Destination
target, kill_at = sys.argv[1], int(sys.argv[2])
replace, moves = os.replace, [0]
def dying(source, destination):
    moves[0] += 1
    if moves[0] == kill_at:
        os.kill(os.getpid(), signal.SIGKILL)
    replace(source, destination)
os.replace = dying
data = b"new rows\\n" * 1000
manifest = {"bytes": len(data), "sha256": hashlib.sha256(data).hexdigest()}
with Destination(target, manifest=True) as claimed:
    with claimed.writer() as out:
        out.write(data)
    if kill_at == 0:  # the manifest's temporary file half written
        claimed.writer(claimed.manifest).__enter__().write(b'{"bytes": ')
        os.kill(os.getpid(), signal.SIGKILL)
    claimed.publish(out, json.dumps(manifest).encode())
"""
# 0: while the manifest is written; 1: the old manifest about to go aside; 2: the data about to
# replace the old; 3: the new manifest about to be put in place.
KILL_STEPS = (0, 1, 2, 3) if FULL else (3,)
AFTER_KILL = {0: "pair", 1: "pair", 2: "data without manifest", 3: "data without manifest"}


@pytest.mark.parametrize("step", KILL_STEPS)
def test_a_process_killed_at_each_step_of_the_publish_leaves_no_mismatched_pair(
    tmp_path: Path, step: int
) -> None:
    """SIGKILL exactly between two moves (the moment the issue saw a manifest describe the
    previous file): never a manifest beside data it does not describe; the next run leaves
    only its pair."""
    target = tmp_path / "out.csv"
    publish(target, b"old rows\n")
    died = subprocess.run(
        [sys.executable, "-c", KILL_AT_MOVE, str(target), str(step)],
        env=child_env(),
        capture_output=True,
        check=False,
    )
    assert died.returncode == -9, died.stderr
    assert pair_state(target) == AFTER_KILL[step]
    assert any(n.endswith(".tmp") for n in files(tmp_path))
    publish(target, b"rerun\n")
    assert files(tmp_path) == ["out.csv", "out.csv" + MANIFEST]
    assert read_export(target).data == b"rerun\n"


# -- a full disk at every step --------------------------------------------------------------


@pytest.fixture
def small_disk(tmp_path: Path) -> Iterator[Path]:
    """A 64 KiB tmpfs: a disk that fills exactly where a test wants it to."""
    yield from _mount(tmp_path / "disk", "size=64k")


@pytest.fixture
def read_only_disk(tmp_path: Path) -> Iterator[Path]:
    yield from _mount(tmp_path / "ro", "size=64k,ro")


def _mount(folder: Path, options: str) -> Iterator[Path]:
    folder.mkdir()
    mounted = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", options, "tmpfs", str(folder)],
        capture_output=True,
        text=True,
        check=False,
    )
    if mounted.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs here (needs root): {mounted.stderr.strip()}")
    try:
        yield folder
    finally:
        subprocess.run(["umount", str(folder)], check=False)


def fill(disk: Path, leave: int) -> None:
    """Fill the disk until at most `leave` bytes are free."""
    filler = disk / "filler"
    filler.unlink(missing_ok=True)
    free = os.statvfs(disk).f_bavail * os.statvfs(disk).f_frsize
    with filler.open("wb") as out:
        out.write(b"\0" * max(0, free - leave))


def failing_step(error: BaseException) -> str:
    """Where in the write an error arose: the innermost step of _storage / _destination, and
    for a file's write, close or rename, whose (`close of manifest`)."""
    steps = {
        "_lock": "lock",
        "_probe": "probe",
        "write": "write",
        "_close": "close",
        "move_into_place": "rename",
        "_withdraw": "withdraw",
    }
    ours = (_storage.__file__, _destination.__file__)
    inner = [
        frame
        for frame, _ in traceback.walk_tb(error.__traceback__)
        if frame.f_code.co_filename in ours and frame.f_code.co_name in steps
    ]
    if not inner:
        return "other"
    step = steps[inner[-1].f_code.co_name]
    writer = inner[-1].f_locals.get("self")
    if isinstance(writer, _storage.AtomicWriter):
        step += " of manifest" if writer.target.name.endswith(MANIFEST) else " of data"
    return step


def test_a_disk_that_fills_at_every_step_leaves_the_old_pair_or_the_new(
    small_disk: Path, report: Any
) -> None:
    """Free space from none to enough, a page at a time and a few bytes either side of the
    data's and the manifest's needs: every attempt leaves the old pair or the new, and no
    temporary file; the error of a full disk is left to Airflow's retries."""
    target = small_disk / "out.csv"
    old, new = b"o" * 5000, b"n" * 17_000
    steps: collections.Counter[str] = collections.Counter()
    for leave in sorted({*range(0, 40_960, 4096), *range(16_000, 26_000, 1_000)}):
        (small_disk / "filler").unlink(missing_ok=True)
        target.unlink(missing_ok=True)
        publish(target, old)
        fill(small_disk, leave)
        error = attempt(lambda: publish(target, new))
        assert not isinstance(error, AirflowFailException), error  # a retry may find space
        steps[failing_step(error) if error else "none (written)"] += 1
        assert read_export(target).data == (old if error else new)
        assert sorted(files(small_disk)) == ["filler", "out.csv", "out.csv" + MANIFEST]
    assert steps["none (written)"] and sum(steps.values()) > steps["none (written)"]
    report("full_disk_pairs", attempts=sum(steps.values()), failing_step=dict(steps))


@pytest.mark.parametrize("move", [1, 2, 3])
def test_a_move_that_fails_on_a_full_disk_leaves_no_half_pair(
    small_disk: Path, monkeypatch: pytest.MonkeyPatch, move: int
) -> None:
    """The three renames (the old manifest aside, the data, the new manifest), each failing in
    turn with ENOSPC (a tmpfs rename needs no space, so the failure is injected)."""
    import errno

    target = small_disk / "out.csv"
    publish(target, b"old\n")
    replace, seen = os.replace, [0]

    def full(source: str, destination: str) -> None:
        seen[0] += 1
        if seen[0] == move:
            raise OSError(errno.ENOSPC, "No space left on device")
        replace(source, destination)

    monkeypatch.setattr(_storage.os, "replace", full)
    with pytest.raises(OSError, match="No space"):
        publish(target, b"new\n")
    monkeypatch.undo()
    assert not [n for n in files(small_disk) if n.endswith((".tmp", ".lock"))]
    assert pair_state(target) == ("pair" if move < 3 else "data without manifest")
    if move < 3:
        assert read_export(target).data == b"old\n"
    publish(target, b"new\n")
    assert read_export(target).data == b"new\n"


def test_an_export_onto_a_full_disk_fails_for_a_retry_and_leaves_the_old_pair(
    conn: Sandbox, small_disk: Path, report: Any
) -> None:
    target = small_disk / "customers.jsonl"
    old = export("customers", target, mode="full")
    outcomes: collections.Counter[str] = collections.Counter()
    for leave in range(0, 2 * old["bytes"] + 8192, 2048):
        fill(small_disk, leave)
        error = attempt(lambda: export("customers", target, mode="full"))
        assert not isinstance(error, AirflowFailException), error  # a retry may find space
        outcomes[failing_step(error) if error else "written"] += 1
        assert read_export(target).manifest["sha256"] == old["sha256"]
        assert sorted(files(small_disk)) == [
            "customers.jsonl",
            "customers.jsonl" + MANIFEST,
            "filler",
        ]
    assert outcomes["written"] and len(outcomes) > 1
    report("full_disk_exports", outcomes=dict(outcomes))


def test_a_read_only_disk_fails_the_task_before_any_api_call(
    conn: Sandbox, read_only_disk: Path
) -> None:
    with pytest.raises(AirflowFailException, match="Read-only file system") as failed:
        export("customers", read_only_disk / "customers.jsonl")
    assert isinstance(failed.value, OSError)
    assert conn.stats()["api_calls"] == 0
