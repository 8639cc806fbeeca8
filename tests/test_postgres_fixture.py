"""The PostgreSQL fixtures (tests/postgres.py) start a real server, as a non-root account, and
leave nothing behind when they stop it."""

from __future__ import annotations

import os
import pwd
from pathlib import Path

import psycopg2
import pytest

from tests.postgres import (
    PostgresNotInstalled,
    PostgresServer,
    airflow_connection_uri,
    find_binaries,
    parse_dsn,
)


def _uid_of(pid: int) -> int:
    """The real user id of a process, from /proc (what the kernel runs it as)."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("Uid:"):
            return int(line.split()[1])
    raise AssertionError(f"no Uid line for process {pid}")


def _processes_using(folder: Path) -> list[int]:
    """Processes whose command line names the folder (the postmaster and its children do)."""
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                cmdline = (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode()
            except OSError:
                continue  # gone while we looked
            if str(folder) in cmdline:
                found.append(int(entry.name))
    return found


def test_a_table_round_trips_through_psycopg2(postgres_dsn: str) -> None:
    with psycopg2.connect(postgres_dsn) as connection, connection.cursor() as cursor:
        cursor.execute("CREATE TABLE customers (id integer PRIMARY KEY, name text, due numeric)")
        cursor.execute(
            "INSERT INTO customers VALUES (%s, %s, %s), (%s, %s, %s)",
            (1, "Kovač d.o.o.", "12.50", 2, "Šola Žalec", "0.10"),
        )
        cursor.execute("SELECT id, name, due::text FROM customers ORDER BY id")
        assert cursor.fetchall() == [(1, "Kovač d.o.o.", "12.50"), (2, "Šola Žalec", "0.10")]
    connection.close()


def test_each_test_gets_a_fresh_database(postgres_dsn: str) -> None:
    """The previous test's table is not here: a new database, not a shared one."""
    with psycopg2.connect(postgres_dsn) as connection, connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM information_schema.tables WHERE table_name = 'customers'"
        )
        assert cursor.fetchone() == (0,)
    connection.close()
    assert parse_dsn(postgres_dsn)["dbname"].startswith("t_")


def test_the_server_runs_as_a_non_root_user(postgres_server: PostgresServer) -> None:
    uid = _uid_of(postgres_server.pid)
    assert uid != 0
    # Root hands the server to Debian's account; anyone else runs it as themselves.
    assert uid == (pwd.getpwnam("postgres").pw_uid if os.geteuid() == 0 else os.geteuid())
    connection = psycopg2.connect(postgres_server.dsn("postgres"))
    with connection, connection.cursor() as cursor:
        cursor.execute("SELECT current_setting('data_directory')")
        assert cursor.fetchone() == (str(postgres_server.data_dir),)
    connection.close()


def test_stopping_leaves_no_process_and_no_folder() -> None:
    server = PostgresServer().start()
    pid, folder = server.pid, server.folder
    assert folder is not None and folder.is_dir()
    # A connected session keeps a backend process alive: it must go with the server.
    connection = psycopg2.connect(server.create_database())
    assert len(_processes_using(folder)) >= 1
    server.stop()
    connection.close()
    assert not Path(f"/proc/{pid}").exists()
    assert not folder.exists()
    assert _processes_using(folder) == []
    server.stop()  # a second stop is harmless


def test_the_airflow_uri_names_the_same_database(postgres_dsn: str) -> None:
    parts = parse_dsn(postgres_dsn)
    uri = airflow_connection_uri(postgres_dsn)
    assert uri == f"postgresql://postgres@127.0.0.1:{parts['port']}/{parts['dbname']}"
    # libpq itself reads the URI form: it reaches the same database.
    with psycopg2.connect(uri) as connection, connection.cursor() as cursor:
        cursor.execute("SELECT current_database()")
        assert cursor.fetchone() == (parts["dbname"],)
    connection.close()


def test_the_airflow_uri_quotes_a_password() -> None:
    uri = airflow_connection_uri("host=h port=1 dbname=d user=u password=p@ss/w")
    assert uri == "postgresql://u:p%40ss%2Fw@h:1/d"


def test_missing_binaries_say_how_to_install_them(tmp_path: Path) -> None:
    with pytest.raises(PostgresNotInstalled, match=r"make test-packages"):
        find_binaries(tmp_path)
    with pytest.raises(PostgresNotInstalled, match=r"make test-packages"):
        PostgresServer(install_root=tmp_path / "nothing")


def test_the_newest_installed_version_is_chosen(tmp_path: Path) -> None:
    for version in ("9.6", "15", "13"):
        binaries = tmp_path / version / "bin"
        binaries.mkdir(parents=True)
        for name in ("initdb", "postgres"):
            (binaries / name).write_text("")
    (tmp_path / "17").mkdir()  # a version folder without binaries is not an installation
    assert find_binaries(tmp_path) == tmp_path / "15" / "bin"
