"""What the write guarantees and record checks need of MinimaxClient, and the rules they share.

create.py, update.py, actions.py and waits.py take the client as a `ClientAccess`, never as
MinimaxClient: they sit below client.py, which delegates to them, so that no import runs in a
circle. The client's private helpers belong to this contract on purpose: it is one between the
modules of this package, not a surface for callers.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterator
from typing import Any, Protocol

from .config import ClientConfig
from .errors import MinimaxConfigurationError
from .resources import ResourcePath
from .transport import Transport

Record = dict[str, Any]


class ClientAccess(Protocol):
    config: ClientConfig
    transport: Transport

    def _where(
        self, resource: str, organisation_id: int | str | None
    ) -> tuple[ResourcePath, int, str]: ...

    def _reachable(self, organisation_id: int) -> None: ...

    def _record(self, method: str, path: str, **kwargs: Any) -> Record: ...

    def get(
        self,
        resource: str,
        record_id: int | str,
        *,
        organisation_id: int | str | None = None,
        decimals: bool = False,
    ) -> Record: ...

    def get_by_code(
        self, resource: str, code: str, *, organisation_id: int | str | None = None, **params: Any
    ) -> Record: ...

    def list(
        self, resource: str, *, organisation_id: int | str | None = None, **filters: Any
    ) -> Iterator[Record]: ...


def calls_left(client: ClientAccess) -> int | None:
    """What this run's `max_calls` still allows (None: no cap): a plan checks it before its
    first call, so that it never stops half-way for want of calls."""
    cap = client.config.max_calls
    return None if cap is None else cap - client.transport.stats.api_calls


def format_filter(value: Any) -> str:
    """A filter value as the service reads it: dates as YYYY-MM-DD, date-times without offset."""
    if isinstance(value, datetime.datetime):
        return value.strftime("%Y-%m-%dT%H:%M:%S")
    if isinstance(value, datetime.date):
        return value.isoformat()
    return str(value)


def valid_record_id(value: int | str) -> int:
    """A record ID argument as the path needs it; anything else is refused before a call."""
    try:
        number = int(value)
    except (TypeError, ValueError):
        raise MinimaxConfigurationError(f"A record ID must be a number, not {value!r}.") from None
    if number < 1:
        raise MinimaxConfigurationError(f"A record ID must be positive, not {number}.")
    return number


def listed(organisations: list[Record]) -> str:
    """`123 Demo d.o.o., 124 Primer d.o.o.` to end a sentence: one full stop, even after a name
    that ends with one (most Slovenian company names do)."""
    text = ", ".join(f"{org['ID']} {org.get('Name')}" for org in organisations)
    return text if text.endswith(".") else f"{text}."
