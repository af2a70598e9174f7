"""Applying an event to the tables: the one function used by live writes and by replay."""

from __future__ import annotations

from sqlalchemy import Connection

from data.handlers import HANDLERS
from data.ownership import check_owner
from models.errors import DomainError
from models.events import EventRecord


class UnknownEventType(DomainError):
    pass


def apply_event(conn: Connection, record: EventRecord) -> None:
    handler = HANDLERS.get(record.type)
    if handler is None:
        raise UnknownEventType("error.unknown_event_type", type=record.type, seq=record.seq)
    check_owner(conn, record)
    handler(conn, record)
