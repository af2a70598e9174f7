"""Times as an operator types them: ``10:05`` (today), ``03-10 10:05`` or ``2026-03-10 10:05``,
read in the station's time zone."""

from __future__ import annotations

from datetime import date, datetime, time
from zoneinfo import ZoneInfo


def parse_local_time(text: str, now: datetime, tz: ZoneInfo) -> datetime:
    """The moment ``text`` names, on today's date (in ``tz``) unless it gives one.
    Raises ValueError for anything else."""
    text = " ".join(text.split())
    today = now.astimezone(tz).date()
    day_part, _, time_part = text.rpartition(" ")
    clock = time.fromisoformat(time_part)  # HH:MM or HH:MM:SS
    if not day_part:
        day = today
    elif day_part.count("-") == 1:
        month, day_of_month = (int(x) for x in day_part.split("-"))
        day = date(today.year, month, day_of_month)
    else:
        day = date.fromisoformat(day_part)
    if clock.tzinfo is not None:
        raise ValueError(text)
    return datetime.combine(day, clock, tzinfo=tz)
