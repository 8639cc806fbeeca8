"""The Airflow versions this provider supports, checked before anything Airflow-facing loads.

Read from the installed distribution's metadata (no `import airflow`), so the client and the
sandbox stay free of Airflow and the check costs next to nothing at DAG-parse time.
"""

from __future__ import annotations

import re
from importlib.metadata import PackageNotFoundError, version

MINIMUM_AIRFLOW = (2, 11)


def airflow_version() -> str | None:
    for distribution in ("apache-airflow", "apache-airflow-core"):
        try:
            return version(distribution)
        except PackageNotFoundError:
            continue
    return None


def check_airflow_version(installed: str | None = None) -> None:
    """Refuse an Airflow older than 2.11 with a message that says what to do."""
    found = installed if installed is not None else airflow_version()
    if found is None:
        return  # no Airflow distribution metadata (a source checkout): let imports decide
    match = re.match(r"(\d+)\.(\d+)", found)
    if match and (int(match.group(1)), int(match.group(2))) < MINIMUM_AIRFLOW:
        floor = ".".join(map(str, MINIMUM_AIRFLOW))
        raise RuntimeError(
            f"airflow-provider-minimax needs Apache Airflow >= {floor}; this environment has "
            f"{found}. Upgrade Airflow (pip install 'apache-airflow>={floor}')."
        )
