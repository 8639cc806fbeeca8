"""A data file and its manifest as a pair: published in order, read only together, claimed (lock,
probe, leftovers swept) before the export sends anything. The heavy variants (kills, full disks,
concurrent writers) are in tests/reliability/test_whole_files.py."""

from __future__ import annotations

import errno
import json
import os
import threading
import time
from pathlib import Path
from typing import Any

import pytest
from airflow.providers.common.compat.sdk import AirflowFailException

from airflow_provider_minimax.exports.manifest import (
    ExportPairError,
    read_export,
    verify_pair,
)
from airflow_provider_minimax.operators import _destination, _storage
from airflow_provider_minimax.operators._destination import Destination, write_file
from airflow_provider_minimax.operators._storage import (
    DestinationBusyError,
    is_temporary_of,
    temporary_name,
)
from airflow_provider_minimax.sandbox import Sandbox
from tests.exports.helpers import export, files

MANIFEST = ".manifest.json"


def publish(target: Path, data: bytes) -> dict[str, Any]:
    """One pair as the export writes it: the data, then a manifest describing it."""
    import hashlib

    described = {"bytes": len(data), "sha256": hashlib.sha256(data).hexdigest()}
    with Destination(target, manifest=True) as claimed:
        with claimed.writer() as out:
            out.write(data)
        claimed.publish(out, json.dumps(described).encode())
    return described


def test_a_pair_is_published_and_read_back_together(tmp_path: Path) -> None:
    target = tmp_path / "out.jsonl"
    publish(target, b"first\n")
    described = publish(target, b"second\n")
    got = read_export(target)
    assert got.data == b"second\n" and got.manifest == described
    assert read_export(f"file://{target}").data == b"second\n"
    assert files(tmp_path) == ["out.jsonl", "out.jsonl" + MANIFEST]  # no lock, no temporary


def test_a_pair_that_does_not_match_is_not_read(tmp_path: Path) -> None:
    """A manifest beside another file's data (what a writer dying between its two renames left
    before): refused after the brief wait, naming what is wrong."""
    target = tmp_path / "out.jsonl"
    publish(target, b"described\n")
    target.write_bytes(b"other\n")
    assert not verify_pair(
        b"other\n", json.loads((tmp_path / ("out.jsonl" + MANIFEST)).read_text())
    )
    with pytest.raises(ExportPairError, match="not the file its manifest describes"):
        read_export(target, wait=0.05)
    (tmp_path / ("out.jsonl" + MANIFEST)).unlink()
    with pytest.raises(ExportPairError, match="missing"):
        read_export(target, wait=0.05)


def test_a_reader_waits_out_a_swap_in_progress(tmp_path: Path) -> None:
    """Mid-swap (the old manifest withdrawn, the new data in place): read_export tries again
    and returns the new pair once the writer puts its manifest in place."""
    target = tmp_path / "out.jsonl"
    publish(target, b"old\n")
    new = publish(tmp_path / "next.jsonl", b"new\n")
    (tmp_path / ("out.jsonl" + MANIFEST)).unlink()
    target.write_bytes(b"new\n")

    def finish() -> None:
        time.sleep(0.2)
        (tmp_path / ("out.jsonl" + MANIFEST)).write_text(json.dumps(new))

    writer = threading.Thread(target=finish)
    writer.start()
    got = read_export(target, wait=5)
    writer.join()
    assert got.data == b"new\n"


@pytest.mark.parametrize("failing", ["data", "manifest"])
def test_a_failing_move_leaves_the_old_pair(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, failing: str
) -> None:
    """The data's rename fails: the withdrawn manifest is put back, the old pair stands and no
    temporary file is left. The manifest's rename fails after the data moved: the new data
    stands without a manifest (read_export refuses it) and nothing else is left."""
    target = tmp_path / "out.jsonl"
    old = publish(target, b"old\n")
    replace = os.replace
    moves: list[str] = []

    def flaky(source: str, destination: str) -> None:
        moves.append(destination)
        is_data = destination == str(target)
        if (failing == "data" and is_data) or (
            failing == "manifest" and destination.endswith(MANIFEST)
        ):
            raise OSError(errno.EIO, "Input/output error")
        replace(source, destination)

    monkeypatch.setattr(_storage.os, "replace", flaky)
    monkeypatch.setattr(_destination.os, "replace", flaky)
    with pytest.raises(OSError, match="Input/output"):
        publish(target, b"new\n")
    monkeypatch.undo()
    if failing == "data":
        assert read_export(target).manifest == old
        assert files(tmp_path) == ["out.jsonl", "out.jsonl" + MANIFEST]
    else:
        assert target.read_bytes() == b"new\n"
        assert files(tmp_path) == ["out.jsonl"]
        with pytest.raises(ExportPairError):
            read_export(target, wait=0.05)
        publish(target, b"new\n")  # the next run repairs it
        assert read_export(target).data == b"new\n"


class FullDisk:
    """A file whose bytes stay in the buffer until close, which then finds the disk full."""

    def __init__(self, real: Any) -> None:
        self.real = real

    def write(self, data: bytes) -> int:
        return len(data)

    def flush(self) -> None:
        raise OSError(errno.ENOSPC, "No space left on device")

    def fileno(self) -> int:
        return int(self.real.fileno())

    @property
    def closed(self) -> bool:
        return bool(self.real.closed)

    def close(self) -> None:
        self.real.close()
        raise OSError(errno.ENOSPC, "No space left on device")


def test_a_failing_close_leaves_no_temporary_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The last bytes meet a full disk only when the file is closed: the error is raised as it
    is (a retry may find space) and the temporary file is removed all the same."""
    target = tmp_path / "invoice.pdf"
    target.write_bytes(b"previous")
    real_open = open
    monkeypatch.setattr(_storage, "open", lambda *a: FullDisk(real_open(*a)), raising=False)
    with pytest.raises(OSError, match="No space left") as raised:
        write_file(target, b"%PDF")
    assert not isinstance(raised.value, AirflowFailException)
    assert files(tmp_path) == ["invoice.pdf"]
    assert target.read_bytes() == b"previous"


def test_a_second_writer_is_refused_until_the_first_is_done(tmp_path: Path) -> None:
    target = tmp_path / "out.jsonl"
    with Destination(target, manifest=True):
        with pytest.raises(DestinationBusyError, match=rf"process {os.getpid()} holds") as busy:
            Destination(target, manifest=True).__enter__()
        assert not isinstance(busy.value, AirflowFailException)  # a retry will find it free
        assert files(tmp_path) == [".out.jsonl.lock"]
    assert files(tmp_path) == []
    publish(target, b"later\n")
    assert read_export(target).data == b"later\n"


def test_a_lock_file_left_by_a_killed_writer_is_taken_and_removed(tmp_path: Path) -> None:
    (tmp_path / ".out.jsonl.lock").write_text("4242\n")  # flock died with its process
    publish(tmp_path / "out.jsonl", b"rows\n")
    assert files(tmp_path) == ["out.jsonl", "out.jsonl" + MANIFEST]


def test_the_claim_removes_stale_temporary_files_and_only_those(tmp_path: Path) -> None:
    """Temporary files of this file or its manifest last written before the run began go;
    one written since (a writer of an older, lockless version still at work), another file's,
    and files that only look alike stay."""
    stale = [temporary_name("out.jsonl"), temporary_name("out.jsonl" + MANIFEST)]
    fresh = temporary_name("out.jsonl")
    kept = [fresh, temporary_name("other.jsonl"), ".out.jsonl.notes.tmp", "out.jsonl.tmp"]
    for name in stale + kept:
        (tmp_path / name).write_bytes(b"partial")
    an_hour_ago = time.time() - 3600
    for name in stale + kept:
        os.utime(tmp_path / name, (an_hour_ago, an_hour_ago))
    os.utime(tmp_path / fresh, (time.time() + 60, time.time() + 60))
    with Destination(tmp_path / "out.jsonl", manifest=True) as claimed:
        assert sorted(claimed.swept) == sorted(stale)
    assert files(tmp_path) == sorted(kept)
    assert is_temporary_of(stale[0], "out.jsonl") and not is_temporary_of(stale[1], "out.jsonl")


# -- fail before spending -------------------------------------------------------------------


def test_a_folder_as_the_destination_fails_before_any_api_call(
    conn: Sandbox, tmp_path: Path
) -> None:
    (tmp_path / "customers.jsonl").mkdir()
    with pytest.raises(AirflowFailException, match="is a folder"):
        export("customers", tmp_path / "customers.jsonl")
    assert conn.stats()["api_calls"] == 0
    assert files(tmp_path) == []


def test_a_folder_where_the_manifest_goes_fails_before_any_api_call(
    conn: Sandbox, tmp_path: Path
) -> None:
    (tmp_path / ("customers.jsonl" + MANIFEST)).mkdir()
    with pytest.raises(AirflowFailException, match="is a folder"):
        export("customers", tmp_path / "customers.jsonl")
    assert conn.stats()["api_calls"] == 0


def test_a_folder_the_worker_may_not_write_fails_before_any_api_call(conn: Sandbox) -> None:
    """/sys refuses new files even to root (the read-only mount: test_whole_files.py)."""
    with pytest.raises(AirflowFailException, match="Cannot write") as failed:
        export("customers", "/sys/kernel/minimax-customers.jsonl")
    assert isinstance(failed.value, OSError)
    assert conn.stats()["api_calls"] == 0


def test_a_destination_another_export_holds_is_refused_before_any_api_call(
    conn: Sandbox, tmp_path: Path
) -> None:
    target = tmp_path / "customers.jsonl"
    with Destination(target, manifest=True), pytest.raises(DestinationBusyError):
        export("customers", target)
    assert conn.stats()["api_calls"] == 0
    export("customers", target)  # the retry, once the other is done
    assert read_export(target).manifest["rows"] == 40


def test_every_organisations_file_is_claimed_before_the_first_export(
    conn: Sandbox, tmp_path: Path
) -> None:
    """The second organisation's file is a folder: found before the first's export is spent."""
    (tmp_path / "124").mkdir()
    (tmp_path / "124" / "customers.jsonl").mkdir()
    with pytest.raises(AirflowFailException, match="is a folder"):
        export(
            "customers",
            f"{tmp_path}/{{organisation_id}}/customers.jsonl",
            organisation_ids=[123, 124],
        )
    assert conn.stats()["api_calls"] == 0
    assert files(tmp_path) == []


def test_an_export_leaves_only_its_pair(conn: Sandbox, tmp_path: Path) -> None:
    target = tmp_path / "customers.jsonl"
    (tmp_path / temporary_name("customers.jsonl")).write_bytes(b"killed part-way")
    os.utime(tmp_path / files(tmp_path)[0], (time.time() - 60, time.time() - 60))
    written = export("customers", target)
    assert files(tmp_path) == ["customers.jsonl", "customers.jsonl" + MANIFEST]
    assert read_export(target).manifest == written
