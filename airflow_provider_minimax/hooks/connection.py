"""An Airflow connection of type `minimax` read into a ClientConfig, with clear errors."""

from __future__ import annotations

import logging
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from airflow_provider_minimax.client import ClientConfig, Credentials, MinimaxConfigurationError
from airflow_provider_minimax.get_provider_info import CONNECTION_EXTRAS

# The hook's logger, as before this moved out of it: log settings made for it still apply.
log = logging.getLogger("airflow_provider_minimax.hooks.minimax")

_INT_EXTRAS = (
    "organisation_id",
    "page_size",
    "max_retries",
    "max_calls",
    "max_workers",
    "max_response_bytes",
)
_FLOAT_EXTRAS = ("timeout", "deadline")


def _extra(extra: Mapping[str, Any], name: str) -> Any:
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
    for name in _INT_EXTRAS + _FLOAT_EXTRAS:
        value = _extra(extra, name)
        if value is None:
            continue
        try:
            options[name] = float(value) if name in _FLOAT_EXTRAS else int(value)
        except (TypeError, ValueError):
            raise MinimaxConfigurationError(
                f"Connection {conn.conn_id}: extra {name} must be a number, not {value!r}."
            ) from None
    if organisation_id not in (None, ""):
        try:
            options["organisation_id"] = int(organisation_id)
        except (TypeError, ValueError):
            raise MinimaxConfigurationError(
                f"organisation_id must be a number, not {organisation_id!r}."
            ) from None
    guard_dir = _extra(extra, "guard_dir")
    try:
        credentials = Credentials(
            client_id=str(_extra(extra, "client_id") or ""),
            client_secret=str(_extra(extra, "client_secret") or ""),
            username=conn.login or "",
            password=conn.password or "",
        )
    except MinimaxConfigurationError as error:
        raise MinimaxConfigurationError(f"Connection {conn.conn_id}: {error}") from None
    try:
        return ClientConfig(
            credentials=credentials,
            base_url=_base_url(conn, _extra(extra, "country")),
            scope=_extra(extra, "scope"),
            guard_dir=Path(guard_dir) if guard_dir else None,
            **options,
        )
    except MinimaxConfigurationError as error:
        raise MinimaxConfigurationError(f"Connection {conn.conn_id}: {error}") from None


def _base_url(conn: Any, country: str | None) -> str:
    """The base URL from the Host field; a bare host name (URI-form connections) is completed.

    `minimax://user:pw@moj.minimax.si/SI` arrives as host `moj.minimax.si` and schema `SI`.
    """
    from airflow_provider_minimax.client.config import COUNTRY_BASE_URLS, normalise_base_url

    host = (conn.host or "").strip()
    if host and "://" not in host:
        scheme = "http" if host in ("localhost", "127.0.0.1", "::1") else "https"
        segment = (conn.schema or "").strip("/").upper()
        if segment not in COUNTRY_BASE_URLS:
            segment = (country or "SI").upper()
        port = f":{conn.port}" if conn.port else ""
        host = f"{scheme}://{host}{port}/{segment}/"
    return normalise_base_url(host or None, country)
