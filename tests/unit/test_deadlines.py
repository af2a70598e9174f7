from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from functools import partial
from zoneinfo import ZoneInfo

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from models.calendar import WorkCalendar, YearTable
from models.deadlines import (
    Deadline,
    Light,
    Limit,
    Unit,
    add_limit,
    clock_state,
    extend,
    format_remaining,
    measure,
    parse_limit,
    resume_deadline,
)

SH = ZoneInfo("Asia/Shanghai")
CAL = WorkCalendar()
PROPS = settings(max_examples=50, deadline=None)
TABLE_2027 = YearTable(
    year=2027,
    holidays=frozenset({date(2027, 1, 1)}),
    workdays=frozenset({date(2027, 1, 2)}),
)


def sh(y: int, mo: int, d: int, h: int = 0, mi: int = 0) -> datetime:
    return datetime(y, mo, d, h, mi, tzinfo=SH)


instants = st.datetimes(
    min_value=datetime(2025, 11, 1), max_value=datetime(2027, 2, 1), timezones=st.just(UTC)
)
working_units = st.sampled_from([Unit.WORKING_HOURS, Unit.WORKING_DAYS])
units = st.sampled_from(list(Unit))


def in_work_period(at: datetime, *, closed_end: bool) -> bool:
    local = at.astimezone(SH)
    if not CAL.is_workday(local.date()):
        return False
    t = local.time()
    if closed_end:
        return any(a < t <= b for a, b in CAL.work_periods)
    return any(a <= t < b for a, b in CAL.work_periods)


def reference_working_minutes(start: datetime, end: datetime) -> float:
    """Day-by-day overlap with the work periods, without the engine's shortcuts."""
    total = timedelta(0)
    day = start.astimezone(SH).date()
    while day <= end.astimezone(SH).date():
        if CAL.is_workday(day):
            for a, b in CAL.work_periods:
                lo = max(datetime.combine(day, a, tzinfo=SH), start)
                hi = min(datetime.combine(day, b, tzinfo=SH), end)
                total += max(hi - lo, timedelta(0))
        day += timedelta(days=1)
    return total / timedelta(minutes=1)


# --- limits -----------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "limit"),
    [
        ("30m", Limit.minutes(30)),
        ("24h", Limit(1440, Unit.MINUTES)),
        ("4wh", Limit.working_hours(4)),
        ("15wd", Limit.working_days(15)),
        (" 2WD ", Limit.working_days(2)),
    ],
)
def test_parse_limit(text: str, limit: Limit) -> None:
    assert parse_limit(text) == limit
    assert str(limit) == text.strip().lower()


@pytest.mark.parametrize("text", ["", "30", "m", "-5m", "1.5h", "0m", "3 days", "30x", "4w"])
def test_parse_limit_rejects_bad_text(text: str) -> None:
    with pytest.raises(ValueError):
        parse_limit(text)


def test_limit_rejects_negative_or_fractional_amounts() -> None:
    with pytest.raises(ValueError):
        Limit(-1, Unit.MINUTES)
    with pytest.raises(ValueError):
        Limit(1.5, Unit.WORKING_HOURS)  # type: ignore[arg-type]


@given(amount=st.integers(1, 10_000), unit=units)
def test_limit_text_round_trips(amount: int, unit: Unit) -> None:
    assert parse_limit(str(Limit(amount, unit))) == Limit(amount, unit)


# --- add_limit on real dates ------------------------------------------------


@pytest.mark.parametrize(
    ("start", "limit", "expected"),
    [
        (sh(2026, 9, 30, 16), Limit.working_days(1), sh(2026, 10, 8, 16)),
        (sh(2026, 9, 30, 16), Limit.working_days(3), sh(2026, 10, 10, 16)),  # make-up Saturday
        (sh(2026, 9, 18, 15), Limit.working_days(1), sh(2026, 9, 20, 15)),  # make-up Sunday
        (sh(2026, 9, 24, 10), Limit.working_days(1), sh(2026, 9, 28, 10)),  # Mid-Autumn
        (sh(2026, 3, 6, 15), Limit.working_days(1), sh(2026, 3, 9, 15)),
        (sh(2026, 3, 7, 10), Limit.working_days(1), sh(2026, 3, 10, 9)),
        (sh(2026, 3, 9, 12, 30), Limit.working_days(1), sh(2026, 3, 10, 13, 30)),
        (sh(2026, 3, 9, 17, 30), Limit.working_days(1), sh(2026, 3, 11, 9)),
        (sh(2026, 3, 9, 7), Limit.working_days(15), sh(2026, 3, 30, 9)),
        (sh(2026, 3, 6, 18, 30), Limit.working_hours(2), sh(2026, 3, 9, 11)),
        (sh(2026, 3, 9, 11), Limit.working_hours(2), sh(2026, 3, 9, 14, 30)),
        (sh(2026, 3, 9, 15, 30), Limit.working_hours(2), sh(2026, 3, 9, 17, 30)),
        (sh(2026, 3, 9, 9), Limit.working_hours(7), sh(2026, 3, 9, 17, 30)),
        (sh(2026, 9, 30, 17), Limit.working_hours(2), sh(2026, 10, 8, 10, 30)),
        (sh(2026, 9, 24, 17), Limit.working_hours(1), sh(2026, 9, 28, 9, 30)),
        (sh(2026, 9, 30, 23), Limit.hours(24), sh(2026, 10, 1, 23)),
        (sh(2026, 9, 30, 23, 50), Limit.minutes(30), sh(2026, 10, 1, 0, 20)),
    ],
)
def test_add_limit_on_real_dates(start: datetime, limit: Limit, expected: datetime) -> None:
    result = add_limit(start, limit, CAL, SH)
    assert result == Deadline(expected, frozenset())
    assert result.at.tzinfo is UTC


def test_loaded_2027_table_is_used_instead_of_the_fallback() -> None:
    start = sh(2026, 12, 31, 16)
    guessed = add_limit(start, Limit.working_days(1), WorkCalendar(), SH)
    assert guessed == Deadline(sh(2027, 1, 1, 16), frozenset({2027}))
    loaded = add_limit(start, Limit.working_days(1), WorkCalendar([TABLE_2027]), SH)
    assert loaded == Deadline(sh(2027, 1, 2, 16), frozenset())


def test_fallback_is_reported_for_2028_without_crashing() -> None:
    cal = WorkCalendar([TABLE_2027])
    result = add_limit(sh(2028, 3, 3, 15), Limit.working_days(1), cal, SH)
    assert result == Deadline(sh(2028, 3, 6, 15), frozenset({2028}))
    assert cal.fallback_years == frozenset({2028})
    across = add_limit(sh(2026, 12, 31, 9), Limit.working_days(300), cal, SH)
    assert across.fallback_years == frozenset({2028})
    assert measure(sh(2028, 3, 3, 15), result.at, Unit.WORKING_DAYS, cal, SH) == 420


def test_minutes_never_consult_the_calendar() -> None:
    cal = WorkCalendar()
    assert add_limit(sh(2030, 1, 1), Limit.hours(2), cal, SH).fallback_years == frozenset()
    assert cal.fallback_years == frozenset()


def test_naive_datetimes_are_refused() -> None:
    with pytest.raises(ValueError, match="time zone"):
        add_limit(datetime(2026, 3, 9, 9), Limit.minutes(5), CAL, SH)


def test_another_station_time_zone_and_work_periods() -> None:
    berlin = ZoneInfo("Europe/Berlin")
    cal = WorkCalendar(work_periods=[(time(8, 0), time(16, 0))])
    start = datetime(2026, 3, 27, 15, tzinfo=berlin)  # Friday before the DST change
    result = add_limit(start, Limit.working_hours(2), cal, berlin)
    assert result.at == datetime(2026, 3, 30, 9, tzinfo=berlin)
    assert measure(start, result.at, Unit.WORKING_HOURS, cal, berlin) == 120


def test_extend_adds_to_the_current_deadline() -> None:
    deadline = sh(2026, 9, 29, 10)
    assert extend(deadline, Limit.working_days(2), CAL, SH).at == sh(2026, 10, 8, 10)
    assert extend(deadline, Limit.working_hours(8), CAL, SH).at == sh(2026, 9, 30, 11)


def test_measure_across_national_day() -> None:
    start, end = sh(2026, 9, 30, 9), sh(2026, 10, 8, 9)
    assert measure(start, end, Unit.WORKING_HOURS, CAL, SH) == 420
    assert measure(start, end, Unit.MINUTES, CAL, SH) == 8 * 24 * 60
    assert measure(end, start, Unit.WORKING_DAYS, CAL, SH) == 0


# --- add_limit and measure properties ---------------------------------------


@PROPS
@given(start=instants, amount=st.integers(0, 80), unit=units)
def test_deadline_is_never_before_start(start: datetime, amount: int, unit: Unit) -> None:
    assert add_limit(start, Limit(amount, unit), CAL, SH).at >= start


@PROPS
@given(start=instants, n=st.integers(1, 60))
def test_working_hours_measure_back_exactly(start: datetime, n: int) -> None:
    at = add_limit(start, Limit.working_hours(n), CAL, SH).at
    assert measure(start, at, Unit.WORKING_HOURS, CAL, SH) == n * 60
    assert in_work_period(at, closed_end=True)


@PROPS
@given(start=instants, n=st.integers(1, 25))
def test_working_days_keep_the_time_of_day(start: datetime, n: int) -> None:
    at = add_limit(start, Limit.working_days(n), CAL, SH).at
    assert in_work_period(at, closed_end=False)
    assert measure(start, at, Unit.WORKING_DAYS, CAL, SH) == n * CAL.daily_minutes
    if in_work_period(start, closed_end=False):
        assert at.astimezone(SH).time() == start.astimezone(SH).time()


@PROPS
@given(start=instants, a=st.integers(0, 40), b=st.integers(0, 40), unit=units)
def test_add_limit_is_monotonic_in_amount(start: datetime, a: int, b: int, unit: Unit) -> None:
    lo, hi = sorted((a, b))
    assert add_limit(start, Limit(lo, unit), CAL, SH).at <= add_limit(start, Limit(hi, unit), CAL, SH).at


@PROPS
@given(start=instants, span=st.timedeltas(timedelta(0), timedelta(days=60)))
def test_measure_matches_day_by_day_reference(start: datetime, span: timedelta) -> None:
    expected = reference_working_minutes(start, start + span)
    assert measure(start, start + span, Unit.WORKING_HOURS, CAL, SH) == pytest.approx(expected)


# --- clocks -----------------------------------------------------------------


@PROPS
@given(start=instants, n=st.integers(1, 40), used=st.integers(0, 60), unit=working_units)
def test_light_follows_the_fraction_used(start: datetime, n: int, used: int, unit: Unit) -> None:
    total_hours = n if unit is Unit.WORKING_HOURS else n * 7
    deadline = add_limit(start, Limit(n, unit), CAL, SH).at
    now = add_limit(start, Limit.working_hours(used), CAL, SH).at
    state = clock_state(started_at=start, deadline=deadline, now=now, unit=unit, cal=CAL, tz=SH)
    assert state.fraction == pytest.approx(used / total_hours)
    assert state.overdue == (now > deadline) == (used > total_hours)
    if used > total_hours:
        assert state.light is Light.RED
        assert state.remaining < timedelta(0)
    elif used / total_hours >= 0.8:
        assert state.light is Light.YELLOW
    else:
        assert state.light is Light.GREEN


@PROPS
@given(start=instants, limit=st.integers(10, 5000), elapsed=st.integers(0, 6000))
def test_minute_clock_fraction_is_wall_time(start: datetime, limit: int, elapsed: int) -> None:
    deadline = add_limit(start, Limit.minutes(limit), CAL, SH).at
    now = start + timedelta(minutes=elapsed)
    state = clock_state(started_at=start, deadline=deadline, now=now, unit=Unit.MINUTES, cal=CAL, tz=SH)
    assert state.fraction == pytest.approx(elapsed / limit)
    assert state.remaining == timedelta(minutes=limit - elapsed)
    assert state.light is (
        Light.RED if elapsed > limit else Light.YELLOW if 5 * elapsed >= 4 * limit else Light.GREEN
    )


def test_stopped_clock_keeps_the_light_it_had() -> None:
    start, deadline = sh(2026, 3, 9, 9), sh(2026, 3, 9, 13, 30)
    late, after_hours = sh(2026, 3, 20, 9), sh(2026, 3, 9, 18)
    state = partial(
        clock_state, started_at=start, deadline=deadline, now=late, unit=Unit.WORKING_HOURS, cal=CAL
    )
    on_time = state(stopped_at=sh(2026, 3, 9, 10))
    assert (on_time.light, on_time.stopped, on_time.overdue) == (Light.GREEN, True, False)
    assert on_time.fraction == pytest.approx(1 / 3)
    after = state(stopped_at=sh(2026, 3, 9, 14))
    assert (after.light, after.overdue) == (Light.RED, True)
    assert after.remaining == timedelta(minutes=-30)
    paused = state(paused_at=sh(2026, 3, 9, 11, 30))
    assert (paused.light, paused.paused, paused.stopped) == (Light.YELLOW, True, False)
    both = state(paused_at=sh(2026, 3, 9, 11, 30), stopped_at=after_hours)
    assert (both.light, both.paused, both.stopped) == (Light.RED, False, True)


def test_resume_after_a_pause_over_the_weekend() -> None:
    deadline = sh(2026, 3, 10, 10)
    paused, resumed = sh(2026, 3, 6, 17), sh(2026, 3, 9, 10)
    new, minutes = resume_deadline(deadline, paused, resumed, Unit.WORKING_HOURS, CAL, SH)
    assert (new, minutes) == (sh(2026, 3, 10, 11, 30), 90)
    wall, wall_minutes = resume_deadline(deadline, paused, resumed, Unit.MINUTES, CAL, SH)
    assert (wall, wall_minutes) == (sh(2026, 3, 13, 3), 65 * 60)
    same = resume_deadline(deadline, sh(2026, 3, 7, 9), sh(2026, 3, 8, 9), Unit.WORKING_DAYS, CAL)
    assert same == (deadline, 0)


@PROPS
@given(
    start=instants,
    n=st.integers(1, 20),
    unit=units,
    pause_after=st.timedeltas(timedelta(0), timedelta(days=20)),
    pause_for=st.timedeltas(timedelta(0), timedelta(days=20)),
)
def test_resume_preserves_the_clock(
    start: datetime, n: int, unit: Unit, pause_after: timedelta, pause_for: timedelta
) -> None:
    deadline = add_limit(start, Limit(n * 60 if unit is Unit.MINUTES else n, unit), CAL, SH).at
    paused_at, resumed_at = start + pause_after, start + pause_after + pause_for
    assume(paused_at <= deadline)
    new, minutes = resume_deadline(deadline, paused_at, resumed_at, unit, CAL, SH)
    assert new >= deadline
    assert minutes == measure(paused_at, resumed_at, unit, CAL, SH)
    assert measure(deadline, new, unit, CAL, SH) == pytest.approx(minutes)
    state = partial(clock_state, started_at=start, now=resumed_at, unit=unit, cal=CAL, tz=SH)
    before = state(deadline=deadline, paused_at=paused_at)
    after = state(deadline=new, paused_minutes=minutes)
    assert after.fraction == pytest.approx(before.fraction)
    if measure(paused_at, deadline, unit, CAL, SH) > 0:
        assert not after.overdue


# --- display ----------------------------------------------------------------


@pytest.mark.parametrize(
    ("td", "text"),
    [
        (timedelta(0), "00:00"),
        (timedelta(seconds=59.9), "00:59"),
        (timedelta(minutes=59, seconds=59), "59:59"),
        (timedelta(hours=1), "1:00:00"),
        (timedelta(hours=23, minutes=59, seconds=59), "23:59:59"),
        (timedelta(days=1), "1d 00:00"),
        (timedelta(days=3, hours=4, minutes=5, seconds=6), "3d 04:05"),
        (timedelta(minutes=-5), "+05:00"),
        (timedelta(hours=-2, minutes=-3, seconds=-4), "+2:03:04"),
        (-timedelta(days=12, hours=1), "+12d 01:00"),
    ],
)
def test_format_remaining(td: timedelta, text: str) -> None:
    assert format_remaining(td) == text


@pytest.mark.parametrize(
    ("spoken", "limit"),
    [
        ("半小时", Limit.minutes(30)),
        ("半个钟头", Limit.minutes(30)),
        ("90分钟", Limit.minutes(90)),
        ("十五分钟", Limit.minutes(15)),
        ("2小时", Limit.hours(2)),
        ("两个小时", Limit.hours(2)),
        ("1天", Limit.working_days(1)),
        ("3个工作日", Limit.working_days(3)),
        ("4工作小时", Limit.working_hours(4)),
        ("二十分钟", Limit.minutes(20)),
    ],
)
def test_a_limit_is_read_as_an_operator_says_it(spoken: str, limit: Limit) -> None:
    assert parse_limit(spoken) == limit


@pytest.mark.parametrize(
    "bad", ["半天", "0小时", "小时", "三十五十分钟", "2 weeks", "半", "99999999999天", "100001wd"]
)
def test_a_limit_that_is_not_one_is_refused(bad: str) -> None:
    with pytest.raises(ValueError):
        parse_limit(bad)


@PROPS
@given(
    start=instants,
    n=st.integers(1, 40),
    unit=units,
    read=st.timedeltas(timedelta(0), timedelta(days=12)),
    later=st.floats(0, 1),
    paused=st.integers(0, 90),
)
def test_a_light_reads_the_same_until_its_light_until(
    start: datetime, n: int, unit: Unit, read: timedelta, later: float, paused: int
) -> None:
    """A countdown drawn every second counts its light again only after ``light_until``: at any
    time up to it (inclusive) the light is the one read, and a green light's bound is tight
    enough to be of use (a microsecond after the yellow share at the latest)."""
    deadline = add_limit(start, Limit(n, unit), CAL, SH).at
    state = partial(
        clock_state, started_at=start, deadline=deadline, unit=unit, cal=CAL, tz=SH, paused_minutes=paused
    )
    now = start + read
    first = state(now=now)
    until = first.light_until
    if until is None:
        assert first.light is Light.RED
        assert state(now=now + timedelta(days=30)).light is Light.RED
        return
    assert now <= until <= deadline
    for at in (now + (until - now) * later, until):
        assert state(now=at).light is first.light, at
    if first.light is Light.YELLOW:
        assert state(now=until + timedelta(microseconds=1)).light is Light.RED
    elif until < deadline and unit is Unit.MINUTES:  # wall time: the share is reached right after
        assert state(now=until + timedelta(microseconds=1)).light is Light.YELLOW


def test_a_stopped_or_paused_light_holds_for_good() -> None:
    start = sh(2026, 3, 2, 9)
    deadline = start + timedelta(hours=1)
    for kwargs in (
        {"paused_at": start + timedelta(minutes=5)},
        {"stopped_at": start + timedelta(minutes=55)},
    ):
        state = clock_state(
            started_at=start,
            deadline=deadline,
            now=start + timedelta(hours=3),
            unit=Unit.MINUTES,
            cal=CAL,
            tz=SH,
            **kwargs,  # type: ignore[arg-type]
        )
        assert state.light_until is None
