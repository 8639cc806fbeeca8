"""Files written whole or not at all, on any storage Airflow's ObjectStoragePath reaches.

Bytes go to a hidden temporary name beside the target and are moved into place only when the
writer closes without an error; on an error the temporary file is removed. On a local disk the
move is an atomic rename; on object stores (s3://, gs://, …) the target object appears in one
piece, since an object is only visible once completely written.

A destination no retry can write to (a folder, a parent that cannot be made, no permission, a
storage Airflow cannot reach) fails the task at once: the error raised is an
AirflowFailException, and still the OSError it was, with that error as its cause.
"""

from __future__ import annotations

import contextlib
import errno
import hashlib
import os
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


class AtomicWriter:
    """`with AtomicWriter(path) as out: out.write(b"…")`; then `out.size`, `out.sha256`."""

    def __init__(self, target: Any) -> None:
        self.target = storage_path(target)
        self.temporary = self.target.parent / f".{self.target.name}.{uuid.uuid4().hex[:12]}.tmp"
        self.size = 0
        self._hash = hashlib.sha256()
        self._file: IO[bytes] | None = None

    @property
    def sha256(self) -> str:
        return self._hash.hexdigest()

    def __enter__(self) -> AtomicWriter:
        try:
            # Object stores have no directories to make; a local disk needs them. When they
            # cannot be made, opening the file below says why.
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
        if self._file is not None:
            self._file.close()
        if exc_type is None:
            try:
                self._move_into_place()
                return
            except BaseException:
                self._discard()
                raise
        self._discard()

    def _move_into_place(self) -> None:
        if self.target.is_dir():
            raise FolderTargetError(f"{self.target} is a folder; name a file to write.")
        try:
            if self.target.protocol in ("file", "local"):
                # os.replace is an atomic rename that never moves the file *into* a folder.
                os.replace(self.temporary.path, self.target.path)
            else:
                self.temporary.rename(self.target)
        except OSError as error:
            _fail_at_once(error, self.target)

    def _discard(self) -> None:
        with contextlib.suppress(OSError):
            self.temporary.unlink()


def write_file(target: Any, data: bytes) -> AtomicWriter:
    """Write `data` to `target` atomically; returns the finished writer (size, sha256, path)."""
    with AtomicWriter(target) as writer:
        writer.write(data)
    return writer
