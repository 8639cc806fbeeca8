"""Files written whole or not at all, on any storage Airflow's ObjectStoragePath reaches.

Bytes go to a hidden temporary name beside the target and are moved into place only when the
writer closes without an error; on an error the temporary file is removed. On a local disk the
move is an atomic rename; on object stores (s3://, gs://, …) the target object appears in one
piece, since an object is only visible once completely written.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import uuid
from types import TracebackType
from typing import IO, Any

from airflow.providers.common.compat.sdk import ObjectStoragePath


def storage_path(url: str | Any) -> Any:
    """An ObjectStoragePath from a URL (`file:///…`, `s3://…`) or a plain local path."""
    text = str(url)
    if "://" not in text:
        text = "file://" + text
    return ObjectStoragePath(text)


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
        # Object stores have no directories to make; a local disk needs them.
        with contextlib.suppress(OSError, NotImplementedError):
            self.target.parent.mkdir(parents=True, exist_ok=True)
        self._file = self.temporary.open("wb")
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
            raise IsADirectoryError(f"{self.target} is a folder; name a file to write.")
        if self.target.protocol in ("file", "local"):
            # os.replace is an atomic rename that never moves the file *into* a folder.
            os.replace(self.temporary.path, self.target.path)
        else:
            self.temporary.rename(self.target)

    def _discard(self) -> None:
        with contextlib.suppress(OSError):
            self.temporary.unlink()


def write_file(target: Any, data: bytes) -> AtomicWriter:
    """Write `data` to `target` atomically; returns the finished writer (size, sha256, path)."""
    with AtomicWriter(target) as writer:
        writer.write(data)
    return writer
