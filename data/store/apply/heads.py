"""Signed chain heads: a station's own (``chain.head_signed``) and the ones a station received
and sends back (``chain.head_received``), kept in ``signed_head`` for verify."""

from __future__ import annotations

from sqlalchemy import Connection

from data.store.rows import Registry, add_row, ts
from data.store.tables import SIGNED_HEAD
from models.events import EventRecord

on = Registry()
HANDLERS = on.handlers


@on("chain.head_signed", "chain.head_received")
def _head(conn: Connection, e: EventRecord) -> None:
    p = e.payload
    add_row(
        conn,
        SIGNED_HEAD,
        via_station=e.station_id,
        via_seq=e.seq,
        station_id=p["station"],
        seq=p["seq"],
        hash=p["hash"],
        signed_at=ts(p["at"]),
        signature=p["signature"],
    )
