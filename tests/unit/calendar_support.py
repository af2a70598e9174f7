"""A complete 2027 holiday table, as a supervisor would load it (the official tables shipped
with chinesecalendar end in 2026), and a few helpers for tables."""

from __future__ import annotations

import json
from datetime import date, datetime, timedelta
from typing import Any

from chinese_calendar import get_solar_terms
from lunardate import LunarDate

from data.write.commands.common import Ctx, clock_payload
from models.calendar import YearTable, parse_year_table
from models.deadlines import Limit


def _days(first: str, last: str) -> list[str]:
    a, b = date.fromisoformat(first), date.fromisoformat(last)
    return [(a + timedelta(days=i)).isoformat() for i in range((b - a).days + 1)]


HOLIDAYS_2027 = [
    *_days("2027-01-01", "2027-01-03"),  # 元旦
    *_days("2027-02-05", "2027-02-12"),  # 春节 (2027-02-06)
    *_days("2027-04-03", "2027-04-05"),  # 清明
    *_days("2027-05-01", "2027-05-05"),  # 劳动节
    *_days("2027-06-09", "2027-06-11"),  # 端午
    *_days("2027-09-15", "2027-09-17"),  # 中秋
    *_days("2027-10-01", "2027-10-07"),  # 国庆
]
WORKDAYS_2027 = ["2027-02-20", "2027-04-25", "2027-05-08", "2027-09-26", "2027-10-09"]
TABLE_2027_TEXT = json.dumps({"year": 2027, "holidays": HOLIDAYS_2027, "workdays": WORKDAYS_2027})
TABLE_2027: YearTable = parse_year_table(TABLE_2027_TEXT)


def table_text(year: int, holidays: list[str], workdays: list[str]) -> str:
    return json.dumps({"year": year, "holidays": holidays, "workdays": workdays})


def festival_days(year: int) -> list[str]:
    """The days of the statutory festivals of ``year`` (from the lunar calendar and the
    Qingming solar term), written down independently of the module under test."""
    qingming = next(d for d, name in get_solar_terms(date(year, 4, 1), date(year, 4, 10)) if name == "清明")
    days = [
        date(year, 1, 1),
        LunarDate(year, 1, 1).to_solar_date(),
        qingming,
        date(year, 5, 1),
        LunarDate(year, 5, 5).to_solar_date(),
        LunarDate(year, 8, 15).to_solar_date(),
        date(year, 10, 1),
    ]
    return [d.isoformat() for d in days]


def complete_table_text(year: int, holidays: tuple[str, ...] = (), workdays: tuple[str, ...] = ()) -> str:
    """A table that passes the checks: each festival's day off, plus ``holidays``."""
    return table_text(year, sorted({*festival_days(year), *holidays}), list(workdays))


def clock_payload_before_working_time(ctx: Ctx, start: datetime, limit: Limit) -> dict[str, Any]:
    """A clock as the code before the working-time step wrote it: without how it was counted."""
    payload = clock_payload(ctx, start, limit)
    del payload["basis"], payload["hours"]
    return payload
