"""The call ledger a connection's extra names: the worker's own file, or a shared SQL database.

`budget_store` is `local` (the default: the client keeps SQLite in the worker's cache folder,
exact across the processes of one machine) or `sql`: the Airflow connection `budget_conn_id`
of any database common-sql reaches (PostgreSQL, MySQL, SQLite), exact across every worker and
machine that uses it. The client never imports Airflow: it is handed a way to connect.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from airflow_provider_minimax.client import MinimaxConfigurationError
from airflow_provider_minimax.hooks.connection import extra_field

if TYPE_CHECKING:
    from airflow_provider_minimax.client import ClientConfig, Ledger


def ledger_for(conn: Any, config: ClientConfig) -> Ledger | None:
    """The ledger of the `sql` store for the Minimax connection `conn`; None for `local`,
    which the client opens itself."""
    if config.budget_store != "sql":
        return None
    from airflow_provider_minimax.client import SqlLedger
    from airflow_provider_minimax.hooks.database import database_hook

    conn_id = extra_field(conn.extra_dejson or {}, "budget_conn_id")
    if not conn_id:
        raise MinimaxConfigurationError(
            f"Connection {conn.conn_id}: budget_store 'sql' needs budget_conn_id in extra: the "
            "Airflow connection of a SQL database every worker reaches (PostgreSQL, MySQL, "
            "SQLite), where the organisation's call ledger is kept."
        )
    database = database_hook(conn_id, f"Connection {conn.conn_id}: budget_conn_id")
    return SqlLedger(connect=database.get_conn, placeholder=database.placeholder, name=str(conn_id))
