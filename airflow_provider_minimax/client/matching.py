"""match_on: finding the record a create may already have made, by exact means only.

An empty SearchString result proves nothing (reference.md: which fields it searches is not
published, and it searches fewer than one assumes). A create that trusted it would make a second
record on every rerun. So a record is looked for only where its absence can be proven:

- `Code` on a resource with a `code()` lookup (404 when no record has that code);
- a list filter that selects a field's value exactly and picks out few records (the catalogue's
  `identifying_filters`, e.g. InvoiceNumber on issued invoices, DocumentReference on received
  ones; a status or a customer only narrows such a list, alongside one of these);
- the list of one day of the resource's date window (DateIssued of an invoice, JournalDate of a
  journal, Date of an order or stock entry), from the payload;
- the whole list of a nested resource (a customer's contacts), which is small.

Every candidate is then compared field by field (full records read where the slim list row
lacks a field, a bounded number). match_on on fields none of these covers is refused before
anything is written, naming the fields that can be matched on.
"""

from __future__ import annotations

import datetime
from collections.abc import Mapping, Sequence
from typing import Any

from .access import ClientAccess, Record
from .errors import MinimaxConfigurationError, MinimaxNotFoundError
from .resources import Resource, ResourcePath
from .values import same_value

MATCH_READS = 50  # full records read to compare a field the list rows lack
MATCH_ROWS = 2000  # list rows compared; an exact selection larger than this identifies nothing


def matchable(resource: Resource) -> list[str]:
    """The fields match_on can rest on for `resource` (each alone, or with others)."""
    fields = ["Code"] if resource.code_lookup else []
    fields += [field for field, _ in resource.identifying_filters]
    if resource.window_field:
        fields.append(resource.window_field)
    return fields


def check_plan(resource: Resource, fields: Sequence[str], payload: Mapping[str, Any]) -> None:
    """Refuse match_on `fields` unless an exact means can prove the record absent."""
    if resource.nested or _day(resource, fields, payload) is not None:
        return
    if any(field in matchable(resource) for field in fields):
        return
    can = matchable(resource)
    window = (
        f" {resource.window_field} may also come from the payload (the day's records are compared)."
        if resource.window_field
        else ""
    )
    raise MinimaxConfigurationError(
        f"match_on {list(fields)} cannot be checked on {resource.name}: Minimax offers no exact "
        f"lookup or list filter for {' or '.join(fields)}, and its SearchString is not known to "
        "search them, so finding nothing would not prove the record absent and a rerun could "
        f"create it twice. On {resource.name} match on "
        f"{', '.join(can) if can else 'nothing (it has no exact lookup)'}, alone or together "
        f"with the fields you need.{window} Nothing was written."
    )


def find_exact(
    client: ClientAccess,
    resolved: ResourcePath,
    org: int,
    values: Mapping[str, Any],
    payload: Mapping[str, Any] | None = None,
) -> Record | None:
    """The one record whose fields equal `values`, or None once proven absent."""
    resource = resolved.resource
    check_plan(resource, list(values), payload or values)
    code = values.get("Code")
    if resource.code_lookup and isinstance(code, str) and code:
        try:
            record = client.get_by_code(resolved.path, code, organisation_id=org)
        except MinimaxNotFoundError:
            return None
        return record if _equal(record, values) else None
    filters = _exact_filters(resource, values)
    day = _day(resource, list(values), payload or values)
    if day is not None and resource.window:
        filters[resource.window[0]] = filters[resource.window[1]] = day
    if not filters and not resource.nested:  # pragma: no cover - check_plan refused it
        raise AssertionError(f"no exact means for {list(values)} on {resource.name}")
    return _one(client, resolved, org, values, filters)


def _exact_filters(resource: Resource, values: Mapping[str, Any]) -> dict[str, Any]:
    filters = {}
    for field, name in resource.exact_filters:
        value = values.get(field)
        if isinstance(value, Mapping):  # a reference filters by the referenced record's ID
            value = value.get("ID")
        if value not in (None, ""):
            filters[name] = value
    return filters


def _day(resource: Resource, fields: Sequence[str], payload: Mapping[str, Any]) -> str | None:
    """The day of the resource's date window the payload names (YYYY-MM-DD), if any."""
    if not resource.window or not resource.window_field:
        return None
    value = payload.get(resource.window_field)
    if isinstance(value, datetime.date):
        return value.isoformat()[:10]
    if isinstance(value, str):
        try:
            return datetime.date.fromisoformat(value[:10]).isoformat()
        except ValueError:
            return None
    return None


def _one(
    client: ClientAccess,
    resolved: ResourcePath,
    org: int,
    values: Mapping[str, Any],
    filters: Mapping[str, Any],
) -> Record | None:
    resource = resolved.resource
    id_field = resource.id_field
    matches: list[Record] = []
    reads = 0
    for count, row in enumerate(client.list(resolved.path, organisation_id=org, **filters), 1):
        if count > MATCH_ROWS:
            raise MinimaxConfigurationError(
                f"match_on {list(values)} selects more than {MATCH_ROWS} {resource.name} "
                f"records ({filters}); add a field that identifies one record. Nothing was "
                "written."
            )
        comparable = {k: v for k, v in values.items() if k in row}
        if not _equal(row, comparable):
            continue
        if len(comparable) < len(values) and id_field:
            reads += 1
            if reads > MATCH_READS:
                raise MinimaxConfigurationError(
                    f"match_on {list(values)} needs more than {MATCH_READS} {resource.name} "
                    f"records read one by one ({filters}); match on fields the list shows, "
                    f"such as {', '.join(matchable(resource)) or 'Code'}. Nothing was written."
                )
            row = client.get(resolved.path, row[id_field], organisation_id=org)
            if not _equal(row, values):
                continue
        matches.append(row)
    if len(matches) > 1 and id_field:
        ids = ", ".join(str(m.get(id_field)) for m in matches)
        raise MinimaxConfigurationError(
            f"match_on {list(values)} is not unique in {resource.name}: records {ids} "
            "match. Match on a field that identifies one record."
        )
    if not matches:
        return None
    if id_field and "RowVersion" not in matches[0]:  # a slim list row: return the record
        return client.get(resolved.path, matches[0][id_field], organisation_id=org)
    return matches[0]


def _equal(record: Mapping[str, Any], values: Mapping[str, Any]) -> bool:
    return all(same_value(value, record.get(field)) for field, value in values.items())
