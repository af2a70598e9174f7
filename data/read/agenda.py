"""The queries that feed the agenda rules of ``models.agenda``: open cases, recent whistles
with their check-ins, relapses since the last meeting, open follow-ups of earlier meetings.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import Connection, func, or_, select

from data.read.meetings import department_names, followups_open_before, unowned_decisions
from data.settings import Settings
from data.store.tables import AGENDA, CASE, CHECKIN, MEETING, REINSPECTION, WHISTLE
from models.agenda import (
    DETAIL_SEPARATOR,
    REASON_ORDER,
    REPEAT_WINDOW_DAYS,
    AgendaInputs,
    CaseFacts,
    CheckInFacts,
    FollowUpFacts,
    Proposal,
    RelapseFacts,
    WhistleFacts,
    build_agenda,
    said,
    say,
)
from models.enums import OPEN_STATUSES, AgendaReason, CaseStatus, CheckInStatus, MeetingKind, MeetingStatus
from models.errors import NotFound
from models.i18n import t


def _case_facts(r: Any) -> CaseFacts:
    return CaseFacts(
        id=r.id,
        number=r.number,
        status=CaseStatus(r.status),
        community=r.community,
        address=r.address,
        received_at=r.received_at,
        consult_flag=bool(r.consult_flag),
        consulting_at=r.consulting_at,
        review_on=r.park_review_on if r.status == CaseStatus.PARKED.value else None,
    )


_CASE_FACT_COLUMNS = (
    CASE.c.id,
    CASE.c.number,
    CASE.c.status,
    CASE.c.community,
    CASE.c.address,
    CASE.c.received_at,
    CASE.c.consult_flag,
    CASE.c.consulting_at,
    CASE.c.park_review_on,
)


def _cases_by_id(conn: Connection, ids: set[str]) -> dict[str, CaseFacts]:
    if not ids:
        return {}
    rows = conn.execute(select(*_CASE_FACT_COLUMNS).where(CASE.c.id.in_(sorted(ids))))
    return {r.id: _case_facts(r) for r in rows}


def _whistles(conn: Connection, station_id: str, at: datetime, since: datetime | None) -> list[WhistleFacts]:
    """Whistles on open cases, and any blown since the last meeting or within the repeat window."""
    window = at - timedelta(days=REPEAT_WINDOW_DAYS)
    start = min(window, since) if since else window
    rows = conn.execute(
        select(WHISTLE.c.id, WHISTLE.c.case_id, WHISTLE.c.blown_at)
        .select_from(WHISTLE.join(CASE, CASE.c.id == WHISTLE.c.case_id))
        .where(
            (CASE.c.station_id == station_id)
            & (WHISTLE.c.blown_at <= at)
            & or_(CASE.c.status.in_([s.value for s in OPEN_STATUSES]), WHISTLE.c.blown_at >= start)
        )
    ).all()
    cases = _cases_by_id(conn, {r.case_id for r in rows})
    names = department_names(conn)
    checkins: dict[str, list[CheckInFacts]] = {}
    ids = [r.id for r in rows]
    for chunk in range(0, len(ids), 500):
        for c in conn.execute(select(CHECKIN).where(CHECKIN.c.whistle_id.in_(ids[chunk : chunk + 500]))):
            checkins.setdefault(c.whistle_id, []).append(
                CheckInFacts(
                    department=c.department_code,
                    department_name=names.get(c.department_code, c.department_code),
                    status=CheckInStatus(c.status),
                    deadline=c.deadline,
                    absent_at=c.absent_at,
                )
            )
    return [WhistleFacts(r.id, cases[r.case_id], r.blown_at, tuple(checkins.get(r.id, ()))) for r in rows]


def _relapses(conn: Connection, station_id: str, since: datetime | None) -> list[RelapseFacts]:
    query = (
        select(
            REINSPECTION.c.case_id,
            REINSPECTION.c.relapse_case_id,
            REINSPECTION.c.recorded_at,
            REINSPECTION.c.inspector,
        )
        .select_from(REINSPECTION.join(CASE, CASE.c.id == REINSPECTION.c.case_id))
        .where((REINSPECTION.c.result == "relapse") & (CASE.c.station_id == station_id))
    )
    if since is not None:
        query = query.where(REINSPECTION.c.recorded_at >= since)
    rows = conn.execute(query).all()
    cases = _cases_by_id(
        conn, {r.case_id for r in rows} | {r.relapse_case_id for r in rows if r.relapse_case_id}
    )
    return [
        RelapseFacts(
            original=cases[r.case_id],
            recorded_at=r.recorded_at,
            inspector=r.inspector or "",
            reopened=cases.get(r.relapse_case_id) if r.relapse_case_id else None,
        )
        for r in rows
    ]


def _followup_facts(conn: Connection, station_id: str, before: datetime) -> list[FollowUpFacts]:
    rows = [r for r in followups_open_before(conn, station_id, before) if r.due_on is not None]
    cases = _cases_by_id(conn, {r.case_id for r in rows if r.case_id})
    return [
        FollowUpFacts(
            item_id=r.item_id,
            meeting_at=r.meeting_at,
            case=cases.get(r.case_id) if r.case_id else None,
            topic=r.topic,
            decision=r.decision,
            lead_department_name=r.lead_name or "—",
            due_on=r.due_on,  # type: ignore[arg-type]
            lead_department=r.lead_department,
        )
        for r in rows
    ]


def last_meeting_before(
    conn: Connection, station_id: str, at: datetime, meeting_id: str | None
) -> datetime | None:
    query = select(func.max(MEETING.c.scheduled_at)).where(
        (MEETING.c.station_id == station_id) & (MEETING.c.scheduled_at < at)
    )
    if meeting_id is not None:
        query = query.where(MEETING.c.id != meeting_id)
    found: datetime | None = conn.execute(query).scalar()
    return found


def agenda_inputs(
    conn: Connection,
    settings: Settings,
    station_id: str,
    scheduled_at: datetime,
    now: datetime,
    meeting_id: str | None = None,
) -> AgendaInputs:
    since = last_meeting_before(conn, station_id, scheduled_at, meeting_id)
    at = min(scheduled_at, now)
    open_cases = conn.execute(
        select(*_CASE_FACT_COLUMNS).where(
            (CASE.c.station_id == station_id) & CASE.c.status.in_([s.value for s in OPEN_STATUSES])
        )
    )
    return AgendaInputs(
        at=at,
        day=scheduled_at.astimezone(settings.tz).date(),
        tz=settings.tz,
        open_days=settings.consult_open_days,
        long_open_most=settings.consult_long_open_most,
        since=since,
        cases=[_case_facts(r) for r in open_cases],
        whistles=_whistles(conn, station_id, at, since),
        relapses=_relapses(conn, station_id, since),
        followups=_followup_facts(conn, station_id, scheduled_at),
    )


def undecided_before(conn: Connection, settings: Settings, meeting: Any) -> list[Proposal]:
    """上次未决: the items the last meeting of this station (ended, held before this one) left
    without a decision, free topics too, each carried as it was, and its decisions that name
    no lead department or no due date (nobody follows those up); a case that has ended since
    is not carried (its outcome answers it)."""
    last = conn.execute(
        select(MEETING.c.id, MEETING.c.kind, MEETING.c.scheduled_at)
        .where(
            (MEETING.c.station_id == meeting.station_id)
            & (MEETING.c.id != meeting.id)
            & (MEETING.c.status == MeetingStatus.DONE.value)
            & (MEETING.c.scheduled_at <= meeting.scheduled_at)
        )
        .order_by(MEETING.c.scheduled_at.desc(), MEETING.c.id.desc())
        .limit(1)
    ).first()
    if last is None:
        return []
    rows = conn.execute(
        select(AGENDA.c.id, AGENDA.c.case_id, AGENDA.c.topic, CASE.c.number, CASE.c.status)
        .select_from(AGENDA.outerjoin(CASE, CASE.c.id == AGENDA.c.case_id))
        .where((AGENDA.c.meeting_id == last.id) & AGENDA.c.removed.is_(False) & AGENDA.c.decision.is_(None))
        .order_by(AGENDA.c.position, AGENDA.c.id)
    ).all()
    day = last.scheduled_at.astimezone(settings.tz).date().isoformat()
    kind = said(f"MeetingKind.{MeetingKind(last.kind).value}")
    undecided = said("agenda.detail.undecided", day=day, kind=kind)
    detail = say(undecided, {})
    unowned = [
        Proposal(
            AgendaReason.CARRIED_OVER,
            say(part, {}),
            parts=(part,),
            case_id=u.case_id,
            case_number=u.case_number,
            topic="" if u.case_id else u.topic,
            carried_from=u.item_id,
            reasons=(AgendaReason.CARRIED_OVER,),
        )
        for u in unowned_decisions(conn, last.id)
        for part in [said("agenda.detail.no_owner", day=day, decision=u.decision, missing=said(u.missing))]
    ]
    return [
        Proposal(
            AgendaReason.CARRIED_OVER,
            detail,
            case_id=r.case_id,
            case_number=r.number,
            topic="" if r.case_id else r.topic,
            carried_from=r.id,
            reasons=(AgendaReason.CARRIED_OVER,),
            parts=(undecided,),
        )
        for r in rows
        if r.case_id is None or CaseStatus(r.status) in OPEN_STATUSES
    ] + unowned


def with_undecided(undecided: list[Proposal], proposals: list[Proposal]) -> list[Proposal]:
    """The rules' proposals with the last meeting's undecided items: an item about a case the
    rules also propose becomes one, 上次未决 leading and every other reason kept."""
    by_case = {p.case_id: p for p in undecided if p.case_id is not None}
    out = [p for p in undecided if p.case_id is None]
    for p in proposals:
        carried = by_case.pop(p.case_id, None) if p.case_id is not None else None
        if carried is None:
            out.append(p)
            continue
        out.append(
            replace(
                carried,
                detail=DETAIL_SEPARATOR.join((carried.detail, p.detail)),
                parts=(*carried.parts, *p.parts),
                reasons=tuple(dict.fromkeys((AgendaReason.CARRIED_OVER, *(p.reasons or (p.reason,))))),
            )
        )
    out.extend(by_case.values())
    out.sort(key=lambda p: REASON_ORDER.index(p.reason))
    return out


def proposed_agenda(conn: Connection, settings: Settings, meeting_id: str, now: datetime) -> list[Proposal]:
    """What the rules propose for a meeting, without what is already on its agenda."""
    meeting = conn.execute(select(MEETING).where(MEETING.c.id == meeting_id)).first()
    if meeting is None:
        raise NotFound("error.not_found", what=t("thing.meeting"), ident=meeting_id)
    inputs = agenda_inputs(conn, settings, meeting.station_id, meeting.scheduled_at, now, meeting_id)
    present = conn.execute(
        select(AGENDA.c.case_id, AGENDA.c.carried_from).where(
            (AGENDA.c.meeting_id == meeting_id) & AGENDA.c.removed.is_(False)
        )
    ).all()
    carried = {r.carried_from for r in present if r.carried_from}
    skip = {r.case_id for r in present if r.case_id}
    undecided = [p for p in undecided_before(conn, settings, meeting) if p.case_id not in skip]
    proposals = with_undecided(undecided, build_agenda(inputs, exclude_cases=skip))
    return [p for p in proposals if p.carried_from is None or p.carried_from not in carried]
