"""The district's reference data: a district's database (``whistle init --district``) publishes
its time limits as a ``reference.published`` event; its catalogue and holiday tables are its
own department.upserted and calendar.loaded events. All of them travel in its chain, exported
whole as the signed district bundle; a station that trusts it as its district (``trust add
--district``) takes them (data/store/apply/reference.py ranks them) and refuses another
station's."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Connection, func, select

from data.settings import Settings
from data.store.tables import CALENDAR_YEAR, DEPARTMENT, EVENT, TRUST, local_station
from data.write.commands.common import Ctx
from data.write.commands.operators import require_supervisor
from models.errors import DomainError


def _newest_payload(conn: Connection, station: str, event_type: str) -> dict[str, Any] | None:
    """The payload of ``station``'s newest event of ``event_type`` (a rare type: a station's
    registration, a district's publication), found by the type's index and ordered here:
    ordered by seq in the statement, SQLite walked the station's (station, seq) index back
    through every event it holds (at a million-case station, ``whistle district publish``
    read 14 million events to refuse)."""
    found = conn.execute(
        select(EVENT.c.seq, EVENT.c.station_id, EVENT.c.payload).where(EVENT.c.type == event_type)
    ).all()
    mine = [r for r in found if r.station_id == station]
    if not mine:
        return None
    return dict(json.loads(max(mine, key=lambda r: r.seq).payload))


def is_district(conn: Connection) -> bool:
    """Whether this database is a district's (its station registered with ``district``)."""
    station = local_station(conn)
    if station is None:
        return False
    registered = _newest_payload(conn, station, "station.registered")
    return bool(registered and registered.get("district"))


def district_of(conn: Connection) -> str | None:
    """The station this database trusts as its district, if any."""
    found: str | None = conn.execute(select(TRUST.c.station_id).where(TRUST.c.district.is_(True))).scalar()
    return found


def district_limits(conn: Connection) -> dict[str, Any] | None:
    """The newest time limits the trusted district published (None if it has not)."""
    district = district_of(conn)
    return None if district is None else _newest_payload(conn, district, "reference.published")


def take_district_limits(conn: Connection, settings: Settings) -> bool:
    """The station counts by its district's published limits where its settings file does not
    set its own; whether there were any."""
    published = district_limits(conn)
    if published is None:
        return False
    settings.take_district_limits(published)
    return True


@dataclass(frozen=True)
class Published:
    urgent: str
    regular: str
    handling: int
    departments: int
    years: list[int]


def publish_reference(ctx: Ctx) -> Published:
    """A district's supervisor publishes its time limits (from its settings) beside its
    catalogue and holiday tables; the district bundle carries all of them."""
    if not is_district(ctx.conn):
        raise DomainError("district.only")
    require_supervisor(ctx)
    settings = ctx.rules.settings
    urgent, regular = str(settings.urgent_limit), str(settings.regular_limit)
    handling = {code: str(limit) for code, limit in sorted(settings.handling_limits.items())}
    ctx.w.emit("reference.published", None, {"urgent": urgent, "regular": regular, "handling": handling})
    departments = ctx.conn.execute(select(func.count()).select_from(DEPARTMENT)).scalar() or 0
    years = list(ctx.conn.execute(select(CALENDAR_YEAR.c.year).order_by(CALENDAR_YEAR.c.year)).scalars())
    return Published(urgent, regular, len(handling), departments, years)
