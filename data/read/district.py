"""The district's views across stations (view 5 and the queue at a district hub): which
stations have cases here, and the stations ranked by their rates (SPEC §2, §10)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from fractions import Fraction
from zoneinfo import ZoneInfo

from sqlalchemy import Connection, select

from data.read.station_rates import StationRates, station_rates
from data.store.tables import CASE, STATION
from models.periods import Period


@dataclass(frozen=True)
class StationName:
    id: str
    name: str
    local: bool


def stations_with_cases(conn: Connection) -> list[StationName]:
    """Every station that has a case in this database, by id (its own first-seen name)."""
    ids = conn.execute(select(CASE.c.station_id).distinct().order_by(CASE.c.station_id)).scalars().all()
    known = {
        row.id: row for row in conn.execute(select(STATION.c.id, STATION.c.name, STATION.c.is_local)).all()
    }
    return [
        StationName(i, known[i].name if i in known else i, bool(known[i].is_local) if i in known else False)
        for i in ids
    ]


@dataclass(frozen=True)
class StationRank:
    rank: int
    station: StationName
    rates: StationRates


def _key(value: Fraction | None) -> tuple[bool, Fraction]:
    return (value is None, -(value or Fraction(0)))


def ranked_stations(conn: Connection, period: Period, now: datetime, tz: ZoneInfo) -> list[StationRank]:
    """The stations with cases here ranked by 按期结案率, then 报到及时率, then 结案率 (a rate
    with nothing due ranks after every rate that has), ties by station id; equal rates share a
    rank."""
    rated = [(s, station_rates(conn, period, now, tz, station=s.id)) for s in stations_with_cases(conn)]

    def order(item: tuple[StationName, StationRates]) -> tuple[object, ...]:
        r = item[1]
        return (*_key(r.on_time_closure.value), *_key(r.on_time.value), *_key(r.closure.value))

    rated.sort(key=lambda item: (order(item), item[0].id))
    ranks: list[StationRank] = []
    for position, (station, rates) in enumerate(rated, start=1):
        same = ranks and order((ranks[-1].station, ranks[-1].rates)) == order((station, rates))
        ranks.append(StationRank(ranks[-1].rank if same else position, station, rates))
    return ranks
