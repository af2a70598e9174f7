"""报到: arrival (来没来), action and result (干没干), rating (干得好不好), release; clocks."""

from __future__ import annotations

import math
from datetime import datetime, timedelta
from typing import Any

from data.store.tables import CLOCK, WHISTLE
from data.write.commands.cases import resumed_clock
from data.write.commands.common import Ctx, clock_hours, fetch, own_checkin, own_clock, required
from models.deadlines import Limit, extend
from models.enums import OPEN_STATUSES, CaseStatus
from models.enums import CheckInStatus as C
from models.errors import DomainError, ValidationError
from models.ids import from_iso, to_iso


def _refuse(key: str, checkin: object, **params: object) -> DomainError:
    status = C(checkin.status)  # type: ignore[attr-defined]
    return DomainError(key, status=status, **params)


def late_minutes(ctx: Ctx, checkin: Any, at: datetime) -> int:
    """How many minutes after its deadline an arrival at ``at`` is (0 when on time). A clock
    extended after its deadline stays late from that deadline; an approved wait (挂账) moves
    the deadline by the pause so far."""
    deadline = checkin.deadline
    clock = fetch(ctx.conn, CLOCK, checkin.clock_id, "clock")
    if clock.late_since is not None:
        deadline = clock.late_since
    elif clock.paused_at is not None:
        deadline = from_iso(resumed_clock(ctx, clock, at=max(at, clock.paused_at))["deadline"])
    return max(0, math.ceil((at - deadline).total_seconds() / 60))


def happened_at(
    ctx: Ctx,
    at: datetime | None,
    *,
    field: str,
    whistle_at: datetime,
    previous: datetime | None = None,
    entry_reason: str = "",
) -> tuple[datetime, dict[str, Any] | None]:
    """When a step happened (now unless given) and, when it is entered more than a few minutes
    after it happened, its 补录 record: when it was entered and why. Refused at its field when
    in the future, before the whistle or before the step before it, or late without a reason."""
    now = ctx.now
    at = at or now
    if at > now:
        raise ValidationError("error.time_in_future", field=field, now=ctx.show(now))
    if at < whistle_at:
        raise ValidationError("error.time_before_whistle", field=field, whistle=ctx.show(whistle_at))
    if previous is not None and at < previous:
        raise ValidationError("error.time_before_previous", field=field, previous=ctx.show(previous))
    minutes = ctx.rules.settings.late_entry_minutes
    if now - at <= timedelta(minutes=minutes):
        return at, None
    reason = (entry_reason or "").strip()
    if not reason:
        raise ValidationError("error.late_entry_reason", field="entry_reason", minutes=minutes)
    return at, {"entered_at": to_iso(now), "reason": reason}


def arrive(
    ctx: Ctx,
    checkin_id: str,
    *,
    person: str,
    arrived_at: datetime | None = None,
    entry_reason: str = "",
) -> int:
    """来没来: the department reported in. Returns how many minutes late (0 when on time).
    One marked 缺席 (absent) that comes after all is recorded too, while its case is open:
    late, after the absence, which stays on the record."""
    checkin, case = own_checkin(ctx, checkin_id)
    after_absence = checkin.absent_at is not None and CaseStatus(case.status) in OPEN_STATUSES
    if checkin.status != C.SUMMONED and not (after_absence and checkin.status == C.NO_SHOW):
        raise _refuse("error.checkin_not_waiting", checkin)
    person = required(person, "person")
    whistle = fetch(ctx.conn, WHISTLE, checkin.whistle_id, "whistle")
    at, late_entry = happened_at(
        ctx, arrived_at, field="arrived_at", whistle_at=whistle.blown_at, entry_reason=entry_reason
    )
    clock = fetch(ctx.conn, CLOCK, checkin.clock_id, "clock")
    late = late_minutes(ctx, checkin, at)
    payload = {
        "id": checkin_id,
        "case_id": checkin.case_id,
        "clock_id": checkin.clock_id,
        "person": person,
        "arrived_at": to_iso(at),
        "late_minutes": late,
    }
    if clock.late_since is not None:  # "late; extended after the deadline", for the reports
        payload["late_since"] = to_iso(clock.late_since)
    if checkin.absent_at is not None:  # came after it was marked 缺席: both facts are kept
        payload["after_absence"] = to_iso(checkin.absent_at)
    if late_entry is not None:
        payload["late_entry"] = late_entry
    ctx.w.emit("checkin.arrived", checkin.case_id, payload)
    return late


def act(
    ctx: Ctx,
    checkin_id: str,
    *,
    action: str,
    result: str,
    acted_at: datetime | None = None,
    entry_reason: str = "",
) -> None:
    """干没干: what the department did on the spot, and with what result."""
    checkin, _case = own_checkin(ctx, checkin_id)
    if checkin.status != C.ARRIVED:
        raise _refuse("error.checkin_not_arrived", checkin)
    payload: dict[str, Any] = {
        "id": checkin_id,
        "case_id": checkin.case_id,
        "action": required(action, "action"),
        "result": required(result, "result"),
    }
    whistle = fetch(ctx.conn, WHISTLE, checkin.whistle_id, "whistle")
    at, late_entry = happened_at(
        ctx,
        acted_at,
        field="acted_at",
        whistle_at=whistle.blown_at,
        previous=checkin.arrived_at,
        entry_reason=entry_reason,
    )
    payload["acted_at"] = to_iso(at)
    if late_entry is not None:
        payload["late_entry"] = late_entry
    ctx.w.emit("checkin.acted", checkin.case_id, payload)


def rate(ctx: Ctx, checkin_id: str, *, rating: int, reason: str) -> None:
    """干得好不好: 1–5, with a reason."""
    checkin, _case = own_checkin(ctx, checkin_id)
    if checkin.status not in (C.ACTED, C.RELEASED):
        raise _refuse("error.rate_before_action", checkin)
    if isinstance(rating, bool) or not isinstance(rating, int) or not 1 <= rating <= 5:
        raise ValidationError("error.bad_rating", field="rating", value=rating)
    payload = {
        "id": checkin_id,
        "case_id": checkin.case_id,
        "rating": rating,
        "reason": required(reason, "reason"),
    }
    ctx.w.emit("checkin.rated", checkin.case_id, payload)


def release(
    ctx: Ctx, checkin_id: str, *, released_at: datetime | None = None, entry_reason: str = ""
) -> None:
    """撤离: only after the disposal is recorded (事不完、人不撤)."""
    checkin, _case = own_checkin(ctx, checkin_id)
    if checkin.status in (C.SUMMONED, C.ARRIVED):
        raise DomainError("error.release_before_disposal")
    if checkin.status != C.ACTED:
        raise _refuse("error.checkin_not_acting", checkin)
    whistle = fetch(ctx.conn, WHISTLE, checkin.whistle_id, "whistle")
    at, late_entry = happened_at(
        ctx,
        released_at,
        field="released_at",
        whistle_at=whistle.blown_at,
        previous=checkin.acted_at,
        entry_reason=entry_reason,
    )
    payload: dict[str, Any] = {"id": checkin_id, "case_id": checkin.case_id, "released_at": to_iso(at)}
    if late_entry is not None:
        payload["late_entry"] = late_entry
    ctx.w.emit("checkin.released", checkin.case_id, payload)


def pause(ctx: Ctx, clock_id: str, *, reason: str) -> None:
    """挂账 one clock for an approved wait: before its deadline only, for a breach is a fact."""
    clock, case = own_clock(ctx, clock_id)
    if case.status == CaseStatus.PARKED:
        raise DomainError("error.clock_case_parked")
    if clock.stopped_at is not None:
        raise DomainError("error.clock_stopped")
    if clock.paused_at is not None:
        raise DomainError("error.clock_already_paused")
    if clock.late_since is not None or clock.deadline <= ctx.now:
        raise DomainError("error.pause_overdue", deadline=ctx.show(clock.late_since or clock.deadline))
    payload = {"id": clock_id, "case_id": clock.case_id, "reason": required(reason, "reason")}
    ctx.w.emit("clock.paused", clock.case_id, payload)


def resume(ctx: Ctx, clock_id: str) -> None:
    clock, case = own_clock(ctx, clock_id)
    if clock.paused_at is None or clock.stopped_at is not None:
        raise DomainError("error.clock_not_paused")
    if case.status == CaseStatus.PARKED:
        raise DomainError("error.clock_case_parked")
    ctx.w.emit("clock.resumed", clock.case_id, resumed_clock(ctx, clock))


def extend_clock(ctx: Ctx, clock_id: str, *, by: Limit, reason: str) -> datetime:
    """延期: push a deadline back by ``by``, with a reason. Returns the new deadline."""
    clock, _case = own_clock(ctx, clock_id)
    if clock.stopped_at is not None:
        raise DomainError("error.clock_stopped")
    if by.amount <= 0:
        raise ValidationError("error.bad_extension", field="by")
    reason = required(reason, "reason")
    new = extend(clock.deadline, by, ctx.rules.calendar, ctx.rules.settings.tz, clock_hours(clock)).at
    payload = {
        "id": clock_id,
        "case_id": clock.case_id,
        "deadline": to_iso(new),
        "by": str(by),
        "extensions": clock.extensions + 1,
        "reason": reason,
    }
    # granted after the deadline: recorded, but the lateness counts from the deadline passed
    late_since = clock.late_since or (clock.deadline if clock.deadline <= ctx.now else None)
    if late_since is not None:
        payload["late_since"] = to_iso(late_since)
    ctx.w.emit("clock.extended", clock.case_id, payload)
    return new
