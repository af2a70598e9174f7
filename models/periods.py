"""Assessment periods on the station's calendar: a day, an ISO week, a month, a quarter, a year
or any from–to range of days, each with its neighbours and its bounds in UTC.

A period is a half-open range of local days ``[first, after)``: a check-in at 23:30 on the
last day of a month in Asia/Shanghai belongs to that month, whatever its UTC date.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from enum import StrEnum
from zoneinfo import ZoneInfo

from models.errors import ValidationError


class PeriodKind(StrEnum):
    DAY = "day"
    WEEK = "week"
    MONTH = "month"
    QUARTER = "quarter"
    YEAR = "year"
    RANGE = "range"


def _month_start(d: date, months: int = 0) -> date:
    index = d.year * 12 + d.month - 1 + months
    return date(index // 12, index % 12 + 1, 1)


@dataclass(frozen=True)
class Period:
    kind: PeriodKind
    first: date
    after: date
    """The day after the last day."""

    @property
    def last(self) -> date:
        return self.after - timedelta(days=1)

    @property
    def days(self) -> int:
        return (self.after - self.first).days

    @property
    def key(self) -> str:
        """The period as it is typed: 2026-11-05, 2026-W47, 2026-11, 2026-Q4, 2026, or a range."""
        f = self.first
        if self.kind is PeriodKind.DAY:
            return f.isoformat()
        if self.kind is PeriodKind.WEEK:
            year, week, _ = f.isocalendar()
            return f"{year}-W{week:02d}"
        if self.kind is PeriodKind.MONTH:
            return f"{f.year}-{f.month:02d}"
        if self.kind is PeriodKind.QUARTER:
            return f"{f.year}-Q{(f.month - 1) // 3 + 1}"
        if self.kind is PeriodKind.YEAR:
            return str(f.year)
        return f"{f.isoformat()}..{self.last.isoformat()}"

    def bounds(self, tz: ZoneInfo) -> tuple[datetime, datetime]:
        """[start, end) in UTC."""
        start = datetime.combine(self.first, time(0), tzinfo=tz).astimezone(UTC)
        end = datetime.combine(self.after, time(0), tzinfo=tz).astimezone(UTC)
        return start, end

    def shifted(self, steps: int) -> Period:
        """The period ``steps`` before (negative) or after (positive) this one, of the same kind."""
        if self.kind is PeriodKind.DAY:
            return day_period(self.first + timedelta(days=steps))
        if self.kind is PeriodKind.WEEK:
            return week_period(self.first + timedelta(weeks=steps))
        if self.kind is PeriodKind.MONTH:
            return month_period(_month_start(self.first, steps))
        if self.kind is PeriodKind.QUARTER:
            return quarter_period(_month_start(self.first, 3 * steps))
        if self.kind is PeriodKind.YEAR:
            return year_period(self.first.year + steps)
        span = timedelta(days=self.days * steps)
        return Period(PeriodKind.RANGE, self.first + span, self.after + span)

    def previous(self) -> Period:
        return self.shifted(-1)

    def next(self) -> Period:
        return self.shifted(1)

    def trail(self, count: int) -> list[Period]:
        """The ``count`` periods ending with this one, oldest first."""
        return [self.shifted(-n) for n in range(count - 1, -1, -1)]


def day_period(d: date) -> Period:
    return Period(PeriodKind.DAY, d, d + timedelta(days=1))


def week_period(d: date) -> Period:
    monday = d - timedelta(days=d.weekday())
    return Period(PeriodKind.WEEK, monday, monday + timedelta(days=7))


def month_period(d: date) -> Period:
    first = _month_start(d)
    return Period(PeriodKind.MONTH, first, _month_start(first, 1))


def quarter_period(d: date) -> Period:
    first = date(d.year, (d.month - 1) // 3 * 3 + 1, 1)
    return Period(PeriodKind.QUARTER, first, _month_start(first, 3))


def year_period(year: int) -> Period:
    return Period(PeriodKind.YEAR, date(year, 1, 1), date(year + 1, 1, 1))


def period_of(kind: PeriodKind, today: date) -> Period:
    """The period of ``kind`` that holds ``today`` (a range kind means the last 30 days)."""
    if kind is PeriodKind.DAY:
        return day_period(today)
    if kind is PeriodKind.WEEK:
        return week_period(today)
    if kind is PeriodKind.MONTH:
        return month_period(today)
    if kind is PeriodKind.QUARTER:
        return quarter_period(today)
    if kind is PeriodKind.YEAR:
        return year_period(today.year)
    return Period(PeriodKind.RANGE, today - timedelta(days=29), today + timedelta(days=1))


_WEEK = re.compile(r"^(\d{4})-?W(\d{1,2})$", re.IGNORECASE)
_MONTH = re.compile(r"^(\d{4})-(\d{1,2})$")
_QUARTER = re.compile(r"^(\d{4})-?Q([1-4])$", re.IGNORECASE)
_YEAR = re.compile(r"^(\d{4})$")
_RANGE = re.compile(r"^(\d{4}-\d{2}-\d{2})\s*(?:\.\.|~|/|至)\s*(\d{4}-\d{2}-\d{2})$")
_NAMED = {
    "day": PeriodKind.DAY,
    "week": PeriodKind.WEEK,
    "month": PeriodKind.MONTH,
    "quarter": PeriodKind.QUARTER,
    "year": PeriodKind.YEAR,
}


def parse_period(text: str, today: date) -> Period:
    """Read a period as typed: ``2026-11``, ``2026-W47``, ``2026-Q4``, ``2026``, ``2026-11-05``,
    ``2026-11-01..2026-11-15`` (both days included), or ``day``/``week``/``month``/``quarter``/
    ``year`` for the one holding today. Anything else is refused at the field."""
    raw = text.strip()
    if raw.lower() in _NAMED:
        return period_of(_NAMED[raw.lower()], today)
    try:
        if m := _RANGE.match(raw):
            first, last = date.fromisoformat(m.group(1)), date.fromisoformat(m.group(2))
            if last < first:
                raise ValidationError("error.period_backwards", field="period", text=raw)
            return Period(PeriodKind.RANGE, first, last + timedelta(days=1))
        if m := _WEEK.match(raw):
            return week_period(date.fromisocalendar(int(m.group(1)), int(m.group(2)), 1))
        if m := _QUARTER.match(raw):
            return quarter_period(date(int(m.group(1)), 3 * int(m.group(2)) - 2, 1))
        if m := _MONTH.match(raw):
            return month_period(date(int(m.group(1)), int(m.group(2)), 1))
        if m := _YEAR.match(raw):
            return year_period(int(m.group(1)))
        return day_period(date.fromisoformat(raw))
    except ValueError:
        raise ValidationError("error.bad_period", field="period", text=raw) from None
