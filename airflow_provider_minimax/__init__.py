"""Apache Airflow provider for the Minimax accounting API (moj.minimax.si, .hr, .rs)."""

__version__ = "0.1.0"
