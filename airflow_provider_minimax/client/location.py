"""Which record a create's `Location` names, and how to read it back.

The vendor's guide says only that the Location *contains* the new ID (reference.md, "Create →
Location"): the vendor's samples GET it as given, or take the text after its last `=`. So the
ID is the last path segment (`…/orgs/1/customers/456`) or a query parameter (`…/customers?id=456`,
`?CustomerId=456`, any case). The record is read through our own base URL, never the Location's
host: a proxy in front of Minimax may rewrite the host to one we cannot (or must not) reach.
"""

from __future__ import annotations

import re
import urllib.parse
from dataclasses import dataclass

from .access import ClientAccess, Record
from .errors import MinimaxConfigurationError
from .resources import resolve

_DIGITS = re.compile(r"^[0-9]+$")
_API = re.compile(r"/api/(orgs/.*)$", re.IGNORECASE)


@dataclass(frozen=True)
class Named:
    """The record a Location names: its ID, and the path and query to read it below api/."""

    record_id: int
    path: str  # `orgs/1/customers/456` or `orgs/1/customers`
    params: tuple[tuple[str, str], ...]  # the Location's query, kept as given


def named_record(location: str, path: str, id_field: str | None) -> Named | None:
    """The record of `path` (`orgs/1/customers`) that `location` names; None if it names none.

    Compared case-insensitively, as the service compares paths.
    """
    parts = urllib.parse.urlsplit(location)
    params = tuple(urllib.parse.parse_qsl(parts.query, keep_blank_values=True))
    segment = re.search(rf"/{re.escape(path)}/([0-9]+)/?$", parts.path, re.IGNORECASE)
    if segment is not None:
        return Named(int(segment.group(1)), f"{path}/{segment.group(1)}", params)
    if re.search(rf"/{re.escape(path)}/?$", parts.path, re.IGNORECASE) is None:
        return None
    record_id = query_id(params, id_field)
    return None if record_id is None else Named(record_id, path, params)


def query_id(params: tuple[tuple[str, str], ...], id_field: str | None) -> int | None:
    """`id=456` or `<IdField>=456` (any case) of a query, when exactly one names an ID."""
    names = {"id", (id_field or "id").lower()}
    found = {value for key, value in params if key.lower() in names and _DIGITS.match(value)}
    return int(found.pop()) if len(found) == 1 else None


def below_api(url: str) -> tuple[str, tuple[tuple[str, str], ...]] | None:
    """`https://host/SI/API/api/orgs/1/customers?id=4` -> (`orgs/1/customers`, (("id", "4"),))."""
    parts = urllib.parse.urlsplit(url)
    found = _API.search(parts.path)
    if found is None:
        return None
    return found.group(1).rstrip("/"), tuple(urllib.parse.parse_qsl(parts.query))


def read_named(client: ClientAccess, named: Named, id_field: str | None) -> Record:
    """The record `named`, read from the Location's path and query through our base URL.

    A service that names the ID in the query but serves the record only at its own path would
    answer that query with a list: then the record's path is read instead.
    """
    record = client._record("GET", named.path, params=dict(named.params) or None)
    if id_field is None or record.get(id_field) == named.record_id:
        return record
    base = (
        named.path.rsplit("/", 1)[0] if named.path.endswith(f"/{named.record_id}") else named.path
    )
    return client._record("GET", f"{base}/{named.record_id}")


def read_location(client: ClientAccess, url: str) -> Record:
    """MinimaxClient.get_location: the record a Location (an absolute URL of ours) names."""
    client.transport.url(url)  # refuses an address of another service: the token stays here
    below = below_api(url)
    if below is None:
        raise MinimaxConfigurationError(f"{url!r} names no record of an organisation.")
    path, params = below
    parts = path.split("/")
    resource_name = "/".join(parts[2:-1] if _DIGITS.match(parts[-1]) else parts[2:])
    try:
        id_field = resolve(resource_name).resource.id_field
    except MinimaxConfigurationError:
        id_field = None  # a path the catalogue does not know: read it as given
    record_id = int(parts[-1]) if _DIGITS.match(parts[-1]) else query_id(params, id_field)
    if record_id is None:
        return client._record("GET", path, params=dict(params) or None)
    return read_named(client, Named(record_id, path, params), id_field)
