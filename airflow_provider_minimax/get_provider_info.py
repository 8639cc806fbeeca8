"""Provider metadata that Airflow reads through the `apache_airflow_provider` entry point.

Kept free of imports beyond the standard library: provider discovery runs in every Airflow
process and must not pull in requests or the client.
"""

from __future__ import annotations

from typing import Any

from airflow_provider_minimax import __version__


def get_provider_info() -> dict[str, Any]:
    return {
        "package-name": "airflow-provider-minimax",
        "name": "Minimax",
        "description": "Minimax accounting API (moj.minimax.si, .hr, .rs) by SAOP.",
        "versions": [__version__],
    }
