"""A running sandbox: the server thread, the world it serves, and the handles tests use.

with Sandbox(seed=1, scale="small") as sandbox:
    sandbox.base_url            # http://127.0.0.1:PORT/SI/
    sandbox.airflow_connection  # the JSON an AIRFLOW_CONN_MINIMAX_DEFAULT variable takes
    sandbox.add_fault(FaultRule("status", status=503, times=1))
    sandbox.stats()["by_route"]
"""

from __future__ import annotations

import dataclasses
import json
import threading
from types import TracebackType
from typing import Any

from . import admin
from .faults import FaultInjector, FaultRule
from .server import SandboxHTTPServer
from .service import Request, Response, Service
from .settings import Settings
from .store import Store
from .world import build_store

DEFAULT_ORGANISATION_ID = 123


class Sandbox:
    """A Minimax-compatible server on 127.0.0.1, in a background thread of this process."""

    def __init__(
        self,
        settings: Settings | None = None,
        *,
        host: str = "127.0.0.1",
        port: int = 0,
        verbose: bool = False,
        faults: list[FaultRule] | None = None,
        **overrides: Any,
    ) -> None:
        self._initial_settings = dataclasses.replace(settings or Settings(), **overrides)
        self.settings = dataclasses.replace(self._initial_settings)
        self.verbose = verbose
        self._initial_faults = list(faults or [])
        self._httpd = SandboxHTTPServer((host, port), self)
        self.host = host
        self.port: int = self._httpd.server_address[1]
        self._thread: threading.Thread | None = None
        self._build()

    def _build(self) -> None:
        self.store: Store = build_store(self.settings, self.base_url)
        self.store.writes = 0
        self.faults = FaultInjector([dataclasses.replace(r) for r in self._initial_faults])
        self.service = Service(self.settings, self.store, self.faults)

    # -- addresses and credentials ------------------------------------------------------------

    @property
    def root_url(self) -> str:
        return f"http://{self.host}:{self.port}"

    @property
    def base_url(self) -> str:
        """What a connection's host field takes: the country's base, like https://moj.minimax.si/SI/."""
        return f"{self.root_url}/{self.settings.country}/"

    @property
    def api_url(self) -> str:
        return f"{self.base_url}API/"

    @property
    def token_url(self) -> str:
        return f"{self.base_url}AUT/oauth20/token"

    @property
    def connection(self) -> dict[str, Any]:
        """An Airflow connection for this sandbox (the `minimax` connection type)."""
        creds = self.settings.credentials
        return {
            "conn_type": "minimax",
            "host": self.base_url,
            "login": creds.username,
            "password": creds.password,
            "extra": {
                "client_id": creds.client_id,
                "client_secret": creds.client_secret,
                "organisation_id": DEFAULT_ORGANISATION_ID,
                "country": self.settings.country,
            },
        }

    @property
    def airflow_connection(self) -> str:
        """The value for `AIRFLOW_CONN_MINIMAX_DEFAULT` (Airflow's JSON connection form)."""
        return json.dumps(self.connection, separators=(",", ":"))

    def info(self) -> dict[str, Any]:
        return {
            "base_url": self.base_url,
            "token_url": self.token_url,
            "country": self.settings.country,
            "scale": self.settings.scale,
            "seed": self.settings.seed,
            "connection": self.connection,
            "organisations": [
                {"id": org.id, "title": org.title, "api_access": org.api_access}
                for org in self.store.organisations.values()
            ],
        }

    # -- control ----------------------------------------------------------------------------------

    def stats(self) -> dict[str, Any]:
        authority = self.service.authority
        return self.service.stats.as_dict() | {
            "token_requests": authority.token_requests,
            "rejected_logins": authority.rejected_logins,
            "locked_applications": len(authority.locked),
            "faults_injected": dict(self.faults.injected),
        }

    def reset_stats(self) -> None:
        authority = self.service.authority
        self.service.stats = type(self.service.stats)()
        authority.token_requests = authority.rejected_logins = 0
        self.faults.injected.clear()

    def reset(self) -> None:
        """Back to the initial world: data, settings, counters, faults, tokens and locks."""
        with self.store.lock:
            self.settings = dataclasses.replace(self._initial_settings)
            self._build()

    def reset_if_used(self) -> None:
        """Reset, rebuilding the data only if something was written (cheap between tests)."""
        if self.store.writes:
            self.reset()
            return
        # Everything but the data is rebuilt: settings, faults, tokens, locks, budget, counters.
        self.settings = dataclasses.replace(self._initial_settings)
        self.faults = FaultInjector([dataclasses.replace(r) for r in self._initial_faults])
        self.service = Service(self.settings, self.store, self.faults)

    def add_fault(self, rule: FaultRule) -> FaultRule:
        self.faults.add(rule)
        return rule

    def clear_faults(self) -> None:
        self.faults.clear()

    def configure(self, **changes: Any) -> dict[str, Any]:
        """Change run-time settings (page cap, error styles, budget …); returns them all."""
        unknown = set(changes) - set(admin.RUNTIME_SETTINGS)
        if unknown:
            raise ValueError(f"not a run-time setting: {sorted(unknown)}")
        updated = dataclasses.replace(self.settings, **changes)
        for name in changes:
            setattr(self.settings, name, getattr(updated, name))
        if "request_budget" in changes or "budget_window" in changes:
            self.service.reset_budget()
        return {name: getattr(self.settings, name) for name in admin.RUNTIME_SETTINGS}

    def admin(self, request: Request) -> Response:
        return admin.handle(self, request)

    # -- lifecycle --------------------------------------------------------------------------------

    def start(self) -> Sandbox:
        if self._thread is None:
            self._thread = threading.Thread(
                target=self._httpd.serve_forever, name="minimax-sandbox", daemon=True
            )
            self._thread.start()
        return self

    def serve_forever(self) -> None:
        self._httpd.serve_forever()

    def stop(self) -> None:
        self._httpd.shutdown()
        self._httpd.server_close()
        if self._thread is not None:
            self._thread.join(timeout=5)
            self._thread = None

    def __enter__(self) -> Sandbox:
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.stop()
