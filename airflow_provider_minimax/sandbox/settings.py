"""The knobs of a sandbox: how strict, how big, how the service words its refusals."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from typing import Any, Literal

from .auth import Credentials, LoginErrorStyle

Scale = Literal["small", "demo", "bench"]
ErrorStyle = Literal["validation", "message", "text"]
SCALES: tuple[str, ...] = ("small", "demo", "bench")
# The settings a running sandbox may change (`Sandbox.configure`, PATCH /_sandbox/settings).
RUNTIME_SETTINGS = (
    "max_page_size",
    "default_page_size",
    "error_style",
    "login_error_style",
    "concurrency_status",
    "request_budget",
    "budget_window",
)


@dataclass
class Settings:
    seed: int = 1
    scale: Scale = "small"
    country: str = "SI"  # which instance this is: paths start with /SI/, /HR/ or /RS/
    credentials: Credentials = field(default_factory=Credentials)
    token_lifetime: int = 3600  # seconds
    lockout_threshold: int = 5  # consecutive failed logins that lock the application
    login_error_style: LoginErrorStyle = "oauth"  # "oauth": JSON error; "plain": text Bad Request
    error_style: ErrorStyle = "validation"  # body of a 4xx: see service.error_response
    concurrency_status: int = 400  # the status of a stale RowVersion (409 is the other guess)
    default_page_size: int = 100
    max_page_size: int = 1000  # larger PageSize values are silently capped
    request_budget: int | None = None  # API calls per organisation per window; None: no limit
    budget_window: int = 86_400  # seconds
    ledger_rows: int = 1_000_000  # journal entries of the bench organisation (scale "bench")
    first_day: str | None = None  # first day of generated documents (YYYY-MM-DD)
    days: int | None = None  # how many days of documents; default by scale

    def __post_init__(self) -> None:
        if self.scale not in SCALES:
            raise ValueError(f"scale must be one of {SCALES}, not {self.scale!r}")
        self.country = self.country.upper()
        if self.country not in ("SI", "HR", "RS"):
            raise ValueError(f"country must be SI, HR or RS, not {self.country!r}")
        if self.max_page_size < 1 or self.default_page_size < 1:
            raise ValueError("page sizes must be 1 or more")


def configure(settings: Settings, **changes: Any) -> dict[str, Any]:
    """Change run-time settings in place (checked as a new Settings would be); returns them all.

    Anything but a run-time setting is refused with ValueError, and nothing is changed then.
    """
    unknown = set(changes) - set(RUNTIME_SETTINGS)
    if unknown:
        raise ValueError(f"not a run-time setting: {sorted(unknown)}")
    updated = dataclasses.replace(settings, **changes)
    for name in changes:
        setattr(settings, name, getattr(updated, name))
    return {name: getattr(settings, name) for name in RUNTIME_SETTINGS}
