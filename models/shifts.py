"""Shifts (班次) of the desk: the start times of the day's shifts, each running until the next
one starts. A handover names what falls due within the shift that takes over."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

DEFAULT_SHIFTS = (time(8, 0), time(20, 0))
"""Two 12-hour shifts, from 08:00 and from 20:00."""


def parse_shifts(values: Sequence[str]) -> tuple[time, ...]:
    """``["08:00", "20:00"]`` → the start times, in order; ValueError when one is not HH:MM,
    none is given or one repeats."""
    starts = sorted(time.fromisoformat(str(v).strip()) for v in values)
    if not starts or len(set(starts)) != len(starts):
        raise ValueError("one start time or more, each once")
    if any(s.second or s.microsecond for s in starts):
        raise ValueError("start times are HH:MM")
    return tuple(starts)


def next_shift(ends: datetime, starts: Sequence[time], tz: ZoneInfo) -> tuple[datetime, datetime]:
    """The shift that takes over from one ending at ``ends``: the one whose start is nearest
    ``ends`` (a handover is written shortly before or after the change), from its start until
    the next shift starts."""
    day = ends.astimezone(tz).date()
    boundaries = sorted(
        datetime.combine(day + timedelta(days=d), start, tzinfo=tz) for d in range(-1, 3) for start in starts
    )
    begin = min(boundaries[:-1], key=lambda b: (abs(b - ends), b))
    return begin, boundaries[boundaries.index(begin) + 1]
