"""Signed chain heads: what a station signs (its station id, sequence number, hash and the
time, with its Ed25519 key), and the check of a file's chains against every signed head it
knows, which is how a rollback, a rewritten history, a truncated tail or a forged tail that
still chains correctly is found (the chain alone cannot tell: anyone can recompute it)."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, func, select

from data.store.keys import signature_ok
from data.store.tables import EVENT, SIGNED_HEAD, STATION, TRUST
from models.events import canonical
from models.i18n import t
from models.ids import to_iso

DOMAIN = b"whistle-head\n"


def head_message(station: str, seq: int, hash: str, at: str) -> bytes:
    return DOMAIN + canonical({"station": station, "seq": seq, "hash": hash, "at": at})


@dataclass(frozen=True)
class Contradiction:
    key: str
    params: dict[str, Any]

    def __str__(self) -> str:
        return t(self.key, **self.params)


def _keys(conn: Connection, station: str) -> set[str]:
    """Every key the station has announced in its history, and the one trusted here."""
    keys = {
        json.loads(p)["public_key"]
        for p in conn.execute(
            select(EVENT.c.payload).where((EVENT.c.station_id == station) & (EVENT.c.type == "station.key"))
        ).scalars()
    }
    keys |= set(conn.execute(select(TRUST.c.public_key).where(TRUST.c.station_id == station)).scalars())
    keys |= {
        k for k in conn.execute(select(STATION.c.public_key).where(STATION.c.id == station)).scalars() if k
    }
    return keys


def _event(conn: Connection, station: str, seq: int) -> Any:
    return conn.execute(
        select(EVENT.c.hash, EVENT.c.at).where((EVENT.c.station_id == station) & (EVENT.c.seq == seq))
    ).first()


def first_contradiction(conn: Connection) -> Contradiction | None:
    """Hold every station's chain in this file to every signed head known here; the first
    contradiction, by station then sequence number."""
    local = conn.execute(select(STATION.c.id).where(STATION.c.is_local.is_(True))).scalar()
    stations = conn.execute(select(SIGNED_HEAD.c.station_id).distinct().order_by(SIGNED_HEAD.c.station_id))
    for station in list(stations.scalars()):
        found = _station_contradiction(conn, station, local)
        if found is not None:
            return found
    return None


def _station_contradiction(conn: Connection, station: str, local: str | None) -> Contradiction | None:
    keys = _keys(conn, station)
    end = conn.execute(select(func.max(EVENT.c.seq)).where(EVENT.c.station_id == station)).scalar() or 0
    # The last head this station's own chain (as held here) signed: beyond it, only heads
    # signed elsewhere vouch for the chain.
    own_last = (
        conn.execute(
            select(func.max(SIGNED_HEAD.c.seq)).where(
                (SIGNED_HEAD.c.station_id == station) & (SIGNED_HEAD.c.via_station == station)
            )
        ).scalar()
        or 0
    )
    rows = conn.execute(
        select(SIGNED_HEAD)
        .where(SIGNED_HEAD.c.station_id == station)
        .order_by(SIGNED_HEAD.c.seq, SIGNED_HEAD.c.via_station, SIGNED_HEAD.c.via_seq)
    ).all()
    for row in rows:
        at = to_iso(row.signed_at)
        where = {"station": station, "seq": row.seq, "at": at, "via": f"{row.via_station}#{row.via_seq}"}
        message = head_message(station, row.seq, row.hash, at)
        try:
            signature = bytes.fromhex(row.signature)
        except ValueError:
            signature = b""
        if not any(signature_ok(key, message, signature) for key in keys):
            return Contradiction("verify.head_bad_signature", where)
        if row.seq > end:
            if station == local:
                came_back = row.via_station != local
                return Contradiction(
                    "verify.head_rollback" if came_back else "verify.head_truncated", {**where, "end": end}
                )
            if row.via_station == local:
                return Contradiction("verify.head_truncated", {**where, "end": end})
            continue  # a head of a station whose later events have not reached this file yet
        event = _event(conn, station, row.seq)
        if event.hash == row.hash:
            continue
        if row.via_station == station or row.seq <= own_last:
            return Contradiction("verify.head_rewritten", where)
        if station == local and _later(event.at, row.signed_at):
            return Contradiction("verify.head_rollback_rewritten", where)
        return Contradiction("verify.head_forged_tail", where)
    return None


def _later(a: datetime, b: datetime) -> bool:
    return a > b
