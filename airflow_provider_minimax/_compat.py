"""The Airflow versions this provider supports, checked before anything Airflow-facing loads.

Only the Airflow-facing packages (hooks, operators, sensors, triggers) call it; they import
Airflow anyway, so reading `airflow.__version__` costs nothing at DAG-parse time (looking the
version up in the installed distributions' metadata would cost ~50 ms a parse). The client and
the sandbox never import this module.
"""

from __future__ import annotations

import re

MINIMUM_AIRFLOW = (2, 11)


def airflow_version() -> str | None:
    try:
        import airflow
    except ImportError:
        return None
    found = getattr(airflow, "__version__", None)
    return str(found) if found else None


def check_airflow_version(installed: str | None = None) -> None:
    """Refuse an Airflow older than 2.11 with a message that says what to do."""
    found = installed if installed is not None else airflow_version()
    if found is None:
        return  # no Airflow at all: the imports that follow will say so
    match = re.match(r"(\d+)\.(\d+)", found)
    if match and (int(match.group(1)), int(match.group(2))) < MINIMUM_AIRFLOW:
        floor = ".".join(map(str, MINIMUM_AIRFLOW))
        raise RuntimeError(
            f"airflow-provider-minimax needs Apache Airflow >= {floor}; this environment has "
            f"{found}. Upgrade Airflow (pip install 'apache-airflow>={floor}')."
        )
