"""Read models for the dispatch screens: plain frozen values built from one read connection.

Every function takes a blocking ``Connection`` so the same code serves the console
(``Database.run_read(fn, ...)`` from a worker) and the command line.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, replace
from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import Connection, func, select

from data.catalogue import CATEGORIES, CATEGORY_BY_CODE, SOURCE_BY_CODE, SOURCES
from data.read.timeline import TimelineEntry, fetch_timeline_rows, render_timeline
from data.settings import Settings
from data.store.tables import CASE, CHECKIN, CLOCK, DEPARTMENT, WHISTLE
from models.calendar import WorkCalendar
from models.deadlines import DEFAULT_TZ, ClockState, Limit, Unit, clock_state
from models.enums import CaseStatus, CheckInStatus, ClockKind, Grade, Priority, Purpose
from models.errors import NotFound
from models.i18n import language, t
from models.working_hours import DEFAULT_HOURS, WorkingHours, hours_from_json

__all__ = [
    "CaseDetail",
    "CategoryRef",
    "CheckInView",
    "ClockView",
    "DepartmentRef",
    "SourceRef",
    "TimelineEntry",
    "WhistleView",
    "case_detail",
    "categories",
    "communities",
    "department_name",
    "departments",
    "sources",
]


# -- lookups -------------------------------------------------------------------------------


@dataclass(frozen=True)
class DepartmentRef:
    code: str
    name: str
    mode: str
    active: bool


@dataclass(frozen=True)
class CategoryRef:
    code: str
    name: str
    limit: Limit
    departments: tuple[str, ...]


@dataclass(frozen=True)
class SourceRef:
    code: str
    name: str


def _localised(name: str, name_en: str) -> str:
    return name_en if language() == "en" and name_en else name


def department_name(row: Any) -> str:
    return _localised(row.name, row.name_en)


def departments(conn: Connection, *, active_only: bool = True) -> tuple[DepartmentRef, ...]:
    query = select(DEPARTMENT).order_by(DEPARTMENT.c.sort, DEPARTMENT.c.code)
    if active_only:
        query = query.where(DEPARTMENT.c.active.is_(True))
    return tuple(
        DepartmentRef(row.code, department_name(row), row.mode, bool(row.active))
        for row in conn.execute(query)
    )


def categories(settings: Settings) -> tuple[CategoryRef, ...]:
    return tuple(
        CategoryRef(c.code, _localised(c.name, c.name_en), settings.handling_limit(c.code), c.departments)
        for c in CATEGORIES
    )


def category_name(code: str) -> str:
    spec = CATEGORY_BY_CODE.get(code)
    return _localised(spec.name, spec.name_en) if spec else code


def source_name(code: str) -> str:
    spec = SOURCE_BY_CODE.get(code)
    return _localised(spec.name, spec.name_en) if spec else code


def sources() -> tuple[SourceRef, ...]:
    return tuple(SourceRef(s.code, _localised(s.name, s.name_en)) for s in SOURCES)


def communities(conn: Connection) -> tuple[str, ...]:
    """Communities already used by cases, most used first."""
    count = func.count()
    rows = conn.execute(
        select(CASE.c.community, count).group_by(CASE.c.community).order_by(count.desc(), CASE.c.community)
    )
    return tuple(row[0] for row in rows)


# -- clocks, check-ins, whistles -----------------------------------------------------------


@dataclass(frozen=True)
class ClockView:
    id: str
    kind: ClockKind
    department_code: str | None
    department: str | None
    whistle_id: str | None
    started_at: datetime
    deadline: datetime
    limit: Limit
    paused_at: datetime | None
    paused_minutes: float
    pause_reason: str | None
    extensions: int
    stopped_at: datetime | None
    late_since: datetime | None = None
    """Extended after this deadline had passed: an arrival still counts late from it."""
    hours: WorkingHours = DEFAULT_HOURS
    """The working hours the clock counts by (recorded when it started)."""

    @property
    def paused(self) -> bool:
        return self.paused_at is not None and self.stopped_at is None

    @property
    def stopped(self) -> bool:
        return self.stopped_at is not None

    def state(self, now: datetime, cal: WorkCalendar, tz: ZoneInfo) -> ClockState:
        return clock_state(
            started_at=self.started_at,
            deadline=self.deadline,
            now=now,
            unit=self.limit.unit,
            cal=cal,
            tz=tz,
            paused_minutes=self.paused_minutes,
            paused_at=self.paused_at,
            stopped_at=self.stopped_at,
            hours=self.hours,
        )

    def label(self) -> str:
        if self.kind is ClockKind.HANDLING:
            return t("ClockKind.handling")
        return t("repo.clock.checkin", department=self.department or "")


def _clock(row: Any, names: dict[str, str]) -> ClockView:
    return ClockView(
        id=row.id,
        kind=ClockKind(row.kind),
        department_code=row.department_code,
        department=names.get(row.department_code) if row.department_code else None,
        whistle_id=row.whistle_id,
        started_at=row.started_at,
        deadline=row.deadline,
        limit=Limit(row.limit_amount, Unit(row.limit_unit)),
        paused_at=row.paused_at,
        paused_minutes=row.paused_minutes,
        pause_reason=row.pause_reason,
        extensions=row.extensions,
        stopped_at=row.stopped_at,
        late_since=row.late_since,
        hours=hours_from_json(row.work_hours),
    )


@dataclass(frozen=True)
class CheckInView:
    id: str
    whistle_id: str
    department_code: str
    department: str
    status: CheckInStatus
    deadline: datetime
    arrived_at: datetime | None
    arrived_person: str | None
    late_minutes: int | None
    action_taken: str | None
    result: str | None
    acted_at: datetime | None
    rating: int | None
    rating_reason: str | None
    released_at: datetime | None
    notes: str
    clock: ClockView
    entered_late: bool = False
    """补录: a time of this check-in was entered after the fact, with a reason."""
    withdraw_reason: str | None = None
    """撤回召集: why the summons was withdrawn when the case ended (None: not withdrawn)."""
    alarmed_at: datetime | None = None
    """升级: when its second alarm (二次报警) fell due."""
    absent_at: datetime | None = None
    """升级: when it was marked 缺席; kept when the department came afterwards."""
    rewhistle_of: str | None = None
    """再吹哨: the department whose 缺席 the whistle of this summons follows."""

    @property
    def waiting(self) -> bool:
        return self.status is CheckInStatus.SUMMONED

    @property
    def absent(self) -> bool:
        """Marked 缺席 and not come since: what a re-whistle follows."""
        return self.absent_at is not None and self.status is CheckInStatus.NO_SHOW

    @property
    def after_absence(self) -> bool:
        """Came after it was marked 缺席 (both facts kept)."""
        return self.absent_at is not None and self.status is not CheckInStatus.NO_SHOW


@dataclass(frozen=True)
class WhistleView:
    id: str
    grade: Grade
    purpose: Purpose | None
    blown_at: datetime
    blown_by: str
    note: str
    checkins: tuple[CheckInView, ...]
    follows: str | None = None
    """再吹哨: the department whose absence (缺席) this whistle follows."""


@dataclass(frozen=True)
class CaseDetail:
    id: str
    station_id: str
    number: str
    source: str
    source_name: str
    category: str
    category_name: str
    subcategory: str
    community: str
    address: str
    description: str
    reporter_name: str | None
    reporter_phone: str | None
    priority: Priority
    status: CaseStatus
    parked_from: CaseStatus | None
    park_reason: str | None
    park_review_on: date | None
    reject_reason: str | None
    consult_flag: bool
    result_note: str | None
    feedback_note: str | None
    reopened_from: str | None
    received_by: str
    received_at: datetime
    stages: tuple[tuple[CaseStatus, datetime], ...]
    """Each stage the case reached, with when, in order."""
    updated_at: datetime
    clocks: tuple[ClockView, ...]
    """Handling clock first, then each department's check-in clock by whistle."""
    whistles: tuple[WhistleView, ...]
    timeline: tuple[TimelineEntry, ...]
    reopened_from_number: str | None = None
    """The number of the earlier case this relapse reopened (reopened_from is its id)."""
    relapsed_into: tuple[tuple[str, str], ...] = ()
    """(id, number) of the cases a relapse of this one opened, oldest first."""

    @property
    def links(self) -> tuple[tuple[str, str], ...]:
        """(id, number) of the linked cases: the earlier case first, then the relapses."""
        if self.reopened_from is None:
            return self.relapsed_into
        return ((self.reopened_from, self.reopened_from_number or self.reopened_from), *self.relapsed_into)

    @property
    def checkins(self) -> tuple[CheckInView, ...]:
        return tuple(c for w in self.whistles for c in w.checkins)

    @property
    def summoned_codes(self) -> frozenset[str]:
        """Departments on this case that are still engaged (so cannot be whistled again)."""
        engaged = {CheckInStatus.SUMMONED, CheckInStatus.ARRIVED, CheckInStatus.ACTED}
        return frozenset(c.department_code for c in self.checkins if c.status in engaged)


_STAGES = (
    (CaseStatus.TRIAGE, "triaged_at"),
    (CaseStatus.DISPATCHED, "dispatched_at"),
    (CaseStatus.CONSULTING, "consulting_at"),
    (CaseStatus.DISPOSING, "disposing_at"),
    (CaseStatus.FEEDBACK, "feedback_at"),
    (CaseStatus.CLOSED, "closed_at"),
    (CaseStatus.VERIFIED, "verified_at"),
    (CaseStatus.RELAPSED, "relapsed_at"),
    (CaseStatus.REJECTED, "rejected_at"),
    (CaseStatus.PARKED, "parked_at"),
)


def department_name_map(conn: Connection) -> dict[str, str]:
    return {row.code: department_name(row) for row in conn.execute(select(DEPARTMENT))}


def case_detail(conn: Connection, case_id: str, tz: ZoneInfo = DEFAULT_TZ) -> CaseDetail:
    row = conn.execute(select(CASE).where(CASE.c.id == case_id)).first()
    if row is None:
        raise NotFound("error.not_found", what=t("thing.case"), ident=case_id)
    names = department_name_map(conn)
    clock_rows = conn.execute(
        select(CLOCK).where(CLOCK.c.case_id == case_id).order_by(CLOCK.c.started_at, CLOCK.c.id)
    ).all()
    clocks = {c.id: _clock(c, names) for c in clock_rows}
    checkin_rows = conn.execute(
        select(CHECKIN).where(CHECKIN.c.case_id == case_id).order_by(CHECKIN.c.id)
    ).all()
    by_whistle: dict[str, list[CheckInView]] = defaultdict(list)
    absent_departments = {c.id: names.get(c.department_code, c.department_code) for c in checkin_rows}
    for c in checkin_rows:
        by_whistle[c.whistle_id].append(_checkin(c, names, clocks[c.clock_id]))
    whistles = tuple(
        WhistleView(
            id=w.id,
            grade=Grade(w.grade),
            purpose=Purpose(w.purpose) if w.purpose else None,
            blown_at=w.blown_at,
            blown_by=w.blown_by,
            note=w.note,
            checkins=tuple(_following(by_whistle[w.id], absent_departments.get(w.follows or ""))),
            follows=absent_departments.get(w.follows) if w.follows else None,
        )
        for w in conn.execute(
            select(WHISTLE).where(WHISTLE.c.case_id == case_id).order_by(WHISTLE.c.blown_at, WHISTLE.c.id)
        )
    )
    ordered = sorted(clocks.values(), key=lambda c: (c.kind is not ClockKind.HANDLING, c.started_at, c.id))
    stages = tuple(
        sorted(
            ((status, getattr(row, column)) for status, column in _STAGES if getattr(row, column)),
            key=lambda pair: pair[1],
        )
    )
    relapsed_into = tuple(
        (r.id, r.number)
        for r in conn.execute(
            select(CASE.c.id, CASE.c.number)
            .where(CASE.c.reopened_from == case_id)
            .order_by(CASE.c.received_at, CASE.c.id)
        )
    )
    numbers = dict(relapsed_into)
    if row.reopened_from:
        earlier = conn.execute(select(CASE.c.number).where(CASE.c.id == row.reopened_from)).scalar()
        if earlier is not None:
            numbers[row.reopened_from] = str(earlier)
    return CaseDetail(
        id=row.id,
        station_id=row.station_id,
        number=row.number,
        source=row.source,
        source_name=source_name(row.source),
        category=row.category,
        category_name=category_name(row.category),
        subcategory=row.subcategory,
        community=row.community,
        address=row.address,
        description=row.description,
        reporter_name=row.reporter_name,
        reporter_phone=row.reporter_phone,
        priority=Priority(row.priority),
        status=CaseStatus(row.status),
        parked_from=CaseStatus(row.parked_from) if row.parked_from else None,
        park_reason=row.park_reason,
        park_review_on=row.park_review_on,
        reject_reason=row.reject_reason,
        consult_flag=bool(row.consult_flag),
        result_note=row.result_note,
        feedback_note=row.feedback_note,
        reopened_from=row.reopened_from,
        received_by=row.received_by,
        received_at=row.received_at,
        stages=stages,
        updated_at=row.updated_at,
        clocks=tuple(ordered),
        whistles=whistles,
        timeline=render_timeline(fetch_timeline_rows(conn, case_id), names, clocks, tz, numbers),
        reopened_from_number=numbers.get(row.reopened_from) if row.reopened_from else None,
        relapsed_into=relapsed_into,
    )


def _following(checkins: list[CheckInView], absent: str | None) -> list[CheckInView]:
    """The summons of a re-whistle, each naming the absence it follows."""
    return [replace(c, rewhistle_of=absent) for c in checkins] if absent else checkins


def _checkin(row: Any, names: dict[str, str], clock: ClockView) -> CheckInView:
    return CheckInView(
        id=row.id,
        whistle_id=row.whistle_id,
        department_code=row.department_code,
        department=names.get(row.department_code, row.department_code),
        status=CheckInStatus(row.status),
        deadline=row.deadline,
        arrived_at=row.arrived_at,
        arrived_person=row.arrived_person,
        late_minutes=row.late_minutes,
        action_taken=row.action_taken,
        result=row.result,
        acted_at=row.acted_at,
        rating=row.rating,
        rating_reason=row.rating_reason,
        released_at=row.released_at,
        notes=row.notes,
        clock=clock,
        entered_late=entered_late(row),
        withdraw_reason=row.withdraw_reason,
        alarmed_at=row.alarmed_at,
        absent_at=row.absent_at,
    )


def entered_late(row: Any) -> bool:
    """Whether any time of a check-in row was entered late (补录)."""
    return any(
        getattr(row, name) is not None
        for name in ("arrived_entered_at", "acted_entered_at", "released_entered_at")
    )
