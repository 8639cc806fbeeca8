"""The manifest beside each file: what it holds, how it was made, and the task's XCom."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import pytest

import airflow_provider_minimax
from airflow_provider_minimax.sandbox import FaultRule, Sandbox
from tests.exports.helpers import FORMATS, expected, export, list_path, read_rows, utc

START, END = utc(2025, 11, 3), utc(2025, 11, 10)


@pytest.mark.parametrize("file_format", FORMATS)
def test_manifest_describes_the_file_beside_it(
    conn: Sandbox, tmp_path: Path, file_format: str
) -> None:
    """`<name>.manifest.json` holds resource, organisation, mode, window, rows, bytes, sha256,
    format, cost, base URL, sandbox and version; the returned XCom is the same document."""
    conn.configure(max_page_size=8)
    path = tmp_path / f"invoices.{file_format}"
    result = export("issuedinvoices", path, START, END, format=file_format)
    on_disk = json.loads((tmp_path / f"invoices.{file_format}.manifest.json").read_text("utf-8"))
    assert on_disk == result
    content = path.read_bytes()
    want = expected(conn, "issuedinvoices", START, END)
    pages = -(-len(want) // 8)
    assert result["resource"] == "issuedinvoices"
    assert result["organisation_id"] == 123
    assert result["mode"] == "window"
    assert result["window"] == {"first_day": "2025-11-03", "last_day": "2025-11-09"}
    assert result["rows"] == len(read_rows(path, file_format)) == len(want)
    assert result["bytes"] == len(content) == path.stat().st_size
    assert result["sha256"] == hashlib.sha256(content).hexdigest()
    assert result["format"] == file_format
    assert result["path"] == f"file://{path}"
    assert result["api_calls"] == result["pages"] == pages > 1
    assert result["retries"] == 0
    assert isinstance(result["seconds"], float) and 0 <= result["seconds"] < 60
    assert result["base_url"] == conn.base_url
    assert result["sandbox"] is True
    assert result["provider_version"] == airflow_provider_minimax.__version__
    assert sorted(p.name for p in tmp_path.iterdir()) == [
        f"invoices.{file_format}",
        f"invoices.{file_format}.manifest.json",
    ]


def test_manifest_counts_retries(conn: Sandbox, tmp_path: Path) -> None:
    """A page answered 503 once and then served: one retry, one more API call."""
    conn.add_fault(
        FaultRule("status", status=503, times=1, retry_after=0, path=list_path("issuedinvoices"))
    )
    result = export("issuedinvoices", tmp_path / "out.jsonl", START, END)
    assert result["retries"] == 1
    assert result["pages"] == 1 and result["api_calls"] == 2
    assert result["rows"] == len(expected(conn, "issuedinvoices", START, END))
