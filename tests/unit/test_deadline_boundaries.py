"""The traffic light in exact arithmetic: yellow from exactly 80% of a limit, red only after
exactly 100%, for every kind of limit and every working-hours schedule."""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta
from fractions import Fraction
from zoneinfo import ZoneInfo

from hypothesis import given, settings
from hypothesis import strategies as st

from models.calendar import WorkCalendar
from models.deadlines import Light, Limit, Unit, _advance, add_limit, clock_state, working_time
from models.working_hours import DEFAULT_HOURS, WorkingHours
from tests.unit.calendar_support import TABLE_2027

SH = ZoneInfo("Asia/Shanghai")
CAL = WorkCalendar([TABLE_2027])
TICK = timedelta(microseconds=1)
SUMMER = WorkingHours.uniform(((time(9, 0), time(12, 0)), (time(14, 0), time(18, 0))), "夏季作息")
FRIDAY = ((time(9, 0), time(12, 0)), (time(13, 30), time(16, 30)))
SHORT_FRIDAY = WorkingHours("", (*DEFAULT_HOURS.days[:4], FRIDAY, *DEFAULT_HOURS.days[5:]))
BOUNDARIES = settings(max_examples=120, deadline=None, derandomize=True)

starts = st.datetimes(
    min_value=datetime(2024, 1, 1), max_value=datetime(2027, 6, 30), timezones=st.just(UTC)
).map(lambda d: d.replace(microsecond=0))
limits = st.one_of(
    st.integers(1, 2880).map(Limit.minutes),
    st.integers(1, 60).map(Limit.working_hours),
    st.integers(1, 25).map(Limit.working_days),
)
schedules = st.sampled_from([DEFAULT_HOURS, SUMMER, SHORT_FRIDAY])


def test_exactly_80_percent_of_12_minutes_is_yellow() -> None:
    """Finding 1: 9 min 36 s of a 12-minute limit stayed green (0.7999… as a float)."""
    start = datetime(2026, 3, 10, 2, 0, tzinfo=UTC)
    deadline = start + timedelta(minutes=12)
    at = start + timedelta(minutes=9, seconds=36)
    state = clock_state(started_at=start, deadline=deadline, now=at, unit=Unit.MINUTES, cal=CAL)
    assert state.fraction == Fraction(4, 5)
    assert state.light is Light.YELLOW
    before = clock_state(started_at=start, deadline=deadline, now=at - TICK, unit=Unit.MINUTES, cal=CAL)
    assert before.light is Light.GREEN


def _instant_at(
    start: datetime, share: Fraction, deadline: datetime, limit: Limit, hours: WorkingHours
) -> datetime:
    """The first instant at which ``share`` of the limit's time is used up."""
    total = working_time(start, deadline, limit.unit, CAL, SH, hours)
    used = timedelta(microseconds=int(total // TICK * share))
    assert used // TICK == total // TICK * share  # exact: 80% of whole seconds is whole microseconds
    if limit.unit is Unit.MINUTES:
        return start + used
    return _advance(start, used, CAL, SH, hours)


def _state(start: datetime, deadline: datetime, now: datetime, limit: Limit, hours: WorkingHours) -> Light:
    return clock_state(
        started_at=start, deadline=deadline, now=now, unit=limit.unit, cal=CAL, tz=SH, hours=hours
    ).light


@BOUNDARIES
@given(start=starts, limit=limits, hours=schedules)
def test_yellow_from_exactly_80_percent(start: datetime, limit: Limit, hours: WorkingHours) -> None:
    deadline = add_limit(start, limit, CAL, SH, hours).at
    at = _instant_at(start, Fraction(4, 5), deadline, limit, hours)
    assert _state(start, deadline, at, limit, hours) is Light.YELLOW
    assert _state(start, deadline, at - TICK, limit, hours) is Light.GREEN


@BOUNDARIES
@given(start=starts, limit=limits, hours=schedules)
def test_red_only_after_exactly_100_percent(start: datetime, limit: Limit, hours: WorkingHours) -> None:
    deadline = add_limit(start, limit, CAL, SH, hours).at
    full = clock_state(
        started_at=start, deadline=deadline, now=deadline, unit=limit.unit, cal=CAL, tz=SH, hours=hours
    )
    assert full.fraction == 1
    assert full.light is Light.YELLOW
    assert not full.overdue
    assert _state(start, deadline, deadline + TICK, limit, hours) is Light.RED
