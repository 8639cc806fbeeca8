"""A real Redis server for tests: Debian's `redis-server`, started and stopped here.

The Celery tests (tests/scheduler/test_celery_two_machines.py) need a broker that behaves like
the one a deployment runs. `make test-packages` installs the package; this runs its
`redis-server` in a temporary folder on a free loopback port (tests/local_server.py), with no
persistence (a broker of one test module holds nothing worth keeping), and stops it by its
process id. The package's own service and configuration are not used.
"""

from __future__ import annotations

import socket
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.local_server import LocalServer

REDIS_SERVER = Path("/usr/bin/redis-server")
INSTALL_HINT = "run `make test-packages` (installs Debian's redis-server package with apt-get)"


class RedisServer(LocalServer):
    """One redis-server on 127.0.0.1 in a folder of its own; `url` is its redis:// address."""

    name = "redis"
    stop_timeout = 20.0  # SIGTERM: without persistence redis exits at once

    def __init__(self, binary: Path = REDIS_SERVER, start_timeout: float = 30.0) -> None:
        if not binary.is_file():
            pytest.fail(f"no {binary}: {INSTALL_HINT}", pytrace=False)
        super().__init__(start_timeout)
        self.binary = binary

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def command(self) -> list[str]:
        return [
            str(self.binary),
            "--bind", "127.0.0.1",
            "--port", str(self.port),
            "--dir", str(self.folder),
            "--save", "",  # nothing kept on disk
            "--appendonly", "no",
            "--daemonize", "no",
            "--logfile", "",  # to stdout, our log file; not Debian's /var/log/redis
        ]  # fmt: skip

    def port_taken(self, log_text: str) -> bool:
        return "Address already in use" in log_text

    def ready(self) -> bool:
        """Whether it answers PING (in Redis's own protocol: no client library needed)."""
        try:
            with socket.create_connection(("127.0.0.1", self.port), timeout=2) as link:
                link.sendall(b"PING\r\n")
                return link.recv(16).startswith(b"+PONG")
        except OSError:
            return False


@pytest.fixture(scope="module")
def redis_server() -> Iterator[RedisServer]:
    """One Redis server for a test module (its broker)."""
    with RedisServer() as server:
        yield server
