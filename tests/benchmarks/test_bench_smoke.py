"""The benchmarks still run (at tiny sizes): `make bench-quick` would not break unnoticed."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def smoke(script: str, tmp_path: Path) -> dict:
    """`benchmarks/<script>.py --smoke`, which must succeed; the figures it wrote."""
    done = subprocess.run(
        [sys.executable, str(ROOT / f"benchmarks/{script}.py"), "--smoke",
         "--results-dir", str(tmp_path)],
        capture_output=True, text=True, timeout=300, cwd=ROOT,
    )  # fmt: skip
    assert done.returncode == 0, done.stdout[-2000:] + done.stderr[-2000:]
    [result_file] = tmp_path.glob("*-smoke-*.json")
    loaded: dict = json.loads(result_file.read_text())
    return loaded


def test_export_benchmarks_run_and_report(tmp_path: Path) -> None:
    results = smoke("export_benchmarks", tmp_path)
    assert results["throughput"]["same_file_as_plain"] is True
    assert results["latency"]["rows_identical_and_in_order"] is True
    assert results["calls"]["goal_met"] is True
    assert set(results["memory"]["peak_rss_mb"]) == {"2000", "4000"}


def test_sandbox_capacity_benchmark_runs(tmp_path: Path) -> None:
    done = subprocess.run(
        [sys.executable, str(ROOT / "benchmarks/sandbox_capacity.py"), "--rows", "4000",
         "--repeats", "1", "--page-size", "1000", "--results-dir", str(tmp_path)],
        capture_output=True, text=True, timeout=120, cwd=ROOT,
    )  # fmt: skip
    assert "rows/s" in done.stdout, done.stdout + done.stderr
    assert list(tmp_path.glob("sandbox-capacity-*.json"))


def test_sync_benchmark_runs_and_its_sync_spends_the_minimum(tmp_path: Path) -> None:
    result = smoke("sync_benchmarks", tmp_path)["sync"]
    assert result["outcomes_exact"] is True
    assert result["calls_goal_met"] is True
    assert result["calls"]["rerun"] == [1]  # one page of the key index, nothing written


def test_sql_load_benchmark_runs_and_reports(tmp_path: Path) -> None:
    done = subprocess.run(
        [sys.executable, str(ROOT / "benchmarks/sql_load.py"), "--smoke",
         "--results-dir", str(tmp_path)],
        capture_output=True, text=True, timeout=300, cwd=ROOT,
    )  # fmt: skip
    assert done.returncode == 0, done.stdout[-2000:] + done.stderr[-2000:]
    [result_file] = tmp_path.glob("sql-load-smoke-*.json")
    results = json.loads(result_file.read_text())
    assert results["load"]["rows"] == results["end_to_end"]["rows"] == 3000
    assert results["load"]["ratio_vs_plain"] > 0
    assert set(results["memory"]["peak_rss_mb"]) == {"2000", "4000"}
    assert "| peak RSS of the loading process" in done.stdout
