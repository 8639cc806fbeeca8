"""From a time interval to Minimax's filters: date-only days, and modification times, local.

Minimax's document filters take dates (`DateFrom=2025-11-20`), both ends included, in the
organisation's local calendar; `RecordDtModified` is a local time without offset. The rule used
here, so that consecutive intervals neither miss nor double a day:

    an interval [start, end) covers the local days  local_date(start) <= day < local_date(end)

i.e. `DateFrom = local_date(start)` and `DateTo = local_date(end) - 1 day`. Contiguous intervals
[a, b), [b, c) cover contiguous days, with no gap and no overlap, whatever the schedule; a day is
exported once it is over, by the run whose interval holds its end (the next local midnight). A
daily schedule at local midnight (`pendulum.timezone("Europe/Ljubljana")`) maps each run to its
own day; one at UTC midnight maps each run to the local day that ended an hour (two in summer)
before the interval did. DST days are ordinary days of 23 or 25 hours: only midnights matter.
An interval shorter than a day that holds no local midnight covers no day: nothing to export.

For the change feed, [start, end) becomes `RecordDtModifiedFrom = local(start)` and
`RecordDtModifiedTo = local(end) - 1 s` (the field has whole seconds; both ends included).
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from .errors import MinimaxConfigurationError

TIME_ZONES = {"SI": "Europe/Ljubljana", "HR": "Europe/Zagreb", "RS": "Europe/Belgrade"}
_ONE_DAY = datetime.timedelta(days=1)
_ONE_SECOND = datetime.timedelta(seconds=1)


@dataclass(frozen=True)
class DayWindow:
    """Local calendar days, both ends included; empty when `last` is before `first`."""

    first: datetime.date
    last: datetime.date

    @property
    def empty(self) -> bool:
        return self.last < self.first

    @property
    def days(self) -> int:
        return max(0, (self.last - self.first).days + 1)

    def filters(self, names: tuple[str, str]) -> dict[str, str]:
        start, end = names
        return {start: self.first.isoformat(), end: self.last.isoformat()}

    def as_dict(self) -> dict[str, str]:
        return {"first_day": self.first.isoformat(), "last_day": self.last.isoformat()}


def _aware(moment: datetime.datetime, name: str) -> datetime.datetime:
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise MinimaxConfigurationError(
            f"The interval's {name} ({moment}) has no time zone; give an aware datetime."
        )
    # A plain datetime in UTC, whatever came in: Airflow hands pendulum DateTimes, and pendulum 3
    # gets arithmetic wrong once one is converted to a ZoneInfo zone (DateTime - timedelta comes
    # back naive and shifted by the zone's offset: 19:00 CET - 1 s gave 17:59:59).
    utc = moment.astimezone(datetime.timezone.utc)
    return datetime.datetime(*utc.timetuple()[:6], utc.microsecond, tzinfo=datetime.timezone.utc)


def zone_of(country: str, time_zone: str | None = None) -> ZoneInfo:
    name = time_zone or TIME_ZONES.get(country.upper())
    if name is None:
        raise MinimaxConfigurationError(f"No time zone known for country {country!r}.")
    return ZoneInfo(name)


def local_days(start: datetime.datetime, end: datetime.datetime, zone: ZoneInfo) -> DayWindow:
    """The local days an interval [start, end) covers (see the module's rule)."""
    start, end = _aware(start, "start"), _aware(end, "end")
    if end < start:
        raise MinimaxConfigurationError(f"The interval ends ({end}) before it starts ({start}).")
    first = start.astimezone(zone).date()
    last = end.astimezone(zone).date() - _ONE_DAY
    return DayWindow(first, last)


def modified_between(
    start: datetime.datetime, end: datetime.datetime, zone: ZoneInfo
) -> tuple[str, str]:
    """`RecordDtModifiedFrom`/`To` values for [start, end), as local times without offset."""
    start, end = _aware(start, "start"), _aware(end, "end")
    local_start = start.astimezone(zone).replace(tzinfo=None, microsecond=0)
    local_end = (end.astimezone(zone) - _ONE_SECOND).replace(tzinfo=None, microsecond=0)
    return local_start.isoformat(), local_end.isoformat()
