"""交接班: a shift's handover, opened by the outgoing operator and acknowledged by the incoming one."""

from __future__ import annotations

from sqlalchemy import Connection

from data.store.rows import Registry, add_row, add_rows, parts_json, set_rows, ts
from data.store.tables import HANDOVER, HANDOVER_ITEM
from models.events import EventRecord

on = Registry()
HANDLERS = on.handlers


@on("handover.opened")
def _opened(conn: Connection, e: EventRecord) -> None:
    p = e.payload
    add_row(
        conn,
        HANDOVER,
        id=p["id"],
        station_id=e.station_id,
        opened_at=e.at,
        opened_by=e.operator,
        shift_ends=ts(p["shift_ends"]),
        note=p.get("note", ""),
    )
    items = [
        {
            "handover_id": p["id"],
            "position": n,
            "case_id": item.get("case_id"),
            "number": item["number"],
            "why": item["why"],
            "detail": item.get("detail", ""),
            "parts": parts_json(item.get("parts")),
        }
        for n, item in enumerate(p["items"], start=1)
    ]
    if items:
        add_rows(conn, HANDOVER_ITEM, items)


@on("handover.acknowledged")
def _acknowledged(conn: Connection, e: EventRecord) -> None:
    set_rows(conn, HANDOVER, e.payload["id"], acknowledged_at=e.at, acknowledged_by=e.payload["by"])
