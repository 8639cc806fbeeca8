"""Fault injection: the ways a real service and network let a client down.

A rule picks requests (method, path pattern), fires once, a number of times, or with a
probability, and does one thing: answer with a status, add latency, reset the connection before
answering, commit a write but drop its answer, send half a body, or send an HTML error page.
Randomness comes from a seeded generator so a failing schedule can be replayed.
"""

from __future__ import annotations

import random
import re
import threading
from dataclasses import asdict, dataclass, field
from typing import Any, Literal

Effect = Literal["status", "latency", "reset", "drop_response", "truncate", "html"]
EFFECTS: tuple[str, ...] = ("status", "latency", "reset", "drop_response", "truncate", "html")


@dataclass
class FaultRule:
    effect: Effect
    status: int = 503  # for "status" and "html"
    probability: float = 1.0
    times: int | None = None  # None: every matching request (subject to probability)
    method: str | None = None  # e.g. "POST"; None: any method
    path: str = "/api/"  # a regular expression searched in the request path, case-insensitive
    latency_ms: int = 0  # for "latency"
    retry_after: int | None = 1  # seconds, sent with 429 and 503
    fired: int = 0

    def __post_init__(self) -> None:
        if self.effect not in EFFECTS:
            raise ValueError(f"unknown fault effect {self.effect!r}; choose one of {EFFECTS}")
        if not 0.0 <= self.probability <= 1.0:
            raise ValueError("probability must be between 0 and 1")
        re.compile(self.path)

    def applies_to(self, method: str, path: str) -> bool:
        if self.times is not None and self.fired >= self.times:
            return False
        if self.method and self.method.upper() != method.upper():
            return False
        return re.search(self.path, path, re.IGNORECASE) is not None

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


def parse_rule(text: str) -> FaultRule:
    """A rule from the command line: `effect[:key=value,...]`, or `STATUS[:probability]`.

    Examples: `503`, `429:0.1`, `reset:times=1,method=POST`, `latency:latency_ms=50`.
    """
    head, _, tail = text.partition(":")
    if head.isdigit():
        probability = float(tail) if tail else 1.0
        return FaultRule("status", status=int(head), probability=probability)
    options: dict[str, Any] = {}
    for item in filter(None, tail.split(",")):
        key, _, value = item.partition("=")
        options[key.strip()] = _option_value(key.strip(), value.strip())
    return FaultRule(head, **options)  # type: ignore[arg-type]


def _option_value(key: str, value: str) -> Any:
    if key in ("status", "times", "latency_ms", "retry_after"):
        return int(value)
    if key == "probability":
        return float(value)
    return value


@dataclass
class FaultInjector:
    rules: list[FaultRule] = field(default_factory=list)
    seed: int = 0
    injected: dict[str, int] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self._random = random.Random(self.seed)
        self._lock = threading.Lock()

    def add(self, rule: FaultRule) -> None:
        with self._lock:
            self.rules.append(rule)

    def clear(self) -> None:
        with self._lock:
            self.rules.clear()

    def pick(self, method: str, path: str) -> list[FaultRule]:
        """The rules that fire for this request (each counted as fired)."""
        chosen = []
        with self._lock:
            for rule in self.rules:
                if not rule.applies_to(method, path):
                    continue
                if rule.probability < 1.0 and self._random.random() >= rule.probability:
                    continue
                rule.fired += 1
                self.injected[rule.effect] = self.injected.get(rule.effect, 0) + 1
                chosen.append(rule)
        return chosen
