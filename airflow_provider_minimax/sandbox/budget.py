"""The organisation's request budget: calls per rolling window, as Minimax counts them.

Minimax allows about 1,000 requests per organisation per rolling 24 hours (reference.md,
"Limits"); the sandbox counts every API request to an organisation and refuses the one over the
limit. How the service refuses it is not published, so it is a switch (`budget_answer`): "429"
with the seconds until the oldest counted call leaves the window in `Retry-After`, or "message":
a 400 whose words (Slovenian, then English, as the service words its own messages) are all a
client gets, with no hint of when to come back.
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
                if self.settings.budget_answer == "message":
                    raise ApiError(400, over_limit_message(limit, window))
                raise ApiError(
                    429,
                    f"API request limit of {limit} calls per organisation exceeded.",
                    retry_after=wait,
                )
            calls.append(now)

    def reset(self) -> None:
        with self._lock:
            self._calls.clear()


def over_limit_message(limit: int, window: int) -> str:
    """The words of the "message" answer: the sandbox's guess, documented in docs/fidelity.md."""
    hours = f"{window / 3600:g}"
    return (
        f"Presežena je omejitev števila klicev API ({limit} klicev na organizacijo v {hours} h). "
        f"API call limit exceeded ({limit} calls per organisation in {hours} h)."
    )
