"""Cases, whistles, check-ins and their clocks."""

from __future__ import annotations

import functools
import json
from typing import Any

from sqlalchemy import Connection, Update, bindparam, case, select, update

from data.store.rows import Registry, add_row, day, for_case, set_rows, ts
from data.store.tables import CASE, CHECKIN, CLOCK, REINSPECTION, WHISTLE
from models.enums import CaseStatus, CheckInStatus
from models.errors import DomainError
from models.events import EventRecord
from models.lifecycle import Action

on = Registry()
HANDLERS = on.handlers

STAGE_COLUMN = {
    CaseStatus.TRIAGE: "triaged_at",
    CaseStatus.DISPATCHED: "dispatched_at",
    CaseStatus.CONSULTING: "consulting_at",
    CaseStatus.DISPOSING: "disposing_at",
    CaseStatus.FEEDBACK: "feedback_at",
    CaseStatus.CLOSED: "closed_at",
    CaseStatus.VERIFIED: "verified_at",
    CaseStatus.RELAPSED: "relapsed_at",
    CaseStatus.REJECTED: "rejected_at",
    CaseStatus.PARKED: "parked_at",
}
ENDING_ACTIONS = {Action.CLOSE, Action.REJECT, Action.RELAPSE, Action.VERIFY}


@functools.cache
def _case_clocks() -> dict[str, Update]:
    running = (CLOCK.c.case_id == bindparam("case")) & CLOCK.c.stopped_at.is_(None)
    return {
        "pause": update(CLOCK)
        .where(running & CLOCK.c.paused_at.is_(None))
        .values(paused_at=bindparam("at"), pause_reason=bindparam("reason")),
        "stop": update(CLOCK).where(running).values(stopped_at=bindparam("at")),
        # a department still awaited when the case ends: a no-show once its deadline has
        # passed; before it, the summons is withdrawn and not held against it (one statement)
        "summons_ended": update(CHECKIN)
        .where((CHECKIN.c.case_id == bindparam("case")) & (CHECKIN.c.status == "summoned"))
        .values(
            status=case(
                (CHECKIN.c.deadline < bindparam("at"), CheckInStatus.NO_SHOW.value),
                else_=CheckInStatus.WITHDRAWN.value,
            )
        ),
    }


def _add_clock(conn: Connection, case_id: str, kind: str, c: dict[str, Any], **extra: Any) -> None:
    # how the deadline was counted; a clock from before that was recorded leaves them out
    if "basis" in c:
        extra["calendar_basis"] = json.dumps(c["basis"], sort_keys=True)
    if "hours" in c:
        extra["work_hours"] = json.dumps(c["hours"], ensure_ascii=False, sort_keys=True)
    add_row(
        conn,
        CLOCK,
        id=c["id"],
        case_id=case_id,
        kind=kind,
        started_at=ts(c["started_at"]),
        deadline=ts(c["deadline"]),
        limit_amount=c["amount"],
        limit_unit=c["unit"],
        paused_minutes=0.0,
        extensions=0,
        **extra,
    )


@on("case.received")
def _received(conn: Connection, e: EventRecord) -> None:
    p = e.payload
    personal = e.personal or {}
    add_row(
        conn,
        CASE,
        id=p["id"],
        station_id=e.station_id,
        number=p["number"],
        source=p["source"],
        category=p["category"],
        subcategory=p.get("subcategory", ""),
        community=p["community"],
        address=p["address"],
        description=p["description"],
        priority=p["priority"],
        status=CaseStatus.RECEIVED.value,
        consult_flag=False,
        reporter_name=personal.get("reporter_name"),
        reporter_phone=personal.get("reporter_phone"),
        reopened_from=p.get("reopened_from"),
        received_by=e.operator,
        received_at=ts(p["received_at"]),
        updated_at=e.at,
    )
    _add_clock(conn, p["id"], "handling", p["handling_clock"])


def _set_clocks(conn: Connection, clocks: list[dict[str, Any]]) -> None:
    for c in clocks:
        deadline = ts(c["deadline"])
        set_rows(
            conn,
            CLOCK,
            c["id"],
            deadline=deadline,
            paused_at=None,
            pause_reason=None,
            paused_minutes=c["paused_minutes"],
        )
        set_rows(conn, CHECKIN, c["id"], column="clock_id", deadline=deadline)


@on(*(f"case.{action.value}" for action in Action if action is not Action.WHISTLE))
def _transition(conn: Connection, e: EventRecord) -> None:
    p = e.payload
    action = Action(e.type.removeprefix("case."))
    target = CaseStatus(p["to"])
    values: dict[str, Any] = {"status": target.value, "updated_at": e.at}
    if action is not Action.UNPARK and target in STAGE_COLUMN:
        values[STAGE_COLUMN[target]] = e.at
    clocks = _case_clocks()
    if action is Action.REJECT:
        values["reject_reason"] = p["reason"]
    elif action is Action.PARK:
        values.update(parked_from=p["from"], park_reason=p["reason"], park_review_on=day(p["review_on"]))
        for_case(conn, CLOCK, clocks["pause"], p["id"], case=p["id"], at=e.at, reason=p["reason"])
    elif action is Action.UNPARK:
        values.update(parked_from=None)
        _set_clocks(conn, p["clocks"])
    elif action is Action.CONSULT:
        values["consult_flag"] = True
    elif action is Action.RESUME:
        values["consult_flag"] = False
    elif action is Action.FEEDBACK:
        values.update(result_note=p.get("result"), feedback_note=p.get("note"))
    if action in ENDING_ACTIONS:
        for_case(conn, CLOCK, clocks["stop"], p["id"], case=p["id"], at=e.at)
        for_case(conn, CHECKIN, clocks["summons_ended"], p["id"], case=p["id"], at=e.at)
    set_rows(conn, CASE, p["id"], **values)


# 冲正: the columns each kind of correction may change. A correction changes only rows of the
# case it is filed under (its subject), whatever ids its payload names.
_CASE_FIELDS = frozenset(
    {"source", "category", "subcategory", "community", "address", "description", "priority"}
)
_CHECKIN_COLUMNS = {
    "arrival": frozenset({"arrived_at", "late_minutes"}),
    "action": frozenset({"action_taken", "result"}),
    "action_time": frozenset({"acted_at"}),
    "release_time": frozenset({"released_at"}),
    "rating": frozenset({"rating", "rating_reason"}),
    "withdrawal": frozenset({"status"}),
}
_TIMES = frozenset({"arrived_at", "acted_at", "released_at"})
_WITHDRAWAL_STATES = frozenset(
    {CheckInStatus.WITHDRAWN.value, CheckInStatus.NO_SHOW.value, CheckInStatus.SUMMONED.value}
)


class UnknownCorrection(DomainError):
    pass


def _new_values(e: EventRecord, allowed: frozenset[str]) -> dict[str, Any]:
    changes = e.payload.get("changes", {})
    return {
        column: ts(change["to"]) if column in _TIMES else change["to"]
        for column, change in changes.items()
        if column in allowed
    }


@on("case.corrected")
def _corrected(conn: Connection, e: EventRecord) -> None:
    p = e.payload
    case_id = p.get("case_id") or p.get("id")
    if case_id != e.subject:  # ownership was checked on the case the payload names
        raise UnknownCorrection("correct.error.unknown_kind", kind=f"case:{case_id}", seq=e.seq)
    kind = p.get("kind", "case")
    if kind == "case":
        values = _new_values(e, _CASE_FIELDS)
        for field in ("reporter_name", "reporter_phone"):
            if e.personal and field in e.personal:
                values[field] = e.personal[field]
        set_rows(conn, CASE, case_id, **values)
    elif kind in _CHECKIN_COLUMNS:
        values = _new_values(e, _CHECKIN_COLUMNS[kind])
        if values.get("status", CheckInStatus.WITHDRAWN.value) not in _WITHDRAWAL_STATES:
            bad = f"{kind}:{values['status']}"
            raise UnknownCorrection("correct.error.unknown_kind", kind=bad, seq=e.seq)
        row = (CHECKIN.c.id == p["target"]) & (CHECKIN.c.case_id == case_id)
        conn.execute(update(CHECKIN).where(row).values(**values))
        clock = select(CHECKIN.c.clock_id).where(row).scalar_subquery()
        of_case = (CLOCK.c.id == clock) & (CLOCK.c.case_id == case_id)
        if "arrived_at" in values:
            conn.execute(update(CLOCK).where(of_case).values(stopped_at=values["arrived_at"]))
        if values.get("status") == CheckInStatus.SUMMONED.value:
            conn.execute(update(CLOCK).where(of_case).values(stopped_at=None))
    elif kind == "reinspection":
        values = _new_values(e, frozenset({"result"}))
        item = (REINSPECTION.c.id == p["target"]) & (REINSPECTION.c.case_id == case_id)
        conn.execute(update(REINSPECTION).where(item).values(**values))
        status = p.get("changes", {}).get("case_status")
        if status:
            set_rows(conn, CASE, case_id, status=CaseStatus(status["to"]).value)
    else:
        raise UnknownCorrection("correct.error.unknown_kind", kind=kind, seq=e.seq)
    set_rows(conn, CASE, case_id, updated_at=e.at)


@on("whistle.blown")
def _whistle(conn: Connection, e: EventRecord) -> None:
    p = e.payload
    add_row(
        conn,
        WHISTLE,
        id=p["id"],
        case_id=p["case_id"],
        grade=p["grade"],
        purpose=p.get("purpose"),
        blown_at=e.at,
        blown_by=e.operator,
        note=p.get("note", ""),
        **({"follows": p["follows"]} if p.get("follows") else {}),  # 再吹哨 (a file before V18 has no column)
    )
    for d in p["departments"]:
        clock = d["clock"]
        _add_clock(conn, p["case_id"], "checkin", clock, whistle_id=p["id"], department_code=d["code"])
        add_row(
            conn,
            CHECKIN,
            id=d["checkin_id"],
            whistle_id=p["id"],
            case_id=p["case_id"],
            department_code=d["code"],
            clock_id=clock["id"],
            status=CheckInStatus.SUMMONED.value,
            deadline=ts(clock["deadline"]),
            notes="",
        )
    values: dict[str, Any] = {"status": p["to"], "updated_at": e.at}
    if p["from"] != p["to"]:
        values[STAGE_COLUMN[CaseStatus(p["to"])]] = e.at
    set_rows(conn, CASE, p["case_id"], **values)


def _checkin(conn: Connection, e: EventRecord, **values: Any) -> None:
    set_rows(conn, CHECKIN, e.payload["id"], **values)
    set_rows(conn, CASE, e.payload["case_id"], updated_at=e.at)


def _entered(p: dict[str, Any]) -> Any:
    """When a time entered late (补录) was entered; None when recorded as it happened."""
    late_entry = p.get("late_entry")
    return ts(late_entry["entered_at"]) if late_entry else None


@on("checkin.arrived")
def _arrived(conn: Connection, e: EventRecord) -> None:
    p = e.payload
    arrived_at = ts(p["arrived_at"])
    _checkin(
        conn,
        e,
        status=CheckInStatus.ARRIVED.value,
        arrived_at=arrived_at,
        arrived_person=p["person"],
        late_minutes=p["late_minutes"],
        arrived_entered_at=_entered(p),
    )
    set_rows(conn, CLOCK, p["clock_id"], stopped_at=arrived_at)


@on("checkin.acted")
def _acted(conn: Connection, e: EventRecord) -> None:
    p = e.payload
    _checkin(
        conn,
        e,
        status=CheckInStatus.ACTED.value,
        action_taken=p["action"],
        result=p["result"],
        acted_at=ts(p.get("acted_at")) or e.at,
        acted_entered_at=_entered(p),
    )


@on("checkin.rated")
def _rated(conn: Connection, e: EventRecord) -> None:
    _checkin(conn, e, rating=e.payload["rating"], rating_reason=e.payload["reason"])


@on("checkin.released")
def _released(conn: Connection, e: EventRecord) -> None:
    released_at = ts(e.payload.get("released_at")) or e.at
    _checkin(
        conn,
        e,
        status=CheckInStatus.RELEASED.value,
        released_at=released_at,
        released_entered_at=_entered(e.payload),
    )


@on("checkin.withdrawn")
def _withdrawn(conn: Connection, e: EventRecord) -> None:
    """撤回召集: withdrawn within its deadline; a no-show when already past it."""
    p = e.payload
    status = CheckInStatus.NO_SHOW if p["overdue"] else CheckInStatus.WITHDRAWN
    _checkin(
        conn,
        e,
        status=status.value,
        withdrawn_at=e.at,
        withdrawn_by=e.operator,
        withdraw_reason=p["reason"],
    )
    set_rows(conn, CLOCK, p["clock_id"], stopped_at=e.at)


@on("checkin.escalated")
def _escalated(conn: Connection, e: EventRecord) -> None:
    """升级: 二次报警 records when it fell due; 缺席 marks the summons absent (a no-show at that
    moment, its clock stopped there). An arrival after it is still taken, and keeps the mark."""
    p = e.payload
    due_at = ts(p["due_at"])
    if p["step"] == "alarm":
        _checkin(conn, e, alarmed_at=due_at)
        return
    _checkin(conn, e, absent_at=due_at, status=CheckInStatus.NO_SHOW.value)
    set_rows(conn, CLOCK, p["clock_id"], stopped_at=due_at)


@on("checkin.noted")
def _noted(conn: Connection, e: EventRecord) -> None:
    _checkin(conn, e, notes=e.payload["notes"])


@on("clock.paused")
def _paused(conn: Connection, e: EventRecord) -> None:
    p = e.payload
    set_rows(conn, CLOCK, p["id"], paused_at=e.at, pause_reason=p["reason"])
    set_rows(conn, CASE, p["case_id"], updated_at=e.at)


@on("clock.resumed")
def _resumed(conn: Connection, e: EventRecord) -> None:
    _set_clocks(conn, [e.payload])
    set_rows(conn, CASE, e.payload["case_id"], updated_at=e.at)


@on("clock.extended")
def _extended(conn: Connection, e: EventRecord) -> None:
    p = e.payload
    deadline = ts(p["deadline"])
    late = {"late_since": ts(p["late_since"])} if "late_since" in p else {}
    set_rows(conn, CLOCK, p["id"], deadline=deadline, extensions=p["extensions"], **late)
    set_rows(conn, CHECKIN, p["id"], column="clock_id", deadline=deadline)
    set_rows(conn, CASE, p["case_id"], updated_at=e.at)


@on("clock.recomputed")
def _recomputed(conn: Connection, e: EventRecord) -> None:
    """A deadline counted again once a year's holiday table arrived (old → new in the event);
    a lateness already reached (``late_since``) is left as it was."""
    p = e.payload
    deadline = ts(p["to"])
    set_rows(conn, CLOCK, p["id"], deadline=deadline, calendar_basis=json.dumps(p["basis"], sort_keys=True))
    set_rows(conn, CHECKIN, p["id"], column="clock_id", deadline=deadline)
    set_rows(conn, CASE, p["case_id"], updated_at=e.at)
