"""The deadline engine: limits, working-time arithmetic and traffic-light clocks.

Datetimes going in and out are timezone-aware and returned in UTC; working time is
reckoned on the wall clock of the station time zone ``tz``, by a clock's working hours
(``hours``; the calendar's default hours when a call names none). Durations are exact
(``timedelta``, whole microseconds) and the traffic light compares exact fractions, so 80%
of a limit is yellow at that instant and not a microsecond later.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from enum import StrEnum
from fractions import Fraction
from zoneinfo import ZoneInfo

from models.calendar import WorkCalendar
from models.working_hours import WorkingHours

__all__ = [
    "DEFAULT_TZ",
    "YELLOW_FRACTION",
    "ClockState",
    "Deadline",
    "Light",
    "Limit",
    "Unit",
    "add_limit",
    "clock_state",
    "extend",
    "format_remaining",
    "measure",
    "parse_limit",
    "recount",
    "resume_deadline",
    "working_time",
]

DEFAULT_TZ = ZoneInfo("Asia/Shanghai")
YELLOW_FRACTION = Fraction(4, 5)
_MAX_IDLE_DAYS = 3660
_DAY = timedelta(days=1)
_TICK = timedelta(microseconds=1)


class Unit(StrEnum):
    MINUTES = "minutes"
    WORKING_HOURS = "working_hours"
    WORKING_DAYS = "working_days"


_LIMIT_RE = re.compile(r"\s*(\d+)\s*(m|h|wh|wd)\s*", re.IGNORECASE)


@dataclass(frozen=True)
class Limit:
    amount: int
    unit: Unit

    def __post_init__(self) -> None:
        if isinstance(self.amount, bool) or not isinstance(self.amount, int) or self.amount < 0:
            raise ValueError(f"a limit needs a whole non-negative amount, not {self.amount!r}")

    @classmethod
    def minutes(cls, n: int) -> Limit:
        return cls(n, Unit.MINUTES)

    @classmethod
    def hours(cls, n: int) -> Limit:
        return cls(n * 60, Unit.MINUTES)

    @classmethod
    def working_hours(cls, n: int) -> Limit:
        return cls(n, Unit.WORKING_HOURS)

    @classmethod
    def working_days(cls, n: int) -> Limit:
        return cls(n, Unit.WORKING_DAYS)

    def __str__(self) -> str:
        if self.unit is Unit.WORKING_HOURS:
            return f"{self.amount}wh"
        if self.unit is Unit.WORKING_DAYS:
            return f"{self.amount}wd"
        if self.amount and self.amount % 60 == 0:
            return f"{self.amount // 60}h"
        return f"{self.amount}m"


_CN_DIGITS = {"一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9}
_SPOKEN_RE = re.compile(
    r"\s*(半|[0-9]+|[一二两三四五六七八九十]{1,3})\s*(?:个)?\s*"
    r"(分钟|分|小时|钟头|工作小时|工作日|天)\s*"
)
_SPOKEN_UNITS = {
    "分钟": "m",
    "分": "m",
    "小时": "h",
    "钟头": "h",
    "工作小时": "wh",
    "工作日": "wd",
    "天": "wd",  # a day given to a department is a working day
}


def _cn_number(text: str) -> int | None:
    """1–99 written as an operator types it: 3, 十, 十五, 二十, 两."""
    if text.isdigit():
        return int(text)
    if "十" in text:
        tens, _, ones = text.partition("十")
        value = (_CN_DIGITS.get(tens, 0) if tens else 1) * 10 + (_CN_DIGITS.get(ones, 0) if ones else 0)
        return value if (not tens or tens in _CN_DIGITS) and (not ones or ones in _CN_DIGITS) else None
    return _CN_DIGITS.get(text) if len(text) == 1 else None


def _spoken(text: str) -> tuple[int, str] | None:
    """半小时 → (30, m); 2小时 → (2, h); 1天 and 3个工作日 → working days; 4工作小时 → wh."""
    match = _SPOKEN_RE.fullmatch(text)
    if match is None:
        return None
    amount_text, unit_text = match.groups()
    unit = _SPOKEN_UNITS[unit_text]
    if amount_text == "半":
        return (30, "m") if unit == "h" else None  # 半小时; half a day is not a limit
    amount = _cn_number(amount_text)
    return None if amount is None else (amount, unit)


MOST_AMOUNT = 100_000
"""The largest amount of any unit a limit takes: more is a typing slip, and counting that many
working days ahead would hold the desk up (or run past the calendar's last year)."""


def parse_limit(text: str) -> Limit:
    """Parse "30m", "24h", "4wh" or "15wd", or as an operator says it: 半小时, 2小时, 90分钟,
    1天 or 3个工作日 (a day is a working day), 4工作小时; the amount must be positive."""
    spoken = _spoken(text)
    if spoken is not None:
        text = f"{spoken[0]}{spoken[1]}"
    match = _LIMIT_RE.fullmatch(text)
    if match is None:
        raise ValueError(f'{text!r} is not a time limit such as "30m", "24h", "4wh" or "15wd"')
    amount, suffix = int(match.group(1)), match.group(2).lower()
    if amount == 0:
        raise ValueError(f"{text!r}: a time limit must be longer than zero")
    if amount > MOST_AMOUNT:
        raise ValueError(f"{text!r}: a time limit is at most {MOST_AMOUNT} of its unit")
    if suffix == "m":
        return Limit.minutes(amount)
    if suffix == "h":
        return Limit.hours(amount)
    if suffix == "wh":
        return Limit.working_hours(amount)
    return Limit.working_days(amount)


@dataclass(frozen=True)
class Deadline:
    at: datetime
    fallback_years: frozenset[int]
    """Years reckoned with the Monday–Friday fallback; empty when every year was known."""
    basis: Mapping[int, str] = field(default_factory=dict, compare=False)
    """What counted each year from start to deadline (``WorkCalendar.basis_of``); empty for
    a limit in wall minutes, which no calendar touches."""


def _utc(dt: datetime) -> datetime:
    if dt.tzinfo is None or dt.utcoffset() is None:
        raise ValueError(f"{dt!r} has no time zone; the deadline engine needs aware datetimes")
    return dt.astimezone(UTC)


def _periods(
    day: date, cal: WorkCalendar, tz: ZoneInfo, hours: WorkingHours
) -> list[tuple[datetime, datetime]]:
    if not cal.is_workday(day):
        return []
    return [
        (
            datetime.combine(day, begin, tzinfo=tz).astimezone(UTC),
            datetime.combine(day, end, tzinfo=tz).astimezone(UTC),
        )
        for begin, end in hours.periods(day.weekday())
    ]


def _local_date(dt: datetime, tz: ZoneInfo) -> date:
    return dt.astimezone(tz).date()


def _advance(
    start: datetime, span: timedelta, cal: WorkCalendar, tz: ZoneInfo, hours: WorkingHours
) -> datetime:
    """The instant after ``start`` once ``span`` of working time has elapsed."""
    if span <= timedelta(0):
        return start
    day, idle = _local_date(start, tz), 0
    while True:
        periods = _periods(day, cal, tz, hours)
        for begin, end in periods:
            if end <= start:
                continue
            begin = max(begin, start)
            if span <= end - begin:
                return begin + span
            span -= end - begin
        idle = 0 if periods else idle + 1
        if idle > _MAX_IDLE_DAYS:
            raise ValueError(f"no working day within {_MAX_IDLE_DAYS} days after {start}")
        day += _DAY


def _working_instant(start: datetime, cal: WorkCalendar, tz: ZoneInfo, hours: WorkingHours) -> datetime:
    """``start`` if it is inside working time, else the start of the next work period."""
    day, idle = _local_date(start, tz), 0
    while True:
        periods = _periods(day, cal, tz, hours)
        for begin, end in periods:
            if start < end:
                return max(begin, start)
        idle = 0 if periods else idle + 1
        if idle > _MAX_IDLE_DAYS:
            raise ValueError(f"no working day within {_MAX_IDLE_DAYS} days after {start}")
        day += _DAY


def _add_working_days(
    start: datetime, n: int, cal: WorkCalendar, tz: ZoneInfo, hours: WorkingHours
) -> datetime:
    if n == 0:
        return start
    base = _working_instant(start, cal, tz, hours).astimezone(tz)
    day = cal.nth_workday_after(base.date(), n)
    return datetime.combine(day, base.time(), tzinfo=tz).astimezone(UTC)


def _fallback_between(a: datetime, b: datetime, cal: WorkCalendar, tz: ZoneInfo) -> frozenset[int]:
    first, last = sorted((_local_date(a, tz).year, _local_date(b, tz).year))
    return frozenset(y for y in range(first, last + 1) if not cal.is_known_year(y))


def _basis_between(a: datetime, b: datetime, cal: WorkCalendar, tz: ZoneInfo) -> dict[int, str]:
    first, last = sorted((_local_date(a, tz).year, _local_date(b, tz).year))
    return {year: cal.basis_of(year) for year in range(first, last + 1)}


def _deadline(start: datetime, at: datetime, cal: WorkCalendar, tz: ZoneInfo) -> Deadline:
    return Deadline(at, _fallback_between(start, at, cal, tz), _basis_between(start, at, cal, tz))


def add_limit(
    start: datetime,
    limit: Limit,
    cal: WorkCalendar,
    tz: ZoneInfo = DEFAULT_TZ,
    hours: WorkingHours | None = None,
) -> Deadline:
    start = _utc(start)
    hours = hours or cal.hours
    if limit.unit is Unit.MINUTES:
        return Deadline(start + timedelta(minutes=limit.amount), frozenset())
    if limit.unit is Unit.WORKING_HOURS:
        at = _advance(start, timedelta(hours=limit.amount), cal, tz, hours)
    else:
        at = _add_working_days(start, limit.amount, cal, tz, hours)
    return _deadline(start, at, cal, tz)


def extend(
    deadline: datetime,
    limit: Limit,
    cal: WorkCalendar,
    tz: ZoneInfo = DEFAULT_TZ,
    hours: WorkingHours | None = None,
) -> Deadline:
    """An extension (延期): ``limit`` added to the current deadline."""
    return add_limit(deadline, limit, cal, tz, hours)


def _working_span(
    start: datetime, end: datetime, cal: WorkCalendar, tz: ZoneInfo, hours: WorkingHours
) -> timedelta:
    if end <= start:
        return timedelta(0)
    first, last = _local_date(start, tz), _local_date(end, tz)
    total = timedelta(0)
    for day in (first, last) if last > first else (first,):
        for begin, stop in _periods(day, cal, tz, hours):
            lo, hi = max(begin, start), min(stop, end)
            if hi > lo:
                total += hi - lo
    if hours.is_uniform:
        full_days = cal.workdays_between(first + _DAY, last)
        return total + full_days * timedelta(seconds=hours.day_seconds(0))
    day = first + _DAY
    while day < last:
        if cal.is_workday(day):
            total += timedelta(seconds=hours.day_seconds(day.weekday()))
        day += _DAY
    return total


def working_time(
    start: datetime,
    end: datetime,
    unit: Unit,
    cal: WorkCalendar,
    tz: ZoneInfo = DEFAULT_TZ,
    hours: WorkingHours | None = None,
) -> timedelta:
    """The exact time from ``start`` to ``end``: wall time, or working time for working units."""
    start, end = _utc(start), _utc(end)
    if end <= start:
        return timedelta(0)
    if unit is Unit.MINUTES:
        return end - start
    return _working_span(start, end, cal, tz, hours or cal.hours)


def measure(
    start: datetime,
    end: datetime,
    unit: Unit,
    cal: WorkCalendar,
    tz: ZoneInfo = DEFAULT_TZ,
    hours: WorkingHours | None = None,
) -> float:
    """Minutes from ``start`` to ``end`` (for display and records; decisions use
    ``working_time``): wall minutes, or working minutes for working units."""
    return working_time(start, end, unit, cal, tz, hours) / timedelta(minutes=1)


def recount(
    *,
    started_at: datetime,
    deadline: datetime,
    limit: Limit,
    counted_by_fallback: frozenset[int],
    cal: WorkCalendar,
    tz: ZoneInfo = DEFAULT_TZ,
    hours: WorkingHours | None = None,
    adjusted: bool = False,
) -> Deadline:
    """A deadline reckoned with ``counted_by_fallback`` years Monday–Friday, counted again by
    ``cal`` (which now has tables for some of them).

    A clock never paused or extended (``adjusted`` false) is counted afresh from its start.
    Otherwise what it was given is kept and spent again by the new days: the working time
    from start to deadline for working hours; for working days, the number of working days
    from its first working instant to the deadline, ending at the deadline's time of day.
    """
    started_at, deadline = _utc(started_at), _utc(deadline)
    hours = hours or cal.hours
    if limit.unit is Unit.MINUTES:
        return Deadline(deadline, frozenset())
    if not adjusted:
        return add_limit(started_at, limit, cal, tz, hours)
    old = cal.counted_as(counted_by_fallback)
    if limit.unit is Unit.WORKING_HOURS:
        given = _working_span(started_at, deadline, old, tz, hours)
        return _deadline(started_at, _advance(started_at, given, cal, tz, hours), cal, tz)
    old_base = _working_instant(started_at, old, tz, hours).astimezone(tz).date()
    end = deadline.astimezone(tz)
    days = old.workdays_between(old_base + _DAY, end.date() + _DAY)
    new_base = _working_instant(started_at, cal, tz, hours).astimezone(tz).date()
    day = cal.nth_workday_after(new_base, days)
    at = datetime.combine(day, end.timetz().replace(tzinfo=None), tzinfo=tz).astimezone(UTC)
    return _deadline(started_at, at, cal, tz)


def resume_deadline(
    deadline: datetime,
    paused_at: datetime,
    resumed_at: datetime,
    unit: Unit,
    cal: WorkCalendar,
    tz: ZoneInfo = DEFAULT_TZ,
    hours: WorkingHours | None = None,
) -> tuple[datetime, float]:
    """Push ``deadline`` back by the pause (挂账), measured in ``unit``.

    Returns the new deadline and the paused minutes to add to ``paused_minutes``.
    """
    deadline, paused_at, resumed_at = _utc(deadline), _utc(paused_at), _utc(resumed_at)
    if resumed_at <= paused_at:
        return deadline, 0.0
    if unit is Unit.MINUTES:
        span = resumed_at - paused_at
        return deadline + span, span / timedelta(minutes=1)
    hours = hours or cal.hours
    span = _working_span(paused_at, resumed_at, cal, tz, hours)
    return _advance(deadline, span, cal, tz, hours), span / timedelta(minutes=1)


class Light(StrEnum):
    GREEN = "green"
    YELLOW = "yellow"
    RED = "red"


@dataclass(frozen=True)
class ClockState:
    light: Light
    fraction: Fraction
    """Share of the limit used, exact: yellow from ``YELLOW_FRACTION`` on."""
    remaining: timedelta
    """Deadline minus the evaluation time, in wall time; negative when overdue."""
    overdue: bool
    paused: bool
    stopped: bool
    light_until: datetime | None = None
    """The light reads the same from the evaluation time up to this instant, inclusive (None:
    for as long as nothing is written: a stopped, paused or overdue clock). A countdown drawn
    every second needs its light counted again only after it."""


def clock_state(
    *,
    started_at: datetime,
    deadline: datetime,
    now: datetime,
    unit: Unit,
    cal: WorkCalendar,
    tz: ZoneInfo = DEFAULT_TZ,
    paused_minutes: float = 0.0,
    paused_at: datetime | None = None,
    stopped_at: datetime | None = None,
    hours: WorkingHours | None = None,
) -> ClockState:
    """The clock as of ``stopped_at`` if stopped, else ``paused_at`` if paused, else ``now``."""
    stopped = stopped_at is not None
    paused = not stopped and paused_at is not None
    at = _utc(stopped_at or paused_at or now)
    deadline = _utc(deadline)
    paused_time = timedelta(minutes=paused_minutes)
    used = working_time(started_at, at, unit, cal, tz, hours) - paused_time
    total = working_time(started_at, deadline, unit, cal, tz, hours) - paused_time
    if total > timedelta(0):
        fraction = Fraction(max(used, timedelta(0)) // _TICK, total // _TICK)
    else:
        fraction = Fraction(1)
    overdue = at > deadline
    if overdue:
        light = Light.RED
    elif fraction >= YELLOW_FRACTION:
        light = Light.YELLOW
    else:
        light = Light.GREEN
    return ClockState(
        light=light,
        fraction=fraction,
        remaining=deadline - at,
        overdue=overdue,
        paused=paused,
        stopped=stopped,
        light_until=None if stopped or paused else _light_until(light, at, deadline, used, total),
    )


def _light_until(
    light: Light, at: datetime, deadline: datetime, used: timedelta, total: timedelta
) -> datetime | None:
    """Until when a running clock's light, read at ``at``, reads the same: red for good; yellow
    until the deadline passes; green while the time used stays below the yellow share, and
    working time passes no faster than the wall clock, so at least until the wall time left
    before the share is reached has passed (or the deadline, the earlier)."""
    if light is Light.RED:
        return None
    if light is Light.YELLOW:
        return deadline
    # green: max(used, 0) // tick < share = ceil(YELLOW_FRACTION * (total // tick)), a share of
    # one tick at least, so held while the time used (less the pauses: it may start below
    # zero), which grows no faster than ``at``, stays below that many ticks
    share = -((-YELLOW_FRACTION.numerator * (total // _TICK)) // YELLOW_FRACTION.denominator)
    room = share - used // _TICK - 1
    return min(at + room * _TICK, deadline)


def format_remaining(td: timedelta) -> str:
    """Compact "mm:ss", "h:mm:ss" or "Nd hh:mm"; overdue time is prefixed with "+"."""
    seconds = td.total_seconds()
    sign = "+" if seconds < 0 else ""
    whole = int(abs(seconds))
    days, rest = divmod(whole, 86400)
    hours, rest = divmod(rest, 3600)
    minutes, secs = divmod(rest, 60)
    if days:
        return f"{sign}{days}d {hours:02d}:{minutes:02d}"
    if hours:
        return f"{sign}{hours}:{minutes:02d}:{secs:02d}"
    return f"{sign}{minutes:02d}:{secs:02d}"
