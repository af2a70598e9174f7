"""The check-in board (报到看板) read model: per department, what it is engaged on now and
today's 来没来 / 干没干 / 干得好不好 tallies, today being the station's calendar day."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import Connection, select, union

from data.read.cases import ClockView, category_name, department_name_map, departments, entered_late
from data.store.tables import CASE, CHECKIN, CLOCK, WHISTLE
from models.deadlines import Limit, Unit
from models.enums import OPEN_STATUSES, CheckInStatus, ClockKind, Grade
from models.working_hours import hours_from_json


@dataclass(frozen=True)
class Summons:
    """One department's check-in on one case, as the board shows it."""

    checkin_id: str
    case_id: str
    case_number: str
    community: str
    category_name: str
    grade: Grade
    status: CheckInStatus
    arrived_person: str | None
    late_minutes: int | None
    released_at: datetime | None
    clock: ClockView
    entered_late: bool = False
    """补录: a time of this check-in was entered after the fact."""
    alarmed_at: datetime | None = None
    """升级: when its second alarm (二次报警) fell due."""
    absent_at: datetime | None = None
    """升级: when it was marked 缺席 (absent); it keeps the mark if it came afterwards."""

    @property
    def absent(self) -> bool:
        """Marked 缺席 and not come since (shown 缺席 in place of its status)."""
        return self.absent_at is not None and self.status is CheckInStatus.NO_SHOW

    @property
    def after_absence(self) -> bool:
        return self.absent_at is not None and self.status is not CheckInStatus.NO_SHOW


@dataclass(frozen=True)
class Tally:
    """Today's 来没来 / 干没干 / 干得好不好 for one department."""

    summoned: int = 0
    waiting: int = 0
    overdue: int = 0
    arrived: int = 0
    on_time: int = 0
    late: int = 0
    no_show: int = 0
    withdrawn: int = 0
    """Summons withdrawn within their deadline (撤回召集): neither came nor failed to come."""
    acted: int = 0
    rated: int = 0
    rating_sum: int = 0

    @property
    def mean_rating(self) -> float | None:
        return self.rating_sum / self.rated if self.rated else None


@dataclass(frozen=True)
class BoardDepartment:
    code: str
    name: str
    mode: str
    summons: tuple[Summons, ...]
    """Engaged check-ins (summoned, arrived, acting) and those released today."""
    tally: Tally


@dataclass(frozen=True)
class Board:
    day: date
    departments: tuple[BoardDepartment, ...]


def local_day_bounds(day: date, tz: ZoneInfo) -> tuple[datetime, datetime]:
    start = datetime.combine(day, time(0), tzinfo=tz).astimezone(UTC)
    end = datetime.combine(day + timedelta(days=1), time(0), tzinfo=tz).astimezone(UTC)
    return start, end


_ENGAGED = (CheckInStatus.SUMMONED, CheckInStatus.ARRIVED, CheckInStatus.ACTED)


def board(conn: Connection, now: datetime, tz: ZoneInfo) -> Board:
    """Per department: what it is engaged on now, and today's tallies (today in ``tz``)."""
    today = now.astimezone(tz).date()
    start, end = local_day_bounds(today, tz)
    names = department_name_map(conn)
    j = CHECKIN.join(CASE, CASE.c.id == CHECKIN.c.case_id).join(WHISTLE, WHISTLE.c.id == CHECKIN.c.whistle_id)
    j = j.join(CLOCK, CLOCK.c.id == CHECKIN.c.clock_id)
    cols: list[Any] = [
        CHECKIN,
        CASE.c.number,
        CASE.c.community,
        CASE.c.category,
        WHISTLE.c.grade,
        WHISTLE.c.blown_at,
        *(column.label(f"k_{column.name}") for column in CLOCK.c),
    ]
    # engaged now, released today, or summoned today: three index lookups rather than one
    # scan of every check-in ever made
    wanted = union(
        select(CHECKIN.c.id).where(CHECKIN.c.status.in_(_ENGAGED)),
        select(CHECKIN.c.id).where((CHECKIN.c.released_at >= start) & (CHECKIN.c.released_at < end)),
        select(CHECKIN.c.id)
        .join(WHISTLE, WHISTLE.c.id == CHECKIN.c.whistle_id)
        .where((WHISTLE.c.blown_at >= start) & (WHISTLE.c.blown_at < end)),
        # marked 缺席 on a case still open: shown until the case ends
        select(CHECKIN.c.id)
        .join(CASE, CASE.c.id == CHECKIN.c.case_id)
        .where(
            CHECKIN.c.absent_at.is_not(None)
            & (CHECKIN.c.status == CheckInStatus.NO_SHOW.value)
            & CASE.c.status.in_([s.value for s in OPEN_STATUSES])
        ),
    )
    rows = conn.execute(
        select(*cols).select_from(j).where(CHECKIN.c.id.in_(wanted)).order_by(CHECKIN.c.deadline)
    )
    summons: dict[str, list[Summons]] = defaultdict(list)
    tallies: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    for r in rows:
        status = CheckInStatus(r.status)
        released_today = r.released_at is not None and start <= r.released_at < end
        marked_absent = r.absent_at is not None and status is CheckInStatus.NO_SHOW
        if status in _ENGAGED or released_today or marked_absent:
            summons[r.department_code].append(_summons(r, names))
        if start <= r.blown_at < end:
            _count(tallies[r.department_code], r, status, now)
    return Board(
        day=today,
        departments=tuple(
            BoardDepartment(
                code=d.code,
                name=d.name,
                mode=d.mode,
                summons=tuple(summons.get(d.code, ())),
                tally=Tally(**tallies.get(d.code, {})),
            )
            for d in departments(conn, active_only=False)
            if d.active or d.code in summons
        ),
    )


def _summons(r: Any, names: dict[str, str]) -> Summons:
    clock = ClockView(
        id=r.k_id,
        kind=ClockKind(r.k_kind),
        department_code=r.department_code,
        department=names.get(r.department_code),
        whistle_id=r.whistle_id,
        started_at=r.k_started_at,
        deadline=r.k_deadline,
        limit=Limit(r.k_limit_amount, Unit(r.k_limit_unit)),
        paused_at=r.k_paused_at,
        paused_minutes=r.k_paused_minutes,
        pause_reason=r.k_pause_reason,
        extensions=r.k_extensions,
        stopped_at=r.k_stopped_at,
        late_since=r.k_late_since,
        hours=hours_from_json(r.k_work_hours),
    )
    return Summons(
        checkin_id=r.id,
        case_id=r.case_id,
        case_number=r.number,
        community=r.community,
        category_name=category_name(r.category),
        grade=Grade(r.grade),
        status=CheckInStatus(r.status),
        arrived_person=r.arrived_person,
        late_minutes=r.late_minutes,
        released_at=r.released_at,
        clock=clock,
        entered_late=entered_late(r),
        alarmed_at=r.alarmed_at,
        absent_at=r.absent_at,
    )


def _count(tally: dict[str, int], r: Any, status: CheckInStatus, now: datetime) -> None:
    if status is CheckInStatus.WITHDRAWN:
        tally["withdrawn"] += 1  # not needed after all: counted apart, not as absent
        return
    tally["summoned"] += 1
    if status is CheckInStatus.SUMMONED:
        tally["waiting"] += 1
        if r.k_paused_at is None and now > r.deadline:
            tally["overdue"] += 1
    if r.absent_at is not None and (r.arrived_at is None or r.arrived_at >= r.absent_at):
        tally["no_show"] += 1  # 缺席, come afterwards or not: absent, as the assessment counts it
    elif r.arrived_at is not None:
        tally["arrived"] += 1
        tally["late" if (r.late_minutes or 0) > 0 else "on_time"] += 1
    elif status is CheckInStatus.NO_SHOW:
        tally["no_show"] += 1
    if r.acted_at is not None:
        tally["acted"] += 1
    if r.rating is not None:
        tally["rated"] += 1
        tally["rating_sum"] += r.rating
