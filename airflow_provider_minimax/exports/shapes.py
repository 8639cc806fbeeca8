"""Row shapes from the vendor's models: each export's columns and types before the first row.

`shapes.json` (made by scripts/export_shapes.py from the vendor digest) gives, per resource, the
fields of its list rows ("list") and of its full records ("record"), each as `int`, `number`,
`bool`, `text`, `ref` (a `{ID, Name, ResourceUrl}` reference), `{"rows": shape}` (document rows),
`{"list": kind}` or `{"object": shape}`. Knowing them up front, a column empty on the first page
keeps its type on the next, and an empty export still has its columns.
"""

from __future__ import annotations

import json
from functools import cache
from importlib import resources
from typing import Any

Shape = dict[str, Any]


@cache
def _shapes() -> dict[str, dict[str, Shape]]:
    text = resources.files(__package__).joinpath("shapes.json").read_text("utf-8")
    loaded: dict[str, dict[str, Shape]] = json.loads(text)
    return loaded


def shape_for(resource: str, *, full_records: bool) -> Shape | None:
    """The row shape of a catalogue resource name (`customers/{id}/contacts` spelling)."""
    entry = _shapes().get(resource, {})
    if full_records:
        return entry.get("record") or entry.get("list")
    return entry.get("list")


def project(shape: Shape, fields: list[str]) -> Shape:
    """The shape of only `fields`, in that order; unknown names are refused."""
    unknown = [name for name in fields if name not in shape]
    if unknown:
        raise ValueError(
            f"no field {', '.join(map(repr, unknown))}; the rows have: {', '.join(shape)}"
        )
    return {name: shape[name] for name in fields}
