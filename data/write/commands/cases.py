"""Intake, lifecycle transitions and whistles (corrections: commands/corrections.py)."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy import func, select

from data.catalogue import CATEGORY_BY_CODE, SOURCE_BY_CODE
from data.store.tables import CASE, CHECKIN, CLOCK, DEPARTMENT
from data.write.commands.common import Ctx, clock_hours, clock_payload, own_case, required, salted
from data.write.commands.schedule import schedule_after_close
from models.deadlines import Unit, resume_deadline
from models.enums import CaseStatus, CheckInStatus, Grade, Priority, Purpose
from models.errors import DomainError, ValidationError
from models.i18n import joined
from models.ids import to_iso
from models.lifecycle import ACTIONS_NEEDING_REASON, Action, next_status
from models.limits import check_text
from models.personal import is_valid_phone, normalise_phone

CORRECTABLE = (
    "source",
    "category",
    "subcategory",
    "community",
    "address",
    "description",
    "priority",
)
PERSONAL = ("reporter_name", "reporter_phone")


def _next_number(ctx: Ctx, year: int) -> str:
    prefix = f"{ctx.rules.settings.case_prefix}-{year}-"
    # a range rather than LIKE, so SQLite walks the (station_id, number) index
    in_year = CASE.c.number.between(prefix, prefix + "~")
    last = ctx.conn.execute(
        select(func.max(CASE.c.number)).where((CASE.c.station_id == ctx.w.station_id) & in_year)
    ).scalar()
    return f"{prefix}{int(last.rsplit('-', 1)[1]) + 1 if last else 1:06d}"


def check_fields(fields: dict[str, Any]) -> dict[str, Any]:
    out = dict(fields)
    if "source" in out and out["source"] not in SOURCE_BY_CODE:
        raise ValidationError("error.unknown_source", field="source", value=out["source"])
    if "category" in out and out["category"] not in CATEGORY_BY_CODE:
        raise ValidationError("error.unknown_category", field="category", value=out["category"])
    if "priority" in out and out["priority"] not in set(Priority):
        raise ValidationError("error.bad_priority", field="priority", value=out["priority"])
    for name in ("community", "address", "description"):
        if name in out:
            out[name] = check_text(name, required(out[name], name))
    for name in ("subcategory", "reporter_name"):
        if out.get(name):
            out[name] = check_text(name, out[name])
    phone = out.get("reporter_phone")
    if phone:
        check_text("reporter_phone", phone)
        if not is_valid_phone(phone):
            raise ValidationError("error.bad_phone", field="reporter_phone", value=phone)
        out["reporter_phone"] = normalise_phone(phone)
    return out


def receive_case(
    ctx: Ctx,
    *,
    source: str,
    category: str,
    community: str,
    address: str,
    description: str,
    subcategory: str = "",
    reporter_name: str = "",
    reporter_phone: str = "",
    priority: str = Priority.NORMAL.value,
    reopened_from: str | None = None,
) -> str:
    """接收案件: a new case with its handling clock started. Returns the case id."""
    f = check_fields(
        {
            "source": source,
            "category": category,
            "community": community,
            "address": address,
            "description": description,
            "priority": priority,
            "reporter_phone": reporter_phone,
            "subcategory": subcategory,
            "reporter_name": reporter_name,
        }
    )
    subcategory, reporter_name = f["subcategory"], f["reporter_name"]
    now = ctx.now
    local_year = now.astimezone(ctx.rules.settings.tz).year
    case_id = ctx.new_id()
    limit = ctx.rules.settings.handling_limit(category)
    payload = {
        "id": case_id,
        "number": _next_number(ctx, local_year),
        "source": f["source"],
        "category": f["category"],
        "subcategory": subcategory.strip(),
        "community": f["community"],
        "address": f["address"],
        "description": f["description"],
        "priority": f["priority"],
        "received_at": to_iso(now),
        "reopened_from": reopened_from,
        "handling_clock": clock_payload(ctx, now, limit),
    }
    personal = None
    if reporter_name.strip() or f.get("reporter_phone"):
        personal = salted(
            {"reporter_name": reporter_name.strip(), "reporter_phone": f.get("reporter_phone", "")}
        )
    ctx.w.emit("case.received", case_id, payload, personal)
    return case_id


def transition(
    ctx: Ctx,
    case_id: str,
    action: Action,
    *,
    reason: str = "",
    note: str = "",
    result: str = "",
    review_on: date | None = None,
) -> CaseStatus:
    """Move a case by one lifecycle action; refused (and nothing changed) when illegal."""
    if action is Action.WHISTLE:
        raise DomainError("error.use_whistle")
    case = own_case(ctx, case_id)
    state = CaseStatus(case.status)
    parked_from = CaseStatus(case.parked_from) if case.parked_from else None
    target = next_status(state, action, parked_from)
    if action in (Action.FEEDBACK, Action.CLOSE):
        _nobody_on_site(ctx, case_id)
    payload: dict[str, Any] = {"id": case_id, "from": state.value, "to": target.value}
    if action in ACTIONS_NEEDING_REASON:
        payload["reason"] = required(reason, "reason")
    if action in WITHDRAWING:
        withdraw_awaited(ctx, case_id, reason)
    if action is Action.PARK:
        today = ctx.now.astimezone(ctx.rules.settings.tz).date()
        review_on = review_on or today + timedelta(days=7)
        if review_on < today:
            raise ValidationError("error.review_in_past", field="review_on")
        payload["review_on"] = review_on.isoformat()
    if action is Action.UNPARK:
        payload["clocks"] = _resumed_clocks(ctx, case_id, case.parked_at)
    if action is Action.FEEDBACK:
        payload["result"] = required(result, "result")
        payload["note"] = note.strip()
    elif note.strip():
        payload["note"] = note.strip()
    ctx.w.emit(f"case.{action.value}", case_id, payload)
    if action is Action.CLOSE:
        schedule_after_close(ctx, case_id, case.category)
    return target


# Actions that end (or shelve) a case: a summons still awaited is withdrawn, each with a trace.
WITHDRAWING = frozenset({Action.CLOSE, Action.REJECT, Action.PARK, Action.VERIFY, Action.RELAPSE})


def awaited(ctx: Ctx, case_id: str) -> list[Any]:
    """The case's summons still awaited (no arrival yet), with their department and clock."""
    return list(
        ctx.conn.execute(
            select(CHECKIN, DEPARTMENT.c.name.label("department"), CLOCK.c.paused_at, CLOCK.c.late_since)
            .join(DEPARTMENT, DEPARTMENT.c.code == CHECKIN.c.department_code)
            .join(CLOCK, CLOCK.c.id == CHECKIN.c.clock_id)
            .where((CHECKIN.c.case_id == case_id) & (CHECKIN.c.status == CheckInStatus.SUMMONED.value))
            .order_by(DEPARTMENT.c.sort)
        ).all()
    )


def withdraw_awaited(ctx: Ctx, case_id: str, reason: str) -> None:
    """撤回召集: one ``checkin.withdrawn`` per summons still awaited, naming who and why. One
    already past its deadline stays a no-show (lateness is a fact); one within it is withdrawn."""
    pending = awaited(ctx, case_id)
    if not pending:
        return
    names = joined(row.department for row in pending)
    why = (reason or "").strip()
    if not why:
        raise ValidationError("error.withdraw_reason", field="reason", names=names)
    now = ctx.now
    for row in pending:
        overdue = row.late_since is not None or (row.paused_at is None and row.deadline <= now)
        ctx.w.emit(
            "checkin.withdrawn",
            case_id,
            {
                "id": row.id,
                "case_id": case_id,
                "clock_id": row.clock_id,
                "department_code": row.department_code,
                "deadline": to_iso(row.deadline),
                "overdue": overdue,
                "reason": why,
            },
        )


def _nobody_on_site(ctx: Ctx, case_id: str) -> None:
    """事不完、人不撤: the disposal is not reported done while a department is still on site."""
    names = ctx.conn.execute(
        select(DEPARTMENT.c.name)
        .join(CHECKIN, CHECKIN.c.department_code == DEPARTMENT.c.code)
        .where(
            (CHECKIN.c.case_id == case_id)
            & CHECKIN.c.status.in_([CheckInStatus.ARRIVED.value, CheckInStatus.ACTED.value])
        )
        .order_by(DEPARTMENT.c.sort)
    ).scalars()
    on_site = list(names)
    if on_site:
        raise DomainError("error.people_on_site", names=joined(on_site))


def _resumed_clocks(ctx: Ctx, case_id: str, parked_at: datetime) -> list[dict[str, Any]]:
    """The clocks the park paused (at the moment of parking); a clock paused before for a wait
    of its own stays paused with its reason."""
    rows = ctx.conn.execute(
        select(CLOCK).where(
            (CLOCK.c.case_id == case_id) & CLOCK.c.stopped_at.is_(None) & (CLOCK.c.paused_at == parked_at)
        )
    ).all()
    return [resumed_clock(ctx, row) for row in rows]


def resumed_clock(ctx: Ctx, clock: Any, at: datetime | None = None) -> dict[str, Any]:
    """A paused clock set going again at ``at`` (now): its deadline moves by the pause."""
    tz = ctx.rules.settings.tz
    deadline, paused = resume_deadline(
        clock.deadline,
        clock.paused_at,
        at or ctx.now,
        Unit(clock.limit_unit),
        ctx.rules.calendar,
        tz,
        clock_hours(clock),
    )
    return {
        "id": clock.id,
        "case_id": clock.case_id,
        "deadline": to_iso(deadline),
        "paused_minutes": clock.paused_minutes + paused,
    }


def blow_whistle(
    ctx: Ctx,
    case_id: str,
    *,
    grade: Grade,
    departments: list[str],
    purpose: Purpose | None = None,
    note: str = "",
    follows: str | None = None,
) -> str:
    """吹哨: summon departments, each with its own check-in clock. Returns the whistle id.
    ``follows``: the check-in marked 缺席 this whistle summons again (or replaces by another
    unit), named on the record."""
    case = own_case(ctx, case_id)
    if follows is not None:
        absent = ctx.conn.execute(
            select(CHECKIN.c.case_id, CHECKIN.c.absent_at).where(CHECKIN.c.id == follows)
        ).first()
        if absent is None or absent.case_id != case_id or absent.absent_at is None:
            raise ValidationError("error.rewhistle_not_absent", field="departments")
    state = CaseStatus(case.status)
    target = next_status(state, Action.WHISTLE)
    codes = list(dict.fromkeys(departments))
    if not codes:
        raise ValidationError("error.no_departments", field="departments")
    known = {
        row.code: row
        for row in ctx.conn.execute(select(DEPARTMENT).where(DEPARTMENT.c.code.in_(codes))).all()
    }
    for code in codes:
        if code not in known or not known[code].active:
            raise ValidationError("error.unknown_department", field="departments", code=code)
    pending = set(
        ctx.conn.execute(
            select(CHECKIN.c.department_code).where(
                (CHECKIN.c.case_id == case_id)
                & CHECKIN.c.status.in_([CheckInStatus.SUMMONED, CheckInStatus.ARRIVED, CheckInStatus.ACTED])
            )
        ).scalars()
    )
    already = [code for code in codes if code in pending]
    if already:
        raise ValidationError(
            "error.already_summoned",
            field="departments",
            names=joined(known[c].name for c in already),
        )
    settings = ctx.rules.settings
    limit = settings.urgent_limit if grade is Grade.URGENT else settings.regular_limit
    now = ctx.now
    whistle_id = ctx.new_id()
    payload = {
        "id": whistle_id,
        "case_id": case_id,
        "grade": grade.value,
        "purpose": purpose.value if purpose else None,
        "note": note.strip(),
        "from": state.value,
        "to": target.value,
        **({"follows": follows} if follows is not None else {}),
        "departments": [
            {"code": code, "checkin_id": ctx.new_id(), "clock": clock_payload(ctx, now, limit)}
            for code in codes
        ],
    }
    ctx.w.emit("whistle.blown", case_id, payload)
    return whistle_id
