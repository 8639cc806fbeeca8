"""Create, read, update and delete Minimax records from a DAG, without writing Python."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any, ClassVar

from airflow.providers.common.compat.sdk import AirflowFailException

from airflow_provider_minimax.operators._base import MinimaxBaseOperator, parse_list, parse_mapping

_COMMON_FIELDS = ("minimax_conn_id", "organisation_id")


def _id_of(resource: str, record: dict[str, Any]) -> Any:
    """The record's ID, from the field the catalogue names (CustomerId, IssuedInvoiceId, …)."""
    from airflow_provider_minimax.client import resolve

    id_field = resolve(resource).resource.id_field
    return record.get(id_field) if id_field else None


class MinimaxCreateOperator(MinimaxBaseOperator):
    """Create a record (or, with `match_on`, find the one that exists) and return its address.

    Returns `{"id", "location", "row_version"}` to XCom.

    :param resource: path below the organisation, e.g. `customers` or `customers/42/contacts`.
    :param payload: the record's fields, as a dict or JSON text (e.g. rendered from XCom).
    :param match_on: a field or fields (e.g. `Code`) that identify the record: an existing one
        with the payload's values is returned instead of creating another, so that reruns and
        retries create nothing twice.
    :param minimax_conn_id: the Airflow connection of type `minimax`.
    :param organisation_id: the organisation (default: the connection's).
    """

    template_fields: Sequence[str] = ("resource", "payload", "match_on", *_COMMON_FIELDS)
    template_fields_renderers: ClassVar[dict[str, str]] = {"payload": "json"}
    ui_color = "#d6eaf8"

    def __init__(
        self,
        *,
        resource: str,
        payload: dict[str, Any] | str,
        match_on: str | list[str] | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(**kwargs)
        self.resource = resource
        self.payload = payload
        self.match_on = match_on

    def execute(self, context: Any) -> dict[str, Any]:
        payload = parse_mapping(self.payload, "payload") or {}
        match_on = parse_list(self.match_on, "match_on")
        record = self.call(
            f"create {self.resource}",
            lambda: self.hook.create(self.resource, payload, match_on=match_on),
            lambda found: f"id {_id_of(self.resource, found)}",
            plan=3 if match_on else 2,  # (the lookup,) the POST, the read back
        )
        record_id = _id_of(self.resource, record)
        return {
            "id": record_id,
            "location": self.hook.record_url(self.resource, record_id),
            "row_version": record.get("RowVersion"),
        }


class MinimaxGetOperator(MinimaxBaseOperator):
    """Read one record by ID, by code, or by the URL a create answered with.

    Returns the record, or only `fields` of it, to XCom.

    :param resource: path below the organisation, e.g. `customers`.
    :param id: the record's ID.
    :param code: the record's code (resources with a code lookup: customers, items, vatrates …).
    :param location: the record's absolute URL (a create's Location).
    :param fields: the fields to return (a list, or comma-separated text); default all.
    :param query: extra query parameters, e.g. `{"date": "2025-11-20"}` for a VAT rate.
    """

    template_fields: Sequence[str] = (
        "resource",
        "id",
        "code",
        "location",
        "fields",
        "query",
        *_COMMON_FIELDS,
    )

    def __init__(
        self,
        *,
        resource: str | None = None,
        id: int | str | None = None,  # the documented argument name
        code: str | None = None,
        location: str | None = None,
        fields: list[str] | str | None = None,
        query: dict[str, Any] | str | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(**kwargs)
        self.resource = resource
        self.id = id
        self.code = code
        self.location = location
        self.fields = fields
        self.query = query

    def execute(self, context: Any) -> dict[str, Any]:
        given = [
            name for name in ("id", "code", "location") if getattr(self, name) not in (None, "")
        ]
        if len(given) != 1:
            raise AirflowFailException(
                f"Give exactly one of id, code or location (got {given or 'none'})."
            )
        if given != ["location"] and not self.resource:
            raise AirflowFailException("resource is required with id or code.")
        query = parse_mapping(self.query, "query", allow_none=True) or {}
        what = f"get {self.resource or 'location'} {given[0]} {getattr(self, given[0])}"
        record = self.call(what, lambda: self._read(given[0], query), lambda r: "found")
        wanted = parse_list(self.fields, "fields")
        if not wanted:
            return record
        missing = [name for name in wanted if name not in record]
        if missing:
            raise AirflowFailException(
                f"fields names {missing}, which {self.resource or 'the record'} does not have; "
                f"it has: {', '.join(record)}."
            )
        return {name: record[name] for name in wanted}

    def _read(self, by: str, query: dict[str, Any]) -> dict[str, Any]:
        if by == "location":
            return self.hook.get_location(str(self.location))
        if by == "code":
            return self.hook.get_by_code(str(self.resource), str(self.code), **query)
        return self.hook.get(str(self.resource), self.id)  # type: ignore[arg-type]


class MinimaxUpdateOperator(MinimaxBaseOperator):
    """Change fields of a record safely with its RowVersion; returns `{"id", "row_version"}`.

    Without `row_version`, the latest record is read, changed and written back; if another
    writer got there first, it is read again and the changes applied again, so no one's change is
    lost. With `row_version` (from an earlier task's XCom), a record that changed since fails the
    task with MinimaxConcurrencyError, unless `on_conflict="retry"`.

    :param resource: path below the organisation, e.g. `customers`.
    :param id: the record's ID.
    :param changes: the fields to set, as a dict or JSON text; or a function of the record that
        returns the new record.
    :param row_version: the RowVersion the changes were based on.
    :param on_conflict: `"fail"` (default with row_version) or `"retry"`.
    """

    template_fields: Sequence[str] = (
        "resource",
        "id",
        "changes",
        "row_version",
        "on_conflict",
        *_COMMON_FIELDS,
    )
    template_fields_renderers: ClassVar[dict[str, str]] = {"changes": "json"}

    def __init__(
        self,
        *,
        resource: str,
        id: int | str,
        changes: dict[str, Any] | str | Callable[[dict[str, Any]], dict[str, Any]],
        row_version: str | None = None,
        on_conflict: str | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(**kwargs)
        if callable(changes):
            # A function of the record is no template. Airflow 3 renders a callable template
            # field by calling it with `context=` and `jinja_env=`, which a function of the record
            # cannot take (and Airflow 2 would show its repr as "rendered"): keep it out of
            # rendering, and the other fields templated as ever.
            self.template_fields = tuple(name for name in self.template_fields if name != "changes")
        self.resource = resource
        self.id = id
        self.changes = changes
        self.row_version = row_version
        self.on_conflict = on_conflict

    def execute(self, context: Any) -> dict[str, Any]:
        changes: Any = (
            self.changes if callable(self.changes) else parse_mapping(self.changes, "changes")
        )
        record = self.call(
            f"update {self.resource} {self.id}",
            lambda: self.hook.update(
                self.resource,
                self.id,
                changes,
                row_version=self.row_version or None,
                on_conflict=self.on_conflict or None,
            ),
            lambda updated: f"row version {updated.get('RowVersion')}",
            plan=3,  # read, PUT, read back (a conflict costs two more, unplanned)
        )
        return {"id": _id_of(self.resource, record), "row_version": record.get("RowVersion")}


class MinimaxDeleteOperator(MinimaxBaseOperator):
    """Delete a record.

    :param resource: path below the organisation, e.g. `customers`.
    :param id: the record's ID.
    """

    template_fields: Sequence[str] = ("resource", "id", *_COMMON_FIELDS)

    def __init__(self, *, resource: str, id: int | str, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.resource = resource
        self.id = id

    def execute(self, context: Any) -> None:
        self.call(
            f"delete {self.resource} {self.id}",
            lambda: self.hook.delete(self.resource, self.id),
            lambda _: "deleted",
        )
