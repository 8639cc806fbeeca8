"""What a write answers, where its Location points, and how an action checks its RowVersion:
three unknowns of the API, each a switch of the settings (reference.md, settings.SWITCHES)."""

from __future__ import annotations

from .errors import ApiError
from .exchange import Request, Response
from .settings import Settings
from .store import Record, Store


def location(
    settings: Settings, request: Request, organisation_id: int, collection: str, record_id: int
) -> str:
    """The absolute URL of a new record: `…/customers/5` ("path"), or `…/customers?id=5`
    ("query"), the form ASP.NET Web API makes when route values do not fit the template."""
    base = f"http://{request.host}/{settings.country}/API/api/orgs/{organisation_id}/{collection}"
    if settings.location_style == "query":
        return f"{base}?id={record_id}"
    return f"{base}/{record_id}"


def answer(settings: Settings, record: Record) -> Response:
    """The answer to a PUT (the record as updated) or a DELETE (the record as it was)."""
    if settings.write_answer == "record":
        return Response.json(200, record)
    if settings.write_answer == "no-content":
        return Response(204, b"", "text/plain")
    return Response(200)


def check_action_row_version(
    settings: Settings, store: Store, record: Record, params: dict[str, str]
) -> None:
    """`?rowVersion=` of a document action (params: lower-case names).

    A space is read as `+`: a base64 RowVersion never holds a space, and the vendor's C# and PHP
    samples put it into the query unencoded, so its `+` arrives as a space. Their calls work on
    the real service, which must therefore read it back (or not check at all: "optional").
    """
    sent = params.get("rowversion")
    if settings.action_row_version == "optional" and not sent:
        return
    if sent is None:
        raise ApiError(400, "The rowVersion parameter is required.", "rowVersion")
    store.check_row_version(record, sent.replace(" ", "+"))
