"""A local Minimax-compatible server for tests, demos and benchmarks.

It answers on the real paths (`/SI/AUT/oauth20/token`, `/SI/API/api/...`) with the vendor's record
shapes, and does what the real service does to careless clients: expires tokens, locks the
application after repeated wrong passwords, caps page sizes, refuses stale RowVersions. It shares
no code with the client (`airflow_provider_minimax.client`): it is the other side of the wire.

    python -m airflow_provider_minimax.sandbox --port 8765 --scale demo
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .app import DEFAULT_ORGANISATION_ID, Sandbox
    from .auth import Credentials
    from .errors import CONCURRENCY_MESSAGE
    from .faults import FaultRule
    from .settings import Settings

# The names are imported on first use: the pytest plugin (pytest_plugin.py) lives in this
# package, and every pytest run of an environment with the provider installed loads it.
_HOMES = {
    "CONCURRENCY_MESSAGE": "errors",
    "DEFAULT_ORGANISATION_ID": "app",
    "Credentials": "auth",
    "FaultRule": "faults",
    "Sandbox": "app",
    "Settings": "settings",
}

__all__ = [
    "CONCURRENCY_MESSAGE",
    "DEFAULT_ORGANISATION_ID",
    "Credentials",
    "FaultRule",
    "Sandbox",
    "Settings",
]


def __getattr__(name: str) -> Any:
    home = _HOMES.get(name)
    if home is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(f".{home}", __name__), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(__all__))
