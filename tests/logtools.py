"""What operators log, captured the same way on Airflow 3 (structlog) and Airflow 2 (logging).

Airflow 3's task code logs through structlog, which pytest's caplog does not see; Airflow 2's
logs through the stdlib `airflow.task` loggers. `operator_logs()` yields structlog-style event
dicts ({"event": text, "log_level": "info", ...}) either way.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from tests.dagtools import AIRFLOW_3


class _EventList(logging.Handler):
    def __init__(self, events: list[dict[str, Any]]) -> None:
        super().__init__(logging.DEBUG)
        self.events = events

    def emit(self, record: logging.LogRecord) -> None:
        self.events.append(
            {"event": record.getMessage(), "log_level": record.levelname.lower()} | vars(record)
        )


@contextmanager
def operator_logs() -> Iterator[list[dict[str, Any]]]:
    """The log events operators emit inside the block."""
    if AIRFLOW_3:
        from structlog.testing import capture_logs

        with capture_logs() as events:
            yield events
        return
    events: list[dict[str, Any]] = []
    handler = _EventList(events)
    logger = logging.getLogger("airflow.task")
    level = logger.level
    logger.addHandler(handler)
    logger.setLevel(logging.DEBUG)
    try:
        yield events
    finally:
        logger.removeHandler(handler)
        logger.setLevel(level)
