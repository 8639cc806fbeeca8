"""What every benchmark does last: its figures kept as JSON, the table printed."""

from __future__ import annotations

import datetime
import json
from pathlib import Path
from typing import Any


def publish(results: dict[str, Any], folder: str | Path, name: str, table: str) -> Path:
    """`results` into `<folder>/<name>-<today>.json`; the machine, the table and the file
    printed. Returns the file."""
    results_dir = Path(folder)
    results_dir.mkdir(parents=True, exist_ok=True)
    out = results_dir / f"{name}-{datetime.date.today().isoformat()}.json"
    out.write_text(json.dumps(results, indent=2) + "\n")
    print(f"\nMachine: {results['machine']}, Python {results['python']}\n")
    print(table)
    print(f"\nresults: {out}")
    return out
