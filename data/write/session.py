"""Running commands: one station, one operator, one clock, one ``BEGIN IMMEDIATE`` transaction
a command, so every write appends its event in the same transaction that changes the tables.
Both the console (async) and the command line (blocking) come through here.
"""

from __future__ import annotations

import contextlib
import secrets
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import datetime
from pathlib import Path
from typing import Any, Concatenate, ParamSpec, TypeVar

from sqlalchemy import Connection, Engine, func, select

from data.settings import Settings
from data.store.db import Database, Location, open_database, open_sync
from data.store.eventlog import ClockBehind
from data.store.keys import key_path_for
from data.store.tables import CALENDAR_YEAR, local_station
from data.write.commands.common import Ctx, Rules, writer
from data.write.commands.district import take_district_limits
from data.write.commands.operators import (
    UNNAMED,
    WrongSecret,
    first_supervisor,
    lock_desk,
    record_failure,
    sign_in,
)
from data.write.commands.reference import register_station, seed_catalogue
from data.write.commands.sync import ensure_station_key, sign_head_when_due
from data.write.commands.working_time import open_fallback_years, recount_fallback_clocks
from models.calendar import WorkCalendar, parse_year_table
from models.clock import Clock
from models.enums import Role
from models.errors import DomainError

P = ParamSpec("P")
R = TypeVar("R")
Command = Callable[Concatenate[Ctx, P], R]

DEFAULT_OPERATOR = UNNAMED
"""A command run without naming its operator acts as nobody in particular (and never as a
supervisor); it is recorded with an empty operator."""


def new_station_id() -> str:
    return f"ST-{secrets.token_hex(3).upper()}"


def bootstrap(conn: Connection, settings: Settings, clock: Clock, key_path: Path | None = None) -> str:
    """Make sure the file has its local station, the catalogue and, given where it lives, the
    station's signing key. Nobody is made an operator here: ``whistle init`` makes the first
    supervisor (``first_supervisor``), and supervisors the others."""
    station_id = local_station(conn)
    rules = Rules(settings)
    if station_id is None:
        station_id = settings.station_id or new_station_id()
        ctx = Ctx(writer(conn, station_id, UNNAMED, clock, settings), rules)
        register_station(
            ctx, name=settings.station_name, case_prefix=settings.case_prefix, district=settings.district
        )
        seed_catalogue(ctx)
    if key_path is not None:
        ensure_station_key(Ctx(writer(conn, station_id, UNNAMED, clock, settings), rules), key_path)
    return station_id


def load_calendar(conn: Connection) -> WorkCalendar:
    rows = conn.execute(select(CALENDAR_YEAR.c.table_json, CALENDAR_YEAR.c.origin)).all()
    return WorkCalendar(replace(parse_year_table(row.table_json), origin=row.origin) for row in rows)


def refresh_calendar(conn: Connection, rules: Rules) -> bool:
    """Pick up a holiday table that another desk, the command line or a sync bundle loaded since
    (one look at a tiny table), so every desk counts working days the same way. Returns whether
    the tables changed; then the years of the fallback warning are those any open clock runs
    through without a table, whichever process started it."""
    version = tuple(conn.execute(select(func.count(), func.max(CALENDAR_YEAR.c.event_id))).one())
    if version == rules.calendar_version:
        return False
    rules.calendar = load_calendar(conn)
    rules.calendar_version = version
    rules.overrides = {
        row.year: row.override_reason
        for row in conn.execute(
            select(CALENDAR_YEAR.c.year, CALENDAR_YEAR.c.override_reason).where(
                CALENDAR_YEAR.c.override_reason.is_not(None)
            )
        )
    }
    known = rules.calendar.known_years()
    rules.fallback_years = (rules.fallback_years - known) | open_fallback_years(
        conn, rules.calendar, rules.settings.tz
    )
    rules.recount_pending = True
    return True


def catch_up(ctx: Ctx) -> None:
    """After the holiday tables changed (or on opening): the open clocks of this station that
    were counted Monday–Friday in a year whose table has since arrived are counted again.
    Also a command of its own, for a desk that saw a table arrive while reading."""
    recount_fallback_clocks(ctx)


def open_station(
    conn: Connection, settings: Settings, clock: Clock, key_path: Path | None, rules: Rules
) -> str:
    """``bootstrap``, then the time limits its district published, the holiday tables as they
    stand, and the clocks a table that arrived while this station was closed counts again."""
    station_id = bootstrap(conn, settings, clock, key_path)
    take_district_limits(conn, settings)  # where the settings file does not set its own
    refresh_calendar(conn, rules)
    try:
        catch_up(Ctx(writer(conn, station_id, UNNAMED, clock, settings), rules))
    except ClockBehind:
        return station_id  # no write while the clock reads behind; the next write catches up
    rules.recount_pending = False
    return station_id


def _catch_up_pending(ctx: Ctx) -> bool:
    """Within a write: count the fallback clocks again if the tables changed since the last
    time; whether it did (``recount_pending`` is cleared once the transaction has committed)."""
    if not ctx.rules.recount_pending:
        return False
    catch_up(ctx)
    return True


@dataclass
class Service:
    """One station, one clock, on one database; the operator is whoever signed in last
    (nobody until then)."""

    db: Database
    clock: Clock
    rules: Rules
    station_id: str
    operator: str = UNNAMED
    role: Role | None = None
    floor: datetime | None = None
    """The latest time the desk has seen: no write is stamped earlier (see EventWriter)."""
    on_wait: Callable[[], None] | None = None
    """Told when a write must wait for another desk's write lock (the console shows it)."""

    @classmethod
    async def open(cls, path: Location, settings: Settings, clock: Clock) -> Service:
        db = await open_database(path)
        rules = Rules(settings)
        async with db.write.begin() as conn:
            station_id = await conn.run_sync(open_station, settings, clock, key_path_for(path), rules)
        return cls(db, clock, rules, station_id)

    @property
    def settings(self) -> Settings:
        return self.rules.settings

    def _ctx(self, conn: Connection, operator: str, proof: str | None) -> Ctx:
        refresh_calendar(conn, self.rules)
        w = writer(conn, self.station_id, operator, self.clock, self.settings, self.floor)
        return Ctx(w, self.rules, proof)

    async def _write(
        self, operator: str, proof: str | None, command: Command[P, R], *args: Any, **kwargs: Any
    ) -> R:
        caught_up = False

        def tx(conn: Connection) -> R:
            nonlocal caught_up
            ctx = self._ctx(conn, operator, proof)
            caught_up = _catch_up_pending(ctx)
            return command(ctx, *args, **kwargs)

        try:
            result: R = await self.db.run_write(tx, on_wait=self.on_wait)
            if caught_up:  # committed: the recount is on the record
                self.rules.recount_pending = False
        except WrongSecret as failure:
            # the command was rolled back; the failure itself stays on the record
            def count(conn: Connection, failure: WrongSecret = failure) -> None:
                record_failure(self._ctx(conn, operator, None), failure)

            await self.db.run_write(count)
            raise
        return result

    async def run(self, command: Command[P, R], *args: P.args, **kwargs: P.kwargs) -> R:
        return await self._write(self.operator, None, command, *args, **kwargs)

    async def run_supervised(
        self, proof: str, command: Command[P, R], *args: P.args, **kwargs: P.kwargs
    ) -> R:
        """A supervisor-only command, with the passphrase just given for it."""
        return await self._write(self.operator, proof, command, *args, **kwargs)

    async def sign_in(self, name: str, secret: str, *, unlock: bool = False) -> Role:
        """``name`` takes the desk: from now on the one who writes."""
        previous = self.operator if unlock else None
        role = await self._write(name, None, sign_in, name, secret, unlock_from=previous)
        self.operator, self.role = name, role
        # a shift starts: the head the day before ended on is signed, once a day (a key file
        # that cannot be read keeps no one from signing in)
        with contextlib.suppress(DomainError):
            await self.sign_head_when_due()
        return role

    async def lock(self, *, idle: bool) -> None:
        """Lock the desk: the shift (or the operator's turn) ends, and its head is signed."""
        await self.run(lock_desk, idle=idle)
        await self.sign_head_when_due(shift_ended=True)

    async def sign_head_when_due(self, *, shift_ended: bool = False) -> bool:
        """Sign the chain head at the end of a shift (a lock) and once a day (the first
        sign-in of a local day), see the command."""
        key_path = key_path_for(self.db.path)
        return bool(await self.run(sign_head_when_due, key_path, shift_ended=shift_ended))

    async def close(self) -> None:
        await self.db.close()


@dataclass
class SyncService:
    """The same, blocking, for command-line work: nobody in particular until ``sign_in``;
    then the passphrase given at sign-in proves supervisor-only commands of this run."""

    engine: Engine
    clock: Clock
    rules: Rules
    station_id: str
    operator: str = UNNAMED
    role: Role | None = None
    proof: str | None = None
    ordered: bool = True
    """False only to build a made-up history out of time order (the demo, test fixtures)."""

    @classmethod
    def open(cls, path: Location, settings: Settings, clock: Clock, operator: str = UNNAMED) -> SyncService:
        """``operator`` names who writes without a sign-in: for the library's own callers (the
        demo, tests) only; the command line and the console always sign in."""
        engine = open_sync(path)
        rules = Rules(settings)
        with engine.begin() as conn:
            station_id = open_station(conn, settings, clock, key_path_for(path), rules)
        return cls(engine, clock, rules, station_id, operator)

    def _run(self, operator: str, command: Command[P, R], *args: Any, **kwargs: Any) -> R:
        try:
            with self.engine.begin() as conn:
                refresh_calendar(conn, self.rules)
                w = writer(conn, self.station_id, operator, self.clock, self.rules.settings)
                w.ordered = self.ordered
                ctx = Ctx(w, self.rules, self.proof)
                caught_up = _catch_up_pending(ctx)
                result = command(ctx, *args, **kwargs)
            if caught_up:  # committed: the recount is on the record
                self.rules.recount_pending = False
            return result
        except WrongSecret as failure:
            with self.engine.begin() as conn:
                record_failure(
                    Ctx(writer(conn, self.station_id, operator, self.clock, self.rules.settings), self.rules),
                    failure,
                )
            raise

    def run(self, command: Command[P, R], *args: P.args, **kwargs: P.kwargs) -> R:
        return self._run(self.operator, command, *args, **kwargs)

    def sign_in(self, name: str, secret: str) -> Role:
        role = self._run(name, sign_in, name, secret)
        self.operator, self.role, self.proof = name, role, secret
        return role

    def set_up(self, name: str, secret: str) -> None:
        """``whistle init``: the first supervisor, signed in."""
        self._run(name, first_supervisor, name=name, secret=secret)
        self.operator, self.role, self.proof = name, Role.SUPERVISOR, secret

    def close(self) -> None:
        self.engine.dispose()
