"""Memory stays flat: a 200,000-row general ledger streams to Parquet page by page."""

from __future__ import annotations

import json
import threading
import time
import tracemalloc
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from airflow_provider_minimax.sandbox.process import SandboxProcess
from tests.exports.helpers import export, utc

ROWS = 200_000
BOUND = 60 * 1024 * 1024


@pytest.fixture(scope="module")
def bench_connection() -> Iterator[dict[str, Any]]:
    """The bench sandbox (Settings(scale="bench", ledger_rows=200_000)) in a process of its own,
    so that tracemalloc below sees the export's allocations and not the server's; returns its
    connection for organisation 126 (the synthetic ledger)."""
    with SandboxProcess("--scale", "bench", "--ledger-rows", str(ROWS)) as sandbox:
        connection = sandbox.connection
        connection["extra"]["organisation_id"] = 126
        yield connection


@pytest.mark.slow
def test_a_year_of_a_large_ledger_exports_in_flat_memory(
    bench_connection: dict[str, Any],
    monkeypatch: pytest.MonkeyPatch,
    tmp_path: Path,
) -> None:
    """200,000 journal entries over a year (200 pages): the Python heap's peak (tracemalloc)
    and Arrow's own allocations stay under 60 MB while the file holds every row."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    monkeypatch.setenv("AIRFLOW_CONN_MINIMAX_DEFAULT", json.dumps(bench_connection))
    path = tmp_path / "ledger.parquet"
    arrow_peak = 0
    done = threading.Event()

    def watch_arrow() -> None:
        nonlocal arrow_peak
        while not done.wait(0.02):
            arrow_peak = max(arrow_peak, pa.total_allocated_bytes())

    watcher = threading.Thread(target=watch_arrow, daemon=True)
    tracemalloc.start()
    watcher.start()
    started = time.perf_counter()
    try:
        manifest = export(
            "journals/journal-entries",
            path,
            utc(2024, 12, 31, 23),  # 2025-01-01 00:00 in Ljubljana
            utc(2025, 12, 31, 23),  # 2026-01-01 00:00
            mode="window",
            format="parquet",
        )
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
        done.set()
        watcher.join()
    seconds = time.perf_counter() - started
    # Its speed is benchmarks/export_benchmarks.py's to measure: under tracemalloc and on a
    # busy machine a time bound here failed runs whose memory was flat (63 s against 60).
    print(f"peak {peak / 2**20:.1f} MB, Arrow {arrow_peak / 2**20:.1f} MB, {seconds:.1f} s")
    assert manifest["window"] == {"first_day": "2025-01-01", "last_day": "2025-12-31"}
    assert manifest["rows"] == ROWS == pq.ParquetFile(path).metadata.num_rows
    assert manifest["pages"] == ROWS // 1000
    assert peak < BOUND, f"tracemalloc peak {peak / 2**20:.1f} MB"
    assert arrow_peak < BOUND, f"Arrow peak {arrow_peak / 2**20:.1f} MB"
