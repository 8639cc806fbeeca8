"""An Airflow connection of type `minimax` read into a ClientConfig, with clear errors."""

from __future__ import annotations

import logging
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from airflow_provider_minimax.client import ClientConfig, Credentials, MinimaxConfigurationError
from airflow_provider_minimax.client.settings import LIMITS, from_text
from airflow_provider_minimax.get_provider_info import CONNECTION_EXTRAS

# The hook's logger, as before this moved out of it: log settings made for it still apply.
log = logging.getLogger("airflow_provider_minimax.hooks.minimax")

# The numeric settings a connection may set: those of the client's table it accepts in extra.
_NUMERIC_EXTRAS = tuple(name for name in LIMITS if name in CONNECTION_EXTRAS)


def extra_field(extra: Mapping[str, Any], name: str) -> Any:
    """An extra field, also under the `extra__minimax__` prefix older Airflow UIs wrote."""
    value = extra.get(name)
    if value in (None, ""):
        value = extra.get(f"extra__minimax__{name}")
    return None if value == "" else value


def config_from_connection(conn: Any, organisation_id: int | str | None = None) -> ClientConfig:
    """A ClientConfig from an Airflow Connection of type `minimax`; clear errors when incomplete."""
    extra: Mapping[str, Any] = conn.extra_dejson or {}
    unknown = sorted(
        key.removeprefix("extra__minimax__")
        for key in extra
        if key.removeprefix("extra__minimax__") not in CONNECTION_EXTRAS
    )
    if unknown:
        log.warning(
            "Connection %s has extra fields the Minimax provider does not use: %s",
            conn.conn_id,
            ", ".join(unknown),
        )
    options: dict[str, Any] = {}
    try:
        for name in _NUMERIC_EXTRAS:
            value = extra_field(extra, name)
            if value is not None:
                options[name] = from_text(name, value)
    except MinimaxConfigurationError as error:
        raise MinimaxConfigurationError(f"Connection {conn.conn_id}: extra {error}") from None
    if organisation_id not in (None, ""):
        try:
            options["organisation_id"] = int(organisation_id)
        except (TypeError, ValueError):
            raise MinimaxConfigurationError(
                f"organisation_id must be a number, not {organisation_id!r}."
            ) from None
    guard_dir = extra_field(extra, "guard_dir")
    ledger_dir = extra_field(extra, "ledger_dir")
    store = extra_field(extra, "budget_store")
    if store is not None:
        options["budget_store"] = str(store).strip().lower()
    try:
        credentials = Credentials(
            client_id=str(extra_field(extra, "client_id") or ""),
            client_secret=str(extra_field(extra, "client_secret") or ""),
            username=conn.login or "",
            password=conn.password or "",
        )
    except MinimaxConfigurationError as error:
        raise MinimaxConfigurationError(f"Connection {conn.conn_id}: {error}") from None
    try:
        return ClientConfig(
            credentials=credentials,
            base_url=_base_url(conn, extra_field(extra, "country")),
            scope=extra_field(extra, "scope"),
            guard_dir=Path(guard_dir) if guard_dir else None,
            ledger_dir=Path(ledger_dir) if ledger_dir else None,
            **options,
        )
    except MinimaxConfigurationError as error:
        raise MinimaxConfigurationError(f"Connection {conn.conn_id}: {error}") from None


def _base_url(conn: Any, country: str | None) -> str:
    """The base URL from the Host field; a bare host name (URI-form connections) is completed.

    `minimax://user:pw@moj.minimax.si/SI` arrives as host `moj.minimax.si` and schema `SI`; a
    host typed as `moj.minimax.si/SI` already has its path, which must not be added twice.
    """
    from airflow_provider_minimax.client.config import COUNTRY_BASE_URLS, normalise_base_url

    host = (conn.host or "").strip()
    if host and "://" not in host and "/" not in host.strip("/"):
        segment = (conn.schema or "").strip("/").upper()
        if segment not in COUNTRY_BASE_URLS:
            segment = (country or "SI").strip().upper()
        port = f":{conn.port}" if conn.port else ""
        host = f"{host.strip('/')}{port}/{segment}/"
    return normalise_base_url(host or None, country)
