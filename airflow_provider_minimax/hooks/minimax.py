"""MinimaxHook: an Airflow connection of type `minimax`, turned into a MinimaxClient.

The hook holds no HTTP code. It reads the connection once, masks its secrets (and every token the
client obtains) in Airflow's logs, shares refused logins with other workers through an Airflow
Variable, and hands each call to the client with the hook's organisation.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator, Mapping, Sequence
from functools import cached_property
from typing import Any

from airflow.providers.common.compat.sdk import BaseHook, mask_secret

from airflow_provider_minimax.client import (
    BudgetState,
    Changes,
    ClientConfig,
    Ledger,
    MinimaxClient,
    MinimaxError,
    Record,
    listed,
)
from airflow_provider_minimax.hooks.connection import config_from_connection
from airflow_provider_minimax.hooks.ledger import ledger_for
from airflow_provider_minimax.hooks.variables import VariableGuardStore

__all__ = ["MinimaxHook", "VariableGuardStore", "client_for", "config_from_connection"]

log = logging.getLogger(__name__)

# Airflow masks every string of a connection's extra as it reads it (Connection.extra_dejson),
# and warns "Skipping masking for a secret as it's too short (<5 chars)" for any shorter one
# before it looks at the field's name: the `country` extra (SI, HR, RS, never a secret, never
# masked) made every task that read a Minimax connection log that warning. Airflow checks its
# own list of values that are never secrets first; the countries join it. A real short secret
# (a four-letter password) still gets Airflow's warning.
_NEVER_SECRETS = ("si", "hr", "rs")


def _not_secrets_to_airflow() -> None:
    import importlib

    for name in (
        "airflow.sdk._shared.secrets_masker.secrets_masker",  # task code (Airflow 3)
        "airflow._shared.secrets_masker.secrets_masker",  # server processes (Airflow 3)
    ):
        try:
            module = importlib.import_module(name)
        except ImportError:  # Airflow 2: no such module, and no warning before the name check
            continue
        skipped = getattr(module, "SECRETS_TO_SKIP_MASKING", None)
        if isinstance(skipped, set):
            skipped.update(_NEVER_SECRETS)


_not_secrets_to_airflow()


def client_for(config: ClientConfig, ledger: Ledger | None = None) -> MinimaxClient:
    """A client as Airflow wants it: secrets masked in logs, refused logins shared by Variable,
    its calls counted in `ledger` (default: the worker's own, client/budget.py)."""
    # Only the secrets: masking a value that is not one would hide it in every log line.
    for secret in (config.credentials.password, config.credentials.client_secret):
        if secret:
            mask_secret(secret)
    return MinimaxClient(
        config, guard_store=VariableGuardStore(), on_token=mask_secret, ledger=ledger
    )


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
        """The connection form's extra fields, for Airflow before 3.2.

        :return: field name -> form field, as Airflow's connection form takes them.
        """
        from airflow_provider_minimax.hooks.form import connection_form_widgets

        return connection_form_widgets()

    @classmethod
    def get_ui_field_behaviour(cls) -> dict[str, Any]:
        """How the connection form shows the standard fields, for Airflow before 3.2.

        :return: `hidden_fields`, `relabeling` and `placeholders`, as get_provider_info() says.
        """
        from airflow_provider_minimax.get_provider_info import UI_FIELD_BEHAVIOUR

        return {
            "hidden_fields": list(UI_FIELD_BEHAVIOUR["hidden-fields"]),
            "relabeling": dict(UI_FIELD_BEHAVIOUR["relabeling"]),
            "placeholders": dict(UI_FIELD_BEHAVIOUR["placeholders"]),
        }

    # -- the client --------------------------------------------------------------------------------

    @cached_property
    def config(self) -> ClientConfig:
        """The client's settings from the connection, read once per hook.

        :raises MinimaxConfigurationError: when the connection is incomplete or a number is not.
        """
        return config_from_connection(self._connection, self.organisation_id)

    @cached_property
    def _connection(self) -> Any:
        return self.get_connection(self.minimax_conn_id)

    @cached_property
    def client(self) -> MinimaxClient:
        """The client of this hook: its secrets and tokens masked in Airflow's logs, its calls
        counted in the ledger the connection's `budget_store` names."""
        config = self.config
        return client_for(config, ledger_for(self._connection, config))

    def get_conn(self) -> MinimaxClient:
        """The configured client (one pooled session, one connection read, per hook).

        :return: the MinimaxClient, for what the hook does not wrap (`stats`, `count`, `find`).
        """
        return self.client

    def budget(self, organisation_id: int | str | None = None) -> BudgetState:
        """The organisation's API budget, from the ledger (no API call if the organisation is
        known: given here, the hook's or the connection's).

        :param organisation_id: the organisation; default the hook's.
        :return: calls used in the rolling 24 hours and in the month, the reserve, what is left
            for this connection's tasks and when calls free up (`describe()` says it in a line).
        """
        client = self.client
        chosen = self.organisation_id if organisation_id in (None, "") else organisation_id
        return client.budget.state(client.organisation_id(chosen))

    def clear_lockout_guard(self) -> None:
        """Forget a refused login for these exact credentials, on this worker and in Airflow."""
        self.client.clear_lockout_guard()

    # -- the API -----------------------------------------------------------------------------------

    def organisations(self) -> list[Record]:
        """The organisations the login reaches with API access (read once per hook).

        :return: `{"ID", "Name", "APIAccess", …}` of each.
        """
        return self.client.organisations()

    def get(self, resource: str, id: int | str) -> Record:  # the documented name
        """One record in full.

        :param resource: path below the organisation, e.g. `customers` or `customers/42/contacts`.
        :param id: the record's ID.
        :return: the record.
        :raises MinimaxNotFoundError: when there is no such record.
        """
        return self.client.get(resource, id, organisation_id=self.organisation_id)

    def get_location(self, url: str) -> Record:
        """The record a create's `Location` header names.

        :param url: the absolute URL of the record, on this connection's service.
        :return: the record.
        """
        return self.client.get_location(url)

    def get_by_code(self, resource: str, code: str, **params: Any) -> Record:
        """One record by its code (`…/code(X)`), for resources that have such a lookup.

        :param resource: path below the organisation, e.g. `customers` or `vatrates`.
        :param code: the record's code.
        :param params: query parameters of the lookup, e.g. `date=` for VAT rates.
        :return: the record.
        :raises MinimaxNotFoundError: when no record has the code.
        """
        return self.client.get_by_code(
            resource, code, organisation_id=self.organisation_id, **params
        )

    def list(self, resource: str, **filters: Any) -> Iterator[Record]:
        """Every row of every page, lazily.

        :param resource: path below the organisation, e.g. `issuedinvoices`.
        :param filters: list filters the resource documents (any case), e.g. `DateIssuedFrom=`;
            also `page_size`, `max_workers` and `decimals` of MinimaxClient.list.
        :return: an iterator of rows.
        :raises MinimaxTruncationError: when the rows do not add up to the list's TotalRows.
        """
        return self.client.list(resource, organisation_id=self.organisation_id, **filters)

    def create(
        self,
        resource: str,
        payload: Mapping[str, Any],
        *,
        match_on: str | Sequence[str] | None = None,
    ) -> Record:
        """Create a record and return it as stored (read back from its `Location`).

        :param resource: path below the organisation, e.g. `customers`.
        :param payload: the record's fields.
        :param match_on: a field or fields (e.g. `Code`): an existing record with the payload's
            values of them is returned instead, so a rerun creates nothing twice.
        :return: the record as stored.
        :raises MinimaxAmbiguousWriteError: when the create's answer was lost and, without
            `match_on`, nobody can tell whether it was stored.
        """
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
        """Apply `changes` with the record's RowVersion, losing no other writer's change.

        :param resource: path below the organisation, e.g. `customers`.
        :param id: the record's ID.
        :param changes: a dict merged into the record, or a function of the record returning
            the new one.
        :param row_version: the RowVersion of an earlier read: refuse if the record changed since.
        :param on_conflict: with `row_version`, `"fail"` (the default) or `"retry"` (apply the
            changes to the latest version).
        :return: the record after the update.
        :raises MinimaxConcurrencyError: when the record changed since `row_version`.
        """
        return self.client.update(
            resource,
            id,
            changes,
            row_version=row_version,
            on_conflict=on_conflict,
            organisation_id=self.organisation_id,
        )

    def delete(self, resource: str, id: int | str) -> None:
        """Delete a record.

        :param resource: path below the organisation, e.g. `customers`.
        :param id: the record's ID.
        """
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
        """Run a document action, e.g. `issue`, `issueAndGeneratepdf`, `confirm`.

        :param resource: path below the organisation, e.g. `issuedinvoices`.
        :param id: the document's ID.
        :param action: the action's name (any case).
        :param row_version: the document's RowVersion; read first when not given.
        :param skip_if_done: do not repeat an action whose work the document already shows.
        :param params: the action's query parameters.
        :return: the answer's `Data` (for PDF actions: `AttachmentData` in base64 and more).
        """
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
        """The record by ID, code or filters, in full; None while it does not exist.

        :param resource: path below the organisation, e.g. `issuedinvoices`.
        :param id: the record's ID; or
        :param code: the record's code; or
        :param filters: list filters that select the one record.
        :return: the record, or None.
        :raises MinimaxConfigurationError: unless exactly one of `id`, `code` and `filters` is
            given, or when the filters select several records.
        """
        return self.client.lookup(
            resource, record_id=id, code=code, filters=filters, organisation_id=self.organisation_id
        )

    def record_url(self, resource: str, id: int | str) -> str:
        """The record's absolute URL, as a create's `Location` names it.

        :param resource: path below the organisation, e.g. `customers`.
        :param id: the record's ID.
        :return: the URL.
        """
        return self.client.record_url(resource, id, organisation_id=self.organisation_id)

    def test_connection(self) -> tuple[bool, str]:
        """Get a token and list the organisations the login reaches (Airflow's *Test connection*).

        :return: (whether it worked, what to show: the organisations, or the error).
        """
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
