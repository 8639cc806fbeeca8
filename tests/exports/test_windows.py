"""The interval -> local days rule: consecutive runs neither miss nor double a row, DST too."""

from __future__ import annotations

import datetime
import itertools
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from airflow_provider_minimax.client import MinimaxConfigurationError
from airflow_provider_minimax.client.windows import DayWindow, local_days, modified_between
from airflow_provider_minimax.sandbox import Sandbox, Settings
from tests.exports.helpers import (
    UTC,
    WINDOW_FIELDS,
    ZONE,
    expected,
    export,
    ids,
    local,
    read_rows,
    utc,
)

SPRING = datetime.date(2025, 3, 30)  # 23 hours in Ljubljana: 02:00 CET -> 03:00 CEST
AUTUMN = datetime.date(2025, 10, 26)  # 25 hours: 03:00 CEST -> 02:00 CET
ONE_DAY = datetime.timedelta(days=1)


@pytest.fixture(scope="module")
def dst_sandbox() -> Iterator[Sandbox]:
    """A sandbox whose documents run from 2025-03-25 to 2025-10-31 (both DST changes)."""
    with Sandbox(Settings(first_day="2025-03-25", days=221)) as sandbox:
        yield sandbox


@pytest.fixture
def dst(dst_sandbox: Sandbox, connect: Callable[..., Any]) -> Sandbox:
    connect(dst_sandbox)
    return dst_sandbox


def days_around(day: datetime.date) -> list[datetime.date]:
    return [day + offset * ONE_DAY for offset in range(-3, 4)]


def daily(day: datetime.date, schedule: str) -> tuple[datetime.datetime, datetime.datetime]:
    """The data interval of `day`'s run of a daily schedule at UTC or local midnight."""
    zone = UTC if schedule == "utc" else ZONE
    start = datetime.datetime.combine(day, datetime.time(), zone)
    return start, datetime.datetime.combine(day + ONE_DAY, datetime.time(), zone)


@pytest.mark.parametrize("resource", ["issuedinvoices", "journals/journal-entries"])
@pytest.mark.parametrize("schedule", ["utc", "local"])
@pytest.mark.parametrize("change", [SPRING, AUTUMN], ids=["spring", "autumn"])
def test_daily_runs_over_a_dst_change_export_each_row_once(
    dst: Sandbox, tmp_path: Path, resource: str, schedule: str, change: datetime.date
) -> None:
    """Seven daily runs around a DST change: each run holds its own day's rows, no row twice,
    and together they hold what one export of the whole span holds."""
    days = days_around(change)
    if schedule == "local":  # the DST day's interval really is 23 or 25 hours long
        start, end = daily(change, "local")
        assert end.astimezone(UTC) - start.astimezone(UTC) != ONE_DAY
    field = WINDOW_FIELDS[resource]
    seen: list[int] = []
    for day in days:
        start, end = daily(day, schedule)
        path = tmp_path / f"{day}.jsonl"
        manifest = export(resource, path, start, end)
        assert manifest["window"] == {"first_day": str(day), "last_day": str(day)}
        rows = read_rows(path, "jsonl")
        assert rows, f"no {resource} on {day}: the test would prove nothing"
        assert {row[field][:10] for row in rows} == {str(day)}
        assert ids(rows, resource) == ids(expected(dst, resource, start, end), resource)
        seen += ids(rows, resource)
    assert len(seen) == len(set(seen)), "a row was exported twice"
    span_start, span_end = daily(days[0], schedule)[0], daily(days[-1], schedule)[1]
    export(resource, tmp_path / "all.jsonl", span_start, span_end)
    whole = read_rows(tmp_path / "all.jsonl", "jsonl")
    assert seen == ids(whole, resource)
    assert seen == ids(expected(dst, resource, span_start, span_end), resource)


@pytest.mark.parametrize("change", [SPRING, AUTUMN], ids=["spring", "autumn"])
def test_hourly_runs_over_a_dst_change_export_each_day_once(
    dst: Sandbox, tmp_path: Path, change: datetime.date
) -> None:
    """Hourly runs: only the run whose interval holds a local midnight exports (that day);
    the others write empty files; nothing is missed or doubled."""
    start = datetime.datetime.combine(change - ONE_DAY, datetime.time(), UTC)
    hours = [start + n * datetime.timedelta(hours=1) for n in range(3 * 24 + 1)]
    seen: list[int] = []
    exporting: list[datetime.datetime] = []
    for begin, end in itertools.pairwise(hours):
        path = tmp_path / f"{begin:%Y%m%dT%H}.jsonl"
        manifest = export("issuedinvoices", path, begin, end)
        if manifest["rows"]:
            exporting.append(end.astimezone(ZONE))
        seen += ids(read_rows(path, "jsonl"), "issuedinvoices")
    assert len(exporting) == 3
    assert [moment.time() for moment in exporting] == [datetime.time()] * 3
    assert len(seen) == len(set(seen))
    assert seen == ids(expected(dst, "issuedinvoices", hours[0], hours[-1]), "issuedinvoices")


# -- the rule itself ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("start", "end", "first", "last"),
    [
        (utc(2025, 3, 30), utc(2025, 3, 31), "2025-03-30", "2025-03-30"),
        (local(2025, 3, 30), local(2025, 3, 31), "2025-03-30", "2025-03-30"),
        (local(2025, 10, 26), local(2025, 10, 27), "2025-10-26", "2025-10-26"),
        (utc(2025, 10, 25, 22), utc(2025, 10, 26, 23), "2025-10-26", "2025-10-26"),
        (utc(2025, 11, 1), utc(2025, 12, 1), "2025-11-01", "2025-11-30"),
        # 23:00 -> 00:30 local holds a midnight: the day that ended is exported.
        (utc(2025, 11, 4, 22), utc(2025, 11, 4, 23, 30), "2025-11-04", "2025-11-04"),
    ],
)
def test_local_days_of_an_interval(
    start: datetime.datetime, end: datetime.datetime, first: str, last: str
) -> None:
    """local_date(start) <= day < local_date(end), whatever the offsets."""
    window = local_days(start, end, ZONE)
    assert (window.first.isoformat(), window.last.isoformat()) == (first, last)
    assert not window.empty


@pytest.mark.parametrize(
    ("start", "end"),
    [
        (utc(2025, 11, 5, 8), utc(2025, 11, 5, 12)),
        (local(2025, 3, 30, 0, 30), local(2025, 3, 30, 23, 30)),  # 22 hours, one local day
        (utc(2025, 11, 5, 8), utc(2025, 11, 5, 8)),
    ],
)
def test_an_interval_without_a_local_midnight_covers_no_day(
    start: datetime.datetime, end: datetime.datetime
) -> None:
    """Shorter than a day and no local midnight inside: empty."""
    window = local_days(start, end, ZONE)
    assert window.empty and window.days == 0
    assert window == DayWindow(start.astimezone(ZONE).date(), window.last)


def test_consecutive_intervals_cover_consecutive_days() -> None:
    """Any cut points give contiguous windows: no gap, no overlap (six-hour schedule)."""
    moments = [utc(2025, 3, 28) + n * datetime.timedelta(hours=6) for n in range(4 * 8)]
    days: list[datetime.date] = []
    for start, end in itertools.pairwise(moments):
        window = local_days(start, end, ZONE)
        days += [window.first + n * ONE_DAY for n in range(window.days)]
    assert days == sorted(set(days))
    assert days == [days[0] + n * ONE_DAY for n in range(len(days))]


@pytest.mark.parametrize("which", ["start", "end"])
def test_naive_datetimes_are_refused(which: str) -> None:
    """An interval without a time zone is an error, not a guess."""
    naive = datetime.datetime(2025, 11, 5)
    aware = utc(2025, 11, 6)
    start, end = (naive, aware) if which == "start" else (utc(2025, 11, 4), naive)
    with pytest.raises(MinimaxConfigurationError, match="no time zone"):
        local_days(start, end, ZONE)
    with pytest.raises(MinimaxConfigurationError, match="no time zone"):
        modified_between(start, end, ZONE)


def test_an_interval_that_ends_before_it_starts_is_refused() -> None:
    with pytest.raises(MinimaxConfigurationError, match="before it starts"):
        local_days(utc(2025, 11, 6), utc(2025, 11, 5), ZONE)


@pytest.mark.parametrize(
    ("start", "end", "values"),
    [
        (utc(2025, 11, 5), utc(2025, 11, 6), ("2025-11-05T01:00:00", "2025-11-06T00:59:59")),
        (utc(2025, 7, 1, 10), utc(2025, 7, 1, 11), ("2025-07-01T12:00:00", "2025-07-01T12:59:59")),
        (
            local(2025, 3, 30),
            local(2025, 3, 31),
            ("2025-03-30T00:00:00", "2025-03-30T23:59:59"),
        ),
    ],
)
def test_modified_between_is_local_time_with_the_end_excluded(
    start: datetime.datetime, end: datetime.datetime, values: tuple[str, str]
) -> None:
    """RecordDtModifiedFrom = local(start), To = local(end) - 1 s, without offsets."""
    assert modified_between(start, end, ZONE) == values


@pytest.mark.parametrize(
    ("start", "end", "values"),
    [
        # An hourly run in winter and one in summer, as Airflow hands them: pendulum DateTimes.
        ((2025, 1, 15, 17), (2025, 1, 15, 18), ("2025-01-15T18:00:00", "2025-01-15T18:59:59")),
        ((2025, 7, 1, 10), (2025, 7, 1, 11), ("2025-07-01T12:00:00", "2025-07-01T12:59:59")),
        # A local-midnight daily run on the day clocks go back (25 hours).
        ((2025, 10, 25, 22), (2025, 10, 26, 23), ("2025-10-26T00:00:00", "2025-10-26T23:59:59")),
    ],
)
def test_windows_of_pendulum_datetimes_match_standard_ones(
    start: tuple[int, ...], end: tuple[int, ...], values: tuple[str, str]
) -> None:
    """pendulum 3 loses the zone in `DateTime - timedelta` after converting to a ZoneInfo zone
    (19:00 CET - 1 s gave a naive 17:59:59): the windows must not inherit that."""
    import pendulum

    assert modified_between(pendulum.datetime(*start), pendulum.datetime(*end), ZONE) == values
    assert modified_between(utc(*start), utc(*end), ZONE) == values
    days = local_days(pendulum.datetime(*start), pendulum.datetime(*end), ZONE)
    assert days == local_days(utc(*start), utc(*end), ZONE)


def test_window_export_refuses_a_naive_interval(conn: Sandbox, tmp_path: Path) -> None:
    """The operator fails on a naive interval and writes nothing."""
    with pytest.raises(Exception, match="no time zone"):
        export(
            "issuedinvoices",
            tmp_path / "x.jsonl",
            datetime.datetime(2025, 11, 3),
            datetime.datetime(2025, 11, 4),
        )
    assert not list(tmp_path.iterdir())
