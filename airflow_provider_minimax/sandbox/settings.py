"""The knobs of a sandbox: how strict, how big, how the service words its refusals."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from typing import Any, Literal

from .auth import Credentials, LoginErrorStyle

Scale = Literal["small", "demo", "bench"]
ErrorStyle = Literal["validation", "message", "text"]
LocationStyle = Literal["path", "query"]
SearchScope = Literal["wide", "narrow"]
ActionRowVersion = Literal["required", "optional"]
WriteAnswer = Literal["empty", "record", "no-content"]
BudgetAnswer = Literal["429", "message"]
SCALES: tuple[str, ...] = ("small", "demo", "bench")
# Every unknown of the API (reference.md) is a switch: a Settings field, a CLI flag (the name
# with dashes) and a run-time key. The first position is the default. Switches with a number
# take any value; the positions listed are the ones worth testing a client under.
SWITCHES: dict[str, tuple[object, ...]] = {
    "location_style": ("path", "query"),
    "search_scope": ("wide", "narrow"),
    "action_row_version": ("required", "optional"),
    "write_answer": ("empty", "record", "no-content"),
    "budget_answer": ("429", "message"),
    "login_error_style": ("oauth", "plain"),
    "error_style": ("validation", "message", "text"),
    "concurrency_status": (400, 409),
    "max_page_size": (1000, 100),
    "lockout_threshold": (5, 1),
}
# Switches whose value must be one of the positions (the others take any number).
_CHOICES = (
    "location_style",
    "search_scope",
    "action_row_version",
    "write_answer",
    "budget_answer",
    "login_error_style",
    "error_style",
    "concurrency_status",
)
# The settings a running sandbox may change (`Sandbox.configure`, PATCH /_sandbox/settings).
RUNTIME_SETTINGS = (
    *SWITCHES,
    "default_page_size",
    "request_budget",
    "budget_window",
    "monthly_budget",
    "clock_offset",
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
    # "path": Location …/customers/5; "query": …/customers?id=5 (ASP.NET's form when route
    # values do not fit the template). A GET of either form answers the record.
    location_style: LocationStyle = "path"
    # "wide": SearchString matches the fields a user expects per resource (catalogue
    # search_fields); "narrow": only Code and Name, on every resource.
    search_scope: SearchScope = "wide"
    # "required": a document action checks ?rowVersion= (missing: 400, stale or empty: the
    # concurrency error); "optional": an empty or missing rowVersion skips the check.
    action_row_version: ActionRowVersion = "required"
    # What PUT and DELETE answer: "empty" 200 without a body, "record" 200 with the record
    # (PUT: as updated; DELETE: as it was), "no-content" 204.
    write_answer: WriteAnswer = "empty"
    # Over the request budget: "429" with Retry-After, or "message": 400 with words, no header.
    budget_answer: BudgetAnswer = "429"
    request_budget: int | None = None  # API calls per organisation per window; None: no limit
    budget_window: int = 86_400  # seconds
    # API calls per organisation per calendar month (its country's time zone); None: no limit.
    monthly_budget: int | None = None
    # Seconds added to the budget's clock: a test steps over a window or a month's end with it.
    clock_offset: float = 0.0
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
        if self.budget_window < 1:
            raise ValueError("budget_window must be 1 second or more")
        for name in ("request_budget", "monthly_budget"):
            if getattr(self, name) is not None and getattr(self, name) < 0:
                raise ValueError(f"{name} must be 0 or more (None: no limit)")
        if self.lockout_threshold < 1:
            raise ValueError("lockout_threshold must be 1 or more")
        for name in _CHOICES:
            if getattr(self, name) not in SWITCHES[name]:
                raise ValueError(
                    f"{name} must be one of {SWITCHES[name]}, not {getattr(self, name)!r}"
                )


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
