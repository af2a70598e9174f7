"""Read models of meetings, their agenda and follow-ups, and the queries that feed the
agenda rules of ``models.agenda``.

Every function takes a blocking ``Connection``: the console calls them through
``Database.run_read`` from a worker, the command line and the write commands directly.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import Connection, func, select

from data.read.cases import CaseDetail, case_detail
from data.store.tables import AGENDA, ATTENDANCE, CASE, DEPARTMENT, MEETING
from models.enums import (
    OPEN_STATUSES,
    AgendaReason,
    CaseStatus,
    FollowUp,
    MeetingKind,
    MeetingStatus,
)
from models.errors import NotFound
from models.i18n import language, t


def department_names(conn: Connection) -> dict[str, str]:
    english = language() == "en"
    return {
        row.code: (row.name_en if english and row.name_en else row.name)
        for row in conn.execute(select(DEPARTMENT.c.code, DEPARTMENT.c.name, DEPARTMENT.c.name_en))
    }


# -- meetings ------------------------------------------------------------------------------


@dataclass(frozen=True)
class MeetingRow:
    id: str
    station_id: str
    kind: MeetingKind
    title: str
    scheduled_at: datetime
    facilitator: str
    status: MeetingStatus
    started_at: datetime | None
    ended_at: datetime | None
    items: int
    decided: int


@dataclass(frozen=True)
class AttendanceRow:
    code: str
    name: str
    present: bool | None


@dataclass(frozen=True)
class AgendaRow:
    id: str
    position: int
    case_id: str | None
    case_number: str | None
    case_status: CaseStatus | None
    category: str | None
    community: str | None
    address: str | None
    topic: str
    reason: AgendaReason
    reason_detail: str
    timebox_minutes: int
    decision: str | None
    lead_department: str | None
    lead_name: str | None
    decision_due: date | None
    followup: FollowUp | None
    followup_done_at: datetime | None
    carried_from: str | None
    discussed_at: datetime | None

    @property
    def subject(self) -> str:
        """What the item is about, as one line: the case and its place, or the topic."""
        if self.case_number is None:
            return self.topic
        return f"{self.case_number} {self.community or ''}{self.address or ''}"


@dataclass(frozen=True)
class MeetingView:
    meeting: MeetingRow
    attendance: tuple[AttendanceRow, ...]
    items: tuple[AgendaRow, ...]
    """Items still on the agenda, in their order."""

    def item(self, item_id: str) -> AgendaRow:
        return next(i for i in self.items if i.id == item_id)

    @property
    def total_minutes(self) -> int:
        return sum(i.timebox_minutes for i in self.items)


def _meeting_query() -> Any:
    visible = AGENDA.c.removed.is_(False)
    items = (
        select(
            AGENDA.c.meeting_id,
            func.count().label("items"),
            func.count(AGENDA.c.decision).label("decided"),
        )
        .where(visible)
        .group_by(AGENDA.c.meeting_id)
        .subquery()
    )
    return select(
        MEETING,
        func.coalesce(items.c["items"], 0).label("n_items"),
        func.coalesce(items.c.decided, 0).label("n_decided"),
    ).select_from(MEETING.outerjoin(items, items.c.meeting_id == MEETING.c.id))


def _meeting_row(r: Any) -> MeetingRow:
    return MeetingRow(
        id=r.id,
        station_id=r.station_id,
        kind=MeetingKind(r.kind),
        title=r.title,
        scheduled_at=r.scheduled_at,
        facilitator=r.facilitator,
        status=MeetingStatus(r.status),
        started_at=r.started_at,
        ended_at=r.ended_at,
        items=r.n_items,
        decided=r.n_decided,
    )


def list_meetings(conn: Connection) -> list[MeetingRow]:
    """Every meeting, the latest first."""
    query = _meeting_query().order_by(MEETING.c.scheduled_at.desc(), MEETING.c.id.desc())
    return [_meeting_row(r) for r in conn.execute(query)]


def _agenda_rows(conn: Connection, where: Any, names: dict[str, str]) -> list[AgendaRow]:
    query = (
        select(
            AGENDA,
            CASE.c.number,
            CASE.c.status.label("case_status"),
            CASE.c.category,
            CASE.c.community,
            CASE.c.address,
        )
        .select_from(AGENDA.outerjoin(CASE, CASE.c.id == AGENDA.c.case_id))
        .where(where)
        .order_by(AGENDA.c.position, AGENDA.c.id)
    )
    return [
        AgendaRow(
            id=r.id,
            position=r.position,
            case_id=r.case_id,
            case_number=r.number,
            case_status=CaseStatus(r.case_status) if r.case_status else None,
            category=r.category,
            community=r.community,
            address=r.address,
            topic=r.topic,
            reason=AgendaReason(r.reason),
            reason_detail=r.reason_detail,
            timebox_minutes=r.timebox_minutes,
            decision=r.decision,
            lead_department=r.lead_department,
            lead_name=names.get(r.lead_department) if r.lead_department else None,
            decision_due=r.decision_due,
            followup=FollowUp(r.followup) if r.followup else None,
            followup_done_at=r.followup_done_at,
            carried_from=r.carried_from,
            discussed_at=r.discussed_at,
        )
        for r in conn.execute(query)
    ]


def meeting_view(conn: Connection, meeting_id: str) -> MeetingView:
    row = conn.execute(_meeting_query().where(MEETING.c.id == meeting_id)).first()
    if row is None:
        raise NotFound("error.not_found", what=t("thing.meeting"), ident=meeting_id)
    names = department_names(conn)
    sort = {r.code: r.sort for r in conn.execute(select(DEPARTMENT.c.code, DEPARTMENT.c.sort))}
    attendance = sorted(
        conn.execute(select(ATTENDANCE).where(ATTENDANCE.c.meeting_id == meeting_id)),
        key=lambda a: (sort.get(a.department_code, 0), a.department_code),
    )
    items = _agenda_rows(conn, (AGENDA.c.meeting_id == meeting_id) & AGENDA.c.removed.is_(False), names)
    return MeetingView(
        meeting=_meeting_row(row),
        attendance=tuple(
            AttendanceRow(a.department_code, names.get(a.department_code, a.department_code), a.present)
            for a in attendance
        ),
        items=tuple(items),
    )


# -- follow-ups (a decision with a lead department and a deadline) --------------------------


@dataclass(frozen=True)
class FollowUpRow:
    item_id: str
    meeting_id: str
    meeting_kind: MeetingKind
    meeting_at: datetime
    case_id: str | None
    case_number: str | None
    topic: str
    decision: str
    lead_department: str | None
    lead_name: str | None
    due_on: date | None
    status: FollowUp
    done_at: datetime | None

    def overdue(self, today: date) -> bool:
        return self.status is FollowUp.OPEN and self.due_on is not None and self.due_on < today


def _followups(conn: Connection, where: Any) -> list[FollowUpRow]:
    names = department_names(conn)
    query = (
        select(
            AGENDA,
            MEETING.c.kind,
            MEETING.c.scheduled_at,
            CASE.c.number,
        )
        .select_from(
            AGENDA.join(MEETING, MEETING.c.id == AGENDA.c.meeting_id).outerjoin(
                CASE, CASE.c.id == AGENDA.c.case_id
            )
        )
        .where(AGENDA.c.followup.isnot(None) & AGENDA.c.removed.is_(False) & where)
        .order_by(MEETING.c.scheduled_at, AGENDA.c.position, AGENDA.c.id)
    )
    return [
        FollowUpRow(
            item_id=r.id,
            meeting_id=r.meeting_id,
            meeting_kind=MeetingKind(r.kind),
            meeting_at=r.scheduled_at,
            case_id=r.case_id,
            case_number=r.number,
            topic=r.topic,
            decision=r.decision or "",
            lead_department=r.lead_department,
            lead_name=names.get(r.lead_department) if r.lead_department else None,
            due_on=r.decision_due,
            status=FollowUp(r.followup),
            done_at=r.followup_done_at,
        )
        for r in conn.execute(query)
    ]


def followups_for_case(conn: Connection, case_id: str) -> list[FollowUpRow]:
    """Every meeting decision about a case, oldest first, open or not: for the case detail."""
    return _followups(conn, AGENDA.c.case_id == case_id)


def open_followups(conn: Connection) -> list[FollowUpRow]:
    return _followups(conn, AGENDA.c.followup == FollowUp.OPEN.value)


def followups_open_before(conn: Connection, station_id: str, before: datetime) -> list[FollowUpRow]:
    """Open follow-ups of this station's meetings held before ``before``."""
    return _followups(
        conn,
        (AGENDA.c.followup == FollowUp.OPEN.value)
        & (MEETING.c.station_id == station_id)
        & (MEETING.c.scheduled_at < before),
    )


def absences_by_department(conn: Connection, since: datetime, until: datetime) -> Counter[str]:
    """Meetings a department was invited to and recorded absent from, held in [since, until)."""
    rows = conn.execute(
        select(ATTENDANCE.c.department_code, func.count())
        .select_from(ATTENDANCE.join(MEETING, MEETING.c.id == ATTENDANCE.c.meeting_id))
        .where(
            ATTENDANCE.c.present.is_(False)
            & (MEETING.c.scheduled_at >= since)
            & (MEETING.c.scheduled_at < until)
        )
        .group_by(ATTENDANCE.c.department_code)
    )
    return Counter({code: n for code, n in rows})


@dataclass(frozen=True)
class ItemContext:
    """What the room needs to see while an item is discussed."""

    case: CaseDetail | None
    followups: tuple[FollowUpRow, ...]


def item_context(conn: Connection, case_id: str | None, tz: ZoneInfo) -> ItemContext:
    if case_id is None:
        return ItemContext(None, ())
    return ItemContext(case_detail(conn, case_id, tz), tuple(followups_for_case(conn, case_id)))


@dataclass(frozen=True)
class CaseHit:
    id: str
    number: str
    status: CaseStatus
    community: str
    address: str
    description: str


def find_cases(conn: Connection, text: str, limit: int = 8) -> list[CaseHit]:
    """Cases to put on an agenda by hand: the number first, then words of the address or
    the description; open cases before ended ones, the latest first."""
    words = text.split()
    if not words:
        return []
    query = select(
        CASE.c.id, CASE.c.number, CASE.c.status, CASE.c.community, CASE.c.address, CASE.c.description
    )
    for word in words:
        like = f"%{word.replace('%', '').replace('_', '')}%"
        query = query.where(
            CASE.c.number.like(like)
            | CASE.c.address.like(like)
            | CASE.c.community.like(like)
            | CASE.c.description.like(like)
        )
    is_open = CASE.c.status.in_([s.value for s in OPEN_STATUSES])
    exact = CASE.c.number == text.strip()
    query = query.order_by(exact.desc(), is_open.desc(), CASE.c.received_at.desc()).limit(limit)
    return [
        CaseHit(r.id, r.number, CaseStatus(r.status), r.community, r.address, r.description)
        for r in conn.execute(query)
    ]
