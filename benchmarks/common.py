"""What the benchmarks share: their command line, the verdict of a goal, the memory row, and
what every benchmark does last (its figures kept as JSON, its table printed)."""

from __future__ import annotations

import argparse
import datetime
import json
import os
import tempfile
from pathlib import Path
from typing import Any


def arguments(description: str, sections: str, quick_help: str) -> argparse.Namespace:
    """`--quick`, `--smoke`, `--results-dir`, `--sections`; and a throwaway Airflow home, so
    that a benchmark touches no Airflow of the machine's."""
    parser = argparse.ArgumentParser(description=description)
    parser.add_argument("--quick", action="store_true", help=quick_help)
    parser.add_argument("--smoke", action="store_true", help="tiny sizes: does it still run?")
    parser.add_argument(
        "--results-dir", default=str(Path(__file__).parent / "results"), help="where the JSON goes"
    )
    parser.add_argument("--sections", default=sections)
    args = parser.parse_args()
    os.environ.setdefault("AIRFLOW_HOME", tempfile.mkdtemp(prefix="minimax-bench-airflow-"))
    os.environ.setdefault("AIRFLOW__CORE__LOAD_EXAMPLES", "False")
    return args


def verdict(met: bool) -> str:
    return "met" if met else "**missed**"


def memory_row(memory: dict[str, Any], process: str) -> str:
    """The table's row of a memory section: each size's peak, the growth, the goal."""
    peaks = ", ".join(f"{int(k):,}: {v} MB" for k, v in memory["peak_rss_mb"].items())
    return (
        f"| peak RSS of the {process} process ({peaks}) | +{memory['growth_mb']} MB | | "
        f"| <= {memory['goal_growth_mb']} MB growth "
        f"{verdict(memory['growth_mb'] <= memory['goal_growth_mb'])} |"
    )


def publish(
    results: dict[str, Any],
    folder: str | Path,
    name: str,
    table: str,
    *,
    keep_earlier: bool = False,
    machine_note: str = "",
) -> Path:
    """`results` into `<folder>/<name>-<today>.json`; the machine, the table and the file
    printed. With `keep_earlier`, the sections of an earlier run of the same day that this
    run did not measure are kept. Returns the file."""
    results_dir = Path(folder)
    results_dir.mkdir(parents=True, exist_ok=True)
    out = results_dir / f"{name}-{datetime.date.today().isoformat()}.json"
    if keep_earlier and out.exists():
        results = {**json.loads(out.read_text()), **results}
    out.write_text(json.dumps(results, indent=2) + "\n")
    print(f"\nMachine: {results['machine']}, Python {results['python']}{machine_note}\n")
    print(table)
    print(f"\nresults: {out}")
    return out
