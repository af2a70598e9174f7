"""The exchange's bookkeeping as read models: the stations this one trusts, and what is held
from each until a gap fills."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Connection, func, select

from data.store.tables import PENDING, TRUST


@dataclass(frozen=True)
class TrustedStation:
    station_id: str
    public_key: str
    added_at: datetime
    added_by: str
    held: int


def trusted_stations(conn: Connection) -> list[TrustedStation]:
    held: dict[str, int] = {
        station: int(count)
        for station, count in conn.execute(
            select(PENDING.c.station_id, func.count()).group_by(PENDING.c.station_id)
        )
    }
    return [
        TrustedStation(
            row.station_id, row.public_key, row.added_at, row.added_by, held.get(row.station_id, 0)
        )
        for row in conn.execute(select(TRUST).order_by(TRUST.c.station_id))
    ]


@dataclass(frozen=True)
class HeldBundle:
    digest: str
    station_id: str
    first_seq: int
    last_seq: int
    reason: str
    received_at: datetime
    size: int


def held_bundles(conn: Connection) -> list[HeldBundle]:
    rows = conn.execute(
        select(
            PENDING.c.digest,
            PENDING.c.station_id,
            PENDING.c.first_seq,
            PENDING.c.last_seq,
            PENDING.c.reason,
            PENDING.c.received_at,
            func.length(PENDING.c.content).label("size"),
        ).order_by(PENDING.c.station_id, PENDING.c.first_seq)
    )
    return [HeldBundle(*row) for row in rows]
