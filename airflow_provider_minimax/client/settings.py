"""The range of every number a client is configured with, checked in one place.

A setting outside its range is a mistake that no retry cures (a timeout of `nan` seconds, 100,000
workers, a page size of 2.5), so it is refused before any call with a message naming the field,
the value and what to do. The table is the only place a range lives: a new numeric setting of
ClientConfig is one line here (a test asks that every numeric field has one).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

from .errors import MinimaxConfigurationError


@dataclass(frozen=True)
class Limit:
    """A setting's kind (whole number or any finite number), its range and its unit."""

    whole: bool
    low: float
    high: float | None = None  # None: no upper bound
    unit: str = ""  # said after the bounds: "seconds"
    unset: str = ""  # what leaving it out means, when that is not a number (None is allowed)

    def describe(self) -> str:
        unit = f" {self.unit}" if self.unit else ""
        bounds = (
            f"between {_number(self.low)} and {_number(self.high)}{unit}"
            if self.high is not None
            else f"{_number(self.low)}{unit} or more"
        )
        return f"{bounds} ({'a whole number' if self.whole else 'a finite number'})"


LIMITS: dict[str, Limit] = {
    "organisation_id": Limit(whole=True, low=1, unset="the only organisation the login reaches"),
    "page_size": Limit(whole=True, low=1, high=10_000),  # the service serves far fewer
    "timeout": Limit(whole=False, low=1, high=600, unit="seconds"),
    "max_retries": Limit(whole=True, low=0, high=10),  # more only hammers a failing service
    "backoff_initial": Limit(whole=False, low=0, high=60, unit="seconds"),
    "backoff_max": Limit(whole=False, low=0, high=600, unit="seconds"),
    "retry_after_cap": Limit(whole=False, low=0, high=3600, unit="seconds"),
    "max_calls": Limit(whole=True, low=1, unset="no budget"),
    # More parallel pages than this only earns 429s from one organisation's rate limit.
    "max_workers": Limit(whole=True, low=1, high=16),
    "renew_margin": Limit(whole=False, low=0, high=3600, unit="seconds"),
    # One exchange, request to last byte; unset: 3 timeouts, at least a minute.
    "deadline": Limit(
        whole=False, low=0.1, high=3600, unit="seconds", unset="3 timeouts (at least 60 seconds)"
    ),
    # Below 64 KiB even an error page's message would not fit; a real page is about 1 MB.
    "max_response_bytes": Limit(whole=True, low=64 * 1024, high=1024**3, unit="bytes"),
    # Minimax grants about 1,000 calls a day and 20,000 a month (reference.md, "Limits");
    # the upper bounds only catch a slipped digit.
    "daily_budget": Limit(whole=True, low=1, high=10_000_000, unit="calls"),
    "monthly_budget": Limit(whole=True, low=1, high=100_000_000, unit="calls"),
    "reserve": Limit(whole=True, low=0, high=10_000_000, unit="calls"),
    # The ledger counts in minutes: a shorter window could not be told apart.
    "budget_window": Limit(whole=True, low=60, high=31 * 86_400, unit="seconds"),
}


def _number(value: float | None) -> str:
    return f"{value:g}" if isinstance(value, float) else str(value)


def check(name: str, value: Any, default: Any) -> None:
    """Refuse `value` for the setting `name` unless it is of its kind and in its range."""
    limit = LIMITS[name]
    if value is None and limit.unset:
        return
    numeric = isinstance(value, (int, float)) and not isinstance(value, bool)
    fits = (
        numeric
        and (isinstance(value, int) or not limit.whole)
        and math.isfinite(value)
        and value >= limit.low
        and (limit.high is None or value <= limit.high)
    )
    if not fits:
        unit = f" {limit.unit}" if limit.unit else ""
        otherwise = limit.unset or f"the default, {_number(default)}{unit}"
        raise MinimaxConfigurationError(
            f"{name} must be {limit.describe()}, not {value!r}. "
            f"Set it in that range, or leave it out for {otherwise}."
        )


def from_text(name: str, value: Any) -> Any:
    """A connection's value of the setting `name` as a number (forms and URIs give text; JSON
    may give 1000.0 for 1000); the range is checked by ClientConfig."""
    if isinstance(value, str):
        text = value.strip()
        try:
            value = int(text)
        except ValueError:
            try:
                value = float(text)
            except ValueError:
                raise MinimaxConfigurationError(
                    f"{name} must be a number, {LIMITS[name].describe()}, not {value!r}."
                ) from None
    if LIMITS[name].whole and isinstance(value, float) and value.is_integer():
        return int(value)
    if not LIMITS[name].whole and isinstance(value, int) and not isinstance(value, bool):
        return float(value)
    return value
