"""Days as the books write them."""

from __future__ import annotations

import datetime


def datetime_text(day: datetime.date, seconds: int = 0) -> str:
    """The vendor's date-time text: local time, no offset; `seconds` after midnight."""
    hours, rest = divmod(seconds, 3600)
    return f"{day.isoformat()}T{hours:02d}:{rest // 60:02d}:{rest % 60:02d}"


def next_weekday(day: datetime.date) -> datetime.date:
    """Banks do not book on Saturdays and Sundays."""
    while day.weekday() >= 5:
        day += datetime.timedelta(days=1)
    return day
