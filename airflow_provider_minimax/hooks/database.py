"""A SQL database's hook from an Airflow connection: common-sql's DbApiHook, whatever database.

The budget's `sql` store (ledger.py) and the SQL transfer both name a connection and need its
database: any the installed providers reach (PostgreSQL, MySQL, SQLite, …), checked to be one.
"""

from __future__ import annotations

from typing import Any

from airflow_provider_minimax.client import MinimaxConfigurationError


def database_hook(conn_id: str, named_by: str) -> Any:
    """The DbApiHook of connection `conn_id`; `named_by` says where the ID was given, for the
    errors (`Connection minimax_default: budget_conn_id`, `sql_conn_id`)."""
    from airflow.providers.common.compat.sdk import BaseHook

    try:
        database = BaseHook.get_connection(str(conn_id)).get_hook()
    except Exception as error:  # unknown connection, or its provider is not installed
        raise MinimaxConfigurationError(
            f"{named_by} {conn_id!r} gives no database hook ({type(error).__name__}: {error}). "
            "Create that connection, and install the provider of its database "
            "(e.g. apache-airflow-providers-postgres)."
        ) from None
    connect = getattr(database, "get_conn", None)
    placeholder = getattr(database, "placeholder", None)
    if not callable(connect) or not isinstance(placeholder, str):
        raise MinimaxConfigurationError(
            f"{named_by} {conn_id!r} is a {type(database).__name__}, not a SQL database hook "
            "(common-sql's DbApiHook): name the connection of a PostgreSQL, MySQL or SQLite "
            "database."
        )
    return database
