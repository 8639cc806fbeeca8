"""The lock-out guard: once Minimax refuses a login, nobody here tries it again.

Minimax locks the user's API application after repeated failed logins, and only re-creating it
in the web app undoes that. So a refusal is remembered under a fingerprint of the credentials (a
hash: never the secret) in three places: this process, a file in the user's cache directory
(other tasks on the same worker), and an optional shared store (the hook uses an Airflow
Variable, so tasks on other workers stop too). Changed credentials have another fingerprint and
are tried once.

The fingerprint is of what the service locks, spelled as the service reads it (identity.py):
the service instance (its country, not the host's spelling), the client and the login, with
their secrets. Scope and the token URL's spelling are not in it: changing them does not unlock
anything, so they must not buy another wrong attempt. Records are kept small and scrubbed (when,
who, the status, a short message) and readable by their owner only.
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

from .config import ClientConfig
from .errors import MinimaxLockoutGuardError
from .identity import identity_of
from .scrub import scrub

log = logging.getLogger(__name__)

_REFUSED_IN_PROCESS: dict[str, dict[str, str]] = {}
_LOCK = threading.Lock()
_KEY_PREFIX = "minimax_refused_login_"
_MESSAGE_CHARS = 200  # enough to say why; a record is not a copy of the answer


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


def guard_for(
    config: ClientConfig, directory: Path | None = None, shared: SharedGuardStore | None = None
) -> LockoutGuard:
    """The guard of a client's credentials (the user's cache folder unless told another)."""
    identity = identity_of(config)
    return LockoutGuard(
        identity.fingerprint(),
        identity.username,
        identity.service,
        directory or config.guard_dir or default_guard_dir(),
        shared,
        # Records written before the key was normalised (exact token URL and scope): still
        # honoured, so that an upgrade does not buy each old refusal one more wrong attempt.
        legacy_keys=(_KEY_PREFIX + config.fingerprint[:24],),
    )


@dataclass
class LockoutGuard:
    fingerprint: str
    username: str
    service: str
    directory: Path
    shared: SharedGuardStore | None = None
    legacy_keys: tuple[str, ...] = ()

    @property
    def key(self) -> str:
        return f"{_KEY_PREFIX}{self.fingerprint[:24]}"

    @property
    def path(self) -> Path:
        return self.directory / f"{self.key}.json"

    def _folder(self) -> None:
        """The guard folder, readable by its owner only (it names logins and their refusals)."""
        self.directory.mkdir(mode=0o700, parents=True, exist_ok=True)
        with contextlib.suppress(OSError):  # not ours to change (a shared cache): files are 0600
            if self.directory.stat().st_mode & 0o077:
                self.directory.chmod(0o700)

    @contextlib.contextmanager
    def exclusive(self) -> Iterator[None]:
        """Hold the worker-wide lock of these credentials (a file lock where the OS has one)."""
        try:
            import fcntl
        except ImportError:  # no POSIX file locks: the in-process lock still holds
            yield
            return
        try:
            self._folder()
            descriptor = os.open(self.directory / f"{self.key}.lock", os.O_RDWR | os.O_CREAT, 0o600)
            handle = os.fdopen(descriptor, "a")
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
            "refused_at": datetime.datetime.now(datetime.timezone.utc).isoformat(
                timespec="seconds"
            ),
            "key": self.key,
            "service": self.service,
            "username": self.username,
            "status": str(status),
            # Scrubbed here too: the caller's text may not have come through messages.py.
            "server_message": scrub(server_message)[:_MESSAGE_CHARS],
        }
        text = json.dumps(record)
        with _LOCK:
            _REFUSED_IN_PROCESS[self.fingerprint] = record
        try:
            self._folder()
            temporary = self.path.with_suffix(f".{os.getpid()}.{threading.get_ident()}.tmp")
            temporary.unlink(missing_ok=True)
            # Created 0600, never widened: not even for a moment readable by other users.
            descriptor = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
            with os.fdopen(descriptor, "w", encoding="utf-8") as handle:
                handle.write(text)
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
        for key in (self.key, *self.legacy_keys):
            (self.directory / f"{key}.json").unlink(missing_ok=True)
            if self.shared is not None:
                self.shared.delete(key)

    def _find(self) -> dict[str, str] | None:
        with _LOCK:
            if self.fingerprint in _REFUSED_IN_PROCESS:
                return _REFUSED_IN_PROCESS[self.fingerprint]
        text: str | None = None
        key = self.key
        for key in (self.key, *self.legacy_keys):
            path = self.directory / f"{key}.json"
            if path.exists():
                text = path.read_text("utf-8")
            elif self.shared is not None:
                text = self.shared.read(key)
            if text is not None:
                break
        if text is None:
            return None
        try:
            record: dict[str, str] = json.loads(text)
            if not isinstance(record, dict):
                raise ValueError("not a record")
        except ValueError:  # damaged, or written with another encryption key: still a refusal
            record = {
                "username": self.username,
                "status": "?",
                "server_message": "the record of the refusal could not be read",
            }
        record["key"] = key  # where it was found: the error names that file and Variable
        # An old record may hold the raw answer: only its scrubbed words are shown.
        record["server_message"] = scrub(str(record.get("server_message", "")))[:_MESSAGE_CHARS]
        with _LOCK:
            _REFUSED_IN_PROCESS[self.fingerprint] = record
        return record

    def _explain(self, record: dict[str, str], *, again: bool) -> str:
        key = record.get("key") or self.key
        places = [f"the file {self.directory / f'{key}.json'}"]
        if self.shared is not None:
            places.append(self.shared.describe(key))
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
