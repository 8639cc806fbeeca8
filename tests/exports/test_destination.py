"""A destination: its static prefix (the outlet Asset), its placeholders, the days they name."""

from __future__ import annotations

import datetime

import pytest

from airflow_provider_minimax.client.windows import DayWindow
from airflow_provider_minimax.exports.destination import (
    DestinationError,
    days_to_name,
    fill_destination,
    static_prefix,
)
from tests.exports.helpers import utc

WEEK = DayWindow(datetime.date(2025, 11, 3), datetime.date(2025, 11, 9))


@pytest.mark.parametrize(
    ("destination", "prefix"),
    [
        ("s3://books/{{ ds }}/{organisation_id}/x.jsonl", "s3://books/"),
        ("s3://books/{% if x %}a{% endif %}/x.jsonl", "s3://books/"),
        ("/data/minimax/{first_day}/{resource}.csv", "file:///data/minimax/"),
        ("/data/{organisation_id}/{last_day}.csv", "file:///data/"),
        ("/data/{resource}/{{ ds }}.csv", "file:///data/"),
        ("gs://bucket/ledger.parquet", "gs://bucket/ledger.parquet"),
        ("/data/{ds}/ledger.jsonl", "file:///data/{ds}/ledger.jsonl"),  # not a placeholder
    ],
)
def test_static_prefix_stops_at_the_first_template_or_placeholder(
    destination: str, prefix: str
) -> None:
    assert static_prefix(destination) == prefix


def test_fill_destination_fills_every_placeholder() -> None:
    path = fill_destination(
        "s3://b/{organisation_id}/{resource}/{first_day}_{last_day}.jsonl",
        resource="journals/journal-entries",
        organisation_id=123,
        days=WEEK,
        several=True,
    )
    assert path == "s3://b/123/journals-journal-entries/2025-11-03_2025-11-09.jsonl"


def test_fill_destination_without_placeholders_is_the_destination() -> None:
    assert (
        fill_destination(
            "/data/x.csv", resource="customers", organisation_id=1, days=None, several=False
        )
        == "/data/x.csv"
    )


def test_several_organisations_need_the_organisation_placeholder() -> None:
    with pytest.raises(DestinationError, match=r"put \{organisation_id\} in destination \(/d/x\)"):
        fill_destination("/d/x", resource="customers", organisation_id=1, days=WEEK, several=True)


@pytest.mark.parametrize("placeholder", ["{first_day}", "{last_day}"])
def test_days_in_the_destination_need_days(placeholder: str) -> None:
    with pytest.raises(DestinationError, match="no interval"):
        fill_destination(
            f"/d/{placeholder}.csv",
            resource="customers",
            organisation_id=1,
            days=None,
            several=False,
        )


def test_days_to_name_are_the_export_s_window_when_it_has_one() -> None:
    assert days_to_name(WEEK, utc(2025, 1, 1), utc(2025, 2, 1), country="SI") is WEEK


def test_days_to_name_without_a_window_are_the_interval_s_local_days() -> None:
    """23:30 UTC is already the next day in Ljubljana: the country's zone, or the one given."""
    start, end = utc(2025, 11, 20, 23, 30), utc(2025, 11, 21, 23, 30)
    assert days_to_name(None, start, end, country="SI") == DayWindow(
        datetime.date(2025, 11, 21), datetime.date(2025, 11, 21)
    )
    assert days_to_name(None, start, end, country="SI", time_zone="UTC") == DayWindow(
        datetime.date(2025, 11, 20), datetime.date(2025, 11, 20)
    )


def test_days_to_name_without_an_interval_are_none() -> None:
    assert days_to_name(None, None, None, country="SI") is None
    assert days_to_name(None, utc(2025, 11, 20), None, country="SI") is None
