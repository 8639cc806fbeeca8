"""Minimax rows into SQL tables: the table a resource's model gives (columns), each row flattened
to it (flatten), the SQL of each database (dialects), and the load that stages the rows and merges
them by ID in one transaction (table, load, staging). No Airflow here: the transfer operator
(transfers/minimax_to_sql.py) hands these a DB-API connection from common-sql's hook."""
