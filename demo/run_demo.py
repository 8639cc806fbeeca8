"""`make demo`: the nightly export DAG, run once against a local sandbox, with a report.

1. starts the sandbox (demo scale: two organisations, a year of books) on a free port;
2. gives Airflow a temporary home (SQLite, no example DAGs) and runs `airflow db migrate`;
3. runs `airflow dags test minimax_daily_export <day>` with example_dags/ as the DAGs folder;
4. stops the sandbox and prints what was written: organisation, resource, rows, file, API calls.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from airflow_provider_minimax.sandbox.process import SandboxProcess

ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent


def run(command: list[str], env: dict[str, str], log: Path) -> None:
    with log.open("a") as out:
        done = subprocess.run(command, env=env, stdout=out, stderr=subprocess.STDOUT, check=False)
    if done.returncode != 0:
        print(log.read_text()[-4000:])
        raise SystemExit(f"{' '.join(command[:3])} failed (exit {done.returncode}); log: {log}")


def report(export_root: Path) -> int:
    manifests = sorted(export_root.rglob("*.manifest.json"))
    rows = [json.loads(path.read_text()) for path in manifests]
    print(
        f"\n{'organisation':>12}  {'resource':<26}{'format':<9}{'rows':>7}{'API calls':>11}  file"
    )
    for m in sorted(rows, key=lambda m: (m["organisation_id"], m["resource"], m["format"])):
        window = m.get("window") or {}
        print(
            f"{m['organisation_id']:>12}  {m['resource']:<26}{m['format']:<9}{m['rows']:>7}"
            f"{m['api_calls']:>11}  {Path(m['path'].removeprefix('file://')).relative_to(export_root)}"
            f"{'  (' + window['first_day'] + ')' if window else ''}"
        )
    total_rows = sum(m["rows"] for m in rows)
    total_calls = sum(m["api_calls"] for m in rows)
    print(f"\n{len(rows)} files, {total_rows} rows, {total_calls} API calls, in {export_root}")
    return len(rows)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--day", default="2025-06-16", help="the run's logical date (2025 has data)"
    )
    parser.add_argument("--out", default=str(ROOT / "out" / "demo"), help="where the files go")
    args = parser.parse_args()

    started = time.perf_counter()
    export_root = Path(args.out).resolve()
    airflow_home = Path(tempfile.mkdtemp(prefix="minimax-demo-airflow-"))
    log = airflow_home / "demo.log"
    print(f"Airflow home: {airflow_home} (log: {log})")
    with SandboxProcess("--scale", "demo") as sandbox:
        print("\n".join(f"  sandbox | {line}" for line in sandbox.lines))
        env = os.environ | {
            "AIRFLOW_HOME": str(airflow_home),
            "AIRFLOW__CORE__LOAD_EXAMPLES": "False",
            "AIRFLOW__CORE__DAGS_FOLDER": str(ROOT / "example_dags"),
            "AIRFLOW_CONN_MINIMAX_DEFAULT": sandbox.airflow_connection,
            "MINIMAX_EXPORT_ROOT": str(export_root),
        }
        print("airflow db migrate …")
        run([str(BIN / "airflow"), "db", "migrate"], env, log)
        print(f"airflow dags test minimax_daily_export {args.day} …")
        run([str(BIN / "airflow"), "dags", "test", "minimax_daily_export", args.day], env, log)
    files = report(export_root)
    print(f"Done in {time.perf_counter() - started:.0f} s.")
    return 0 if files else 1


if __name__ == "__main__":
    sys.exit(main())
