"""Files written whole or not at all, on any storage Airflow's ObjectStoragePath reaches.

Bytes go to a hidden temporary name beside the target (`.<name>.<12 hex>.tmp`) and are moved
into place only when the writer closes without an error; on an error, a failing close
included, the temporary file is removed. On a local disk the move is an atomic rename; on
object stores (s3://, gs://, …) the target object appears in one piece, since an object is only
visible once completely written.

How a target is claimed and a data file published with its manifest: _destination.py.

A destination no retry can write to (a folder, a parent that cannot be made, no permission, a
storage Airflow cannot reach) fails the task at once: the error raised is an
AirflowFailException, and still the OSError it was, with that error as its cause.
"""

from __future__ import annotations

import contextlib
import errno
import hashlib
import os
import re
import uuid
from types import TracebackType
from typing import IO, Any, NoReturn

from airflow.providers.common.compat.sdk import AirflowFailException, ObjectStoragePath


# Each is both, so that Airflow fails the task without retries while a caller (or a test) that
# catches the OS error by its type still catches it.
class FolderTargetError(AirflowFailException, IsADirectoryError):
    """The destination is a folder."""


class NotAFolderError(AirflowFailException, NotADirectoryError):
    """A parent of the destination is a file."""


class MissingParentError(AirflowFailException, FileNotFoundError):
    """A parent of the destination does not exist and could not be made."""


class NotPermittedError(AirflowFailException, PermissionError):
    """The destination may not be written by this worker."""


class UnwritablePathError(AirflowFailException, OSError):
    """A destination no retry can write to, for any other reason (read-only, name too long)."""


# Not a task failure: the other writer finishes, and Airflow's retry then finds the lock free.
class DestinationBusyError(BlockingIOError):
    """Another writer holds the destination's lock; nothing was spent by this one."""


_NO_RETRY_CURES: tuple[tuple[type[OSError], type[OSError]], ...] = (
    (IsADirectoryError, FolderTargetError),
    (NotADirectoryError, NotAFolderError),
    (FileNotFoundError, MissingParentError),
    (PermissionError, NotPermittedError),
)
# Errors of the path itself: the same path meets them on every try. Others (a full disk, a
# dropped connection to an object store) may pass, and are raised as they are for a retry.
_PATH_ERRNOS = (errno.EROFS, errno.ENAMETOOLONG)


def _fail_at_once(error: OSError, target: Any) -> NoReturn:
    """Raise `error` as a task failure when no retry can cure it; else raise it as it is."""
    failure = next((f for kind, f in _NO_RETRY_CURES if isinstance(error, kind)), None)
    if failure is None and error.errno in _PATH_ERRNOS:
        failure = UnwritablePathError
    if failure is None:
        raise error
    raise failure(f"Cannot write {target}: {error}") from error


def storage_path(url: str | Any) -> Any:
    """An ObjectStoragePath from a URL (`file:///…`, `s3://…`) or a plain local path."""
    text = str(url)
    if "://" not in text:
        text = "file://" + text
    try:
        path = ObjectStoragePath(text)
        # Airflow 3 refuses an unknown protocol here; Airflow 2.11 only when the filesystem is
        # first used, which would be in the middle of a write: ask for it now on both.
        path.fs  # noqa: B018
    # ValueError: a protocol no filesystem of this Airflow speaks; ImportError: the storage's
    # filesystem package is not installed.
    except (ValueError, ImportError) as error:
        raise AirflowFailException(f"Cannot write to {text}: {error}") from error
    return path


def url_of(path: Any) -> str:
    """A storage path as a URL: `file:///data/x.jsonl`, `s3://bucket/x.jsonl`."""
    if path.protocol in ("file", "local", ""):
        return f"file://{path.path}"
    return str(path)


def is_local(path: Any) -> bool:
    return path.protocol in ("file", "local", "")


def temporary_name(name: str) -> str:
    """A temporary file's name beside `name`, unique to one writer."""
    return f".{name}.{uuid.uuid4().hex[:12]}.tmp"


def is_temporary_of(candidate: str, name: str) -> bool:
    """Whether `candidate` is a temporary file some writer of `name` made (`temporary_name`)."""
    return re.fullmatch(rf"\.{re.escape(name)}\.[0-9a-f]{{12}}\.tmp", candidate) is not None


class AtomicWriter:
    """`with AtomicWriter(path) as out: out.write(b"…")`; then `out.size`, `out.sha256`.

    With `defer=True` the closed temporary file waits for `move_into_place()` (or `discard()`):
    a Destination moves a data file and its manifest only once both are written.
    """

    def __init__(self, target: Any, *, defer: bool = False) -> None:
        self.target = storage_path(target)
        self.temporary = self.target.parent / temporary_name(self.target.name)
        self.defer = defer
        self.size = 0
        self._hash = hashlib.sha256()
        self._file: IO[bytes] | None = None

    @property
    def sha256(self) -> str:
        return self._hash.hexdigest()

    def __enter__(self) -> AtomicWriter:
        try:
            if is_local(self.target):
                # Made here, not claimed by a Destination (write_file's callers, tests): the
                # parents are made as for a Destination. "x": never someone else's file.
                with contextlib.suppress(OSError):
                    os.makedirs(self.target.parent.path, exist_ok=True)
                self._file = open(self.temporary.path, "xb")
            else:
                # Object stores have no directories to make; when they cannot be made, opening
                # the file below says why.
                with contextlib.suppress(OSError, NotImplementedError):
                    self.target.parent.mkdir(parents=True, exist_ok=True)
                self._file = self.temporary.open("wb")
        except OSError as error:
            _fail_at_once(error, self.target)
        except ImportError as error:  # the storage's filesystem package is not installed
            raise AirflowFailException(f"Cannot write {self.target}: {error}") from error
        return self

    def write(self, data: bytes) -> int:
        assert self._file is not None, "write() outside the with block"
        self._file.write(data)
        self._hash.update(data)
        self.size += len(data)
        return len(data)

    # Enough of a binary file for pyarrow's Parquet writer.
    def tell(self) -> int:
        return self.size

    def flush(self) -> None:
        if self._file is not None:
            self._file.flush()

    def writable(self) -> bool:
        return True

    @property
    def closed(self) -> bool:
        return self._file is None or self._file.closed

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        failed = exc_type is not None
        try:
            self._close(durable=not failed)
            if not failed and not self.defer:
                self.move_into_place()
        except BaseException:
            # A close that fails (a full disk meets the last buffered bytes) must not leave
            # the temporary file behind: the discard runs whatever failed.
            self.discard()
            if not failed:
                raise
        if failed:
            self.discard()

    def _close(self, *, durable: bool) -> None:
        handle = self._file
        if handle is None or handle.closed:
            return
        try:
            try:
                if durable:
                    handle.flush()
                    if is_local(self.target):
                        # On the disk before the rename makes it the file: after a power cut,
                        # the name shows the whole file or the previous one, never an empty one.
                        os.fsync(handle.fileno())
            finally:
                handle.close()
        except OSError as error:
            _fail_at_once(error, self.target)

    def move_into_place(self) -> None:
        if self.target.is_dir():
            raise FolderTargetError(f"{self.target} is a folder; name a file to write.")
        try:
            if is_local(self.target):
                # os.replace is an atomic rename that never moves the file *into* a folder.
                os.replace(self.temporary.path, self.target.path)
            else:
                self.temporary.rename(self.target)
        except OSError as error:
            _fail_at_once(error, self.target)

    def discard(self) -> None:
        with contextlib.suppress(OSError):
            if self._file is not None and not self._file.closed:
                self._file.close()
        with contextlib.suppress(OSError):
            if is_local(self.target):
                os.unlink(self.temporary.path)
            else:
                self.temporary.unlink()
