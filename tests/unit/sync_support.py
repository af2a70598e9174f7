"""Stations on temp files for the sync tests, and the dumps they are compared by."""

from __future__ import annotations

import sqlite3
from pathlib import Path
from typing import Any

from sqlalchemy import select

from data.service import SyncService
from data.settings import Settings
from data.store.keys import key_path_for, load_private, public_text
from data.store.tables import EVENT, SIGNED_HEAD
from data.store.verify import LOCAL_COLUMNS, REPLAYED
from data.sync.export import db_path_of
from data.write.commands.cases import receive_case
from data.write.commands.sync import trust_station
from models.clock import FrozenClock
from tests.unit.support import as_supervisor

PERSONAL_COLUMNS = {"case_file": {"reporter_name", "reporter_phone"}}
CASE_ARGS = {
    "source": "patrol",
    "category": "street_vending",
    "community": "东四社区",
    "address": "东四北大街 12 号",
    "description": "早高峰占道摆摊，影响通行",
}


def open_station(
    directory: Path, station: str, clock: FrozenClock, operator: str = "值班员", *, signed_in: bool = True
) -> SyncService:
    """The station's file, signed in as its supervisor ``operator``; with ``signed_in=False``
    opened as the library opens it for ``operator``, without a sign-in (nor its event)."""
    settings = Settings(station_id=station, station_name=f"{station} 街道", case_prefix=station[-1])
    if not signed_in:
        return SyncService.open(directory / f"{station}.db", settings, clock, operator)
    return as_supervisor(directory / f"{station}.db", settings, clock, operator)


def public_key(service: SyncService) -> str:
    return public_text(load_private(key_path_for(db_path_of(service))))


def trust_each_other(stations: list[SyncService]) -> None:
    for a in stations:
        for b in stations:
            if a is not b:
                a.run(trust_station, b.station_id, public_key(b))


def new_case(service: SyncService, phone: str = "13812345678") -> str:
    case_id: str = service.run(receive_case, reporter_name="张三", reporter_phone=phone, **CASE_ARGS)
    return case_id


def replicated_dump(service: SyncService) -> dict[str, list[tuple[Any, ...]]]:
    """Every replicated table, without the columns that describe this copy of the file or
    the personal data that stays with its owner."""
    out: dict[str, list[tuple[Any, ...]]] = {}
    with service.engine.connect() as conn:
        for tbl in REPLAYED:
            skip = LOCAL_COLUMNS.get(tbl.name, set()) | PERSONAL_COLUMNS.get(tbl.name, set())
            columns = [c for c in tbl.columns if c.name not in skip]
            query = select(*columns)
            if tbl is SIGNED_HEAD:
                # A head a station received is sent back by an event its import writes, which
                # travels with its next bundle: only the heads stations signed themselves have
                # been exchanged by the time everyone has received every bundle.
                query = query.where(SIGNED_HEAD.c.via_station == SIGNED_HEAD.c.station_id)
            out[tbl.name] = sorted(tuple(r) for r in conn.execute(query).all())
    return out


def events_of(service: SyncService, station: str, upto: int | None = None) -> list[tuple[Any, ...]]:
    query = select(EVENT.c.seq, EVENT.c.id, EVENT.c.hash).where(EVENT.c.station_id == station)
    if upto is not None:
        query = query.where(EVENT.c.seq <= upto)
    with service.engine.connect() as conn:
        return [tuple(r) for r in conn.execute(query.order_by(EVENT.c.seq)).all()]


def table_dump(path: Path) -> dict[str, list[tuple[Any, ...]]]:
    conn = sqlite3.connect(path)
    try:
        names = [
            r[0]
            for r in conn.execute(
                "SELECT name FROM sqlite_master WHERE type='table' AND name NOT LIKE 'sqlite_%'"
            )
        ]
        return {n: sorted(conn.execute(f'SELECT * FROM "{n}"').fetchall(), key=repr) for n in sorted(names)}
    finally:
        conn.close()
