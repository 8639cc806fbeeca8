"""Concurrent writers to one destination: the lock lets one write at a time, and a reader
calling read_export meanwhile never gets a data file with another file's manifest."""

from __future__ import annotations

import collections
import json
import select
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import Any

import pytest

from airflow_provider_minimax.exports.manifest import read_export, verify_pair
from airflow_provider_minimax.operators._storage import DestinationBusyError
from airflow_provider_minimax.sandbox import FaultRule, Sandbox
from tests.exports.helpers import export, files
from tests.reliability.conftest import runs
from tests.reliability.pairs import MANIFEST, child_env, pair_state


@pytest.fixture
def conn(minimax_connection: str, minimax_sandbox: Sandbox) -> Sandbox:
    """`minimax_default` points at the session's sandbox (organisation 123); returns it."""
    return minimax_sandbox


WRITE_PAIRS = """
import hashlib, json, os, sys, time
from airflow_provider_minimax.operators._destination import Destination
from airflow_provider_minimax.operators._storage import DestinationBusyError
target, writer, stop = sys.argv[1], sys.argv[2], sys.argv[3]
published = refused = n = 0
print("ready", flush=True)
while not os.path.exists(stop):
    n += 1
    data = f"{writer} {n}\\n".encode() + os.urandom(1000 * (n % 40 + 1)).hex().encode()
    digest = hashlib.sha256(data).hexdigest()
    manifest = {"bytes": len(data), "sha256": digest, "writer": writer, "n": n}
    try:
        with Destination(target, manifest=True) as claimed:
            with claimed.writer() as out:
                out.write(data)
            claimed.publish(out, json.dumps(manifest).encode())
        published += 1
    except DestinationBusyError:
        refused += 1
        time.sleep(0.001)
print(json.dumps({"published": published, "refused": refused}), flush=True)
"""


def test_concurrent_writers_never_show_a_reader_a_mismatched_pair(
    tmp_path: Path, report: Any
) -> None:
    """Two processes publish pairs to one destination as fast as they can (the lock refuses
    one while the other writes; it tries again); a reader reads the pair over and over, with
    read_export and naively (the manifest, then the data, once). read_export's pairs must all
    belong together, by the checksum and by the writer and number the data starts with."""
    reads = runs(fast=300, full=2000)
    target, stop = tmp_path / "out.jsonl", tmp_path / "stop"
    writers = [
        subprocess.Popen(
            [sys.executable, "-c", WRITE_PAIRS, str(target), name, str(stop)],
            env=child_env(),
            stdout=subprocess.PIPE,
            text=True,
        )
        for name in ("a", "b")
    ]
    counts: collections.Counter[str] = collections.Counter()
    try:
        for child in writers:
            assert child.stdout is not None and child.stdout.readline().strip() == "ready"
        while not (target.exists() and target.with_name(target.name + MANIFEST).exists()):
            time.sleep(0.01)
        seen_writers: set[str] = set()
        # At least `reads` reads, and on until both writers were seen: on a busy machine one
        # writer can win the lock for hundreds of pairs in a row (CI once saw only one).
        give_up = time.monotonic() + 60
        done = 0
        while done < reads or (len(seen_writers) < 2 and time.monotonic() < give_up):
            done += 1
            got = read_export(target, wait=5)
            head = got.data.split(b"\n", 1)[0].decode()
            counts["inconsistent"] += head != f"{got.manifest['writer']} {got.manifest['n']}"
            seen_writers.add(got.manifest["writer"])
            counts[f"naive: {naive_read(target)}"] += 1
    finally:
        stop.touch()
        outcome = [json.loads(finish(child)) for child in writers]
    published = sum(o["published"] for o in outcome)
    refused = sum(o["refused"] for o in outcome)
    assert counts["inconsistent"] == 0
    assert all(o["published"] for o in outcome) and refused > 0
    assert files(tmp_path) == ["out.jsonl", "out.jsonl" + MANIFEST, "stop"]
    assert pair_state(target) == "pair"
    report(
        "concurrent_writers",
        reads=done,
        inconsistent=counts["inconsistent"],
        writers_seen=sorted(seen_writers),
        naive_reads={k[7:]: v for k, v in counts.items() if k.startswith("naive")},
        published=published,
        refused_by_lock=refused,
    )


def naive_read(target: Path) -> str:
    """One read without read_export: the manifest, then the data, no second try."""
    try:
        manifest = json.loads(target.with_name(target.name + MANIFEST).read_bytes())
    except FileNotFoundError:
        return "manifest withdrawn (mid-swap)"
    return "pair" if verify_pair(target.read_bytes(), manifest) else "swapped between the reads"


def finish(child: subprocess.Popen[str]) -> str:
    assert child.stdout is not None
    try:
        ready, _, _ = select.select([child.stdout], [], [], 30)
        line = child.stdout.readline() if ready else "{}"
        child.wait(10)
        return line
    finally:
        child.kill()
        child.stdout.close()


def test_a_second_export_to_a_busy_destination_is_refused_before_any_api_call(
    conn: Sandbox, tmp_path: Path
) -> None:
    """Two runs of one export at once (a manual run beside the scheduled one): the second is
    refused at once, with a retryable error, and sends nothing; the first writes its pair."""
    target = tmp_path / "customers.jsonl"
    # Every customers list is slow (not just the first: another test's late request must not
    # take the one slow answer), so the first export still holds the lock when the second comes.
    conn.add_fault(FaultRule("latency", latency_ms=800, path=r"/orgs/123/customers$"))
    first: dict[str, Any] = {}
    running = threading.Thread(target=lambda: first.update(_export_in_thread(target)))
    running.start()
    try:
        # The holder writes its process id into the lock file only once it holds the lock
        # (the file alone exists a moment earlier, and this test would then take the lock first).
        lock_file = tmp_path / ".customers.jsonl.lock"
        waited_until = time.monotonic() + 30
        while not (lock_file.exists() and lock_file.read_text().strip()):
            assert running.is_alive() and time.monotonic() < waited_until, "no first export"
            time.sleep(0.005)
        with pytest.raises(DestinationBusyError, match="Another export is writing"):
            export("customers", target)
    finally:
        running.join()
    assert conn.stats()["api_calls"] == first["api_calls"]
    assert read_export(target).manifest == first
    assert files(tmp_path) == ["customers.jsonl", "customers.jsonl" + MANIFEST]


def _export_in_thread(target: Path) -> dict[str, Any]:
    """`export()` from a thread of its own. Airflow 2.11's guard against calling execute()
    outside a task keeps its state in a thread-local that only the importing thread has."""
    try:
        from airflow.models.baseoperator import ExecutorSafeguard
    except ImportError:  # Airflow 3 has no such guard in this form
        pass
    else:
        if not hasattr(ExecutorSafeguard._sentinel, "callers"):
            ExecutorSafeguard._sentinel.callers = {}
    return export("customers", target)
