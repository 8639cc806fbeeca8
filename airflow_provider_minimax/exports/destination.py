"""Where an export's file goes: the destination's placeholders filled in, and its static prefix.

A destination is a URL or a local path. Airflow renders its Jinja templates (`{{ ds }}`) before
the task runs; the export's own placeholders are filled per organisation once the task knows
them: `{organisation_id}`, `{resource}` (slashes as dashes: a resource name is no folder) and
`{first_day}` / `{last_day}` (the interval's local days, ISO dates).

Importing this module must stay cheap: the operator calls `static_prefix` while a DAG file is
parsed. The client (and requests with it) is imported only when a run names its days.
"""

from __future__ import annotations

import datetime
import re
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from airflow_provider_minimax.client.windows import DayWindow

PLACEHOLDERS = ("{organisation_id}", "{resource}", "{first_day}", "{last_day}")
_TEMPLATE = re.compile(r"\{\{|\{%")  # where Jinja starts: `{{ expression }}` or `{% statement %}`


class DestinationError(ValueError):
    """The destination cannot name this export's file (the message says what to change)."""


def static_prefix(destination: str) -> str:
    """The part of a destination before its first template: what the outlet Asset names."""
    match = _TEMPLATE.search(destination)
    prefix = destination[: match.start()] if match else destination
    for placeholder in PLACEHOLDERS:
        prefix = prefix.split(placeholder)[0]
    if "://" not in prefix:
        prefix = "file://" + prefix
    return prefix


def asset_uri(destination: str, *, resource: str, dag_id: str, task_id: str) -> str:
    """The export's outlet Asset, which another DAG schedules on: known when the DAG is parsed.

    The destination's static folder, `{resource}` filled in (so that two resources exported to
    `s3://books/{resource}/…` are two Assets), when that names a place of its own: a local folder
    below `/`, or an object store's bucket. A destination that starts with a template
    (`{{ params.out_dir }}/…`) or a placeholder has no such folder; every such export once shared
    the Asset `file:///`. It is named after the task instead: `minimax://<dag_id>/<task_id>/
    <resource>`, one Asset per export task, which the run's event tells the files of.
    """
    static_resource = not _TEMPLATE.search(resource)
    if static_resource:
        destination = destination.replace("{resource}", resource.replace("/", "-"))
    prefix = static_prefix(destination)
    scheme, _, rest = prefix.partition("://")
    authority, _, path = rest.partition("/")
    if scheme == "file":
        # `file:///data/`; not `file:///`, nor a relative path (`file://exports/`), which names
        # a different folder on every worker
        meaningful = rest.startswith("/") and bool(path.strip("/"))
    else:
        meaningful = bool(authority.strip())
    if meaningful:
        return prefix
    return f"minimax://{dag_id}/{task_id}" + (f"/{resource}" if static_resource else "")


def fill_destination(
    destination: str,
    *,
    resource: str,
    organisation_id: int,
    days: DayWindow | None,
    several: bool,
) -> str:
    """The file's path: `destination` with its placeholders filled in.

    Refused (DestinationError) when several organisations would share one file (each would
    replace the last), or when it names days and the run has none (the name would be a lie).
    """
    if several and "{organisation_id}" not in destination:
        raise DestinationError(
            "Several organisations would write to one file: put {organisation_id} in "
            f"destination ({destination})."
        )
    if days is None and ("{first_day}" in destination or "{last_day}" in destination):
        raise DestinationError(
            "destination names {first_day}/{last_day}, but this run has no interval."
        )
    path = destination.replace("{organisation_id}", str(organisation_id))
    if days is not None:
        path = path.replace("{first_day}", days.first.isoformat())
        path = path.replace("{last_day}", days.last.isoformat())
    return path.replace("{resource}", resource.replace("/", "-"))


def days_to_name(
    window: DayWindow | None,
    start: datetime.datetime | None,
    end: datetime.datetime | None,
    *,
    country: str,
    time_zone: str | None = None,
) -> DayWindow | None:
    """The days `{first_day}` / `{last_day}` name: the export's own window, else the interval's
    local days by the window rule (an export by changes or in full still has a run's days);
    None without an interval."""
    if window is not None:
        return window
    if start is None or end is None:
        return None
    from airflow_provider_minimax.client.windows import local_days, zone_of

    return local_days(start, end, zone_of(country, time_zone))
