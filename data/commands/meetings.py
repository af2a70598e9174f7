"""会商/例会: meetings, their agenda and decisions that become tracked follow-ups."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import func, select

from data.commands.common import Ctx, fetch, required
from data.handlers.common import AGENDA, ATTENDANCE, DEPARTMENT, MEETING
from models.enums import AgendaReason, FollowUp, MeetingKind, MeetingStatus
from models.errors import DomainError, ValidationError
from models.ids import to_iso


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
) -> str:
    _open_meeting(ctx, meeting_id)
    if case_id is None and not topic.strip():
        raise ValidationError("error.item_needs_subject", field="topic")
    if case_id is not None:
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
        "timebox_minutes": timebox_minutes,
        "carried_from": carried_from,
    }
    ctx.w.emit("agenda.item_added", meeting_id, payload)
    return item_id


def reorder(ctx: Ctx, meeting_id: str, order: list[str]) -> None:
    _open_meeting(ctx, meeting_id)
    current = set(ctx.conn.execute(select(AGENDA.c.id).where(AGENDA.c.meeting_id == meeting_id)).scalars())
    if set(order) != current or len(order) != len(current):
        raise ValidationError("error.bad_order")
    ctx.w.emit("agenda.reordered", meeting_id, {"meeting_id": meeting_id, "order": order})


def remove_item(ctx: Ctx, item_id: str) -> None:
    item = fetch(ctx.conn, AGENDA, item_id, "agenda_item")
    _open_meeting(ctx, item.meeting_id)
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


def attendance(ctx: Ctx, meeting_id: str, code: str, *, present: bool) -> None:
    _open_meeting(ctx, meeting_id)
    invited = ctx.conn.execute(
        select(ATTENDANCE.c.department_code).where(
            (ATTENDANCE.c.meeting_id == meeting_id) & (ATTENDANCE.c.department_code == code)
        )
    ).first()
    if invited is None:
        raise ValidationError("error.not_invited", field="department", code=code)
    ctx.w.emit("meeting.attendance", meeting_id, {"id": meeting_id, "code": code, "present": present})


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
    if tracked and (lead_department is None or due_on is None):
        raise ValidationError("error.followup_needs_lead", field="lead_department")
    payload = {
        "id": item_id,
        "decision": required(decision, "decision"),
        "lead_department": lead_department,
        "due_on": due_on.isoformat() if due_on else None,
        "tracked": tracked,
    }
    ctx.w.emit("agenda.decided", item.meeting_id, payload)


def followup_done(ctx: Ctx, item_id: str) -> None:
    item = fetch(ctx.conn, AGENDA, item_id, "agenda_item")
    if item.followup != FollowUp.OPEN:
        raise DomainError("error.followup_not_open")
    ctx.w.emit("agenda.followup_done", item.meeting_id, {"id": item_id})


def end(ctx: Ctx, meeting_id: str) -> None:
    meeting = _open_meeting(ctx, meeting_id)
    if meeting.status != MeetingStatus.RUNNING:  # type: ignore[attr-defined]
        raise DomainError("error.meeting_not_running")
    ctx.w.emit("meeting.ended", meeting_id, {"id": meeting_id})
