"""Stations, operators, departments and holiday tables."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Connection, Table
from sqlalchemy.dialects.sqlite import insert

from data.store.rows import Registry
from data.store.tables import CALENDAR_YEAR, DEPARTMENT, OPERATOR, STATION
from models.events import EventRecord

on = Registry()


def _latest_wins(
    conn: Connection, tbl: Table, key: dict[str, Any], values: dict[str, Any], e: EventRecord
) -> None:
    """Reference rows may be written by any station: whatever order the events arrive in, an
    edit beats the catalogue's defaults (every new station writes them), and among edits (or
    among defaults) the latest event wins. ``event_id`` holds that rank: "0"/"1" + event id."""
    rank = ("0" if e.payload.get("seed") else "1") + e.id
    values = {**values, "event_id": rank}
    conn.execute(
        insert(tbl)
        .values(**key, **values)
        .on_conflict_do_update(index_elements=list(key), set_=values, where=tbl.c.event_id < rank)
    )


HANDLERS = on.handlers


@on("station.registered")
def _station(conn: Connection, e: EventRecord) -> None:
    p = e.payload
    _latest_wins(conn, STATION, {"id": p["id"]}, {"name": p["name"], "case_prefix": p["case_prefix"]}, e)


@on("operator.added", "operator.changed")
def _operator(conn: Connection, e: EventRecord) -> None:
    p = e.payload
    values = {"role": p["role"], "active": p.get("active", True)}
    # an operator belongs to the station that registered them: names repeat across stations
    _latest_wins(conn, OPERATOR, {"station_id": e.station_id, "name": p["name"]}, values, e)


@on("department.upserted")
def _department(conn: Connection, e: EventRecord) -> None:
    p = e.payload
    values = {k: p[k] for k in ("name", "name_en", "mode", "contact", "active", "sort")}
    _latest_wins(conn, DEPARTMENT, {"code": p["code"]}, values, e)


@on("calendar.loaded")
def _calendar(conn: Connection, e: EventRecord) -> None:
    p = e.payload
    values = {
        "table_json": p["table"],
        "loaded_at": e.at,
        "origin": p.get("origin", "local"),
        "override_reason": p.get("override_reason"),
    }
    _latest_wins(conn, CALENDAR_YEAR, {"year": p["year"]}, values, e)


# The trace of who sat at the desk. A PIN's hash is kept beside its event, in this file only
# (data/store/tables.CREDENTIAL); sign-in failures are counted from these events themselves.
@on("operator.secret_set", "operator.signed_in", "operator.signin_failed", "desk.locked", "desk.unlocked")
def _desk_trace(conn: Connection, e: EventRecord) -> None:
    return None
