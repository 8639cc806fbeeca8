"""A local Minimax-compatible server for tests, demos and benchmarks.

It answers on the real paths (`/SI/AUT/oauth20/token`, `/SI/API/api/...`) with the vendor's record
shapes, and does what the real service does to careless clients: expires tokens, locks the
application after repeated wrong passwords, caps page sizes, refuses stale RowVersions. It shares
no code with the client (`airflow_provider_minimax.client`): it is the other side of the wire.

    python -m airflow_provider_minimax.sandbox --port 8765 --scale demo
"""

from .app import DEFAULT_ORGANISATION_ID, Sandbox
from .auth import Credentials
from .errors import CONCURRENCY_MESSAGE
from .faults import FaultRule
from .settings import Settings

__all__ = [
    "CONCURRENCY_MESSAGE",
    "DEFAULT_ORGANISATION_ID",
    "Credentials",
    "FaultRule",
    "Sandbox",
    "Settings",
]
