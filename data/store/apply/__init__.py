"""Applying an event to the tables: the one function used by live writes, replay and import,
and its handlers by event type (each takes a connection and an event and changes the tables).
Every payload is checked against its type's schema (models/payloads.py) and every row it
changes against its owner (data/store/ownership.py) before its handler runs."""

from __future__ import annotations

from sqlalchemy import Connection

from data.store.apply import cases, handover, heads, meetings, reference, sync
from data.store.ownership import check_owner
from data.store.rows import Handler
from data.store.totals import after_event, before_event
from models.errors import DomainError
from models.events import EventRecord
from models.payloads import SCHEMAS, PayloadInvalid, check_payload

HANDLERS: dict[str, Handler] = {
    **reference.HANDLERS,
    **cases.HANDLERS,
    **meetings.HANDLERS,
    **handover.HANDLERS,
    **sync.HANDLERS,
    **heads.HANDLERS,
}


class UnknownEventType(DomainError):
    pass


class EventInvalid(DomainError):
    """A payload that does not match its type's schema; names station, seq and field."""

    def __init__(self, record: EventRecord, exc: PayloadInvalid) -> None:
        super().__init__(
            "error.bad_event_payload",
            station=record.station_id,
            seq=record.seq,
            field=exc.field,
            detail=exc.detail,
        )
        self.field = exc.field
        self.detail = exc.detail


def apply_event(conn: Connection, record: EventRecord, *, checked: bool = False) -> None:
    """``checked``: the payload was checked against its schema already (an imported line is
    checked as it is read), so it is not checked twice."""
    handler = HANDLERS.get(record.type)
    if handler is None or record.type not in SCHEMAS:
        raise UnknownEventType("error.unknown_event_type", type=record.type, seq=record.seq)
    if not checked:
        try:
            check_payload(record.type, record.payload, record.personal)
        except PayloadInvalid as exc:
            raise EventInvalid(record, exc) from None
    check_owner(conn, record)
    before = before_event(conn, record)  # the case's part of the assessment's totals
    handler(conn, record)
    after_event(conn, record, before)
