"""Holiday tables and the deadlines counted by them: loading a checked table, and counting
again every open clock that was counted Monday–Friday for a year whose table has arrived."""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import Connection, select

from data.store.tables import CALENDAR_YEAR, CASE, CLOCK
from data.write.commands.common import Ctx, basis_payload, clock_hours
from data.write.commands.operators import require_supervisor
from models.calendar import (
    DISTRICT,
    FALLBACK,
    LOCAL,
    CalendarTableError,
    WorkCalendar,
    YearTable,
    check_year_table,
    official_conflict,
    official_years,
    year_table_to_json,
)
from models.deadlines import Limit, Unit, recount
from models.errors import DomainError, ValidationError
from models.i18n import t
from models.ids import to_iso

FIRST_YEAR = 2000


def _day_word(cal_says_working: bool) -> str:
    return t("calendar.day.working" if cal_says_working else "calendar.day.off")


def load_calendar_year(ctx: Ctx, table: YearTable, *, override_reason: str = "") -> int:
    """Load a year's holiday table once it passes the checks. A table moves every deadline in
    its year, so loading one is a supervisor's decision (``require_supervisor``); one that
    contradicts the official calendar also needs the supervisor's reason. Every open clock
    counted Monday–Friday in that year is counted again at once. Returns how many clocks were
    counted again. The table is checked first, so whoever brings a wrong one learns what is
    wrong with it."""
    if table.year < FIRST_YEAR:
        raise ValidationError("error.bad_year", field="year", value=table.year)
    try:
        check_year_table(table)
    except CalendarTableError as exc:
        raise DomainError("error.calendar_table", detail=str(exc)) from exc
    reason = override_reason.strip()
    conflict = official_conflict(table)
    if conflict is not None and not reason:
        working = table.is_workday(conflict)
        detail = t(
            "calendar.check.official_conflict",
            day=conflict.isoformat(),
            year=table.year,
            official=_day_word(not working),
            table=_day_word(working),
        )
        raise DomainError("error.calendar_table", detail=detail)
    if conflict is None and reason:
        raise DomainError("calendar.check.override_not_needed", year=table.year)
    require_supervisor(ctx)
    published = ctx.conn.execute(
        select(CALENDAR_YEAR.c.year).where(
            (CALENDAR_YEAR.c.year == table.year) & (CALENDAR_YEAR.c.origin == DISTRICT)
        )
    ).first()
    if published is not None:  # the district's table outranks any loaded here
        raise DomainError("calendar.check.district_table", year=table.year)
    payload: dict[str, Any] = {"year": table.year, "table": year_table_to_json(table), "origin": LOCAL}
    if reason:
        payload["override_reason"] = reason
    ctx.w.emit("calendar.loaded", None, payload)
    ctx.rules.calendar.load(table)
    ctx.rules.fallback_years.discard(table.year)
    if reason:
        ctx.rules.overrides[table.year] = reason
    else:
        ctx.rules.overrides.pop(table.year, None)
    return recount_fallback_clocks(ctx)


def _years_between(a: datetime, b: datetime, tz: ZoneInfo) -> range:
    first, last = sorted((a.astimezone(tz).year, b.astimezone(tz).year))
    return range(first, last + 1)


def counted_by_fallback(clock: Any, loaded_at: dict[int, datetime], tz: ZoneInfo) -> frozenset[int]:
    """The years a clock's deadline was counted Monday–Friday. Recorded on the clock; for a
    clock from before that was recorded, the years it crosses that no official table covers
    and whose table was loaded after the clock started (or not at all)."""
    if clock.calendar_basis:
        return frozenset(int(y) for y, basis in json.loads(clock.calendar_basis).items() if basis == FALLBACK)
    official = official_years()
    return frozenset(
        year
        for year in _years_between(clock.started_at, clock.deadline, tz)
        if year not in official and (year not in loaded_at or loaded_at[year] >= clock.started_at)
    )


def _open_working_clocks(conn: Connection, station_id: str | None = None) -> list[Any]:
    query = select(CLOCK).where(CLOCK.c.stopped_at.is_(None) & (CLOCK.c.limit_unit != Unit.MINUTES.value))
    if station_id is not None:
        query = query.join(CASE, CASE.c.id == CLOCK.c.case_id).where(CASE.c.station_id == station_id)
    return list(conn.execute(query.order_by(CLOCK.c.started_at, CLOCK.c.id)).all())


def open_fallback_years(conn: Connection, cal: WorkCalendar, tz: ZoneInfo) -> set[int]:
    """Years without a holiday table that an open clock's working time runs through: the
    fallback warning stands for them, whichever process started the clock."""
    years: set[int] = set()
    for clock in _open_working_clocks(conn):
        crossed = _years_between(clock.started_at, clock.deadline, tz)
        years.update(year for year in crossed if not cal.is_known_year(year))
    return years


def recount_fallback_clocks(ctx: Ctx) -> int:
    """Count again every open clock of this station that was counted Monday–Friday in a year
    that now has a table: one ``clock.recomputed`` event each (old → new deadline and why),
    also when the deadline stays. A clock already overdue stays overdue: a later deadline is
    recorded but not applied."""
    cal, tz = ctx.rules.calendar, ctx.rules.settings.tz
    loaded_at = {row.year: row.loaded_at for row in ctx.conn.execute(select(CALENDAR_YEAR)).all()}
    count = 0
    for clock in _open_working_clocks(ctx.conn, ctx.w.station_id):
        fallback = counted_by_fallback(clock, loaded_at, tz)
        arrived = sorted(year for year in fallback if cal.is_known_year(year))
        if not arrived:
            continue
        result = recount(
            started_at=clock.started_at,
            deadline=clock.deadline,
            limit=Limit(clock.limit_amount, Unit(clock.limit_unit)),
            counted_by_fallback=fallback,
            cal=cal,
            tz=tz,
            hours=clock_hours(clock),
            adjusted=clock.extensions > 0 or clock.paused_minutes > 0,
        )
        ctx.rules.fallback_years |= result.fallback_years
        late_kept = clock.deadline <= ctx.now < result.at
        applied = clock.deadline if late_kept else result.at
        payload = {
            "id": clock.id,
            "case_id": clock.case_id,
            "from": to_iso(clock.deadline),
            "to": to_iso(applied),
            "computed": to_iso(result.at),
            "years": arrived,
            "reason": "calendar",
            "late_kept": late_kept,
            "basis": basis_payload(result),
        }
        ctx.w.emit("clock.recomputed", clock.case_id, payload)
        count += 1
    return count
