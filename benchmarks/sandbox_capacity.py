"""How fast the sandbox serves a large general ledger, and how much memory it takes doing it.

Two servers, side by side, runs alternated (A B A B …), the same client loop against each:

  A  the sandbox (`python -m airflow_provider_minimax.sandbox --scale bench`), listing every
     page of `journals/journal-entries` in the bench organisation (a generated ledger);
  B  the baseline: the standard library's threading HTTP/1.1 server answering every page with
     pre-built bytes of the same size, i.e. the ceiling of the server stack the sandbox uses.

The client is a pooled `requests.Session` that parses every page, as a real client would. The
sandbox's peak resident memory is read from /proc after the runs. Goal (issue 2): at least
20,000 rows/s over a 1,000,000-row listing, under 1 GB resident.

    make bench-sandbox      # full: 1,000,000 rows, 3 runs each
    .venv/bin/python benchmarks/sandbox_capacity.py --rows 100000 --repeats 2   # quick
"""

from __future__ import annotations

import argparse
import datetime
import json
import os
import platform
import statistics
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import requests

from airflow_provider_minimax.sandbox.auth import Credentials
from airflow_provider_minimax.sandbox.process import SandboxProcess

RESULTS = Path(__file__).parent / "results"
GOAL_ROWS_PER_SECOND = 20_000
GOAL_RSS_MB = 1024


def token(base_url: str) -> str:
    form = Credentials().token_form()  # the sandbox's default login
    answer = requests.post(base_url + "AUT/oauth20/token", data=form, timeout=30)
    answer.raise_for_status()
    return str(answer.json()["access_token"])


def fetch_all(session: requests.Session, url: str, headers: dict[str, str], page_size: int) -> int:
    """Every page of a list, parsed; returns the rows received (checked against TotalRows)."""
    received, page = 0, 1
    while True:
        answer = session.get(
            url, params={"CurrentPage": page, "PageSize": page_size}, headers=headers, timeout=60
        )
        answer.raise_for_status()
        body = answer.json()
        received += len(body["Rows"])
        if not body["Rows"] or received >= body["TotalRows"]:
            if received != body["TotalRows"]:
                raise RuntimeError(f"received {received} rows of {body['TotalRows']}")
            return received
        page += 1


class StaticPages(BaseHTTPRequestHandler):
    """Baseline: the same server stack answering every request with the same page bytes."""

    protocol_version = "HTTP/1.1"
    body = b""
    pages = 0

    def log_message(self, format: str, *args: Any) -> None:
        pass

    def do_GET(self) -> None:
        page = int(self.path.split("CurrentPage=")[1].split("&")[0])
        payload = self.body if page <= self.pages else b'{"Rows":[],"TotalRows":0}'
        self.send_response(200)
        self.send_header("Content-Type", "application/json; charset=utf-8")
        self.send_header("Content-Length", str(len(payload)))
        self.end_headers()
        self.wfile.write(payload)


def start_baseline(sample_page: bytes, pages: int) -> ThreadingHTTPServer:
    StaticPages.body, StaticPages.pages = sample_page, pages
    server = ThreadingHTTPServer(("127.0.0.1", 0), StaticPages)
    server.daemon_threads = True
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


def peak_rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--page-size", type=int, default=1000)
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--results-dir", default=str(RESULTS), help="where the JSON goes")
    args = parser.parse_args()

    server = SandboxProcess(
        "--scale", "bench", "--ledger-rows", str(args.rows), "--max-page-size", str(args.page_size)
    )
    with server:
        base_url = server.base_url
        headers = {"Authorization": f"Bearer {token(base_url)}"}
        url = base_url + "API/api/orgs/126/journals/journal-entries"
        session = requests.Session()
        sample = session.get(
            url, params={"CurrentPage": 1, "PageSize": args.page_size}, headers=headers, timeout=60
        )
        # The baseline serves pages that claim the same total, so the client loop is identical.
        sample_body = json.loads(sample.content)
        total = sample_body["TotalRows"]
        pages = -(-total // args.page_size)
        baseline = start_baseline(sample.content, pages)
        baseline_url = f"http://127.0.0.1:{baseline.server_address[1]}/list"

        runs: dict[str, list[float]] = {"sandbox": [], "baseline": []}
        for _ in range(args.repeats):
            for name, target in (("sandbox", url), ("baseline", baseline_url)):
                started = time.perf_counter()
                rows = fetch_all(session, target, headers, args.page_size)
                runs[name].append(rows / (time.perf_counter() - started))
        rss = peak_rss_mb(server.pid)
        baseline.shutdown()

    sandbox_rate = statistics.median(runs["sandbox"])
    baseline_rate = statistics.median(runs["baseline"])
    ratios = [a / b for a, b in zip(runs["sandbox"], runs["baseline"], strict=True)]
    result = {
        "benchmark": "sandbox_capacity",
        "date": datetime.datetime.now(datetime.timezone.utc).isoformat(timespec="seconds"),
        "rows": total,
        "page_size": args.page_size,
        "repeats": args.repeats,
        "sandbox_rows_per_s": runs["sandbox"],
        "baseline_rows_per_s": runs["baseline"],
        "median_sandbox_rows_per_s": round(sandbox_rate),
        "median_baseline_rows_per_s": round(baseline_rate),
        "median_ratio_sandbox_to_baseline": round(statistics.median(ratios), 3),
        "sandbox_peak_rss_mb": round(rss, 1),
        "goal_rows_per_s": GOAL_ROWS_PER_SECOND,
        "goal_rss_mb": GOAL_RSS_MB,
        "goal_met": sandbox_rate >= GOAL_ROWS_PER_SECOND and rss < GOAL_RSS_MB,
        "machine": f"{platform.machine()}, {os.cpu_count()} cores, {platform.system()}",
        "python": platform.python_version(),
        "requests": requests.__version__,
    }
    results_dir = Path(args.results_dir)
    results_dir.mkdir(parents=True, exist_ok=True)
    out = results_dir / f"sandbox-capacity-{datetime.date.today().isoformat()}.json"
    out.write_text(json.dumps(result, indent=2) + "\n")

    print("| measure | sandbox | baseline (static pages) | ratio | goal |")
    print("|---|---|---|---|---|")
    print(
        f"| rows/s, median of {args.repeats} ({total:,} rows, pages of {args.page_size}) "
        f"| {sandbox_rate:,.0f} | {baseline_rate:,.0f} | {statistics.median(ratios):.2f} "
        f"| >= {GOAL_ROWS_PER_SECOND:,} "
        f"{'met' if sandbox_rate >= GOAL_ROWS_PER_SECOND else 'MISSED'} |"
    )
    print(
        f"| peak resident memory of the server | {rss:,.0f} MB | | | < {GOAL_RSS_MB} MB "
        f"{'met' if rss < GOAL_RSS_MB else 'MISSED'} |"
    )
    print(f"results: {out}")
    return 0 if result["goal_met"] else 1


if __name__ == "__main__":
    sys.exit(main())
