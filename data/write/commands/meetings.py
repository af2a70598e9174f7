"""会商/例会: meetings, their agenda and decisions that become tracked follow-ups."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime, time, timedelta
from typing import Any

from sqlalchemy import Row, func, select

from data.read.agenda import proposed_agenda
from data.store.tables import AGENDA, ATTENDANCE, CASE, DEPARTMENT, MEETING
from data.write.commands.common import Ctx, fetch, required
from models.agenda import Part
from models.enums import AgendaReason, CaseStatus, FollowUp, MeetingKind, MeetingStatus
from models.errors import DomainError, ValidationError
from models.i18n import t
from models.ids import to_iso
from models.limits import NAME_CHARS


def _own_meeting(ctx: Ctx, meeting_id: str) -> object:
    meeting = fetch(ctx.conn, MEETING, meeting_id, "meeting")
    if meeting.station_id != ctx.w.station_id:
        raise DomainError("error.not_owner_meeting", station=meeting.station_id)
    return meeting


def _open_meeting(ctx: Ctx, meeting_id: str) -> object:
    meeting = _own_meeting(ctx, meeting_id)
    if meeting.status == MeetingStatus.DONE:  # type: ignore[attr-defined]
        raise DomainError("error.meeting_done")
    return meeting


def create_meeting(
    ctx: Ctx,
    *,
    kind: MeetingKind,
    scheduled_at: datetime,
    facilitator: str,
    invited: list[str],
    title: str = "",
) -> str:
    codes = list(dict.fromkeys(invited))
    known = set(ctx.conn.execute(select(DEPARTMENT.c.code).where(DEPARTMENT.c.code.in_(codes))).scalars())
    for code in codes:
        if code not in known:
            raise ValidationError("error.unknown_department", field="invited", code=code)
    if MeetingKind(kind) is MeetingKind.WEEKLY:
        _one_weekly_a_day(ctx, scheduled_at)
    meeting_id = ctx.new_id()
    payload = {
        "id": meeting_id,
        "kind": MeetingKind(kind).value,
        "title": title.strip(),
        "scheduled_at": to_iso(scheduled_at),
        "facilitator": required(facilitator, "facilitator"),
        "invited": codes,
    }
    ctx.w.emit("meeting.created", meeting_id, payload)
    return meeting_id


def _one_weekly_a_day(ctx: Ctx, scheduled_at: datetime) -> None:
    """One 周例会 a day per station: a second would propose the same agenda again and split
    the decisions between two records. Another kind of meeting (会商, 会诊) is not limited."""
    tz = ctx.rules.settings.tz
    day = scheduled_at.astimezone(tz).date()
    start = datetime.combine(day, time(), tz)
    found = ctx.conn.execute(
        select(MEETING.c.scheduled_at).where(
            (MEETING.c.station_id == ctx.w.station_id)
            & (MEETING.c.kind == MeetingKind.WEEKLY.value)
            & (MEETING.c.scheduled_at >= start)
            & (MEETING.c.scheduled_at < start + timedelta(days=1))
        )
    ).first()
    if found is not None:
        raise ValidationError(
            "error.weekly_same_day",
            field="scheduled_at",
            day=day.isoformat(),
            at=found.scheduled_at.astimezone(tz).strftime("%H:%M"),
        )


def create_with_agenda(ctx: Ctx, **fields: Any) -> str:
    """A new meeting with its proposed agenda, in one transaction."""
    meeting_id = create_meeting(ctx, **fields)
    propose(ctx, meeting_id)
    return meeting_id


def add_item(
    ctx: Ctx,
    meeting_id: str,
    *,
    reason: AgendaReason,
    case_id: str | None = None,
    topic: str = "",
    reason_detail: str = "",
    timebox_minutes: int = 10,
    carried_from: str | None = None,
    reason_parts: Sequence[Part] = (),
) -> str:
    _open_meeting(ctx, meeting_id)
    if case_id is None and not topic.strip():
        raise ValidationError("error.item_needs_subject", field="topic")
    if case_id is not None:
        fetch(ctx.conn, CASE, case_id, "case")
        duplicate = ctx.conn.execute(
            select(AGENDA.c.id).where(
                (AGENDA.c.meeting_id == meeting_id)
                & (AGENDA.c.case_id == case_id)
                & AGENDA.c.removed.is_(False)
            )
        ).first()
        if duplicate:
            raise DomainError("error.case_on_agenda")
    if timebox_minutes <= 0:
        raise ValidationError("error.bad_timebox", field="timebox_minutes")
    last = ctx.conn.execute(
        select(func.max(AGENDA.c.position)).where(AGENDA.c.meeting_id == meeting_id)
    ).scalar()
    item_id = ctx.new_id()
    payload = {
        "id": item_id,
        "meeting_id": meeting_id,
        "position": (last or 0) + 1,
        "case_id": case_id,
        "topic": topic.strip(),
        "reason": AgendaReason(reason).value,
        "reason_detail": reason_detail,
        "reason_parts": list(reason_parts) or None,
        "timebox_minutes": timebox_minutes,
        "carried_from": carried_from,
    }
    ctx.w.emit("agenda.item_added", meeting_id, payload)
    return item_id


def propose(ctx: Ctx, meeting_id: str) -> list[str]:
    """Put on the agenda what the rules propose (models.agenda), each with its reason."""
    _open_meeting(ctx, meeting_id)
    return [
        add_item(
            ctx,
            meeting_id,
            reason=p.reason,
            case_id=p.case_id,
            topic=p.topic,
            reason_detail=p.detail,
            reason_parts=p.parts,
            carried_from=p.carried_from,
        )
        for p in proposed_agenda(ctx.conn, ctx.rules.settings, meeting_id, ctx.now)
    ]


def reorder(ctx: Ctx, meeting_id: str, order: list[str]) -> None:
    """The new order of the items still on the agenda; removed items keep their place behind."""
    _open_meeting(ctx, meeting_id)
    rows = ctx.conn.execute(
        select(AGENDA.c.id, AGENDA.c.removed)
        .where(AGENDA.c.meeting_id == meeting_id)
        .order_by(AGENDA.c.position, AGENDA.c.id)
    ).all()
    visible = {r.id for r in rows if not r.removed}
    if set(order) != visible or len(order) != len(visible):
        raise ValidationError("error.bad_order")
    full = [*order, *(r.id for r in rows if r.removed)]
    ctx.w.emit("agenda.reordered", meeting_id, {"meeting_id": meeting_id, "order": full})


def remove_item(ctx: Ctx, item_id: str) -> None:
    item = fetch(ctx.conn, AGENDA, item_id, "agenda_item")
    _open_meeting(ctx, item.meeting_id)
    if item.removed:
        raise DomainError("error.item_removed")
    ctx.w.emit("agenda.item_removed", item.meeting_id, {"id": item_id})


def set_timebox(ctx: Ctx, item_id: str, minutes: int) -> None:
    item = fetch(ctx.conn, AGENDA, item_id, "agenda_item")
    _open_meeting(ctx, item.meeting_id)
    if minutes <= 0:
        raise ValidationError("error.bad_timebox", field="timebox_minutes")
    ctx.w.emit("agenda.timebox_set", item.meeting_id, {"id": item_id, "minutes": minutes})


def start(ctx: Ctx, meeting_id: str) -> None:
    meeting = _open_meeting(ctx, meeting_id)
    if meeting.status != MeetingStatus.PLANNED:  # type: ignore[attr-defined]
        raise DomainError("error.meeting_started")
    ctx.w.emit("meeting.started", meeting_id, {"id": meeting_id})


def attendance(
    ctx: Ctx, meeting_id: str, code: str, *, present: bool, people: Sequence[str] | None = None
) -> None:
    """A department's attendance; ``people``: the names of those who came (given, the
    department is present)."""
    _open_meeting(ctx, meeting_id)
    invited = ctx.conn.execute(
        select(ATTENDANCE.c.department_code).where(
            (ATTENDANCE.c.meeting_id == meeting_id) & (ATTENDANCE.c.department_code == code)
        )
    ).first()
    if invited is None:
        raise ValidationError("error.not_invited", field="department", code=code)
    payload: dict[str, Any] = {"id": meeting_id, "code": code, "present": present}
    if people is not None:
        names = list(dict.fromkeys(n.strip() for n in people if n.strip()))
        for name in names:
            if len(name) > NAME_CHARS:
                raise ValidationError(
                    "error.too_long", field=code, name=t("field.attendee"), length=len(name), limit=NAME_CHARS
                )
        payload["people"] = names
        payload["present"] = present or bool(names)
    ctx.w.emit("meeting.attendance", meeting_id, payload)


def record_attendance(
    ctx: Ctx, meeting_id: str, present: dict[str, bool], people: dict[str, list[str]] | None = None
) -> None:
    """Attendance of several departments at once, in one transaction, with who came from
    each (``people``: department code → names)."""
    for code, here in present.items():
        attendance(ctx, meeting_id, code, present=here, people=(people or {}).get(code))


def decide(
    ctx: Ctx,
    item_id: str,
    *,
    decision: str,
    lead_department: str | None = None,
    due_on: date | None = None,
    tracked: bool = True,
) -> None:
    """结论: a decision; with a lead department and deadline it becomes a tracked follow-up."""
    item = fetch(ctx.conn, AGENDA, item_id, "agenda_item")
    _open_meeting(ctx, item.meeting_id)
    if item.removed:
        raise DomainError("error.item_removed")
    if tracked and (lead_department is None or due_on is None):
        raise ValidationError("error.followup_needs_lead", field="lead_department")
    if lead_department is not None:
        fetch(ctx.conn, DEPARTMENT, lead_department, "department")
    if due_on is not None and due_on < ctx.now.astimezone(ctx.rules.settings.tz).date():
        raise ValidationError("error.due_in_past", field="due_on")
    payload = {
        "id": item_id,
        "decision": required(decision, "decision"),
        "lead_department": lead_department,
        "due_on": due_on.isoformat() if due_on else None,
        "tracked": tracked,
        "supersedes": _superseded(ctx, item),
    }
    ctx.w.emit("agenda.decided", item.meeting_id, payload)


def _superseded(ctx: Ctx, item: Row[Any]) -> list[str]:
    """Open follow-ups of earlier meetings on the same matter: a new decision replaces them,
    so that one matter never has two live follow-ups."""
    same = AGENDA.c.case_id == item.case_id if item.case_id else AGENDA.c.id == item.carried_from
    if item.case_id is None and item.carried_from is None:
        return []
    return list(
        ctx.conn.execute(
            select(AGENDA.c.id)
            .join(MEETING, MEETING.c.id == AGENDA.c.meeting_id)
            .where(
                same
                & (MEETING.c.station_id == ctx.w.station_id)  # another station's follow-ups are its own
                & (AGENDA.c.id != item.id)
                & (AGENDA.c.meeting_id != item.meeting_id)
                & (AGENDA.c.followup == FollowUp.OPEN.value)
            )
        ).scalars()
    )


def followup_done(ctx: Ctx, item_id: str) -> None:
    item = fetch(ctx.conn, AGENDA, item_id, "agenda_item")
    _own_meeting(ctx, item.meeting_id)
    if item.followup != FollowUp.OPEN:
        raise DomainError("error.followup_not_open")
    ctx.w.emit("agenda.followup_done", item.meeting_id, {"id": item_id})


def end(ctx: Ctx, meeting_id: str) -> None:
    meeting = _open_meeting(ctx, meeting_id)
    if meeting.status != MeetingStatus.RUNNING:  # type: ignore[attr-defined]
        raise DomainError("error.meeting_not_running")
    cases = ctx.conn.execute(
        select(CASE.c.id, CASE.c.status)
        .select_from(AGENDA.join(CASE, CASE.c.id == AGENDA.c.case_id))
        .where((AGENDA.c.meeting_id == meeting_id) & AGENDA.c.removed.is_(False))
        .order_by(AGENDA.c.position, AGENDA.c.id)
    ).all()
    snapshot = {r.id: CaseStatus(r.status).value for r in cases}
    ctx.w.emit("meeting.ended", meeting_id, {"id": meeting_id, "case_status": snapshot})
