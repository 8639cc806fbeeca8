"""The vendor's models, as the client's own digest: each resource's fields and their types.

`models.json` (made by scripts/client_models.py from the vendor's Swagger) gives, per catalogue
resource, the fields of its list rows ("list"), full records ("record") and create bodies
("body"), each as `int`, `number`, `bool`, `text`, `ref` (a `{ID, Name, ResourceUrl}`
reference), `{"rows": shape}` (document rows), `{"list": kind}` or `{"object": shape}`.
The client checks what it sends against them; exports take each column's type from them.
"""

from __future__ import annotations

import json
from functools import cache
from importlib import resources
from typing import Any, Literal

Shape = dict[str, Any]
Part = Literal["list", "record", "body"]


@cache
def _models() -> dict[str, dict[str, Shape]]:
    text = resources.files(__package__).joinpath("models.json").read_text("utf-8")
    loaded: dict[str, dict[str, Shape]] = json.loads(text)
    return loaded


def shape_of(resource: str, part: Part) -> Shape | None:
    """The shape of a catalogue resource (`customers/{id}/contacts` spelling); None if the
    vendor's document does not describe that part of it."""
    found: Shape | None = _models().get(resource, {}).get(part)
    return found
