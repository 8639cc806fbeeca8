"""Operators of the Minimax provider (Airflow >= 2.11)."""

from airflow_provider_minimax._compat import check_airflow_version

check_airflow_version()
