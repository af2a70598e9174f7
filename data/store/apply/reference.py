"""Stations, operators, departments and holiday tables.

A station and its operators are written by that station alone (ownership checks the station's
id; an operator is keyed by the station that registered them): its later event wins.

Shared reference rows (departments, calendar tables) have one authority: the district (a key
this file trusts as its district) for the shared rows, and this file's own station for its
local overrides. Each write is ranked by who wrote it, then by that writer's own sequence
number (never by ids a sender chooses):

    4 this station's edit  >  3 the district's edit  >  2 this station's default
      >  1 the district's default  >  0 any other station (below every authority: it only
         fills a row none of them has written, so a code its cases use exists here)

so another station's bundle never changes a row an authority wrote, whatever order the
events arrive in. ``event_id`` holds the rank. A holiday table and the time limits are taken
from this station and its district alone: another station's table stays in its history and
counts nowhere here, and its published limits are refused (``reference.published``)."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Connection, Table, select

from data.store.ownership import NotOwner
from data.store.rows import Registry, upsert
from data.store.tables import CALENDAR_YEAR, DEPARTMENT, OPERATOR, STATION, TRUST
from models.calendar import DISTRICT, LOCAL
from models.events import EventRecord

on = Registry()
HANDLERS = on.handlers


def _write(conn: Connection, tbl: Table, key: dict[str, Any], values: dict[str, Any], rank: str) -> None:
    values = {**values, "event_id": rank}
    conn.execute(
        upsert(conn, tbl)
        .values(**key, **values)
        .on_conflict_do_update(index_elements=list(key), set_=values, where=tbl.c.event_id < rank)
    )


def own_rank(e: EventRecord) -> str:
    return f"{e.seq:016d}"


def authority_rank(conn: Connection, e: EventRecord) -> str:
    """The rank of a write to a shared reference row (see the module's note)."""
    seed = bool(e.payload.get("seed"))
    local = conn.execute(select(STATION.c.id).where(STATION.c.is_local.is_(True))).scalar()
    if e.station_id == local:
        return f"{2 if seed else 4}{e.seq:016d}"
    district = conn.execute(
        select(TRUST.c.district).where((TRUST.c.station_id == e.station_id) & TRUST.c.district.is_(True))
    ).scalar()
    if district:
        return f"{1 if seed else 3}{e.seq:016d}"
    # Another station's write only fills a row nobody with authority has written: within
    # this level, one fixed order (its sequence, then its station) whatever the arrival.
    return f"0{e.seq:016d}{e.station_id}"


@on("station.registered")
def _station(conn: Connection, e: EventRecord) -> None:
    p = e.payload
    _write(conn, STATION, {"id": p["id"]}, {"name": p["name"], "case_prefix": p["case_prefix"]}, own_rank(e))


@on("operator.added", "operator.changed")
def _operator(conn: Connection, e: EventRecord) -> None:
    p = e.payload
    values = {"role": p["role"], "active": p.get("active", True)}
    # an operator belongs to the station that registered them: names repeat across stations
    _write(conn, OPERATOR, {"station_id": e.station_id, "name": p["name"]}, values, own_rank(e))


@on("department.upserted")
def _department(conn: Connection, e: EventRecord) -> None:
    p = e.payload
    values = {k: p[k] for k in ("name", "name_en", "mode", "contact", "active", "sort")}
    _write(conn, DEPARTMENT, {"code": p["code"]}, values, authority_rank(conn, e))


@on("calendar.loaded")
def _calendar(conn: Connection, e: EventRecord) -> None:
    """A year's holiday table. Unlike other reference rows, a table the district publishes
    outranks the station's own (the district answers for the calendar its streets count by):
    its rank moves above every local one, and the row says it came from the district."""
    p = e.payload
    rank = authority_rank(conn, e)
    if rank[0] == "0":
        return  # another station's own calendar: not this station's to count by
    district = rank[0] in "13"
    values = {
        "table_json": p["table"],
        "loaded_at": e.at,
        "origin": DISTRICT if district else p.get("origin", LOCAL),
        "override_reason": p.get("override_reason"),
    }
    _write(conn, CALENDAR_YEAR, {"year": p["year"]}, values, "5" + rank[1:] if district else rank)


@on("reference.published")
def _published(conn: Connection, e: EventRecord) -> None:
    """The district's time limits: kept as the event itself (data/write/session reads the
    newest one of the district this file trusts). Only this station or its district may
    publish them here: from any other station the bundle is refused."""
    if authority_rank(conn, e)[0] == "0":
        raise NotOwner("district.not_ours", station=e.station_id, seq=e.seq)


# The trace of who sat at the desk. A PIN's hash is kept beside its event, in this file only
# (data/store/tables.CREDENTIAL); sign-in failures are counted from these events themselves.
@on("operator.secret_set", "operator.signed_in", "operator.signin_failed", "desk.locked", "desk.unlocked")
def _desk_trace(conn: Connection, e: EventRecord) -> None:
    return None
