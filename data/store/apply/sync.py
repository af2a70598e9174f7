"""Events of the exchange. Only ``station.key`` changes a table; the others are the trace
(留痕) of exports, imports, trust and refusals, whose bookkeeping is local to each file."""

from __future__ import annotations

from sqlalchemy import Connection

from data.store.rows import Registry, set_rows
from data.store.tables import STATION
from models.events import EventRecord

on = Registry()
HANDLERS = on.handlers

AUDIT_ONLY = (
    "sync.trusted",
    "sync.exported",
    "sync.imported",
    "sync.held",
    "sync.refused",
    "sync.dropped",
    "export.personal",
)


@on("station.key")
def _key(conn: Connection, e: EventRecord) -> None:
    set_rows(conn, STATION, e.payload["id"], public_key=e.payload["public_key"])


@on(*AUDIT_ONLY)
def _trace(conn: Connection, e: EventRecord) -> None:
    return None
