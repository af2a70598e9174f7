"""Running commands: one station, one operator, one clock, one ``BEGIN IMMEDIATE`` transaction
a command, so every write appends its event in the same transaction that changes the tables.
Both the console (async) and the command line (blocking) come through here.
"""

from __future__ import annotations

import secrets
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Concatenate, ParamSpec, TypeVar

from sqlalchemy import Connection, Engine, func, select

from data.settings import Settings
from data.store.db import Database, open_database, open_sync
from data.store.keys import key_path_for
from data.store.tables import CALENDAR_YEAR, OPERATOR, STATION
from data.write.commands.common import Ctx, Rules, writer
from data.write.commands.reference import add_operator, register_station, seed_catalogue
from data.write.commands.sync import ensure_station_key
from models.calendar import WorkCalendar, parse_year_table
from models.clock import Clock
from models.enums import Role

P = ParamSpec("P")
R = TypeVar("R")
Command = Callable[Concatenate[Ctx, P], R]

DEFAULT_OPERATOR = "值班员"


def local_station(conn: Connection) -> str | None:
    return conn.execute(select(STATION.c.id).where(STATION.c.is_local.is_(True))).scalar()


def new_station_id() -> str:
    return f"ST-{secrets.token_hex(3).upper()}"


def bootstrap(
    conn: Connection,
    settings: Settings,
    clock: Clock,
    operator: str,
    role: Role | None = None,
    key_path: Path | None = None,
) -> str:
    """Make sure the file has its local station, the catalogue, the operator and, given
    where it lives, the station's signing key."""
    station_id = local_station(conn)
    rules = Rules(settings)
    if station_id is None:
        station_id = settings.station_id or new_station_id()
        ctx = Ctx(writer(conn, station_id, operator, clock, settings), rules)
        register_station(ctx, name=settings.station_name, case_prefix=settings.case_prefix)
        seed_catalogue(ctx)
        add_operator(ctx, name=operator, role=role or Role.SUPERVISOR)
    else:
        known = conn.execute(
            select(OPERATOR.c.role).where(
                (OPERATOR.c.station_id == station_id) & (OPERATOR.c.name == operator)
            )
        ).scalar()
        if known is None or (role is not None and known != role):
            ctx = Ctx(writer(conn, station_id, operator, clock, settings), rules)
            add_operator(ctx, name=operator, role=role or Role.OPERATOR)
    if key_path is not None:
        ensure_station_key(Ctx(writer(conn, station_id, operator, clock, settings), rules), key_path)
    return station_id


def load_calendar(conn: Connection) -> WorkCalendar:
    tables = [parse_year_table(text) for text in conn.execute(select(CALENDAR_YEAR.c.table_json)).scalars()]
    return WorkCalendar(tables)


def refresh_calendar(conn: Connection, rules: Rules) -> None:
    """Pick up a holiday table that another desk, the command line or a sync bundle loaded since
    (one look at a tiny table), so every desk counts working days the same way."""
    version = tuple(conn.execute(select(func.count(), func.max(CALENDAR_YEAR.c.event_id))).one())
    if version != rules.calendar_version:
        rules.calendar = load_calendar(conn)
        rules.calendar_version = version
        rules.fallback_years -= rules.calendar.known_years()


@dataclass
class Service:
    """One station, one operator, one clock, on one database."""

    db: Database
    clock: Clock
    rules: Rules
    station_id: str
    operator: str
    floor: datetime | None = None
    """The latest time the desk has seen: no write is stamped earlier (see EventWriter)."""

    @classmethod
    async def open(
        cls, path: Path, settings: Settings, clock: Clock, operator: str = DEFAULT_OPERATOR
    ) -> Service:
        db = await open_database(path)
        async with db.write.begin() as conn:
            station_id = await conn.run_sync(bootstrap, settings, clock, operator, None, key_path_for(path))
        rules = Rules(settings)
        async with db.read.connect() as conn:
            await conn.run_sync(refresh_calendar, rules)
        return cls(db, clock, rules, station_id, operator)

    @property
    def settings(self) -> Settings:
        return self.rules.settings

    async def run(self, command: Command[P, R], *args: P.args, **kwargs: P.kwargs) -> R:
        def tx(conn: Connection) -> R:
            refresh_calendar(conn, self.rules)
            w = writer(conn, self.station_id, self.operator, self.clock, self.settings, self.floor)
            return command(Ctx(w, self.rules), *args, **kwargs)

        result: R = await self.db.run_write(tx)
        return result

    async def close(self) -> None:
        await self.db.close()


@dataclass
class SyncService:
    """The same, blocking, for command-line work."""

    engine: Engine
    clock: Clock
    rules: Rules
    station_id: str
    operator: str
    ordered: bool = True
    """False only to build a made-up history out of time order (the demo, test fixtures)."""

    @classmethod
    def open(
        cls,
        path: Path,
        settings: Settings,
        clock: Clock,
        operator: str = DEFAULT_OPERATOR,
        role: Role | None = None,
    ) -> SyncService:
        engine = open_sync(path)
        with engine.begin() as conn:
            station_id = bootstrap(conn, settings, clock, operator, role, key_path_for(path))
            rules = Rules(settings)
            refresh_calendar(conn, rules)
        return cls(engine, clock, rules, station_id, operator)

    def run(self, command: Command[P, R], *args: P.args, **kwargs: P.kwargs) -> R:
        with self.engine.begin() as conn:
            refresh_calendar(conn, self.rules)
            w = writer(conn, self.station_id, self.operator, self.clock, self.rules.settings)
            w.ordered = self.ordered
            return command(Ctx(w, self.rules), *args, **kwargs)

    def close(self) -> None:
        self.engine.dispose()
