"""The organisation's request budget: calls per rolling window, as Minimax counts them.

Minimax allows about 1,000 requests per organisation per rolling 24 hours (reference.md,
"Limits"); the sandbox counts every API request to an organisation and refuses the one over the
limit with 429 and the seconds until the oldest counted call leaves the window.
"""

from __future__ import annotations

import collections
import math
import threading
import time
from collections.abc import Callable

from .errors import ApiError
from .settings import Settings


class RequestBudget:
    """Calls per organisation in the last `settings.budget_window` seconds."""

    def __init__(self, settings: Settings, clock: Callable[[], float] = time.monotonic) -> None:
        # The settings are read at each call: PATCH /_sandbox/settings changes them at run time.
        self.settings = settings
        self.clock = clock
        self._calls: dict[int, collections.deque[float]] = {}
        self._lock = threading.Lock()

    def spend(self, organisation_id: int) -> None:
        """Count one call, or raise the over-limit answer when the window is full."""
        limit = self.settings.request_budget
        if limit is None:
            return
        now = self.clock()
        window = self.settings.budget_window
        with self._lock:
            calls = self._calls.setdefault(organisation_id, collections.deque())
            while calls and calls[0] <= now - window:
                calls.popleft()
            if len(calls) >= limit:
                wait = max(1, math.ceil(calls[0] + window - now))
                raise ApiError(
                    429,
                    f"API request limit of {limit} calls per organisation exceeded.",
                    retry_after=wait,
                )
            calls.append(now)

    def reset(self) -> None:
        with self._lock:
            self._calls.clear()
