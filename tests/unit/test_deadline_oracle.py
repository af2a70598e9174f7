"""The deadline engine against an oracle written apart from it, simply: working hours walked
minute by minute, working days counted day by day, over the official tables of
chinesecalendar for 2024–2026 and an imported 2027 table."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from functools import cache
from zoneinfo import ZoneInfo

import chinese_calendar
from hypothesis import given, settings
from hypothesis import strategies as st

from models.calendar import WorkCalendar
from models.deadlines import Limit, add_limit
from models.working_hours import DEFAULT_HOURS, WorkingHours
from tests.unit.calendar_support import HOLIDAYS_2027, TABLE_2027, WORKDAYS_2027

SH = ZoneInfo("Asia/Shanghai")
MINUTE = timedelta(minutes=1)
OFF_2027 = {date.fromisoformat(d) for d in HOLIDAYS_2027}
ON_2027 = {date.fromisoformat(d) for d in WORKDAYS_2027}
SUMMER = WorkingHours.uniform(((time(9, 0), time(12, 0)), (time(14, 0), time(18, 0))), "夏季作息")
FRIDAY = ((time(9, 0), time(12, 0)), (time(13, 30), time(16, 30)))
SHORT_FRIDAY = WorkingHours("", (*DEFAULT_HOURS.days[:4], FRIDAY, *DEFAULT_HOURS.days[5:]))
ORACLE = settings(max_examples=200, deadline=None, derandomize=True)


@cache
def worked(day: date) -> bool:
    if day.year == 2027:
        return day in ON_2027 or (day.weekday() < 5 and day not in OFF_2027)
    return bool(chinese_calendar.is_workday(day))


def working_minute(at: datetime, hours: WorkingHours) -> bool:
    """Is the minute starting at ``at`` (Shanghai wall clock) working time?"""
    local = at.astimezone(SH)
    if not worked(local.date()):
        return False
    t = local.time()
    return any(a <= t < b for a, b in hours.periods(local.weekday()))


def oracle_working_hours(start: datetime, n: int, hours: WorkingHours) -> datetime:
    """Minute by minute; a day off is stepped over whole."""
    at, left = start, n * 60
    while True:
        local = at.astimezone(SH)
        if not worked(local.date()):
            at = datetime.combine(local.date() + timedelta(days=1), time(0, 0), tzinfo=SH)
            continue
        if working_minute(at, hours):
            left -= 1
            if left == 0:
                return at + MINUTE
        at += MINUTE


def oracle_working_days(start: datetime, n: int, hours: WorkingHours) -> datetime:
    at = start
    while not working_minute(at, hours):
        at += MINUTE
    base = at.astimezone(SH)
    day = base.date()
    while n:
        day += timedelta(days=1)
        if worked(day):
            n -= 1
    return datetime.combine(day, base.time(), tzinfo=SH)


special_times = st.sampled_from(
    [time(8, 59), time(9, 0), time(12, 0), time(13, 29), time(17, 30), time(23, 59)]
)
any_minute = st.integers(0, 24 * 60 - 1).map(lambda m: time(m // 60, m % 60))
starts = st.builds(
    lambda day, t: datetime.combine(day, t, tzinfo=SH),
    st.dates(min_value=date(2024, 1, 1), max_value=date(2026, 12, 31)),
    st.one_of(special_times, any_minute),
)
schedules = st.sampled_from([DEFAULT_HOURS, SUMMER, SHORT_FRIDAY])
CAL = WorkCalendar([TABLE_2027])


@ORACLE
@given(start=starts, n=st.integers(1, 40), hours=schedules)
def test_working_hours_agree_with_walking_minute_by_minute(
    start: datetime, n: int, hours: WorkingHours
) -> None:
    got = add_limit(start, Limit.working_hours(n), CAL, SH, hours)
    assert got.at == oracle_working_hours(start, n, hours).astimezone(UTC)
    assert not got.fallback_years


@ORACLE
@given(start=starts, n=st.integers(1, 25), hours=schedules)
def test_working_days_agree_with_counting_day_by_day(start: datetime, n: int, hours: WorkingHours) -> None:
    got = add_limit(start, Limit.working_days(n), CAL, SH, hours)
    assert got.at == oracle_working_days(start, n, hours).astimezone(UTC)
    assert not got.fallback_years
