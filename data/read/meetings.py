"""Read models of meetings, their agenda and follow-ups, and the queries that feed the
agenda rules of ``models.agenda``.

Every function takes a blocking ``Connection``: the console calls them through
``Database.run_read`` from a worker, the command line and the write commands directly.
"""

from __future__ import annotations

import json
from collections import Counter
from dataclasses import dataclass, replace
from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import Connection, func, select

from data.read.cases import CaseDetail, case_detail, category_name
from data.store.tables import AGENDA, ATTENDANCE, CASE, DEPARTMENT, EVENT, MEETING
from models.agenda import say_all
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


def reason_text(parts: str, written: str, names: dict[str, str]) -> str:
    """An agenda item's reason in the reader's language, from its kept parts; the text it was
    written with when it has none (added before they were kept) or they cannot be said."""
    if not parts:
        return written
    try:
        return say_all(json.loads(parts), names)
    except (ValueError, KeyError, TypeError, AttributeError, IndexError):
        return written


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
    people: tuple[str, ...] = ()
    """Who came from the department, as recorded at 出席登记."""


SUMMARY_CHARS = 60


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
    description: str | None = None

    @property
    def category_name(self) -> str | None:
        return category_name(self.category) if self.category else None

    @property
    def summary(self) -> str | None:
        """The problem in one line: the description's first line, at most ``SUMMARY_CHARS``."""
        text = " ".join((self.description or "").split())
        if not text:
            return None
        return text if len(text) <= SUMMARY_CHARS else text[: SUMMARY_CHARS - 1] + "…"

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
    """Items still on the agenda, in their order; once the meeting has ended, each case's
    status is the one the meeting saw when it ended (``ended_statuses``)."""
    recorder: str | None = None
    """Who kept the record: the operator who ended the meeting."""

    @property
    def undecided(self) -> int:
        return sum(1 for i in self.items if not i.decision)

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
            CASE.c.description,
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
            reason_detail=reason_text(r.reason_parts, r.reason_detail, names),
            timebox_minutes=r.timebox_minutes,
            decision=r.decision,
            lead_department=r.lead_department,
            lead_name=names.get(r.lead_department) if r.lead_department else None,
            decision_due=r.decision_due,
            followup=FollowUp(r.followup) if r.followup else None,
            followup_done_at=r.followup_done_at,
            carried_from=r.carried_from,
            discussed_at=r.discussed_at,
            description=r.description,
        )
        for r in conn.execute(query)
    ]


def _ended_event(conn: Connection, meeting_id: str) -> Any:
    return conn.execute(
        select(EVENT.c.operator, EVENT.c.payload).where(
            (EVENT.c.type == "meeting.ended") & (EVENT.c.subject == meeting_id)
        )
    ).first()


_STATUS_VALUES = frozenset(s.value for s in CaseStatus)


def statuses_at(conn: Connection, case_ids: set[str], at: datetime) -> dict[str, CaseStatus]:
    """Each case's status as it was at ``at``, from the event log: the last status change
    (an event whose payload names the status it went ``to``) recorded by then."""
    found: dict[str, CaseStatus] = {}
    ids = sorted(case_ids)
    for chunk in range(0, len(ids), 500):
        rows = conn.execute(
            select(EVENT.c.subject, EVENT.c.type, EVENT.c.payload)
            .where(EVENT.c.subject.in_(ids[chunk : chunk + 500]) & (EVENT.c.at <= at))
            .order_by(EVENT.c.at, EVENT.c.station_id, EVENT.c.seq)
        )
        for r in rows:
            payload = json.loads(r.payload)
            if r.type == "case.received":
                found[r.subject] = CaseStatus.RECEIVED
            to = payload.get("to") if isinstance(payload, dict) else None
            if isinstance(to, str) and to in _STATUS_VALUES:
                found[r.subject] = CaseStatus(to)
    return found


def ended_statuses(conn: Connection, meeting: MeetingRow) -> tuple[str | None, dict[str, CaseStatus]]:
    """Who ended the meeting, and the status of its cases when it ended: the snapshot the
    ``meeting.ended`` event carries, or (for a meeting ended before events carried one) the
    status the event log gives for that moment."""
    event = _ended_event(conn, meeting.id)
    if event is None or meeting.ended_at is None:
        return None, {}
    payload = json.loads(event.payload)
    snapshot = payload.get("case_status") if isinstance(payload, dict) else None
    if isinstance(snapshot, dict) and snapshot:
        return event.operator, {k: CaseStatus(v) for k, v in snapshot.items()}
    ids = set(
        conn.execute(
            select(AGENDA.c.case_id).where((AGENDA.c.meeting_id == meeting.id) & AGENDA.c.case_id.isnot(None))
        ).scalars()
    )
    return event.operator, statuses_at(conn, ids, meeting.ended_at)


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
    meeting = _meeting_row(row)
    recorder, frozen = ended_statuses(conn, meeting) if meeting.status is MeetingStatus.DONE else (None, {})
    items = [
        replace(i, case_status=frozen[i.case_id]) if i.case_id is not None and i.case_id in frozen else i
        for i in items
    ]
    return MeetingView(
        meeting=meeting,
        attendance=tuple(
            AttendanceRow(
                a.department_code,
                names.get(a.department_code, a.department_code),
                a.present,
                tuple(json.loads(a.people or "[]")),
            )
            for a in attendance
        ),
        items=tuple(items),
        recorder=recorder,
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


@dataclass(frozen=True)
class Unowned:
    """A decision that names no lead department or no due date: nobody follows it up."""

    item_id: str
    meeting_at: datetime
    meeting_kind: MeetingKind
    case_id: str | None
    case_number: str | None
    topic: str
    decision: str
    lead_name: str | None
    due_on: date | None

    @property
    def missing(self) -> str:
        """Catalogue key of what it lacks."""
        if self.lead_name is None and self.due_on is None:
            return "agenda.missing.both"
        return "agenda.missing.lead" if self.lead_name is None else "agenda.missing.due"


def last_meeting_done(
    conn: Connection, station_id: str, at: datetime, exclude: str | None = None
) -> Any | None:
    """The station's last ended meeting held at or before ``at`` (not ``exclude``)."""
    query = select(MEETING.c.id, MEETING.c.kind, MEETING.c.scheduled_at).where(
        (MEETING.c.station_id == station_id)
        & (MEETING.c.status == MeetingStatus.DONE.value)
        & (MEETING.c.scheduled_at <= at)
    )
    if exclude is not None:
        query = query.where(MEETING.c.id != exclude)
    return conn.execute(query.order_by(MEETING.c.scheduled_at.desc(), MEETING.c.id.desc()).limit(1)).first()


def unowned_decisions(conn: Connection, meeting_id: str) -> list[Unowned]:
    """The meeting's decisions without a lead department or a due date, on cases still open
    (or free topics): they come back to the next meeting and to the handover. The next meeting
    is asked once: an item it took up for lacking an owner and decided again without one is
    left as the room decided (通报即可 needs nobody)."""
    source = AGENDA.alias("source")
    meeting = conn.execute(
        select(MEETING.c.kind, MEETING.c.scheduled_at).where(MEETING.c.id == meeting_id)
    ).one()
    names = department_names(conn)
    rows = conn.execute(
        select(AGENDA, CASE.c.number, CASE.c.status.label("case_status"))
        .select_from(
            AGENDA.outerjoin(CASE, CASE.c.id == AGENDA.c.case_id).outerjoin(
                source, source.c.id == AGENDA.c.carried_from
            )
        )
        .where(
            (AGENDA.c.meeting_id == meeting_id)
            & AGENDA.c.removed.is_(False)
            & AGENDA.c.decision.isnot(None)
            & (AGENDA.c.lead_department.is_(None) | AGENDA.c.decision_due.is_(None))
            & ~(
                source.c.decision.isnot(None)
                & (source.c.lead_department.is_(None) | source.c.decision_due.is_(None))
            )
        )
        .order_by(AGENDA.c.position, AGENDA.c.id)
    )
    return [
        Unowned(
            item_id=r.id,
            meeting_at=meeting.scheduled_at,
            meeting_kind=MeetingKind(meeting.kind),
            case_id=r.case_id,
            case_number=r.number,
            topic=r.topic,
            decision=r.decision or "",
            lead_name=names.get(r.lead_department) if r.lead_department else None,
            due_on=r.decision_due,
        )
        for r in rows
        if r.case_id is None or CaseStatus(r.case_status) in OPEN_STATUSES
    ]


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
