"""Meetings with their agenda, and 回头看 re-inspections."""

from __future__ import annotations

import json
from typing import Any

from sqlalchemy import Connection, update

from data.store.rows import Registry, add_row, day, parts_json, set_rows, ts
from data.store.tables import AGENDA, ATTENDANCE, MEETING, REINSPECTION
from models.events import EventRecord

on = Registry()
HANDLERS = on.handlers


@on("meeting.created")
def _created(conn: Connection, e: EventRecord) -> None:
    p = e.payload
    add_row(
        conn,
        MEETING,
        id=p["id"],
        station_id=e.station_id,
        kind=p["kind"],
        title=p.get("title", ""),
        scheduled_at=ts(p["scheduled_at"]),
        facilitator=p["facilitator"],
    )
    for code in p["invited"]:
        add_row(conn, ATTENDANCE, meeting_id=p["id"], department_code=code)


@on("meeting.started")
def _started(conn: Connection, e: EventRecord) -> None:
    set_rows(conn, MEETING, e.payload["id"], status="running", started_at=e.at)


@on("meeting.ended")
def _ended(conn: Connection, e: EventRecord) -> None:
    set_rows(conn, MEETING, e.payload["id"], status="done", ended_at=e.at)


@on("meeting.attendance")
def _attendance(conn: Connection, e: EventRecord) -> None:
    p = e.payload
    values: dict[str, Any] = {"present": p["present"]}
    if p.get("people") is not None:
        values["people"] = json.dumps(p["people"], ensure_ascii=False)
    conn.execute(
        update(ATTENDANCE)
        .where((ATTENDANCE.c.meeting_id == p["id"]) & (ATTENDANCE.c.department_code == p["code"]))
        .values(**values)
    )


@on("agenda.item_added")
def _item_added(conn: Connection, e: EventRecord) -> None:
    p = e.payload
    add_row(
        conn,
        AGENDA,
        id=p["id"],
        meeting_id=p["meeting_id"],
        position=p["position"],
        case_id=p.get("case_id"),
        topic=p.get("topic", ""),
        reason=p["reason"],
        reason_detail=p.get("reason_detail", ""),
        reason_parts=parts_json(p.get("reason_parts")),
        timebox_minutes=p.get("timebox_minutes", 10),
        carried_from=p.get("carried_from"),
    )


@on("agenda.reordered")
def _reordered(conn: Connection, e: EventRecord) -> None:
    for position, item_id in enumerate(e.payload["order"], start=1):
        set_rows(conn, AGENDA, item_id, position=position)


@on("agenda.item_removed")
def _item_removed(conn: Connection, e: EventRecord) -> None:
    set_rows(conn, AGENDA, e.payload["id"], removed=True)


@on("agenda.timebox_set")
def _timebox(conn: Connection, e: EventRecord) -> None:
    set_rows(conn, AGENDA, e.payload["id"], timebox_minutes=e.payload["minutes"])


@on("agenda.decided")
def _decided(conn: Connection, e: EventRecord) -> None:
    p = e.payload
    set_rows(
        conn,
        AGENDA,
        p["id"],
        decision=p["decision"],
        lead_department=p.get("lead_department"),
        decision_due=day(p.get("due_on")),
        followup="open" if p.get("tracked", True) else "done",
        discussed_at=e.at,
    )
    for earlier in p.get("supersedes", ()):
        set_rows(conn, AGENDA, earlier, followup="superseded", followup_done_at=e.at)


@on("agenda.followup_done")
def _followup_done(conn: Connection, e: EventRecord) -> None:
    set_rows(conn, AGENDA, e.payload["id"], followup="done", followup_done_at=e.at)


def _add_reinspection(
    conn: Connection, e: EventRecord, item: dict[str, str], kind: str, seed: object
) -> None:
    add_row(
        conn,
        REINSPECTION,
        id=item["id"],
        case_id=item["case_id"],
        kind=kind,
        due_on=day(item["due_on"]),
        scheduled_at=e.at,
        draw_seed=seed,
    )


@on("reinspection.scheduled")
def _scheduled(conn: Connection, e: EventRecord) -> None:
    p = e.payload
    _add_reinspection(conn, e, p, p["kind"], p.get("seed"))


@on("reinspection.drawn")
def _drawn(conn: Connection, e: EventRecord) -> None:
    for item in e.payload["items"]:
        _add_reinspection(conn, e, item, "random", e.payload["seed"])


@on("reinspection.recorded")
def _recorded(conn: Connection, e: EventRecord) -> None:
    p = e.payload
    set_rows(
        conn,
        REINSPECTION,
        p["id"],
        result=p["result"],
        inspector=p["inspector"],
        notes=p.get("notes", ""),
        recorded_at=e.at,
        relapse_case_id=p.get("relapse_case_id"),
    )
