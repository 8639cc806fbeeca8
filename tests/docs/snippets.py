"""The fenced code blocks of docs/*.md, by name, for the tests that run them.

A block is named by an HTML comment on the line right before its opening fence:

    <!-- snippet: operators-create -->
    ```python

and a Python block that cannot run here says why, the same way:

    <!-- not-run: needs a real Minimax account -->
    ```python

Every ```python block must carry one of the two (test_site checks it), and every named block
must be used by a test (`snippet("name")` in tests/docs/test_*.py). Other languages may be named
when a test runs or parses them (the connection JSON, CLI commands, expected output).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from tests.dagtools import AIRFLOW_3

ROOT = Path(__file__).resolve().parents[2]
DOCS = ROOT / "docs"

_FENCE = re.compile(r"^(?P<indent> {0,3})(?P<fence>`{3,})(?P<language>[\w+-]*)\s*$")
_MARKER = re.compile(r"^\s*<!--\s*(?P<kind>snippet|not-run):\s*(?P<value>.*?)\s*-->\s*$")


@dataclass(frozen=True)
class Snippet:
    page: str  # file name below docs/, e.g. "operators.md"
    line: int  # line number of the opening fence (1-based)
    language: str
    code: str
    name: str | None = None
    not_run: str | None = None  # the reason given, for blocks opted out

    @property
    def where(self) -> str:
        return f"docs/{self.page}:{self.line}"


def parse(page: str, text: str) -> list[Snippet]:
    """The fenced blocks of one Markdown page, with the marker on the line before each."""
    lines = text.splitlines()
    found: list[Snippet] = []
    index = 0
    while index < len(lines):
        opening = _FENCE.match(lines[index])
        if opening is None:
            index += 1
            continue
        indent, fence = opening["indent"], opening["fence"]
        body: list[str] = []
        end = index + 1
        while end < len(lines) and lines[end].strip() != fence:
            body.append(lines[end].removeprefix(indent))
            end += 1
        if end == len(lines):
            raise ValueError(f"docs/{page}:{index + 1}: the code block is never closed")
        marker = _MARKER.match(lines[index - 1]) if index else None
        found.append(
            Snippet(
                page=page,
                line=index + 1,
                language=opening["language"].lower(),
                code="\n".join(body) + "\n",
                name=marker["value"] if marker and marker["kind"] == "snippet" else None,
                not_run=marker["value"] if marker and marker["kind"] == "not-run" else None,
            )
        )
        index = end + 1
    return found


@cache
def all_snippets() -> tuple[Snippet, ...]:
    return tuple(
        block
        for path in sorted(DOCS.glob("*.md"))
        for block in parse(path.name, path.read_text("utf-8"))
    )


def snippet(name: str) -> Snippet:
    """The block named `name`; fails clearly when it is missing or named twice."""
    matches = [block for block in all_snippets() if block.name == name]
    assert matches, f"no code block is named {name!r} in docs/ (<!-- snippet: {name} -->)"
    assert len(matches) == 1, f"{name!r} names several blocks: {[m.where for m in matches]}"
    return matches[0]


def for_this_airflow(code: str) -> str:
    """The snippet as this Airflow runs it: Airflow 2 has no airflow.sdk, so its imports go
    through the common-compat provider, as docs/installation.md advises."""
    if AIRFLOW_3:
        return code
    return code.replace(
        "from airflow.sdk import", "from airflow.providers.common.compat.sdk import"
    )


def single_quoted(command: str) -> str:
    """The text between the first pair of single quotes of a shell command (a JSON value)."""
    found = re.search(r"'([^']*)'", command, re.DOTALL)
    assert found, f"no single-quoted value in {command!r}"
    return found.group(1)
