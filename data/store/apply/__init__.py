"""Applying an event to the tables: the one function used by live writes, replay and import,
and its handlers by event type (each takes a connection and an event and changes the tables)."""

from __future__ import annotations

from sqlalchemy import Connection

from data.store.apply import cases, meetings, reference, sync
from data.store.ownership import check_owner
from data.store.rows import Handler
from models.errors import DomainError
from models.events import EventRecord

HANDLERS: dict[str, Handler] = {**reference.HANDLERS, **cases.HANDLERS, **meetings.HANDLERS, **sync.HANDLERS}


class UnknownEventType(DomainError):
    pass


def apply_event(conn: Connection, record: EventRecord) -> None:
    handler = HANDLERS.get(record.type)
    if handler is None:
        raise UnknownEventType("error.unknown_event_type", type=record.type, seq=record.seq)
    check_owner(conn, record)
    handler(conn, record)
