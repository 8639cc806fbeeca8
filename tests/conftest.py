"""Shared fixtures. The `minimax_sandbox` fixture comes from the package's own pytest plugin.

Airflow reads its configuration when first imported, so the test run's private AIRFLOW_HOME
(SQLite, no example DAGs) is set here, before any test module imports Airflow.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterator

_AIRFLOW_HOME = tempfile.mkdtemp(prefix="minimax-airflow-home-")
os.environ["AIRFLOW_HOME"] = _AIRFLOW_HOME
os.environ["AIRFLOW__CORE__LOAD_EXAMPLES"] = "False"
os.environ.pop("AIRFLOW_CONN_MINIMAX_DEFAULT", None)

import pytest  # noqa: E402 (after the environment is set)

from airflow_provider_minimax.sandbox import Sandbox  # noqa: E402

from .support import Api  # noqa: E402


@pytest.fixture
def api(minimax_sandbox: Sandbox) -> Iterator[Api]:
    client = Api(minimax_sandbox)
    yield client
    client.session.close()
