from __future__ import annotations

import json
import re
from datetime import date, time, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from models.calendar import (
    CalendarTableError,
    WorkCalendar,
    YearTable,
    parse_year_table,
    year_table_to_json,
)

TABLE_2027 = YearTable(
    year=2027,
    holidays=frozenset({date(2027, 1, 1), date(2027, 2, 8), date(2027, 2, 9)}),
    workdays=frozenset({date(2027, 1, 2), date(2027, 2, 6)}),
)


@pytest.mark.parametrize(
    ("day", "working"),
    [
        (date(2026, 9, 18), True),
        (date(2026, 9, 19), False),
        (date(2026, 9, 20), True),  # Sunday make-up day
        (date(2026, 9, 25), False),  # Mid-Autumn, a Friday
        (date(2026, 9, 28), True),
        (date(2026, 10, 1), False),
        (date(2026, 10, 7), False),
        (date(2026, 10, 8), True),
        (date(2026, 10, 10), True),  # Saturday make-up day
        (date(2026, 10, 11), False),
    ],
)
def test_library_knows_the_2026_national_day_holiday(day: date, working: bool) -> None:
    cal = WorkCalendar()
    assert cal.is_workday(day) is working
    assert cal.is_known(day)
    assert cal.fallback_years == frozenset()


def test_unknown_year_falls_back_to_monday_to_friday_and_is_reported() -> None:
    cal = WorkCalendar()
    assert not cal.is_known(date(2028, 1, 3))
    assert cal.fallback_years == frozenset()
    assert cal.is_workday(date(2028, 1, 3))  # Monday
    assert not cal.is_workday(date(2028, 1, 1))  # Saturday
    assert cal.is_workday(date(2028, 10, 2))  # would be National Day, unknown here
    assert cal.fallback_years == frozenset({2028})
    assert 2028 not in cal.known_years()


def test_known_years_cover_the_library_and_loaded_tables() -> None:
    cal = WorkCalendar()
    assert {2019, 2020, 2025, 2026} <= cal.known_years()
    assert 2027 not in cal.known_years()
    cal.load(TABLE_2027)
    assert 2027 in cal.known_years()


def test_loaded_table_replaces_the_fallback() -> None:
    cal = WorkCalendar()
    assert cal.is_workday(date(2027, 1, 1))
    assert not cal.is_workday(date(2027, 1, 2))
    assert cal.fallback_years == frozenset({2027})
    cal.load(TABLE_2027)
    assert not cal.is_workday(date(2027, 1, 1))
    assert cal.is_workday(date(2027, 1, 2))
    assert cal.is_workday(date(2027, 2, 6))
    assert cal.is_known(date(2027, 6, 1))
    assert cal.fallback_years == frozenset()


def test_loaded_table_overrides_the_library_year() -> None:
    custom = YearTable(2026, holidays=frozenset({date(2026, 3, 2)}), workdays=frozenset())
    cal = WorkCalendar([custom])
    assert not cal.is_workday(date(2026, 3, 2))
    assert not cal.is_workday(date(2026, 10, 3))  # a plain Saturday now
    assert not cal.is_workday(date(2026, 10, 10))  # the make-up day is not in this table
    assert cal.is_workday(date(2026, 10, 1))


def test_workdays_between_and_nth_workday_after_around_national_day() -> None:
    cal = WorkCalendar()
    assert cal.workdays_between(date(2026, 9, 30), date(2026, 10, 9)) == 2
    assert cal.workdays_between(date(2026, 10, 9), date(2026, 9, 30)) == 0
    assert cal.nth_workday_after(date(2026, 9, 30), 1) == date(2026, 10, 8)
    assert cal.nth_workday_after(date(2026, 9, 30), 3) == date(2026, 10, 10)
    assert cal.nth_workday_after(date(2026, 9, 30), 0) == date(2026, 9, 30)


@settings(max_examples=60, deadline=None)
@given(
    first=st.dates(min_value=date(2025, 6, 1), max_value=date(2028, 6, 1)),
    length=st.integers(min_value=0, max_value=800),
)
def test_workdays_between_matches_counting_day_by_day(first: date, length: int) -> None:
    cal = WorkCalendar([TABLE_2027])
    stop = first + timedelta(days=length)
    expected = sum(cal.is_workday(first + timedelta(days=i)) for i in range(length))
    assert cal.workdays_between(first, stop) == expected


def _all_off(year: int) -> YearTable:
    days = frozenset(date(year, 1, 1) + timedelta(days=i) for i in range(366))
    return YearTable(year, frozenset(d for d in days if d.year == year), frozenset())


def test_a_year_without_working_days_is_skipped() -> None:
    cal = WorkCalendar([_all_off(2030)])
    assert cal.nth_workday_after(date(2029, 12, 30), 1) == date(2029, 12, 31)
    assert cal.nth_workday_after(date(2029, 12, 31), 1) == date(2031, 1, 1)


def test_a_calendar_without_working_days_fails_instead_of_looping() -> None:
    cal = WorkCalendar(_all_off(year) for year in range(2030, 2042))
    with pytest.raises(ValueError, match="no working day"):
        cal.nth_workday_after(date(2029, 12, 31), 1)


@pytest.mark.parametrize(
    "periods",
    [
        (),
        ((time(12, 0), time(9, 0)),),
        ((time(9, 0), time(12, 0)), (time(11, 0), time(17, 0))),
    ],
)
def test_bad_work_periods_are_rejected(periods: tuple[tuple[time, time], ...]) -> None:
    with pytest.raises(ValueError):
        WorkCalendar(work_periods=periods)


def test_daily_minutes_follow_the_work_periods() -> None:
    assert WorkCalendar().daily_minutes == 420
    assert WorkCalendar(work_periods=[(time(8, 0), time(16, 30))]).daily_minutes == 510


def test_parse_year_table_reads_a_well_formed_table() -> None:
    text = json.dumps(
        {
            "year": 2027,
            "holidays": ["2027-01-01", "2027-02-08", "2027-02-09"],
            "workdays": ["2027-02-06", "2027-01-02"],
            "source": "国务院办公厅通知",
        }
    )
    assert parse_year_table(text) == TABLE_2027


def test_year_table_json_round_trip() -> None:
    text = year_table_to_json(TABLE_2027)
    assert json.loads(text)["holidays"] == ["2027-01-01", "2027-02-08", "2027-02-09"]
    assert parse_year_table(text) == TABLE_2027


@settings(max_examples=40, deadline=None)
@given(year=st.integers(min_value=1990, max_value=2100), data=st.data())
def test_any_valid_table_round_trips(year: int, data: st.DataObject) -> None:
    days = st.dates(min_value=date(year, 1, 1), max_value=date(year, 12, 31))
    holidays = data.draw(st.frozensets(days, max_size=20))
    weekends = days.filter(lambda d: d.weekday() >= 5 and d not in holidays)
    workdays = data.draw(st.frozensets(weekends, max_size=5))
    table = YearTable(year, holidays, workdays)
    assert parse_year_table(year_table_to_json(table)) == table


def _table(**overrides: object) -> str:
    base: dict[str, object] = {
        "year": 2027,
        "holidays": ["2027-01-01"],
        "workdays": ["2027-02-06"],
    }
    base.update(overrides)
    return json.dumps(base)


@pytest.mark.parametrize(
    ("text", "named"),
    [
        ("{not json", "JSON"),
        ("[2027]", "object"),
        (json.dumps({"year": 2027, "holidays": []}), "workdays"),
        (_table(year="2027"), "'2027'"),
        (_table(year=True), "True"),
        (_table(holidays="2027-01-01"), "holidays"),
        (_table(holidays=["2027-01-01", "2026-12-31"]), "2026-12-31"),
        (_table(holidays=["2027-02-30"]), "2027-02-30"),
        (_table(holidays=["2027/01/01"]), "2027/01/01"),
        (_table(holidays=[20270101]), "20270101"),
        (_table(workdays=["2027-02-06", "2028-01-08"]), "2028-01-08"),
        (_table(holidays=["2027-02-06"]), "2027-02-06"),
        (_table(workdays=["2027-02-03"]), "2027-02-03"),
    ],
)
def test_parse_year_table_names_the_bad_entry(text: str, named: str) -> None:
    with pytest.raises(CalendarTableError, match=re.escape(named)) as info:
        parse_year_table(text)
    assert isinstance(info.value, ValueError)
