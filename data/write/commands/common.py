from __future__ import annotations

import functools
import secrets
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import Connection, Row, Select, Table, bindparam, select

from data.settings import Settings
from data.store.eventlog import EventWriter
from data.store.tables import CASE, CHECKIN, CLOCK
from models.calendar import WorkCalendar
from models.clock import Clock
from models.deadlines import Deadline, Limit, add_limit
from models.errors import DomainError, NotFound, ValidationError
from models.i18n import t
from models.ids import to_iso, uuid7
from models.working_hours import WorkingHours, hours_from_json


@dataclass
class Rules:
    """What a station decides deadlines by: its settings and its working calendar."""

    settings: Settings
    calendar: WorkCalendar = field(default_factory=WorkCalendar)
    fallback_years: set[int] = field(default_factory=set)
    """Years whose working days were counted Monday–Friday for lack of a holiday table."""
    calendar_version: tuple[object, ...] | None = None
    """Which holiday tables ``calendar`` was built from (data/write/session.refresh_calendar)."""
    recount_pending: bool = False
    """The tables changed since this station last counted its fallback clocks again
    (data/write/session.catch_up runs with the next write)."""
    overrides: dict[int, str] = field(default_factory=dict)
    """Years whose loaded table overrides the official calendar, with the supervisor's reason."""

    def hours_at(self, start: datetime) -> WorkingHours:
        """The working hours in force on the (station-local) day ``start`` falls on."""
        return self.settings.hours.in_force(start.astimezone(self.settings.tz).date())

    def count(self, start: datetime, limit: Limit, hours: WorkingHours) -> Deadline:
        """``limit`` from ``start`` by ``hours``; a year counted Monday–Friday is remembered
        for the warning."""
        result = add_limit(start, limit, self.calendar, self.settings.tz, hours)
        self.fallback_years |= result.fallback_years
        return result

    def deadline(self, start: datetime, limit: Limit) -> datetime:
        return self.count(start, limit, self.hours_at(start)).at


def writer(
    conn: Connection,
    station_id: str,
    operator: str,
    clock: Clock,
    settings: Settings,
    floor: datetime | None = None,
) -> EventWriter:
    """The station's event writer, with its clock tolerance and time zone from the settings."""
    return EventWriter(
        conn,
        station_id,
        operator,
        clock,
        tolerance=timedelta(minutes=settings.clock_tolerance_minutes),
        floor=floor,
        tz=settings.tz,
    )


@dataclass
class Ctx:
    w: EventWriter
    rules: Rules
    proof: str | None = None
    """The passphrase given for this one command, for ``require_supervisor``."""

    @property
    def conn(self) -> Connection:
        return self.w.conn

    @property
    def now(self) -> datetime:
        """The clock, never behind the record (refused when it reads too far behind)."""
        return self.w.now()

    def show(self, at: datetime) -> str:
        """A time as the station reads it, for a message."""
        return at.astimezone(self.rules.settings.tz).strftime("%Y-%m-%d %H:%M")

    def new_id(self) -> str:
        return uuid7(self.now)


def salted(personal: dict[str, Any]) -> dict[str, Any]:
    return {"salt": secrets.token_hex(16), **personal}


def basis_payload(deadline: Deadline) -> dict[str, str]:
    """What counted each year a deadline crosses, as an event records it (years as text)."""
    return {str(year): basis for year, basis in sorted(deadline.basis.items())}


def clock_payload(ctx: Ctx, start: datetime, limit: Limit) -> dict[str, Any]:
    """A new clock: its deadline, and how it was counted (the basis of each year crossed and
    the working hours in force at the start), so replay, other stations and the district
    count it the same way whatever their settings."""
    hours = ctx.rules.hours_at(start)
    deadline = ctx.rules.count(start, limit, hours)
    return {
        "id": ctx.new_id(),
        "started_at": to_iso(start),
        "deadline": to_iso(deadline.at),
        "amount": limit.amount,
        "unit": limit.unit.value,
        "basis": basis_payload(deadline),
        "hours": hours.to_payload(),
    }


def clock_hours(clock: Any) -> WorkingHours:
    """The working hours a clock row counts by (the default ones for a clock from before
    clocks recorded them)."""
    return hours_from_json(clock.work_hours)


@functools.cache
def _by_key(tbl: Table) -> Select[Any]:
    return select(tbl).where(next(iter(tbl.primary_key.columns)) == bindparam("key"))


def fetch(conn: Connection, tbl: Table, key: str, what: str) -> Row[Any]:
    row = conn.execute(_by_key(tbl), {"key": key}).first()
    if row is None:
        raise NotFound("error.not_found", what=t(f"thing.{what}"), ident=key)
    return row


def own_case(ctx: Ctx, case_id: str) -> Row[Any]:
    """The case, refused when another station owns it (this is a read-only copy)."""
    row = fetch(ctx.conn, CASE, case_id, "case")
    if row.station_id != ctx.w.station_id:
        raise DomainError("error.not_owner", number=row.number, station=row.station_id)
    return row


def own_checkin(ctx: Ctx, checkin_id: str) -> tuple[Row[Any], Row[Any]]:
    checkin = fetch(ctx.conn, CHECKIN, checkin_id, "checkin")
    return checkin, own_case(ctx, checkin.case_id)


def own_clock(ctx: Ctx, clock_id: str) -> tuple[Row[Any], Row[Any]]:
    clock = fetch(ctx.conn, CLOCK, clock_id, "clock")
    return clock, own_case(ctx, clock.case_id)


def required(value: str | None, field: str) -> str:
    text = (value or "").strip()
    if not text:
        raise ValidationError("error.required", field=field, name=t(f"field.{field}"))
    return text
