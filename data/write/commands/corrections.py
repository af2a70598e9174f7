"""冲正: a supervisor corrects what was recorded, never deletes it.

Every correction is one ``case.corrected`` event on the case it concerns, with a reason, the
values before and after, and a pointer (event id, station, seq) at the event that recorded the
value it corrects: the original event, or the latest correction of the same value. The tables
then hold the corrected value, so every count reads it; the original stays in the record.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import datetime
from typing import Any

from sqlalchemy import select

from data.store.tables import CASE, CHECKIN, EVENT, REINSPECTION, WHISTLE
from data.write.commands.cases import CORRECTABLE, PERSONAL, check_fields
from data.write.commands.checkins import late_minutes
from data.write.commands.common import Ctx, fetch, own_case, own_checkin, required, salted
from data.write.commands.sync import require_supervisor
from models.corrections import CorrectionKind as K
from models.enums import OPEN_STATUSES, CaseStatus, ReinspectionResult
from models.enums import CheckInStatus as C
from models.errors import DomainError, ValidationError
from models.ids import to_iso
from models.lifecycle import Action

EVENT_TYPE = "case.corrected"
# The events that end a case; an awaited summons is withdrawn or marked absent by them.
ENDING_TYPES = tuple(f"case.{a.value}" for a in (Action.CLOSE, Action.REJECT, Action.RELAPSE, Action.VERIFY))
WITHDRAWAL_TYPE = "checkin.withdrawn"
"""The event of a summons withdrawn on its own (before that, only a case's end withdrew one)."""
# What a re-inspection result leaves the case as, weakest first.
_AFTER_RESULT = {
    ReinspectionResult.UNCHECKABLE: CaseStatus.CLOSED,
    ReinspectionResult.PASS: CaseStatus.VERIFIED,
    ReinspectionResult.RELAPSE: CaseStatus.RELAPSED,
}


def _supervisor(ctx: Ctx) -> None:
    """The one place corrections ask who is correcting: only a supervisor may."""
    try:
        require_supervisor(ctx)
    except DomainError as refused:
        if refused.key == "auth.needs_supervisor":
            raise DomainError("correct.error.needs_supervisor", operator=ctx.w.operator) from None
        raise


def _pointer(row: Any) -> dict[str, Any]:
    return {"event": row.id, "station": row.station_id, "seq": row.seq, "type": row.type}


def _latest(
    ctx: Ctx, case_id: str, types: tuple[str, ...], kinds: set[str], matches: Callable[[dict[str, Any]], bool]
) -> dict[str, Any] | None:
    """The latest event of the case that recorded the value: one of ``types`` for which
    ``matches(payload)`` holds, or a correction of one of ``kinds`` that does."""
    rows = ctx.conn.execute(
        select(EVENT.c.id, EVENT.c.station_id, EVENT.c.seq, EVENT.c.type, EVENT.c.payload)
        .where((EVENT.c.subject == case_id) & EVENT.c.type.in_([*types, EVENT_TYPE]))
        .order_by(EVENT.c.at.desc(), EVENT.c.seq.desc())
    ).all()
    for row in rows:
        payload = json.loads(row.payload)
        if row.type == EVENT_TYPE and payload.get("kind", K.CASE.value) not in kinds:
            continue
        if matches(payload):
            return _pointer(row)
    return None


def _emit(
    ctx: Ctx,
    kind: K,
    case_id: str,
    target: str,
    corrects: dict[str, Any] | None,
    changes: dict[str, dict[str, Any]],
    reason: str,
    *,
    department: str | None = None,
    personal: dict[str, Any] | None = None,
) -> None:
    if not changes and not personal:
        raise ValidationError("error.nothing_to_correct")
    if corrects is None:
        raise DomainError("correct.error.no_original")
    payload = {
        "case_id": case_id,
        "kind": kind.value,
        "target": target,
        "department": department,
        "corrects": corrects,
        "changes": changes,
        "reason": reason,
        "personal_fields": sorted(personal or ()),
    }
    ctx.w.emit(EVENT_TYPE, case_id, payload, salted(personal) if personal else None)


def _for_checkin(
    ctx: Ctx, kind: K, checkin: Any, corrects: dict[str, Any] | None, changes: dict[str, Any], reason: str
) -> None:
    department = checkin.department_code
    _emit(ctx, kind, checkin.case_id, checkin.id, corrects, changes, reason, department=department)


def _change(before: Any, after: Any) -> dict[str, Any]:
    return {"from": before, "to": after}


def _iso(at: datetime | None) -> str | None:
    return to_iso(at) if at is not None else None


# -- the case's own fields ------------------------------------------------------------------


def correct_case(ctx: Ctx, case_id: str, changes: dict[str, str], *, reason: str) -> None:
    """冲正 recorded case fields, with a reason; the old values stay in the event."""
    case = own_case(ctx, case_id)
    _supervisor(ctx)
    reason = required(reason, "reason")
    unknown = set(changes) - set(CORRECTABLE) - set(PERSONAL)
    if unknown:
        raise ValidationError("error.not_correctable", field=min(unknown), name=min(unknown))
    checked = check_fields(changes)
    public = {
        k: _change(getattr(case, k), v)
        for k, v in checked.items()
        if k in CORRECTABLE and getattr(case, k) != v
    }
    personal = {k: v for k, v in checked.items() if k in PERSONAL and getattr(case, k) != v}
    fields = set(public) | set(personal)

    def sets_a_field(p: dict[str, Any]) -> bool:
        return "number" in p or bool(fields & {*p.get("changes", {}), *p.get("personal_fields", ())})

    corrects = _latest(ctx, case_id, ("case.received",), {K.CASE.value}, sets_a_field) if fields else None
    _emit(ctx, K.CASE, case_id, case_id, corrects, public, reason, personal=personal)


# -- a department's check-in ----------------------------------------------------------------


def _checkin(ctx: Ctx, checkin_id: str, reason: str) -> tuple[Any, str]:
    checkin, _case = own_checkin(ctx, checkin_id)
    _supervisor(ctx)
    return checkin, required(reason, "reason")


def _checkin_event(ctx: Ctx, checkin: Any, kind: K, *types: str) -> dict[str, Any] | None:
    return _latest(
        ctx,
        checkin.case_id,
        types,
        {kind.value},
        lambda p: p.get("id") == checkin.id or p.get("target") == checkin.id,
    )


def _not_in_future(ctx: Ctx, at: datetime, field: str) -> None:
    if at > ctx.now:
        raise ValidationError("correct.error.in_future", field=field)


def correct_arrival(ctx: Ctx, checkin_id: str, *, arrived_at: datetime, reason: str) -> int:
    """The time a department really arrived; its lateness follows. Returns the minutes late."""
    checkin, reason = _checkin(ctx, checkin_id, reason)
    if checkin.arrived_at is None:
        raise DomainError("correct.error.not_arrived", status=C(checkin.status))
    _not_in_future(ctx, arrived_at, "arrived_at")
    whistle = fetch(ctx.conn, WHISTLE, checkin.whistle_id, "whistle")
    if arrived_at < whistle.blown_at:
        raise ValidationError("error.arrival_before_whistle", field="arrived_at")
    if checkin.acted_at is not None and arrived_at > checkin.acted_at:
        raise ValidationError("correct.error.arrival_after_action", field="arrived_at")
    late = late_minutes(ctx, checkin, arrived_at)
    changes = {}
    if arrived_at != checkin.arrived_at:
        changes["arrived_at"] = _change(_iso(checkin.arrived_at), to_iso(arrived_at))
        if late != checkin.late_minutes:
            changes["late_minutes"] = _change(checkin.late_minutes, late)
    corrects = _checkin_event(ctx, checkin, K.ARRIVAL, "checkin.arrived")
    _for_checkin(ctx, K.ARRIVAL, checkin, corrects, changes, reason)
    return late


def correct_action(
    ctx: Ctx, checkin_id: str, *, reason: str, action: str | None = None, result: str | None = None
) -> None:
    """What the department did on the spot, and with what result."""
    checkin, reason = _checkin(ctx, checkin_id, reason)
    if checkin.acted_at is None:
        raise DomainError("correct.error.not_acted", status=C(checkin.status))
    changes = {}
    if action is not None and required(action, "action") != checkin.action_taken:
        changes["action_taken"] = _change(checkin.action_taken, action.strip())
    if result is not None and required(result, "result") != checkin.result:
        changes["result"] = _change(checkin.result, result.strip())
    corrects = _checkin_event(ctx, checkin, K.ACTION, "checkin.acted")
    _for_checkin(ctx, K.ACTION, checkin, corrects, changes, reason)


def correct_action_time(ctx: Ctx, checkin_id: str, *, acted_at: datetime, reason: str) -> None:
    """When the department acted: after it arrived, before it left."""
    checkin, reason = _checkin(ctx, checkin_id, reason)
    if checkin.acted_at is None:
        raise DomainError("correct.error.not_acted", status=C(checkin.status))
    _not_in_future(ctx, acted_at, "acted_at")
    if checkin.arrived_at is not None and acted_at < checkin.arrived_at:
        raise ValidationError("correct.error.action_before_arrival", field="acted_at")
    if checkin.released_at is not None and acted_at > checkin.released_at:
        raise ValidationError("correct.error.action_after_release", field="acted_at")
    changes = {}
    if acted_at != checkin.acted_at:
        changes["acted_at"] = _change(_iso(checkin.acted_at), to_iso(acted_at))
    corrects = _checkin_event(ctx, checkin, K.ACTION_TIME, "checkin.acted")
    _for_checkin(ctx, K.ACTION_TIME, checkin, corrects, changes, reason)


def correct_release_time(ctx: Ctx, checkin_id: str, *, released_at: datetime, reason: str) -> None:
    """When the department left the site: not before it acted."""
    checkin, reason = _checkin(ctx, checkin_id, reason)
    if checkin.released_at is None:
        raise DomainError("correct.error.not_released", status=C(checkin.status))
    _not_in_future(ctx, released_at, "released_at")
    if checkin.acted_at is not None and released_at < checkin.acted_at:
        raise ValidationError("correct.error.release_before_action", field="released_at")
    changes = {}
    if released_at != checkin.released_at:
        changes["released_at"] = _change(_iso(checkin.released_at), to_iso(released_at))
    corrects = _checkin_event(ctx, checkin, K.RELEASE_TIME, "checkin.released")
    _for_checkin(ctx, K.RELEASE_TIME, checkin, corrects, changes, reason)


def correct_rating(ctx: Ctx, checkin_id: str, *, rating: int, reason: str) -> None:
    """干得好不好, corrected: the new score, and the correction's reason as its reason."""
    checkin, reason = _checkin(ctx, checkin_id, reason)
    if checkin.rating is None:
        raise DomainError("correct.error.not_rated", status=C(checkin.status))
    if isinstance(rating, bool) or not isinstance(rating, int) or not 1 <= rating <= 5:
        raise ValidationError("error.bad_rating", field="rating", value=rating)
    changes = {}
    if rating != checkin.rating:
        changes["rating"] = _change(checkin.rating, rating)
        changes["rating_reason"] = _change(checkin.rating_reason, reason)
    corrects = _checkin_event(ctx, checkin, K.RATING, "checkin.rated")
    _for_checkin(ctx, K.RATING, checkin, corrects, changes, reason)


def correct_withdrawal(ctx: Ctx, checkin_id: str, *, status: C, reason: str) -> None:
    """A withdrawn summons turned into an absence (or awaited again while the case is open),
    or an absence turned into a withdrawal."""
    checkin, reason = _checkin(ctx, checkin_id, reason)
    current = C(checkin.status)
    if current not in (C.WITHDRAWN, C.NO_SHOW):
        raise DomainError("correct.error.not_withdrawn", status=current)
    allowed = {C.WITHDRAWN: (C.NO_SHOW, C.SUMMONED), C.NO_SHOW: (C.WITHDRAWN,)}[current]
    if status is current:
        raise ValidationError("error.nothing_to_correct")
    if status not in allowed:
        raise ValidationError("correct.error.bad_withdrawal", field="status", before=current, after=status)
    if status is C.SUMMONED:
        case = fetch(ctx.conn, CASE, checkin.case_id, "case")
        if CaseStatus(case.status) not in OPEN_STATUSES:
            raise DomainError("correct.error.case_ended", status=CaseStatus(case.status))
    corrects = _checkin_event(ctx, checkin, K.WITHDRAWAL, WITHDRAWAL_TYPE) or _ending_event(ctx, checkin)
    changes = {"status": _change(current.value, status.value)}
    _for_checkin(ctx, K.WITHDRAWAL, checkin, corrects, changes, reason)


def _ending_event(ctx: Ctx, checkin: Any) -> dict[str, Any] | None:
    """The case's end that withdrew the summons or marked it absent: the first after its whistle."""
    whistle = fetch(ctx.conn, WHISTLE, checkin.whistle_id, "whistle")
    row = ctx.conn.execute(
        select(EVENT.c.id, EVENT.c.station_id, EVENT.c.seq, EVENT.c.type)
        .where(
            (EVENT.c.subject == checkin.case_id)
            & EVENT.c.type.in_(ENDING_TYPES)
            & (EVENT.c.at >= whistle.blown_at)
        )
        .order_by(EVENT.c.at, EVENT.c.seq)
        .limit(1)
    ).first()
    return _pointer(row) if row else None


# -- 回头看 ---------------------------------------------------------------------------------


def correct_reinspection(ctx: Ctx, reinspection_id: str, *, result: ReinspectionResult, reason: str) -> None:
    """A re-inspection's result, corrected; the case's standing follows every result it has
    (any relapse: relapsed; else any pass: verified; else closed). A case opened again by a
    relapse stays a case of its own."""
    item = fetch(ctx.conn, REINSPECTION, reinspection_id, "reinspection")
    case = own_case(ctx, item.case_id)
    _supervisor(ctx)
    reason = required(reason, "reason")
    if item.result is None:
        raise DomainError("correct.error.not_inspected")
    before = ReinspectionResult(item.result)
    if result is before:
        raise ValidationError("error.nothing_to_correct")
    status = CaseStatus(case.status)
    if status not in _AFTER_RESULT.values():
        raise DomainError("correct.error.case_moved_on", status=status)
    others = ctx.conn.execute(
        select(REINSPECTION.c.result).where(
            (REINSPECTION.c.case_id == case.id)
            & (REINSPECTION.c.id != item.id)
            & REINSPECTION.c.result.is_not(None)
        )
    ).scalars()
    results = {ReinspectionResult(r) for r in others} | {result}
    order = list(_AFTER_RESULT)
    after = _AFTER_RESULT[max(results, key=order.index)]
    changes: dict[str, dict[str, Any]] = {"result": _change(before.value, result.value)}
    if after is not status:
        changes["case_status"] = _change(status.value, after.value)
    corrects = _latest(
        ctx,
        case.id,
        ("reinspection.recorded",),
        {K.REINSPECTION.value},
        lambda p: p.get("id") == item.id or p.get("target") == item.id,
    )
    _emit(ctx, K.REINSPECTION, case.id, item.id, corrects, changes, reason)


# -- which check-in: for the command line ----------------------------------------------------


def checkin_of(ctx: Ctx, case_id: str, department: str) -> str:
    """The department's latest check-in on the case."""
    found = ctx.conn.execute(
        select(CHECKIN.c.id)
        .join(WHISTLE, WHISTLE.c.id == CHECKIN.c.whistle_id)
        .where((CHECKIN.c.case_id == case_id) & (CHECKIN.c.department_code == department))
        .order_by(WHISTLE.c.blown_at.desc(), CHECKIN.c.id.desc())
        .limit(1)
    ).scalar()
    if found is None:
        raise DomainError("correct.error.no_checkin", department=department)
    return str(found)


def case_numbered(ctx: Ctx, number: str) -> str:
    """The id of the case numbered ``number`` (as an operator reads it off the screen)."""
    found = ctx.conn.execute(select(CASE.c.id).where(CASE.c.number == number.strip())).scalar()
    if found is None:
        raise DomainError("cli.error.no_case_number", number=number)
    return str(found)


def recorded_reinspection(ctx: Ctx, case_id: str) -> str:
    """The case's latest re-inspection with a result."""
    found = ctx.conn.execute(
        select(REINSPECTION.c.id)
        .where((REINSPECTION.c.case_id == case_id) & REINSPECTION.c.result.is_not(None))
        .order_by(REINSPECTION.c.recorded_at.desc(), REINSPECTION.c.id.desc())
        .limit(1)
    ).scalar()
    if found is None:
        raise DomainError("correct.error.no_reinspection")
    return str(found)
