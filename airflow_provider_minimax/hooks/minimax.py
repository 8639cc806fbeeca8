"""MinimaxHook: an Airflow connection of type `minimax`, turned into a MinimaxClient.

The hook holds no HTTP code. It reads the connection once, masks its secrets (and every token the
client obtains) in Airflow's logs, shares refused logins with other workers through an Airflow
Variable, and hands each call to the client with the hook's organisation.
"""

from __future__ import annotations

import inspect
import logging
import os
from collections.abc import Iterator, Mapping, Sequence
from functools import cached_property
from pathlib import Path
from typing import Any

from airflow.providers.common.compat.sdk import BaseHook, mask_secret

from airflow_provider_minimax.client import (
    Changes,
    ClientConfig,
    Credentials,
    MinimaxClient,
    MinimaxConfigurationError,
    MinimaxError,
    Record,
    listed,
)
from airflow_provider_minimax.get_provider_info import CONNECTION_EXTRAS

log = logging.getLogger(__name__)

_INT_EXTRAS = ("organisation_id", "page_size", "max_retries", "max_calls", "max_workers")
_FLOAT_EXTRAS = ("timeout",)


def _variables() -> Any:
    """Airflow's Variable class for this process.

    In Airflow 3, task code reads and writes Variables through the task SDK, which works only
    inside a task or trigger. Airflow's server processes (the API server running *Test
    connection*, `airflow connections test`, the scheduler) mark themselves with
    `_AIRFLOW_PROCESS_CONTEXT=server`, as Airflow's own secrets lookup does, and reach the
    metadata database directly: there the database's Variable is the one that works. Airflow 2
    has only that one.
    """
    if os.environ.get("_AIRFLOW_PROCESS_CONTEXT") == "server":
        from airflow.models.variable import Variable as DatabaseVariable

        return DatabaseVariable
    from airflow.providers.common.compat.sdk import Variable

    return Variable


class VariableGuardStore:
    """Refused logins in Airflow Variables, so that tasks on every worker see them.

    Best effort: without a metadata database to reach, the on-disk guard still holds.
    """

    def read(self, key: str) -> str | None:
        variables = _variables()
        # Airflow 3's Variable.get takes `default`, Airflow 2's `default_var`.
        default = (
            "default" if "default" in inspect.signature(variables.get).parameters else "default_var"
        )
        options: dict[str, Any] = {default: None}
        try:
            value = variables.get(key, **options)
        except Exception as error:  # no task context, no database: nothing shared to read
            log.debug("Could not read Airflow Variable %s: %s", key, error)
            return None
        return None if value is None else str(value)

    def write(self, key: str, value: str) -> None:
        _variables().set(key, value, description="Minimax refused this login: see the value")

    def delete(self, key: str) -> None:
        try:
            _variables().delete(key)
        except Exception as error:  # absent, or no database: nothing to delete
            log.debug("Could not delete Airflow Variable %s: %s", key, error)

    def describe(self, key: str) -> str:
        return f"the Airflow Variable {key}"


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


def client_for(config: ClientConfig) -> MinimaxClient:
    """A client as Airflow wants it: secrets masked in logs, refused logins shared by Variable."""
    mask_secret(config.credentials.password)
    mask_secret(config.credentials.client_secret)
    return MinimaxClient(config, guard_store=VariableGuardStore(), on_token=mask_secret)


class MinimaxHook(BaseHook):
    """Talk to Minimax through an Airflow connection.

    :param minimax_conn_id: the connection (type `minimax`); default `minimax_default`.
    :param organisation_id: the organisation to work in; default the connection's, else the only
        organisation the login reaches.
    """

    conn_name_attr = "minimax_conn_id"
    default_conn_name = "minimax_default"
    conn_type = "minimax"
    hook_name = "Minimax"

    def __init__(
        self,
        minimax_conn_id: str = default_conn_name,
        organisation_id: int | str | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(**kwargs)
        self.minimax_conn_id = minimax_conn_id
        self.organisation_id = organisation_id

    # -- the connection form (Airflow < 3.2 asks the hook; newer ones read provider info) --------

    @classmethod
    def get_connection_form_widgets(cls) -> dict[str, Any]:
        from airflow_provider_minimax.hooks.form import connection_form_widgets

        return connection_form_widgets()

    @classmethod
    def get_ui_field_behaviour(cls) -> dict[str, Any]:
        from airflow_provider_minimax.get_provider_info import UI_FIELD_BEHAVIOUR

        return {
            "hidden_fields": list(UI_FIELD_BEHAVIOUR["hidden-fields"]),
            "relabeling": dict(UI_FIELD_BEHAVIOUR["relabeling"]),
            "placeholders": dict(UI_FIELD_BEHAVIOUR["placeholders"]),
        }

    # -- the client --------------------------------------------------------------------------------

    @cached_property
    def config(self) -> ClientConfig:
        conn = self.get_connection(self.minimax_conn_id)
        return config_from_connection(conn, self.organisation_id)

    @cached_property
    def client(self) -> MinimaxClient:
        return client_for(self.config)

    def get_conn(self) -> MinimaxClient:
        """The configured client (one pooled session, one connection read, per hook)."""
        return self.client

    def clear_lockout_guard(self) -> None:
        """Forget a refused login for these exact credentials, on this worker and in Airflow."""
        self.client.clear_lockout_guard()

    # -- the API -----------------------------------------------------------------------------------

    def organisations(self) -> list[Record]:
        return self.client.organisations()

    def get(self, resource: str, id: int | str) -> Record:  # the documented name
        return self.client.get(resource, id, organisation_id=self.organisation_id)

    def get_location(self, url: str) -> Record:
        return self.client.get_location(url)

    def get_by_code(self, resource: str, code: str, **params: Any) -> Record:
        return self.client.get_by_code(
            resource, code, organisation_id=self.organisation_id, **params
        )

    def list(self, resource: str, **filters: Any) -> Iterator[Record]:
        return self.client.list(resource, organisation_id=self.organisation_id, **filters)

    def create(
        self,
        resource: str,
        payload: Mapping[str, Any],
        *,
        match_on: str | Sequence[str] | None = None,
    ) -> Record:
        return self.client.create(
            resource, payload, match_on=match_on, organisation_id=self.organisation_id
        )

    def update(
        self,
        resource: str,
        id: int | str,
        changes: Changes,
        *,
        row_version: str | None = None,
        on_conflict: str | None = None,
    ) -> Record:
        return self.client.update(
            resource,
            id,
            changes,
            row_version=row_version,
            on_conflict=on_conflict,
            organisation_id=self.organisation_id,
        )

    def delete(self, resource: str, id: int | str) -> None:
        self.client.delete(resource, id, organisation_id=self.organisation_id)

    def action(
        self,
        resource: str,
        id: int | str,
        action: str,
        *,
        row_version: str | None = None,
        skip_if_done: bool = False,
        **params: Any,
    ) -> Any:
        return self.client.action(
            resource,
            id,
            action,
            row_version=row_version,
            skip_if_done=skip_if_done,
            organisation_id=self.organisation_id,
            **params,
        )

    def lookup(
        self,
        resource: str,
        *,
        id: int | str | None = None,
        code: str | None = None,
        filters: Mapping[str, Any] | None = None,
    ) -> Record | None:
        """The record by ID, code or filters, in full; None while it does not exist."""
        return self.client.lookup(
            resource, record_id=id, code=code, filters=filters, organisation_id=self.organisation_id
        )

    def record_url(self, resource: str, id: int | str) -> str:
        return self.client.record_url(resource, id, organisation_id=self.organisation_id)

    def test_connection(self) -> tuple[bool, str]:
        """Get a token and list the organisations the login reaches."""
        try:
            config = self.config
            reached = self.client.organisations()
        except MinimaxError as error:
            return False, str(error)
        count = len(reached)
        noun = "organisation" if count == 1 else "organisations"
        return True, (
            f"Connected to {config.base_url} as {config.credentials.username!r}: "
            f"reaches {count} {noun}" + (f": {listed(reached)}" if reached else ".")
        )
