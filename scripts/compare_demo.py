"""Do the demo's data files still carry the same records as at an earlier commit?

    .venv/bin/python scripts/compare_demo.py --base b60635f

Runs `demo/run_demo.py` twice with this virtual environment: once in a temporary git worktree of
`--base` (its code shadowing the installed package through PYTHONPATH), once in this checkout.
Then compares every data file the two runs wrote (manifests aside: they hold timings), record by
record, after normalising the one thing that differs by design: the sandbox's port in URLs.
Parquet files are compared by their rows, since a port of another length moves their bytes.
Exit status 0: equal; 1: a difference, which is printed.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
PORT = re.compile(r"(127\.0\.0\.1|localhost):[0-9]+")


def run_demo(checkout: Path, out: Path) -> None:
    env = os.environ | {"PYTHONPATH": str(checkout)}
    done = subprocess.run(
        [sys.executable, str(checkout / "demo" / "run_demo.py"), "--out", str(out)],
        cwd=checkout,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    if done.returncode != 0:
        raise SystemExit(f"the demo failed in {checkout}:\n{done.stdout[-3000:]}{done.stderr}")


def records(path: Path) -> list[str]:
    """The file's records as normalised text lines, one per record (CSV: one per line)."""
    if path.suffix == ".parquet":
        import pyarrow.parquet as pq

        rows = pq.read_table(path).to_pylist()
        lines = [json.dumps(row, sort_keys=True, default=str) for row in rows]
    else:
        lines = path.read_text(encoding="utf-8").splitlines()
    return [PORT.sub(r"\1:PORT", line) for line in lines]


def data_files(root: Path) -> dict[str, Path]:
    return {
        str(path.relative_to(root)): path
        for path in sorted(root.rglob("*"))
        if path.is_file() and not path.name.endswith(".manifest.json")
    }


def compare(before: Path, after: Path) -> list[str]:
    old, new = data_files(before), data_files(after)
    problems = [f"only at the base: {name}" for name in sorted(old.keys() - new.keys())]
    problems += [f"only now: {name}" for name in sorted(new.keys() - old.keys())]
    for name in sorted(old.keys() & new.keys()):
        old_records, new_records = records(old[name]), records(new[name])
        if old_records != new_records:
            first = next(
                (
                    i
                    for i, (a, b) in enumerate(zip(old_records, new_records, strict=False))
                    if a != b
                ),
                min(len(old_records), len(new_records)),
            )
            problems.append(
                f"{name}: {len(old_records)} records at the base, {len(new_records)} now; "
                f"first difference at record {first + 1}"
            )
    return problems


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--base", required=True, help="the commit to compare with")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="minimax-compare-demo-") as scratch:
        work = Path(scratch)
        base = work / "base"
        subprocess.run(
            ["git", "-C", str(ROOT), "worktree", "add", "--detach", "-q", str(base), args.base],
            check=True,
        )
        try:
            run_demo(base, work / "out-base")
        finally:
            subprocess.run(
                ["git", "-C", str(ROOT), "worktree", "remove", "--force", str(base)], check=False
            )
        run_demo(ROOT, work / "out-now")
        problems = compare(work / "out-base", work / "out-now")
        files: dict[str, Any] = data_files(work / "out-now")
    for line in problems:
        print(line)
    print(f"{len(files)} data files compared with {args.base}: {len(problems)} differences")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
