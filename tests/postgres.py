"""A real PostgreSQL server for tests: Debian's `postgresql` package, started and stopped here.

Tests that load rows into a warehouse need a database that behaves like one (types, transactions,
COPY), not SQLite. `make test-packages` installs the package; this module runs `initdb` and
`postgres` from it in a temporary folder on a free loopback port, one server per test session and
a fresh database per test. PostgreSQL refuses to run as root, so under root (CI containers) the
server runs as Debian's `postgres` system account, which the package creates.
"""

from __future__ import annotations

import os
import pwd
import re
import signal
import subprocess
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import quote

import pytest

from tests.local_server import LocalServer

INSTALL_ROOT = Path("/usr/lib/postgresql")
INSTALL_HINT = "run `make test-packages` (installs Debian's postgresql package with apt-get)"
SUPERUSER = "postgres"
# Debian's package makes this account; a server started by root runs as it.
SYSTEM_ACCOUNT = "postgres"


class PostgresNotInstalled(RuntimeError):
    """initdb or postgres is missing: the tests that need them must fail, not skip."""


def find_binaries(root: Path = INSTALL_ROOT) -> Path:
    """The bin folder of the newest PostgreSQL under root (Debian keeps one folder per major)."""
    versions = []
    if root.is_dir():
        for folder in root.iterdir():
            binaries = folder / "bin"
            if (binaries / "initdb").is_file() and (binaries / "postgres").is_file():
                # Numeric order: "9.6" < "15" (a string sort would put "9.6" last).
                key = tuple(int(part) for part in re.findall(r"\d+", folder.name))
                versions.append((key, binaries))
    if not versions:
        raise PostgresNotInstalled(
            f"no initdb and postgres under {root}/<version>/bin: {INSTALL_HINT}"
        )
    return max(versions)[1]


def parse_dsn(dsn: str) -> dict[str, str]:
    """The key=value pairs of a libpq DSN (the plain form this module writes: no quoting)."""
    return dict(pair.split("=", 1) for pair in dsn.split())


def airflow_connection_uri(dsn: str) -> str:
    """The `postgresql://` URI of a DSN, for an Airflow connection (AIRFLOW_CONN_…, Connection)."""
    parts = parse_dsn(dsn)
    login = quote(parts.get("user", SUPERUSER), safe="")
    if "password" in parts:
        login += ":" + quote(parts["password"], safe="")
    host = parts.get("host", "127.0.0.1")
    port = parts.get("port", "5432")
    return f"postgresql://{login}@{host}:{port}/{quote(parts['dbname'], safe='')}"


class PostgresServer(LocalServer):
    """One PostgreSQL server in a temporary folder, on 127.0.0.1, trusting loopback logins."""

    name = "postgres"
    stop_signal = signal.SIGINT  # PostgreSQL's fast shutdown: sessions rolled back, clean stop

    def __init__(self, install_root: Path = INSTALL_ROOT, start_timeout: float = 60.0) -> None:
        super().__init__(start_timeout)
        self.binaries = find_binaries(install_root)
        # Root: run as the system account. Anyone else: as themselves (PostgreSQL accepts that).
        self._account: pwd.struct_passwd | None = None
        if os.geteuid() == 0:
            try:
                self._account = pwd.getpwnam(SYSTEM_ACCOUNT)
            except KeyError:
                raise PostgresNotInstalled(
                    f"running as root and there is no {SYSTEM_ACCOUNT!r} account: {INSTALL_HINT}"
                ) from None

    @property
    def pid(self) -> int:
        assert self.process is not None, "the server is not running"
        return self.process.pid

    @property
    def user(self) -> str:
        """The operating-system account the server runs as."""
        return self._account.pw_name if self._account else pwd.getpwuid(os.geteuid()).pw_name

    @property
    def data_dir(self) -> Path:
        assert self.folder is not None, "the server was not started"
        return self.folder / "data"

    def run_as(self) -> dict[str, Any]:
        """subprocess arguments that drop root to the system account (nothing when not root)."""
        if self._account is None:
            return {}
        # extra_groups=[]: without it the child keeps root's supplementary groups.
        return {
            "user": self._account.pw_uid,
            "group": self._account.pw_gid,
            "extra_groups": [],
            "env": {**os.environ, "HOME": self._account.pw_dir, "USER": self._account.pw_name},
        }

    def make_folder(self) -> Path:
        folder = super().make_folder()
        (folder / "socket").mkdir()
        if self._account is not None:
            # The server writes its data, log and socket here; root's 0700 folder would stop it.
            for path in (folder, folder / "socket"):
                os.chown(path, self._account.pw_uid, self._account.pw_gid)
        return folder

    def log_opened(self, path: Path) -> None:
        if self._account is not None:
            os.chown(path, self._account.pw_uid, self._account.pw_gid)

    def prepare(self) -> None:
        subprocess.run(
            [
                str(self.binaries / "initdb"),
                "--pgdata", str(self.data_dir),
                "--username", SUPERUSER,
                "--auth", "trust",
                "--encoding", "UTF8",
                "--locale", "C",
                "--no-sync",  # a throwaway cluster: durability would only cost time
            ],
            cwd=self.folder,
            check=True,
            capture_output=True,
            timeout=120,
            **self.run_as(),
        )  # fmt: skip
        # Only loopback, only trust: replace the generated rules (they also name the socket).
        (self.data_dir / "pg_hba.conf").write_text(
            "local all all trust\nhost all all 127.0.0.1/32 trust\n"
        )

    def command(self) -> list[str]:
        assert self.folder is not None
        return [
            str(self.binaries / "postgres"),
            "-D", str(self.data_dir),
            "-h", "127.0.0.1",
            "-p", str(self.port),
            "-k", str(self.folder / "socket"),
            # Test data is disposable: no fsync, no waiting for the disk.
            "-c", "fsync=off",
            "-c", "synchronous_commit=off",
            "-c", "full_page_writes=off",
        ]  # fmt: skip

    def port_taken(self, log_text: str) -> bool:
        return "could not bind" in log_text or "already in use" in log_text

    def ready(self) -> bool:
        import psycopg2

        try:
            psycopg2.connect(self.dsn("postgres"), connect_timeout=2).close()
        except psycopg2.OperationalError:
            return False
        return True

    def dsn(self, dbname: str) -> str:
        """The libpq DSN of a database on this server."""
        return f"host=127.0.0.1 port={self.port} dbname={dbname} user={SUPERUSER}"

    def create_database(self, name: str | None = None) -> str:
        """A new, empty database (a random name when none is given); its DSN."""
        import psycopg2

        name = name or f"t_{uuid.uuid4().hex[:12]}"
        if not re.fullmatch(r"[a-z_][a-z0-9_]*", name):
            raise ValueError(f"database names here are plain identifiers: {name!r}")
        connection = psycopg2.connect(self.dsn("postgres"))
        try:
            connection.autocommit = True  # CREATE DATABASE refuses to run in a transaction
            with connection.cursor() as cursor:
                cursor.execute(f'CREATE DATABASE "{name}"')
        finally:
            connection.close()
        return self.dsn(name)

    def drop_database(self, name: str) -> None:
        """Drop a database, closing whatever a test left connected to it."""
        import psycopg2

        connection = psycopg2.connect(self.dsn("postgres"))
        try:
            connection.autocommit = True
            with connection.cursor() as cursor:
                cursor.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        finally:
            connection.close()


def start_or_fail(**options: Any) -> PostgresServer:
    """A started server, or a test failure that says how to install PostgreSQL."""
    try:
        return PostgresServer(**options).start()
    except PostgresNotInstalled as missing:
        pytest.fail(str(missing), pytrace=False)


@pytest.fixture(scope="session")
def postgres_server() -> Iterator[PostgresServer]:
    """One PostgreSQL server for the test session."""
    server = start_or_fail()
    yield server
    server.stop()


@pytest.fixture
def postgres_dsn(postgres_server: PostgresServer) -> Iterator[str]:
    """A fresh database for one test: its libpq DSN ("host=127.0.0.1 port=… dbname=t_… user=…")."""
    dsn = postgres_server.create_database()
    yield dsn
    postgres_server.drop_database(parse_dsn(dsn)["dbname"])
