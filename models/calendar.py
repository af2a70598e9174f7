"""Working-day calendar: the Chinese statutory holidays and make-up working days (调休).

Years come from, in order: tables loaded by a supervisor, the tables shipped with the
``chinesecalendar`` library, and finally a Monday–Friday fallback that is recorded so the
interface can warn about it.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, time, timedelta
from functools import cache
from typing import Any

from chinese_calendar import constants as _cc

__all__ = [
    "DEFAULT_WORK_PERIODS",
    "CalendarTableError",
    "WorkCalendar",
    "YearTable",
    "parse_year_table",
    "year_table_to_json",
]

DEFAULT_WORK_PERIODS: tuple[tuple[time, time], ...] = (
    (time(9, 0), time(12, 0)),
    (time(13, 30), time(17, 30)),
)

_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
_MAX_IDLE_DAYS = 3660
_WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")


class CalendarTableError(ValueError):
    """A year table that cannot be used; the message names the offending entry."""


@dataclass(frozen=True)
class YearTable:
    year: int
    holidays: frozenset[date]
    workdays: frozenset[date]
    """Make-up working days (调休) that fall on a Saturday or Sunday."""


def _parse_dates(raw: Any, key: str, year: int) -> frozenset[date]:
    if not isinstance(raw, list):
        raise CalendarTableError(f'"{key}" must be a list of "YYYY-MM-DD" dates')
    dates: set[date] = set()
    for entry in raw:
        if not isinstance(entry, str) or not _ISO_DATE.fullmatch(entry):
            raise CalendarTableError(f'{key} entry {entry!r} is not a "YYYY-MM-DD" date')
        try:
            day = date.fromisoformat(entry)
        except ValueError:
            raise CalendarTableError(f"{key} entry {entry!r} is not a valid date") from None
        if day.year != year:
            raise CalendarTableError(f"{key} entry {entry} is outside the year {year}")
        dates.add(day)
    return frozenset(dates)


def parse_year_table(text: str) -> YearTable:
    """Parse ``{"year": 2027, "holidays": [...], "workdays": [...]}``; extra keys are ignored."""
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise CalendarTableError(f"not valid JSON: {exc}") from None
    if not isinstance(data, dict):
        raise CalendarTableError("the table must be a JSON object")
    missing = [key for key in ("year", "holidays", "workdays") if key not in data]
    if missing:
        raise CalendarTableError(f"missing key(s): {', '.join(missing)}")
    year = data["year"]
    if isinstance(year, bool) or not isinstance(year, int) or not 1 <= year <= 9999:
        raise CalendarTableError(f"year {year!r} is not a valid year")
    holidays = _parse_dates(data["holidays"], "holidays", year)
    workdays = _parse_dates(data["workdays"], "workdays", year)
    both = sorted(holidays & workdays)
    if both:
        raise CalendarTableError(f"{both[0].isoformat()} is listed both as holiday and workday")
    for day in sorted(workdays):
        if day.weekday() < 5:
            raise CalendarTableError(
                f"workdays entry {day.isoformat()} is a {_WEEKDAYS[day.weekday()]}; "
                "make-up working days fall on a Saturday or Sunday"
            )
    return YearTable(year=year, holidays=holidays, workdays=workdays)


def year_table_to_json(t: YearTable) -> str:
    return json.dumps(
        {
            "year": t.year,
            "holidays": [d.isoformat() for d in sorted(t.holidays)],
            "workdays": [d.isoformat() for d in sorted(t.workdays)],
        },
        indent=2,
    )


@cache
def _library_tables() -> dict[int, YearTable]:
    years = {d.year for d in _cc.holidays} | {d.year for d in _cc.workdays}
    return {
        year: YearTable(
            year=year,
            holidays=frozenset(d for d in _cc.holidays if d.year == year),
            workdays=frozenset(d for d in _cc.workdays if d.year == year),
        )
        for year in range(min(years), max(years) + 1)
    }


_FALLBACK = YearTable(year=0, holidays=frozenset(), workdays=frozenset())


class WorkCalendar:
    def __init__(
        self,
        tables: Iterable[YearTable] = (),
        work_periods: Sequence[tuple[time, time]] = DEFAULT_WORK_PERIODS,
    ) -> None:
        periods = tuple(work_periods)
        if not periods:
            raise ValueError("at least one work period is needed")
        for i, (begin, end) in enumerate(periods):
            if not begin < end:
                raise ValueError(f"work period {begin}–{end} does not end after it begins")
            if i and periods[i - 1][1] > begin:
                raise ValueError(f"work period {begin}–{end} overlaps or precedes the one before")
        self.work_periods: tuple[tuple[time, time], ...] = periods
        self.daily_minutes: float = sum(
            (_minutes_of_day(end) - _minutes_of_day(begin)) for begin, end in periods
        )
        self._loaded: dict[int, YearTable] = {}
        self._years: dict[int, YearTable] = {}
        self._prefix: dict[int, list[int]] = {}
        self._fallback: set[int] = set()
        for table in tables:
            self.load(table)

    def load(self, table: YearTable) -> None:
        """Use ``table`` for its year from now on, replacing the library or fallback."""
        self._loaded[table.year] = table
        self._years.pop(table.year, None)
        self._prefix.pop(table.year, None)
        self._fallback.discard(table.year)

    def _table(self, year: int) -> YearTable:
        table = self._years.get(year)
        if table is None:
            table = self._loaded.get(year) or _library_tables().get(year)
            if table is None:
                table = _FALLBACK
                self._fallback.add(year)
            self._years[year] = table
        return table

    def is_workday(self, d: date) -> bool:
        table = self._table(d.year)
        if d.weekday() < 5:
            return d not in table.holidays
        return d in table.workdays

    def is_known_year(self, year: int) -> bool:
        return year in self._loaded or year in _library_tables()

    def is_known(self, d: date) -> bool:
        return self.is_known_year(d.year)

    def known_years(self) -> frozenset[int]:
        return frozenset(_library_tables()) | frozenset(self._loaded)

    @property
    def fallback_years(self) -> frozenset[int]:
        """Years queried so far that only the Monday–Friday fallback could answer."""
        return frozenset(self._fallback)

    def _year_prefix(self, year: int) -> list[int]:
        prefix = self._prefix.get(year)
        if prefix is None:
            prefix = [0]
            day = date(year, 1, 1)
            while day.year == year:
                prefix.append(prefix[-1] + self.is_workday(day))
                day += timedelta(days=1)
            self._prefix[year] = prefix
        return prefix

    def workdays_between(self, first: date, stop: date) -> int:
        """Number of working days in ``[first, stop)``."""
        if stop <= first:
            return 0
        count = 0
        for year in range(first.year, stop.year + 1):
            prefix = self._year_prefix(year)
            lo = first.timetuple().tm_yday - 1 if year == first.year else 0
            hi = stop.timetuple().tm_yday - 1 if year == stop.year else len(prefix) - 1
            count += prefix[hi] - prefix[lo]
        return count

    def nth_workday_after(self, d: date, n: int) -> date:
        """The ``n``-th working day strictly after ``d`` (``d`` itself when ``n`` is 0)."""
        day = d
        idle = 0
        while n > 0:
            day += timedelta(days=1)
            if self.is_workday(day):
                n -= 1
                idle = 0
            else:
                idle += 1
                if idle > _MAX_IDLE_DAYS:
                    raise ValueError(f"no working day within {_MAX_IDLE_DAYS} days after {d}")
        return day


def _minutes_of_day(t: time) -> float:
    return t.hour * 60 + t.minute + t.second / 60 + t.microsecond / 60_000_000
