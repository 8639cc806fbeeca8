"""Provider metadata that Airflow reads through the `apache_airflow_provider` entry point.

Kept free of imports beyond the standard library: provider discovery runs in every Airflow
process and must not pull in requests or the client. Airflow >= 3.2 builds the connection form
from `conn-fields` and `ui-field-behaviour` here without importing the hook; the hook mirrors
them for older versions.
"""

from __future__ import annotations

from typing import Any

from airflow_provider_minimax import __version__

_TEXT = {"type": ["string", "null"]}
_INTEGER = {"type": ["integer", "null"]}

CONN_FIELDS: dict[str, dict[str, Any]] = {
    "client_id": {
        "label": "Client ID",
        "description": "OAuth2 client ID, issued by Minimax support.",
        "schema": _TEXT,
    },
    "client_secret": {
        "label": "Client secret",
        "description": "OAuth2 client secret, issued by Minimax support.",
        "schema": {"type": ["string", "null"], "format": "password"},
    },
    "organisation_id": {
        "label": "Organisation ID",
        "description": "Default organisation; empty: the only one the login reaches.",
        "schema": _INTEGER,
    },
    "country": {
        "label": "Country",
        "description": "SI, HR or RS: picks the base URL when Base URL is empty.",
        "schema": {
            "type": ["string", "null"],
            "enum": ["SI", "HR", "RS", None],
            # Option labels in Airflow 3's form (its parameter forms' convention); without
            # them the empty choice reads "null".
            "values_display": {
                "SI": "SI: Slovenia (moj.minimax.si)",
                "HR": "HR: Croatia (moj.minimax.hr)",
                "RS": "RS: Serbia (moj.minimax.rs)",
                "null": "None: from Base URL, else Slovenia",
            },
        },
    },
    "scope": {
        "label": "Scope",
        "description": "OAuth2 scope; empty: minimax.<country>.",
        "schema": _TEXT,
    },
    "page_size": {
        "label": "Page size",
        "description": "Rows asked for per list page (default 1000; the service may serve fewer).",
        "schema": _INTEGER,
    },
    "timeout": {
        "label": "Timeout (s)",
        "description": "Seconds to wait for a connection or an answer (default 60).",
        "schema": {"type": ["number", "null"]},
    },
    "max_retries": {
        "label": "Max retries",
        "description": "Retries of a failed idempotent call (default 5). Logins are never retried.",
        "schema": _INTEGER,
    },
}
# Accepted in extra without a form field: tuning for exports and tests.
CONNECTION_EXTRAS = (*CONN_FIELDS, "max_calls", "max_workers", "guard_dir")
CONNECTION_EXTRAS += ("deadline", "max_response_bytes")  # one exchange's bounds in time and size
# The organisation's API budget (client/budget.py, docs/budget.md): its policy, and the ledger.
CONNECTION_EXTRAS += ("daily_budget", "monthly_budget", "reserve", "budget_window")
CONNECTION_EXTRAS += ("budget_store", "budget_conn_id", "ledger_dir")

UI_FIELD_BEHAVIOUR: dict[str, Any] = {
    "hidden-fields": ["schema", "port"],
    "relabeling": {"host": "Base URL", "login": "API username", "password": "API password"},
    "placeholders": {
        "host": "https://moj.minimax.si/SI/ (empty: from Country)",
        "login": "the application's username (GESLA ZA DOSTOP ZUNANJIH APLIKACIJ)",
        "password": "the application's password",
        "client_id": "from Minimax support",
        "country": "SI",
        "organisation_id": "123456",
    },
}


def get_provider_info() -> dict[str, Any]:
    return {
        "package-name": "airflow-provider-minimax",
        "name": "Minimax",
        "description": "Minimax accounting API (moj.minimax.si, .hr, .rs) by SAOP.",
        "versions": [__version__],
        "integrations": [
            {
                "integration-name": "Minimax",
                "external-doc-url": "https://moj.minimax.si/SI/API/",
                "tags": ["service"],
            }
        ],
        "operators": [
            {
                "integration-name": "Minimax",
                "python-modules": [
                    "airflow_provider_minimax.operators.records",
                    "airflow_provider_minimax.operators.action",
                    "airflow_provider_minimax.operators.export",
                    "airflow_provider_minimax.operators.sync",
                ],
            }
        ],
        # Airflow's convention for <Source>To<Target>Operator (as common-sql's own providers
        # list theirs): Minimax rows into any database of the Common SQL integration.
        "transfers": [
            {
                "source-integration-name": "Minimax",
                "target-integration-name": "Common SQL",
                "python-module": "airflow_provider_minimax.transfers.minimax_to_sql",
            }
        ],
        "sensors": [
            {
                "integration-name": "Minimax",
                "python-modules": [
                    "airflow_provider_minimax.sensors.record",
                    "airflow_provider_minimax.sensors.budget",
                ],
            }
        ],
        "triggers": [
            {
                "integration-name": "Minimax",
                "python-modules": ["airflow_provider_minimax.triggers.record"],
            }
        ],
        "hooks": [
            {
                "integration-name": "Minimax",
                "python-modules": ["airflow_provider_minimax.hooks.minimax"],
            }
        ],
        "connection-types": [
            {
                "hook-class-name": "airflow_provider_minimax.hooks.minimax.MinimaxHook",
                "hook-name": "Minimax",
                "connection-type": "minimax",
                "ui-field-behaviour": UI_FIELD_BEHAVIOUR,
                "conn-fields": CONN_FIELDS,
            }
        ],
    }
