"""The escalation ladder as read: which summons of this station have a step due (models/
escalation.py), when the next one falls, and which steps the desks have to tell of."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import Connection, select

from data.read.poll import overdue_checkin_clocks
from data.store.tables import (
    CASE,
    CHECKIN,
    CLOCK,
    DEPARTMENT,
    QUEUE_KEY,
    WHISTLE,
    department_name_shown,
    local_station,
)
from models.calendar import WorkCalendar
from models.enums import OPEN_STATUSES, CheckInStatus
from models.escalation import DueStep, Ladder, Step, due_steps
from models.working_hours import hours_from_json


@dataclass(frozen=True)
class Pending:
    """A summons awaited past its deadline, with the steps of its ladder due now."""

    checkin_id: str
    case_id: str
    clock_id: str
    grade: str
    case_number: str
    department: str
    due: tuple[DueStep, ...]


@dataclass(frozen=True)
class LadderScan:
    pending: list[Pending]
    next_due: datetime | None
    """When the next step of any summons falls (None: none is coming)."""


def _candidates(conn: Connection, now: datetime, station: str) -> list[Any]:
    """This station's summons still awaited, running and past the deadline."""
    return list(
        conn.execute(
            select(
                CHECKIN.c.id,
                CHECKIN.c.case_id,
                CHECKIN.c.clock_id,
                CHECKIN.c.alarmed_at,
                CHECKIN.c.absent_at,
                CLOCK.c.deadline,
                CLOCK.c.late_since,
                CLOCK.c.work_hours,
                WHISTLE.c.grade,
                CASE.c.number,
                department_name_shown(),
            )
            .select_from(CLOCK)
            .join(CHECKIN, CHECKIN.c.clock_id == CLOCK.c.id)
            .join(WHISTLE, WHISTLE.c.id == CHECKIN.c.whistle_id)
            .join(CASE, CASE.c.id == CHECKIN.c.case_id)
            .join(DEPARTMENT, DEPARTMENT.c.code == CHECKIN.c.department_code)
            .where(
                overdue_checkin_clocks(now)
                & (CHECKIN.c.status == CheckInStatus.SUMMONED.value)
                & (CASE.c.station_id == station)
            )
            .order_by(CLOCK.c.deadline, CHECKIN.c.id)
        )
    )


def scan(
    conn: Connection,
    now: datetime,
    ladders: Mapping[str, Ladder],
    cal: WorkCalendar,
    tz: ZoneInfo,
) -> LadderScan:
    """Every summons of this station with a step of its ladder due by ``now``."""
    station = local_station(conn)
    if station is None:
        return LadderScan([], None)
    pending: list[Pending] = []
    next_due: datetime | None = None
    for r in _candidates(conn, now, station):
        ladder = ladders.get(r.grade)
        if ladder is None:
            continue
        reached = frozenset(
            step for step, at in ((Step.ALARM, r.alarmed_at), (Step.ABSENT, r.absent_at)) if at is not None
        )
        base = r.late_since or r.deadline
        due, upcoming = due_steps(ladder, base, now, reached, cal, tz, hours_from_json(r.work_hours))
        if due:
            pending.append(Pending(r.id, r.case_id, r.clock_id, r.grade, r.number, r.name, tuple(due)))
        if upcoming is not None and (next_due is None or upcoming < next_due):
            next_due = upcoming
    return LadderScan(pending, next_due)


@dataclass(frozen=True)
class Reached:
    """A step a summons reached, as a desk tells of it."""

    key: str
    """``step:checkin id``: what a desk remembers having told of."""
    step: Step
    case_id: str
    case_number: str
    department: str
    at: datetime


def reached_steps(conn: Connection, since: datetime | None) -> list[Reached]:
    """The steps reached on open cases (due after ``since`` when given), newest last.

    An alarm is looked up among the summons still awaited (a few, whatever the history); an
    absence among the open cases' summons, case by case: the 缺席 of a station's whole history
    are tens of thousands (a desk read them all, 87 ms at a million cases, each time another
    desk wrote)."""
    out: list[Reached] = []
    for step, column in ((Step.ALARM, CHECKIN.c.alarmed_at), (Step.ABSENT, CHECKIN.c.absent_at)):
        columns = (
            CHECKIN.c.id, CHECKIN.c.case_id, CASE.c.number, department_name_shown(), column.label("at")
        )
        # still worth a notice: an alarm while awaited, an absence while nobody came since
        status = CheckInStatus.SUMMONED if step is Step.ALARM else CheckInStatus.NO_SHOW
        if step is Step.ALARM:
            query = (
                select(*columns)
                .join(CASE, CASE.c.id == CHECKIN.c.case_id)
                .where(CASE.c.status.in_([s.value for s in OPEN_STATUSES]), CHECKIN.c.status == status.value)
            )
        else:  # the status as text (``|| ''``), so SQLite does not walk every 缺席 by its index
            query = (
                select(*columns)
                .select_from(QUEUE_KEY)
                .join(CHECKIN, CHECKIN.c.case_id == QUEUE_KEY.c.case_id)
                .join(CASE, CASE.c.id == CHECKIN.c.case_id)
                .where(QUEUE_KEY.c.open == 1, CHECKIN.c.status.concat("") == status.value)
            )
        query = query.join(DEPARTMENT, DEPARTMENT.c.code == CHECKIN.c.department_code)
        query = query.where(column.is_not(None))
        if since is not None:
            query = query.where(column > since)
        for r in conn.execute(query):
            out.append(Reached(f"{step.value}:{r.id}", step, r.case_id, r.number, r.name, r.at))
    out.sort(key=lambda r: (r.at, r.key))
    return out
