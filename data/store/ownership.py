"""Who may write what (SPEC §6): each case and each meeting has one owning station, and only
that station's events may change it; a station speaks only for itself. Checked when any event
is applied, live or replayed, so an imported bundle cannot change another station's records."""

from __future__ import annotations

import functools
from typing import Any

from sqlalchemy import Connection, Select, bindparam, select

from data.store.tables import AGENDA, CASE, MEETING
from models.errors import DomainError
from models.events import EventRecord


class NotOwner(DomainError):
    pass


@functools.cache
def _owner_of() -> tuple[Select[Any], Select[Any]]:
    key: Any = bindparam("key")
    return (
        select(CASE.c.station_id).where(CASE.c.id == key),
        select(MEETING.c.station_id).where(MEETING.c.id == key),
    )


def _refuse(record: EventRecord, owner: str) -> NotOwner:
    return NotOwner(
        "error.event_not_owner", station=record.station_id, seq=record.seq, type=record.type, owner=owner
    )


def check_owner(conn: Connection, record: EventRecord) -> None:
    if record.type.startswith("station."):
        if record.payload.get("id") != record.station_id:
            raise _refuse(record, str(record.payload.get("id")))
        return
    cases = _case_ids(record)
    for case_id in cases:
        owner = conn.execute(_owner_of()[0], {"key": case_id}).scalar()
        if owner is not None and owner != record.station_id:
            raise _refuse(record, owner)
    if record.subject is not None and not cases:
        owner = conn.execute(_owner_of()[1], {"key": record.subject}).scalar()
        if owner is not None and owner != record.station_id:
            raise _refuse(record, owner)
    for item_id in record.payload.get("supersedes", ()) if record.type == "agenda.decided" else ():
        meeting = conn.execute(select(AGENDA.c.meeting_id).where(AGENDA.c.id == item_id)).scalar()
        owner = conn.execute(_owner_of()[1], {"key": meeting}).scalar() if meeting else None
        if owner is not None and owner != record.station_id:
            raise _refuse(record, owner)


def _case_ids(record: EventRecord) -> list[str]:
    """The cases an event writes to (a meeting's events name the meeting instead)."""
    if record.type == "reinspection.drawn":
        return [item["case_id"] for item in record.payload.get("items", ())]
    if record.type.startswith(("case.", "whistle.", "checkin.", "clock.", "reinspection.")):
        return [record.subject] if record.subject else []
    return []
