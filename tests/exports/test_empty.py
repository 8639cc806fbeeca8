"""An interval that holds no whole local day: a valid empty file, and a manifest saying so."""

from __future__ import annotations

import csv
import hashlib
import json
from pathlib import Path

import pytest

from airflow_provider_minimax.sandbox import Sandbox
from tests.exports.helpers import FORMATS, export, files, utc

MORNING = (utc(2025, 11, 5, 8), utc(2025, 11, 5, 12))  # 09:00-13:00 in Ljubljana


@pytest.mark.parametrize("file_format", FORMATS)
def test_an_interval_inside_one_local_day_writes_an_empty_file(
    conn: Sandbox, tmp_path: Path, file_format: str
) -> None:
    """No rows, no API call; the file is valid for its format and described by a manifest."""
    path = tmp_path / f"empty.{file_format}"
    manifest = export("journals/journal-entries", path, *MORNING, format=file_format)
    assert files(tmp_path) == [path.name, f"{path.name}.manifest.json"]
    content = path.read_bytes()
    if file_format == "jsonl":
        assert content == b""
    elif file_format == "csv":
        with path.open(encoding="utf-8", newline="") as handle:
            assert list(csv.DictReader(handle)) == []
    else:
        import pyarrow.parquet as pq

        assert content.startswith(b"PAR1") and content.endswith(b"PAR1")
        assert pq.read_table(path).num_rows == 0
        assert pq.ParquetFile(path).metadata.num_rows == 0
    on_disk = json.loads(Path(f"{path}.manifest.json").read_text("utf-8"))
    assert on_disk == manifest
    assert manifest["rows"] == 0
    assert manifest["bytes"] == len(content)
    assert manifest["sha256"] == hashlib.sha256(content).hexdigest()
    assert manifest["api_calls"] == manifest["pages"] == 0
    assert manifest["mode"] == "window"
    assert conn.stats()["api_calls"] == 0


def test_an_empty_window_replaces_a_stale_file(conn: Sandbox, tmp_path: Path) -> None:
    """A rerun whose interval now holds no day leaves an empty file, not the old rows."""
    path = tmp_path / "out.jsonl"
    path.write_text('{"stale": true}\n', "utf-8")
    assert export("issuedinvoices", path, *MORNING)["rows"] == 0
    assert path.read_bytes() == b""
