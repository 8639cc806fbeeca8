"""The lock-out guard: once Minimax refuses a login, nobody here tries it again.

Minimax locks the user's API application after repeated failed logins, and only re-creating it
in the web app undoes that. So a refusal is remembered under a fingerprint of the exact
credentials (a hash: never the secret) in three places: this process, a file in the user's cache
directory (other tasks on the same worker), and an optional shared store (the hook uses an
Airflow Variable, so tasks on other workers stop too). Changed credentials have another
fingerprint and are tried once.
"""

from __future__ import annotations

import contextlib
import datetime
import json
import logging
import os
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

from .errors import MinimaxLockoutGuardError

log = logging.getLogger(__name__)

_REFUSED_IN_PROCESS: dict[str, dict[str, str]] = {}
_LOCK = threading.Lock()


class SharedGuardStore(Protocol):
    """Somewhere every worker can see (the hook's: Airflow Variables)."""

    def read(self, key: str) -> str | None: ...

    def write(self, key: str, value: str) -> None: ...

    def delete(self, key: str) -> None: ...

    def describe(self, key: str) -> str: ...


def default_guard_dir() -> Path:
    """A per-user cache directory: $XDG_CACHE_HOME or ~/.cache, then our own folder."""
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "airflow-provider-minimax" / "refused-logins"


@dataclass
class LockoutGuard:
    fingerprint: str
    username: str
    token_url: str
    directory: Path
    shared: SharedGuardStore | None = None

    @property
    def key(self) -> str:
        return f"minimax_refused_login_{self.fingerprint[:24]}"

    @property
    def path(self) -> Path:
        return self.directory / f"{self.key}.json"

    @contextlib.contextmanager
    def exclusive(self) -> Iterator[None]:
        """Hold the worker-wide lock of these credentials (a file lock where the OS has one)."""
        try:
            import fcntl
        except ImportError:  # no POSIX file locks: the in-process lock still holds
            yield
            return
        try:
            self.directory.mkdir(parents=True, exist_ok=True)
            handle = open(self.directory / f"{self.key}.lock", "a")  # noqa: SIM115
        except OSError as error:
            log.warning("Could not take the worker-wide login lock: %s", error)
            yield
            return
        with handle:
            fcntl.flock(handle.fileno(), fcntl.LOCK_EX)
            try:
                yield
            finally:
                fcntl.flock(handle.fileno(), fcntl.LOCK_UN)

    def check(self) -> None:
        """Raise instead of asking for a token with credentials already refused."""
        record = self._find()
        if record is not None:
            raise MinimaxLockoutGuardError(self._explain(record, again=True))

    def record_refusal(self, status: int, server_message: str) -> MinimaxLockoutGuardError:
        """Remember a refusal everywhere; returns the error to raise."""
        record = {
            "username": self.username,
            "token_url": self.token_url,
            "status": str(status),
            "server_message": server_message[:300],
            "refused_at": datetime.datetime.now(datetime.timezone.utc).isoformat(
                timespec="seconds"
            ),
        }
        text = json.dumps(record)
        with _LOCK:
            _REFUSED_IN_PROCESS[self.fingerprint] = record
        try:
            self.directory.mkdir(parents=True, exist_ok=True)
            temporary = self.path.with_suffix(f".{os.getpid()}.tmp")
            temporary.write_text(text, "utf-8")
            temporary.replace(self.path)
        except OSError as error:  # a read-only home must not hide the refusal itself
            log.warning("Could not remember the refused Minimax login on disk: %s", error)
        if self.shared is not None:
            try:
                self.shared.write(self.key, text)
            except Exception as error:  # the shared store is best effort: never hide the refusal
                log.warning(
                    "Could not share the refused Minimax login with other workers: %s", error
                )
        return MinimaxLockoutGuardError(self._explain(record, again=False), status=status)

    def clear(self) -> None:
        """Forget a refusal (after the application was re-created with the same password)."""
        with _LOCK:
            _REFUSED_IN_PROCESS.pop(self.fingerprint, None)
        self.path.unlink(missing_ok=True)
        if self.shared is not None:
            self.shared.delete(self.key)

    def _find(self) -> dict[str, str] | None:
        with _LOCK:
            if self.fingerprint in _REFUSED_IN_PROCESS:
                return _REFUSED_IN_PROCESS[self.fingerprint]
        text: str | None = None
        if self.path.exists():
            text = self.path.read_text("utf-8")
        elif self.shared is not None:
            text = self.shared.read(self.key)
        if text is None:
            return None
        try:
            record: dict[str, str] = json.loads(text)
        except ValueError:  # damaged, or written with another encryption key: still a refusal
            record = {
                "username": self.username,
                "status": "?",
                "server_message": "the record of the refusal could not be read",
            }
        with _LOCK:
            _REFUSED_IN_PROCESS[self.fingerprint] = record
        return record

    def _explain(self, record: dict[str, str], *, again: bool) -> str:
        places = [f"the file {self.path}"]
        if self.shared is not None:
            places.append(self.shared.describe(self.key))
        when = f"at {record['refused_at']}" if record.get("refused_at") else "earlier"
        lead = (
            f"Not asking Minimax for a token: it refused the login {self.username!r} {when}"
            if again
            else f"Minimax refused the login {self.username!r}"
        )
        return (
            f"{lead} (HTTP {record.get('status')}: {record.get('server_message')}). "
            "Repeated attempts with wrong credentials lock the API application in Minimax for "
            "good, so these credentials will not be tried again from here. Fix the password, "
            "client id or client secret in the connection (changed credentials are tried once); "
            "if the application was locked, re-create it in Minimax under "
            "'GESLA ZA DOSTOP ZUNANJIH APLIKACIJ'. If these exact credentials are right after "
            f"all, delete {' and '.join(places)}, or call MinimaxHook.clear_lockout_guard()."
        )


def forget_in_process() -> None:
    """Forget every refusal this process remembers (tests; a fresh worker does the same)."""
    with _LOCK:
        _REFUSED_IN_PROCESS.clear()
