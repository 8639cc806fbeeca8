"""The reliability suite: faults, conflicts, lock-out, bad responses and secrets, in bulk.

`make test` runs a fast slice (few iterations); `make reliability` runs the full counts
(MINIMAX_RELIABILITY=full) and writes the figures each test reports to
out/reliability/figures.json, from which docs/reliability.md is written.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

import pytest

FULL = os.environ.get("MINIMAX_RELIABILITY") == "full"
FIGURES_FILE = Path(__file__).resolve().parents[2] / "out" / "reliability" / "figures.json"
_FIGURES: dict[str, Any] = {}


def runs(fast: int, full: int) -> int:
    """How many iterations: the fast slice in `make test`, the full count in `make reliability`."""
    return full if FULL else fast


@pytest.fixture
def report() -> Any:
    """`report(name, **figures)`: record a test's figures for docs/reliability.md."""

    def record(name: str, **figures: Any) -> None:
        _FIGURES[name] = figures | {"full_run": FULL}

    return record


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    if _FIGURES and FULL:
        FIGURES_FILE.parent.mkdir(parents=True, exist_ok=True)
        FIGURES_FILE.write_text(json.dumps(_FIGURES, indent=2, sort_keys=True) + "\n", "utf-8")
