"""The assessment by community and by category: where whistles come from, which categories
relapse, which communities wait longest — each figure with the records behind it.

A case counts in the period it was received (received), a summons in the period its whistle was
blown (whistled, summoned, late, absent, the wait from whistle to arrival), a relapse in the
period the 回头看 found it — the same rules as the department scorecards.

Read from the running totals by community and by category (V22_PLACE_TOTALS,
data/read/totals.py) when they count days of the station's zone, else counted from the rows
(``raw_area_cards``, the reference the totals are tested against).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import Connection, and_, func, select

from data.read.reinspections import category_name, relapses
from data.read.summons import Figure, Summons, chunks, of_station, summons_by_ids, summonses
from data.read.totals import place_totals, place_totals_usable, place_waits, summons_of_place
from data.store.tables import CASE
from models.assessment import US_PER_MINUTE, Ratio, mean_minutes, median_of_us
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
    whistled: int = 0
    """The cases whistled in the period (each once)."""
    summoned: int = 0
    on_time: int = 0
    late: int = 0
    absent: int = 0
    arrived_us: int = 0
    """The times from whistle to arrival of the arrivals, summed in microseconds."""
    median_wait: float | None = None
    """Minutes, the median of the arrivals' times."""
    longest_us: int | None = None
    relapses: int = 0

    @property
    def arrived(self) -> int:
        return self.on_time + self.late

    @property
    def decided(self) -> int:
        return self.on_time + self.late + self.absent

    @property
    def on_time_rate(self) -> Ratio:
        return Ratio(self.on_time, self.decided)

    @property
    def mean_wait(self) -> float | None:
        return mean_minutes(self.arrived_us, self.arrived)

    @property
    def longest_wait(self) -> float | None:
        return None if self.longest_us is None else self.longest_us / US_PER_MINUTE


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


def case_lines(conn: Connection, case_ids: set[str]) -> list[CaseLine]:
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


def _card_maker(area: Area) -> tuple[dict[str, AreaCard], Callable[[str], AreaCard]]:
    cards: dict[str, AreaCard] = {}

    def card(key: str) -> AreaCard:
        if key not in cards:
            cards[key] = AreaCard(key, _name(area, key))
        return cards[key]

    return cards, card


def area_cards(
    conn: Connection,
    period: Period,
    now: datetime,
    tz: ZoneInfo,
    area: Area,
    *,
    station: str | None = None,
) -> AreaCards:
    """Each community's or category's row for the period: from the running totals when they
    count days of ``tz``, else from the rows."""
    if place_totals_usable(conn, tz):
        cards = area_cards_from_totals(conn, period, now, area, station)
    else:
        cards = raw_area_cards(conn, period, now, tz, area, station)
    ordered = sorted(cards.values(), key=lambda c: (-c.whistled, -c.received, c.key))
    return AreaCards(period, area, ordered)


def area_cards_from_totals(
    conn: Connection, period: Period, now: datetime, area: Area, station: str | None
) -> dict[str, AreaCard]:
    cards, card = _card_maker(area)
    for key, counts in place_totals(conn, area.value, period, now, station).items():
        if not (counts.get("received") or counts.get("summoned") or counts.get("relapsed")):
            continue  # a place whose cases moved elsewhere keeps its rows, at nothing
        c = card(key)
        for name in ("received", "whistled", "summoned", "on_time", "late", "absent", "arrived_us"):
            setattr(c, name, counts.get(name, 0))
        c.relapses = counts.get("relapsed", 0)
    for key, (middle, longest) in place_waits(
        conn, area.value, period, station, {k: c.arrived for k, c in cards.items()}
    ).items():
        cards[key].median_wait, cards[key].longest_us = median_of_us(middle), longest
    return cards


def raw_area_cards(
    conn: Connection, period: Period, now: datetime, tz: ZoneInfo, area: Area, station: str | None
) -> dict[str, AreaCard]:
    """Each community's or category's row counted from the rows (the reference of the totals)."""
    start, end = period.bounds(tz)
    cards, card = _card_maker(area)
    for key, count in _received(conn, area, start, end, station):
        card(str(key)).received += int(count)
    whistled: dict[str, set[str]] = {}
    waits: dict[str, list[int]] = {}
    for s in summonses(conn, period, tz, station):
        c = card(getattr(s, area.value))
        whistled.setdefault(c.key, set()).add(s.case_id)
        c.summoned += 1
        outcome = s.outcome(now)
        if outcome in (Figure.ON_TIME, Figure.LATE, Figure.ABSENT):
            setattr(c, outcome, getattr(c, outcome) + 1)
        if s.arrived_at is not None and s.came:  # after its 缺席 mark: absent, no wait
            wait = (s.arrived_at - s.blown_at) // timedelta(microseconds=1)
            c.arrived_us += wait
            waits.setdefault(c.key, []).append(wait)
    for key, cases in whistled.items():
        cards[key].whistled = len(cases)
    for key, values in waits.items():
        cards[key].median_wait, cards[key].longest_us = median_of_us(values), max(values)
    relapsed = _relapsed(conn, start, end, station)
    counted: Counter[str] = Counter(getattr(line, area.value) for line in case_lines(conn, relapsed))
    for key, count in counted.items():
        card(key).relapses += count
    return cards


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
    if figure == AreaFigure.RECEIVED:  # by the index on (community or category, received_at)
        col = CASE.c[area.value]
        where = and_(col == key, CASE.c.received_at >= start, CASE.c.received_at < end)
        if station is not None:
            where = and_(where, CASE.c.station_id == station)
        return case_lines(conn, set(conn.execute(select(CASE.c.id).where(where)).scalars()))
    if figure == AreaFigure.RELAPSED:
        lines = case_lines(conn, _relapsed(conn, start, end, station))
        return [line for line in lines if getattr(line, area.value) == key]
    if place_totals_usable(conn, tz):
        found = summons_of_place(conn, area.value, key, period, figure, station)
        if figure == AreaFigure.WHISTLED:
            return case_lines(conn, {r.case_id for r in found})
        mine = summons_by_ids(conn, [r.checkin_id for r in found])
    else:
        mine = summonses(conn, period, tz, station, case_field=(area.value, key))
        if figure == AreaFigure.WHISTLED:
            return case_lines(conn, {s.case_id for s in mine})
    return [s for s in mine if figure in s.figures(now)]
