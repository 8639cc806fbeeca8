"""Transfers: Minimax rows into other systems (SQL tables through common-sql)."""
