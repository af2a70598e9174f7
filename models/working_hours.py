"""Working hours (作息): the periods of a working day, per weekday, and the seasonal schedules
(夏季作息) a station keeps.

A clock is counted by the hours in force on the day it starts, and records them
(``WorkingHours.to_payload``), so replay, other stations and the district count it the same
way whatever the settings say later.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, time
from functools import lru_cache
from typing import Any

__all__ = [
    "DEFAULT_HOURS",
    "DEFAULT_PERIODS",
    "WEEKDAY_NAMES",
    "HoursSchedule",
    "Period",
    "Season",
    "WorkingHours",
    "check_periods",
    "hours_from_json",
    "parse_month_day",
    "parse_periods",
]

Period = tuple[time, time]

DEFAULT_PERIODS: tuple[Period, ...] = ((time(9, 0), time(12, 0)), (time(13, 30), time(17, 30)))
WEEKDAY_NAMES = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")

_PERIOD = re.compile(r"\s*(\d{1,2}):(\d{2})\s*-\s*(\d{1,2}):(\d{2})\s*")
_MONTH_DAY = re.compile(r"\s*(\d{1,2})-(\d{1,2})\s*")


def check_periods(periods: Sequence[Period]) -> tuple[Period, ...]:
    """The periods as a tuple, refused (ValueError) when empty, reversed or overlapping."""
    result = tuple(periods)
    if not result:
        raise ValueError("at least one work period is needed")
    for i, (begin, end) in enumerate(result):
        if not begin < end:
            raise ValueError(f"work period {begin:%H:%M}–{end:%H:%M} does not end after it begins")
        if i and result[i - 1][1] > begin:
            raise ValueError(f"work period {begin:%H:%M}–{end:%H:%M} overlaps or precedes the one before")
    return result


def _seconds(t: time) -> int:
    return t.hour * 3600 + t.minute * 60 + t.second


def parse_periods(raw: Any) -> tuple[Period, ...]:
    """``["09:00-12:00", "13:30-17:30"]`` → periods; ValueError names the bad entry."""
    if not isinstance(raw, list):
        raise ValueError(f'{raw!r} is not a list of periods such as ["09:00-12:00", "14:00-18:00"]')
    periods: list[Period] = []
    for entry in raw:
        match = _PERIOD.fullmatch(entry) if isinstance(entry, str) else None
        if match is None:
            raise ValueError(f'{entry!r} is not a period such as "09:00-12:00"')
        h1, m1, h2, m2 = map(int, match.groups())
        try:
            periods.append((time(h1, m1), time(h2, m2)))
        except ValueError:
            raise ValueError(f"{entry!r} is not a time of day") from None
    return check_periods(periods)


def parse_month_day(raw: Any) -> tuple[int, int]:
    """``"05-01"`` → (5, 1); ValueError for anything that is not a day of the year."""
    match = _MONTH_DAY.fullmatch(raw) if isinstance(raw, str) else None
    if match is None:
        raise ValueError(f'{raw!r} is not a day of the year such as "05-01"')
    month, day = map(int, match.groups())
    try:
        date(2000, month, day)  # a leap year: 02-29 is allowed
    except ValueError:
        raise ValueError(f"{raw!r} is not a day of the year") from None
    return month, day


@dataclass(frozen=True)
class WorkingHours:
    """The working periods of each weekday (Monday first). A working day's weekday picks its
    periods; whether a day is worked at all is the calendar's business (a make-up Saturday
    uses the Saturday entry, which is the station default unless set)."""

    name: str
    days: tuple[tuple[Period, ...], ...]

    def __post_init__(self) -> None:
        if len(self.days) != 7:
            raise ValueError("working hours need the periods of all seven weekdays")
        for periods in self.days:
            check_periods(periods)

    @classmethod
    def uniform(cls, periods: Sequence[Period] = DEFAULT_PERIODS, name: str = "") -> WorkingHours:
        periods = check_periods(periods)
        return cls(name, (periods,) * 7)

    def periods(self, weekday: int) -> tuple[Period, ...]:
        return self.days[weekday]

    def day_seconds(self, weekday: int) -> int:
        return sum(_seconds(end) - _seconds(begin) for begin, end in self.days[weekday])

    @property
    def is_uniform(self) -> bool:
        return all(periods == self.days[0] for periods in self.days)

    def to_payload(self) -> dict[str, Any]:
        """How an event records the hours: ``{"name", "days": [[["09:00", "12:00"], ...] × 7]}``."""
        return {
            "name": self.name,
            "days": [[[f"{a:%H:%M}", f"{b:%H:%M}"] for a, b in periods] for periods in self.days],
        }

    @classmethod
    def from_payload(cls, payload: Mapping[str, Any]) -> WorkingHours:
        days = tuple(
            tuple((time.fromisoformat(a), time.fromisoformat(b)) for a, b in periods)
            for periods in payload["days"]
        )
        return cls(str(payload.get("name", "")), days)


DEFAULT_HOURS = WorkingHours.uniform(DEFAULT_PERIODS)


@lru_cache(maxsize=64)
def _hours_from_text(text: str) -> WorkingHours:
    return WorkingHours.from_payload(json.loads(text))


def hours_from_json(text: str | None) -> WorkingHours:
    """The hours a clock row records (JSON text); a clock from before they were recorded was
    counted by the hours fixed at the time, the default ones."""
    return _hours_from_text(text) if text else DEFAULT_HOURS


@dataclass(frozen=True)
class Season:
    """A schedule in force every year from ``start`` to ``end`` inclusive (month, day); a
    season may run over the new year (e.g. 11-15 to 03-15)."""

    name: str
    start: tuple[int, int]
    end: tuple[int, int]
    hours: WorkingHours

    def covers(self, day: date) -> bool:
        key = (day.month, day.day)
        if self.start <= self.end:
            return self.start <= key <= self.end
        return key >= self.start or key <= self.end


@dataclass(frozen=True)
class HoursSchedule:
    """A station's working hours: its default, and seasons that replace it on their dates
    (the first season that covers a day wins). A season has its own default periods and its
    own weekday entries; the station's weekday entries do not carry into it."""

    default: WorkingHours = DEFAULT_HOURS
    seasons: tuple[Season, ...] = ()

    def in_force(self, day: date) -> WorkingHours:
        """The hours of the season covering ``day``, else the default."""
        for season in self.seasons:
            if season.covers(day):
                return season.hours
        return self.default
