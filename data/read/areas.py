"""The assessment by community and by category: where whistles come from, which categories
relapse, which communities wait longest — each figure with the records behind it.

A case counts in the period it was received (received), a summons in the period its whistle was
blown (whistled, summoned, late, absent, the wait from whistle to arrival), a relapse in the
period the 回头看 found it — the same rules as the department scorecards.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import Connection, and_, func, select

from data.read.reinspections import category_name, relapses
from data.read.summons import Figure, Summons, chunks, of_station, summonses
from data.store.tables import CASE
from models.assessment import Ratio, median_minutes
from models.periods import Period


class Area(StrEnum):
    """What the cases are grouped by."""

    COMMUNITY = "community"
    CATEGORY = "category"


class AreaFigure:
    """The figures of an area's row; the summons figures are those of ``Figure``."""

    RECEIVED = "received"
    WHISTLED = "whistled"
    SUMMONED = Figure.SUMMONED
    LATE = Figure.LATE
    ABSENT = Figure.ABSENT
    ARRIVED = Figure.ARRIVED
    RELAPSED = "relapsed"


CASE_FIGURES = (AreaFigure.RECEIVED, AreaFigure.WHISTLED, AreaFigure.RELAPSED)


@dataclass
class AreaCard:
    key: str
    """The community's name or the category's code."""
    name: str
    received: int = 0
    whistled: set[str] = field(default_factory=set)
    """The cases whistled in the period."""
    summoned: int = 0
    on_time: int = 0
    late: int = 0
    absent: int = 0
    waits: list[float] = field(default_factory=list)
    """Minutes from whistle to arrival, per arrival."""
    relapses: int = 0

    @property
    def decided(self) -> int:
        return self.on_time + self.late + self.absent

    @property
    def on_time_rate(self) -> Ratio:
        return Ratio(self.on_time, self.decided)

    @property
    def mean_wait(self) -> float | None:
        return sum(self.waits) / len(self.waits) if self.waits else None

    @property
    def median_wait(self) -> float | None:
        return median_minutes(self.waits)

    @property
    def longest_wait(self) -> float | None:
        return max(self.waits) if self.waits else None


@dataclass(frozen=True)
class AreaCards:
    period: Period
    area: Area
    cards: list[AreaCard]
    """Most whistles first, then most cases received, then the name."""


@dataclass(frozen=True)
class CaseLine:
    """One case behind a case figure (received, whistled, relapsed)."""

    case_id: str
    number: str
    received_at: datetime
    category: str
    community: str
    status: str


def _name(area: Area, key: str) -> str:
    return category_name(key) if area is Area.CATEGORY else key


def _received(conn: Connection, area: Area, start: datetime, end: datetime, station: str | None) -> Any:
    col = CASE.c[area.value]
    where = and_(CASE.c.received_at >= start, CASE.c.received_at < end)
    if station is not None:
        where = and_(where, CASE.c.station_id == station)
    return conn.execute(select(col, func.count()).where(where).group_by(col)).all()


def _relapsed(conn: Connection, start: datetime, end: datetime, station: str | None) -> set[str]:
    return of_station(conn, {r.case_id for r in relapses(conn, start, end)}, station)


def _case_lines(conn: Connection, case_ids: set[str]) -> list[CaseLine]:
    found: list[CaseLine] = []
    for chunk in chunks(sorted(case_ids)):
        rows = conn.execute(
            select(
                CASE.c.id, CASE.c.number, CASE.c.received_at, CASE.c.category, CASE.c.community, CASE.c.status
            ).where(CASE.c.id.in_(chunk))
        )
        found += [CaseLine(r.id, r.number, r.received_at, r.category, r.community, r.status) for r in rows]
    found.sort(key=lambda c: (c.received_at, c.number))
    return found


def area_cards(
    conn: Connection,
    period: Period,
    now: datetime,
    tz: ZoneInfo,
    area: Area,
    *,
    station: str | None = None,
) -> AreaCards:
    start, end = period.bounds(tz)
    cards: dict[str, AreaCard] = {}

    def card(key: str) -> AreaCard:
        if key not in cards:
            cards[key] = AreaCard(key, _name(area, key))
        return cards[key]

    for key, count in _received(conn, area, start, end, station):
        card(str(key)).received += int(count)
    for s in summonses(conn, period, tz, station):
        c = card(getattr(s, area.value))
        c.whistled.add(s.case_id)
        c.summoned += 1
        outcome = s.outcome(now)
        if outcome in (Figure.ON_TIME, Figure.LATE, Figure.ABSENT):
            setattr(c, outcome, getattr(c, outcome) + 1)
        if s.arrived_at is not None and s.came:  # after its 缺席 mark: absent, no wait
            c.waits.append((s.arrived_at - s.blown_at).total_seconds() / 60)
    relapsed = _relapsed(conn, start, end, station)
    counted: Counter[str] = Counter(getattr(line, area.value) for line in _case_lines(conn, relapsed))
    for key, count in counted.items():
        card(key).relapses += count
    ordered = sorted(cards.values(), key=lambda c: (-len(c.whistled), -c.received, c.key))
    return AreaCards(period, area, ordered)


def behind_area(
    conn: Connection,
    period: Period,
    now: datetime,
    tz: ZoneInfo,
    area: Area,
    key: str,
    figure: str,
    *,
    station: str | None = None,
) -> list[Summons] | list[CaseLine]:
    """The cases (received, whistled, relapsed) or the summons (the rest) behind one figure of
    one community or category."""
    start, end = period.bounds(tz)
    if figure == AreaFigure.RECEIVED:
        col = CASE.c[area.value]
        where = and_(CASE.c.received_at >= start, CASE.c.received_at < end, col == key)
        if station is not None:
            where = and_(where, CASE.c.station_id == station)
        return _case_lines(conn, set(conn.execute(select(CASE.c.id).where(where)).scalars()))
    if figure == AreaFigure.RELAPSED:
        lines = _case_lines(conn, _relapsed(conn, start, end, station))
        return [line for line in lines if getattr(line, area.value) == key]
    mine = summonses(conn, period, tz, station, case_field=(area.value, key))
    if figure == AreaFigure.WHISTLED:
        return _case_lines(conn, {s.case_id for s in mine})
    return [s for s in mine if figure in s.figures(now)]
