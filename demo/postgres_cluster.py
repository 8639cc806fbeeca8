"""A PostgreSQL cluster for `make airflow DB=postgres`, kept in a folder between runs.

Debian's postgresql package (`make test-packages` installs it) gives `initdb` and `postgres`;
the cluster is made once, trusting loopback logins only, and started on a free port by the
caller (demo/airflow_stack.py runs and stops it like its other processes). The same way as
tests/postgres.py, which demo code does not import: PostgreSQL refuses to run as root, so under
root (containers) the folder belongs to, and the server runs as, the package's `postgres`
account.
"""

from __future__ import annotations

import os
import pwd
import socket
import subprocess
from dataclasses import dataclass
from pathlib import Path
from typing import Any

INSTALL_ROOT = Path("/usr/lib/postgresql")


@dataclass
class Cluster:
    command: list[str]  # `postgres -D … -p PORT`, to run in a process group of its own
    run_as: dict[str, Any]  # subprocess arguments: the `postgres` account under root
    dsn: str  # libpq, to check that it accepts connections
    uri: str  # SQLAlchemy, Airflow's [database] sql_alchemy_conn


def _binaries() -> Path:
    found = sorted(
        INSTALL_ROOT.glob("*/bin/postgres"), key=lambda path: int(path.parts[-3].split(".")[0])
    )
    if not found:
        raise RuntimeError(f"no {INSTALL_ROOT}/*/bin/postgres: run `make test-packages`")
    return found[-1].parent  # the newest major version


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def prepare(folder: Path) -> Cluster:
    """Make the cluster in `folder/data` if it is not there; the command that serves it."""
    binaries = _binaries()
    data, sockets = folder / "data", folder / "socket"
    sockets.mkdir(parents=True, exist_ok=True)
    run_as: dict[str, Any] = {}
    if os.geteuid() == 0:
        account = pwd.getpwnam("postgres")
        # extra_groups=[]: without it the server keeps root's supplementary groups.
        run_as = {"user": account.pw_uid, "group": account.pw_gid, "extra_groups": []}
        for path in (folder, sockets, *(data.rglob("*") if data.exists() else [])):
            os.chown(path, account.pw_uid, account.pw_gid)
    if not (data / "PG_VERSION").exists():
        subprocess.run(
            [str(binaries / "initdb"), "-D", str(data), "-U", "postgres", "--auth", "trust",
             "-E", "UTF8", "--locale", "C", "--no-sync"],
            cwd=folder, check=True, capture_output=True, timeout=120, **run_as,
        )  # fmt: skip
        (data / "pg_hba.conf").write_text("local all all trust\nhost all all 127.0.0.1/32 trust\n")
    lock = data / "postmaster.pid"  # left by a server killed with -9: refuses a new start
    if lock.exists() and not Path(f"/proc/{lock.read_text().split()[0]}").exists():
        lock.unlink()
    port = _free_port()
    command = [str(binaries / "postgres"), "-D", str(data), "-h", "127.0.0.1", "-p", str(port),
               "-k", str(sockets), "-c", "fsync=off"]  # fmt: skip
    return Cluster(
        command=command,
        run_as=run_as,
        dsn=f"host=127.0.0.1 port={port} dbname=postgres user=postgres",
        uri=f"postgresql+psycopg2://postgres@127.0.0.1:{port}/postgres",
    )


def accepts_connections(dsn: str) -> bool:
    import psycopg2  # apache-airflow-providers-postgres brings it; only DB=postgres needs it

    try:
        psycopg2.connect(dsn, connect_timeout=2).close()
    except psycopg2.OperationalError:
        return False
    return True
