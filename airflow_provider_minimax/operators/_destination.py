"""A destination claimed before anything is spent on it, and a data file published with its
manifest as a pair (the protocol: docs/exports.md, "Whole files or none").

On a local disk the claim takes the lock `.<name>.lock` beside the target (fcntl.flock; a second
writer is refused at once, a retry finds it free), proves that a new file can be made there,
and removes the temporary files earlier writers left (killed, or cut off by a power failure).
Publishing writes the manifest's temporary file too, then withdraws the old manifest, replaces
the data and puts the new manifest in place last: a manifest a reader finds describes the data
beside it, checked by its sha256 (exports.manifest.read_export).

Object stores have no lock and no folder to sweep: there a single PUT is atomic, and the same
order of moves keeps a manifest from naming data that is not yet there.
"""

from __future__ import annotations

import contextlib
import errno
import fcntl
import os
import time
from types import TracebackType
from typing import Any

from airflow.providers.common.compat.sdk import AirflowFailException

from airflow_provider_minimax.exports.manifest import manifest_name
from airflow_provider_minimax.operators._storage import (
    AtomicWriter,
    DestinationBusyError,
    FolderTargetError,
    _fail_at_once,
    is_local,
    is_temporary_of,
    storage_path,
    temporary_name,
    url_of,
)


class Destination:
    """A target claimed for one run: checked, locked and swept before anything is spent.

    `with Destination(path, manifest=True) as claimed:` then `claimed.writer()` for the data
    and `claimed.publish(data, manifest_bytes)` for the pair. Leaving the block unpublished
    discards every temporary file; the lock is given up either way.
    """

    def __init__(self, target: Any, *, manifest: bool = False) -> None:
        self.target = storage_path(target)
        self.local = is_local(self.target)
        named = manifest_name(self.target.name)
        self.manifest = self.target.parent / named if manifest else None
        self.swept: list[str] = []  # temporary files of earlier writers removed by the claim
        self._lock_fd: int | None = None
        self._pending: list[AtomicWriter] = []

    @property
    def _lock_path(self) -> str:
        return os.path.join(self.target.parent.path, f".{self.target.name}.lock")

    def __enter__(self) -> Destination:
        started = time.time()
        for path in (self.target, self.manifest):
            if path is not None and _is_dir(path):
                raise FolderTargetError(f"{path} is a folder; name a file to write.")
        if not self.local:
            return self  # no lock on object stores: a single PUT is what is atomic there
        with contextlib.suppress(OSError):  # if they cannot be made, the lock's open says why
            os.makedirs(self.target.parent.path, exist_ok=True)
        self._lock()
        try:
            self._probe()
            self._sweep(started)
        except BaseException:
            self._unlock()
            raise
        return self

    def _lock(self) -> None:
        while True:
            try:
                fd = os.open(self._lock_path, os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o644)
            except OSError as error:
                _fail_at_once(error, self.target)
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                holder = os.read(fd, 32).decode(errors="replace").strip() or "unknown"
                os.close(fd)
                raise DestinationBusyError(
                    errno.EWOULDBLOCK,
                    f"Another export is writing {url_of(self.target)} now (process {holder} "
                    f"holds {self._lock_path}); nothing was sent to Minimax. A retry will find "
                    "it free.",
                ) from None
            # The holder before us removes the lock file as it leaves: if ours is no longer
            # the file at that name, a third writer could lock the new one; lock that instead.
            with contextlib.suppress(FileNotFoundError):
                if os.path.samestat(os.fstat(fd), os.stat(self._lock_path)):
                    break
            os.close(fd)
        with contextlib.suppress(OSError):  # only for the busy message; a full disk is no reason
            os.ftruncate(fd, 0)
            os.write(fd, f"{os.getpid()}\n".encode())
        self._lock_fd = fd

    def _unlock(self) -> None:
        if self._lock_fd is None:
            return
        # Removed while still held (a later writer checks it locked the file at the name), so
        # that a finished run leaves nothing beside its files.
        with contextlib.suppress(OSError):
            os.unlink(self._lock_path)
        os.close(self._lock_fd)
        self._lock_fd = None

    def _probe(self) -> None:
        """Make and remove an empty file where the temporary files will go: a read-only disk
        or a folder this worker may not write fails now, not after the export's API calls."""
        probe = os.path.join(self.target.parent.path, temporary_name(self.target.name))
        try:
            os.close(os.open(probe, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o644))
            os.unlink(probe)
        except OSError as error:
            _fail_at_once(error, self.target)

    def _sweep(self, started: float) -> None:
        """Remove temporary files of this target and its manifest that earlier writers left
        (killed, or lost power): ours by name, unlocked since we hold the lock, and stale, last
        written before this run began, so that a writer of an older, lockless version that is
        still writing keeps its file."""
        names = [self.target.name] + ([self.manifest.name] if self.manifest else [])
        with os.scandir(self.target.parent.path) as entries:
            for entry in entries:
                if not any(is_temporary_of(entry.name, name) for name in names):
                    continue
                with contextlib.suppress(FileNotFoundError):
                    if entry.stat(follow_symlinks=False).st_mtime < started:
                        os.unlink(entry.path)
                        self.swept.append(entry.name)

    def writer(self, target: Any = None) -> AtomicWriter:
        """A writer whose file waits for `publish` (the data, or with `target`, the manifest)."""
        writer = AtomicWriter(self.target if target is None else target, defer=True)
        self._pending.append(writer)
        return writer

    def write(self, data: bytes) -> AtomicWriter:
        """`data` as the whole file (no manifest); returns the finished writer."""
        with self.writer() as out:
            out.write(data)
        self.publish(out)
        return out

    def publish(self, data: AtomicWriter, manifest: bytes | None = None) -> None:
        """Move `data` (closed) and its manifest into place, in the order readers rely on:
        the manifest is written first, then the old one withdrawn, the data replaced, and the
        new manifest put in place last. A failure before the data moves puts the old pair back."""
        written = None
        if manifest is not None:
            assert self.manifest is not None, "a Destination(manifest=False)"
            with self.writer(self.manifest) as written:
                written.write(manifest)
        withdrawn = self._withdraw()
        try:
            data.move_into_place()
        except BaseException:
            if withdrawn is not None:
                withdrawn.move_into_place()  # the old manifest back beside the old data
            raise
        if written is not None:
            written.move_into_place()
        if withdrawn is not None:
            withdrawn.discard()
        self._pending.clear()
        if self.local:  # the renames on the disk too, not only the files' bytes
            with contextlib.suppress(OSError):
                folder = os.open(self.target.parent.path, os.O_RDONLY)
                try:
                    os.fsync(folder)
                finally:
                    os.close(folder)

    def _withdraw(self) -> AtomicWriter | None:
        """The old manifest moved to a temporary name (a writer that can put it back)."""
        if self.manifest is None or not self.manifest.exists():
            return None
        aside = AtomicWriter(self.manifest, defer=True)
        try:
            if self.local:
                os.replace(self.manifest.path, aside.temporary.path)
            else:
                self.manifest.rename(aside.temporary)
        except FileNotFoundError:
            return None
        except OSError as error:
            _fail_at_once(error, self.manifest)
        self._pending.append(aside)  # if this process dies now, the next claim sweeps it
        return aside

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        try:
            for writer in self._pending:
                writer.discard()
            self._pending.clear()
        finally:
            self._unlock()


def _is_dir(path: Any) -> bool:
    try:
        return bool(path.is_dir())
    except OSError as error:
        _fail_at_once(error, path)
    except ImportError as error:  # the storage's filesystem package is not installed
        raise AirflowFailException(f"Cannot write {path}: {error}") from error


def write_file(target: Any, data: bytes) -> AtomicWriter:
    """Write `data` to `target` atomically; returns the finished writer (size, sha256, path)."""
    with Destination(target) as claimed:
        return claimed.write(data)
