"""Working-day calendar: the Chinese statutory holidays and make-up working days (调休).

Years come from, in order: tables loaded by a supervisor, the tables shipped with the
``chinesecalendar`` library, and finally a Monday–Friday fallback that is recorded so the
interface can warn about it. Each year's *basis* (``WorkCalendar.basis_of``) says which of
these counted it; a clock records the basis of every year its deadline crosses.

A table is checked (``check_year_table``) before it is loaded: the checks name the offending
date, and a table for a year the official tables cover must agree with them
(``official_conflict``) unless a supervisor overrides it with a reason.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from functools import cache
from typing import Any

from chinese_calendar import constants as _cc
from chinese_calendar import get_solar_terms
from lunardate import LunarDate

from models.i18n import t
from models.working_hours import DEFAULT_PERIODS, Period, WorkingHours

__all__ = [
    "DEFAULT_WORK_PERIODS",
    "DISTRICT",
    "FALLBACK",
    "OFFICIAL",
    "CalendarTableError",
    "WorkCalendar",
    "YearTable",
    "check_year_table",
    "official_conflict",
    "official_table",
    "official_years",
    "parse_year_table",
    "year_table_to_json",
]

DEFAULT_WORK_PERIODS: tuple[Period, ...] = DEFAULT_PERIODS

OFFICIAL = "official"
"""Basis of a year counted by the tables shipped with ``chinesecalendar``."""
FALLBACK = "fallback"
"""Basis of a year counted Monday–Friday for lack of any table."""
LOCAL = "local"
"""Origin of a table loaded at this station (``whistle calendar``). A table the district
publishes will carry its own origin and outrank a local one (see the sync issue)."""
DISTRICT = "district"
"""Origin of a table published by the station's trusted district: it outranks a local one."""

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
    origin: str = field(default=LOCAL, compare=False)
    """Where the table came from: ``official`` (shipped), ``local`` (loaded here); the basis
    a clock records for the year."""

    def is_workday(self, d: date) -> bool:
        if d.weekday() < 5:
            return d not in self.holidays
        return d in self.workdays


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
            origin=OFFICIAL,
        )
        for year in range(min(years), max(years) + 1)
    }


def official_table(year: int) -> YearTable | None:
    """The shipped official table of ``year``, if it has one."""
    return _library_tables().get(year)


def official_years() -> frozenset[int]:
    """The years the shipped official tables cover."""
    return frozenset(_library_tables())


_FALLBACK = YearTable(year=0, holidays=frozenset(), workdays=frozenset(), origin=FALLBACK)

# The statutory festivals (全国年节及纪念日放假办法): every table must give each its day off.
# 清明, 端午 and 中秋 became days off in 2008.
_LUNAR_FIRST_YEAR, _LUNAR_LAST_YEAR = 1900, 2099
_FESTIVALS_SINCE_2008 = ("qingming", "duanwu", "zhongqiu")
_NEAR_FESTIVAL_DAYS = 3


def _festivals(year: int) -> dict[str, date]:
    qingming = next(
        day for day, name in get_solar_terms(date(year, 4, 1), date(year, 4, 10)) if name == "清明"
    )
    days = {
        "yuandan": date(year, 1, 1),
        "chunjie": LunarDate(year, 1, 1).to_solar_date(),
        "qingming": qingming,
        "laodong": date(year, 5, 1),
        "duanwu": LunarDate(year, 5, 5).to_solar_date(),
        "zhongqiu": LunarDate(year, 8, 15).to_solar_date(),
        "guoqing": date(year, 10, 1),
    }
    if year < 2008:
        for key in _FESTIVALS_SINCE_2008:
            del days[key]
    return days


def _festival_off(table: YearTable, day: date) -> bool:
    """The festival's day is a holiday; or it falls on a weekend that stays a rest day and the
    days off lie next to it (some tables list only the weekdays of a break)."""
    if day in table.holidays:
        return True
    if day.weekday() < 5 or day in table.workdays:
        return False
    near = (day + timedelta(days=k) for k in range(-_NEAR_FESTIVAL_DAYS, _NEAR_FESTIVAL_DAYS + 1))
    return any(d in table.holidays for d in near)


def check_year_table(table: YearTable) -> None:
    """Refuse a table that cannot be a year's statutory holidays; the message names the date.

    Every date inside its year; none both a holiday and a make-up working day; make-up days
    on weekends (``parse_year_table`` checks these for a file); not empty; some holiday on a
    weekday; each statutory festival given its day off.
    """
    year = table.year
    if not _LUNAR_FIRST_YEAR <= year <= _LUNAR_LAST_YEAR:
        first, last = _LUNAR_FIRST_YEAR, _LUNAR_LAST_YEAR
        raise CalendarTableError(t("calendar.check.year_range", year=year, first=first, last=last))
    for day in sorted(table.holidays | table.workdays):
        if day.year != year:
            raise CalendarTableError(t("calendar.check.outside_year", day=day.isoformat(), year=year))
    both = sorted(table.holidays & table.workdays)
    if both:
        raise CalendarTableError(t("calendar.check.both", day=both[0].isoformat()))
    for day in sorted(table.workdays):
        if day.weekday() < 5:
            raise CalendarTableError(t("calendar.check.workday_not_weekend", day=day.isoformat()))
    if not table.holidays:
        raise CalendarTableError(t("calendar.check.empty", year=year))
    if all(day.weekday() >= 5 for day in table.holidays):
        earliest = min(table.holidays).isoformat()
        raise CalendarTableError(t("calendar.check.weekends_only", year=year, day=earliest))
    for key, day in _festivals(year).items():
        if not _festival_off(table, day):
            name = t(f"calendar.festival.{key}")
            raise CalendarTableError(t("calendar.check.festival_missing", festival=name, day=day.isoformat()))


def official_conflict(table: YearTable) -> date | None:
    """The first day on which ``table`` disagrees with the official table of its year about
    working or not; None when they agree or no official table covers the year."""
    official = official_table(table.year)
    if official is None:
        return None
    day = date(table.year, 1, 1)
    while day.year == table.year:
        if table.is_workday(day) != official.is_workday(day):
            return day
        day += timedelta(days=1)
    return None


class WorkCalendar:
    """Which days are worked, year by year; and the default working hours, used by a clock
    that records none of its own (``models.deadlines`` takes a clock's hours explicitly)."""

    def __init__(
        self,
        tables: Iterable[YearTable] = (),
        work_periods: Sequence[Period] = DEFAULT_WORK_PERIODS,
        *,
        counted_by_fallback: Iterable[int] = (),
    ) -> None:
        self.hours = WorkingHours.uniform(work_periods)
        self.work_periods: tuple[Period, ...] = self.hours.periods(0)
        self.daily_minutes: float = self.hours.day_seconds(0) / 60
        self._loaded: dict[int, YearTable] = {}
        self._forced_fallback = frozenset(counted_by_fallback)
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

    def counted_as(self, fallback_years: Iterable[int]) -> WorkCalendar:
        """This calendar as it was for a clock counted with ``fallback_years`` Monday–Friday:
        the days a deadline was reckoned by before those years' tables arrived."""
        cal = WorkCalendar(self._loaded.values(), counted_by_fallback=fallback_years)
        cal.hours, cal.work_periods, cal.daily_minutes = self.hours, self.work_periods, self.daily_minutes
        return cal

    def _lookup(self, year: int) -> YearTable | None:
        if year in self._forced_fallback:
            return None
        return self._loaded.get(year) or _library_tables().get(year)

    def _table(self, year: int) -> YearTable:
        table = self._years.get(year)
        if table is None:
            table = self._lookup(year)
            if table is None:
                table = _FALLBACK
                self._fallback.add(year)
            self._years[year] = table
        return table

    def basis_of(self, year: int) -> str:
        """What counts ``year``: a loaded table's origin, ``official`` or ``fallback``."""
        table = self._lookup(year)
        return table.origin if table is not None else FALLBACK

    def is_workday(self, d: date) -> bool:
        return self._table(d.year).is_workday(d)

    def is_known_year(self, year: int) -> bool:
        return self._lookup(year) is not None

    def is_known(self, d: date) -> bool:
        return self.is_known_year(d.year)

    def known_years(self) -> frozenset[int]:
        return (frozenset(_library_tables()) | frozenset(self._loaded)) - self._forced_fallback

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
