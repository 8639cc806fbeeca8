"""What the benchmarks share: their command line, the verdict of a goal, the memory row."""

from __future__ import annotations

import argparse
import os
import tempfile
from typing import Any


def arguments(description: str, sections: str, quick_help: str) -> argparse.Namespace:
    """`--quick`, `--smoke`, `--results-dir`, `--sections`; and a throwaway Airflow home, so
    that a benchmark touches no Airflow of the machine's."""
    from pathlib import Path

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
