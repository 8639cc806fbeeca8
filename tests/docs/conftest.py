"""Fixtures that run the documentation's snippets against the sandbox.

Snippets write to `/data/minimax/…` as a user's would; here that prefix is replaced by a
temporary folder (`data_root`). On Airflow 2 the `airflow.sdk` imports are replaced by the
common-compat ones (snippets.for_this_airflow), as docs/installation.md advises.
"""

from __future__ import annotations

import contextlib
import copy
import io
import json
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from airflow_provider_minimax.sandbox import Sandbox
from tests.dagtools import bundle_runner
from tests.docs.snippets import for_this_airflow, snippet

USER_DATA = "/data/minimax"
_TOP_LEVEL_DEF = re.compile(r"^def (\w+)\(", re.MULTILINE)
# Airflow 2 logs to standard output too: `[2026-11-29T17:24:27.449+0000] {base.py:84} INFO - …`.
_AIRFLOW_LOG_LINE = re.compile(
    r"^\[\d{4}-\d\d-\d\dT[^\]]+\] \{[^}]+\} [A-Z]+ - .*\n?", re.MULTILINE
)


@pytest.fixture
def data_root(tmp_path: Path) -> Path:
    """Where `/data/minimax` of the snippets is, in this test."""
    return tmp_path / "data"


def localised(name: str, data_root: Path) -> str:
    """The snippet's code as this test runs it (Airflow version, data folder)."""
    return for_this_airflow(snippet(name).code).replace(USER_DATA, str(data_root))


def dag_id_of(source: str) -> str:
    """The DAG a snippet defines: its one top-level function, called at the end."""
    [name] = _TOP_LEVEL_DEF.findall(source)
    assert source.rstrip().endswith(f"{name}()"), "a DAG snippet ends by calling its function"
    return name


@pytest.fixture
def run_dag(
    airflow_db: str,
    minimax_connection: str,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    data_root: Path,
) -> Callable[..., Any]:
    """`run_dag(name, replace={old: new}, **dag_test_kwargs)`: the DAG snippet `name` run once
    with dag.test() against the sandbox; returns the DagRun (its dag_id is the snippet's DAG
    function). `replace` changes text that must be in the snippet (a shorter wait, say)."""
    run = bundle_runner(tmp_path / "dags", monkeypatch, "minimax-docs")

    def run_snippet(name: str, replace: dict[str, str] | None = None, **kwargs: Any) -> Any:
        source = localised(name, data_root)
        for old, new in (replace or {}).items():
            assert old in source, f"{name} no longer contains {old!r}"
            source = source.replace(old, new)
        return run(source, dag_id_of(source), **kwargs)

    return run_snippet


@pytest.fixture
def run_python(minimax_connection: str, data_root: Path) -> Callable[[str], tuple[dict, str]]:
    """`run_python(name)`: the Python snippet `name` executed with `minimax_default` pointing
    at the sandbox; returns its global names and what it printed (without Airflow's log)."""

    def run(name: str) -> tuple[dict[str, Any], str]:
        code = localised(name, data_root)
        namespace: dict[str, Any] = {"__name__": "docs_snippet"}
        printed = io.StringIO()
        with contextlib.redirect_stdout(printed):
            exec(compile(code, snippet(name).where, "exec"), namespace)
        return namespace, _AIRFLOW_LOG_LINE.sub("", printed.getvalue())

    return run


@pytest.fixture
def use_connection(
    minimax_sandbox: Sandbox, monkeypatch: pytest.MonkeyPatch
) -> Callable[..., dict[str, Any]]:
    """`use_connection(password=…, extra={…})`: `minimax_default` as the sandbox's connection
    with fields changed (extra merged in); returns the connection dict."""

    def use(**changes: Any) -> dict[str, Any]:
        connection = copy.deepcopy(minimax_sandbox.connection)
        connection["extra"].update(changes.pop("extra", {}))
        connection.update(changes)
        monkeypatch.setenv("AIRFLOW_CONN_MINIMAX_DEFAULT", json.dumps(connection))
        return connection

    return use
