"""Row shapes from the vendor's models: each export's columns and types before the first row.

The shapes are the client's digest of the vendor's models (client/models.py explains the kinds):
knowing them up front, a column empty on the first page keeps its type on the next, a value of
another JSON type is converted to the column's, and an empty export still has its columns.
"""

from __future__ import annotations

from airflow_provider_minimax.client.models import Shape, shape_of

__all__ = ["Shape", "project", "shape_for"]


def shape_for(resource: str, *, full_records: bool) -> Shape | None:
    """The row shape of a catalogue resource name (`customers/{id}/contacts` spelling)."""
    if full_records:
        return shape_of(resource, "record") or shape_of(resource, "list")
    return shape_of(resource, "list")


def project(shape: Shape, fields: list[str]) -> Shape:
    """The shape of only `fields`, in that order; unknown names are refused."""
    unknown = [name for name in fields if name not in shape]
    if unknown:
        raise ValueError(
            f"no field {', '.join(map(repr, unknown))}; the rows have: {', '.join(shape)}"
        )
    return {name: shape[name] for name in fields}
