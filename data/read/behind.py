"""The records behind one figure of view 5, a page at a time.

A figure of a busy month stands for tens of thousands of check-ins (a community's summons, a
department's arrivals); reading them all before showing any kept an operator waiting. ``Behind``
reads them in the order they are shown, a page of about ``PAGE`` rows at a time, and remembers
where it stopped:

- summons (a department's or a place's figures) by the day of their whistle, through the
  per-summons totals, whole days at a time, each page sorted by (whistle, check-in); a day of
  more summons than a page holds is put in that order by its two keys alone, then listed a page
  at a time (a department's busiest day at a million cases held 1,900: 108 ms to open);
- the cases a place received, by (received, number);
- the cases a place whistled, by the day of their first whistle in the period (a case whistled
  again later is not listed twice);
- the rest (relapses, rework, corrections, and any figure of a file whose totals cannot be read)
  at once, as ``behind_figure`` and ``behind_area`` list them: they are few, or there is no index
  to page by.

Every page joined is the list ``behind_figure`` or ``behind_area`` gives (the tests hold them to
it).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from zoneinfo import ZoneInfo

from sqlalchemy import Connection, and_, literal, select, tuple_

from data.read.areas import CASE_FIGURES, Area, AreaFigure, CaseLine, behind_area, case_lines
from data.read.assessment import behind_figure
from data.read.summons import Figure, Summons, in_order_shown, summons_by_ids
from data.read.totals import (
    FIRST_DAY,
    DayMark,
    checkins_behind_page,
    place_totals_usable,
    summons_of_place_page,
    totals_usable,
)
from data.store.tables import CASE
from models.periods import Period

PAGE = 200
"""About how many rows a page holds (a day is never split, so a page may hold more)."""
WHOLE = (Figure.CORRECTED, Figure.REWORK, AreaFigure.RELAPSED)
"""Figures listed at once: their records are found through other records, not by a day."""

Rows = list[Summons] | list[CaseLine]


@dataclass
class Behind:
    """Where the list behind one figure has been read to. Name a ``department`` (its scorecard's
    figure) or an ``area`` and its ``key`` (a community's or a category's)."""

    period: Period
    now: datetime
    tz: ZoneInfo
    figure: str
    department: str | None = None
    area: Area | None = None
    key: str = ""
    station: str | None = None
    page_size: int = field(default_factory=lambda: PAGE)
    done: bool = False
    """Every row has been read."""
    _day: DayMark = FIRST_DAY
    _received: tuple[datetime, str] | None = None
    _listed: set[str] = field(default_factory=set)
    _big_day: list[str] = field(default_factory=list)
    """The check-ins of one day bigger than a page still to list, in the order shown."""
    _after_big_day: DayMark | None = None
    _read_at_once: bool | None = None
    """Decided on the first page: the list is read whole (see WHOLE, and a file whose totals
    cannot be read); the later pages do not ask the file again."""

    @property
    def of_cases(self) -> bool:
        """The rows are cases (received, whistled, relapsed), not check-ins."""
        return self.area is not None and self.figure in CASE_FIGURES

    def page(self, conn: Connection) -> Rows:
        """The next page (empty once ``done``): a page may hold no row and still not be the last
        (a day of candidates none of which the figure counts)."""
        if self.done:
            return []
        if self._big_day:
            return self._next_of_big_day(conn)
        if self._read_at_once is None:
            usable = place_totals_usable if self.area is not None else totals_usable
            self._read_at_once = self.figure in WHOLE or not usable(conn, self.tz)
        if self.area is None:
            return self._department_page(conn)
        return self._area_page(conn, self.area)

    def _whole(self, rows: Rows) -> Rows:
        self.done = True
        return rows

    def _department_page(self, conn: Connection) -> Rows:
        department = self.department or ""
        if self._read_at_once:
            return self._whole(
                behind_figure(
                    conn, self.period, self.now, self.tz, department, self.figure, station=self.station
                )
            )
        found, resume = checkins_behind_page(
            conn, self.period, department, self.figure, self.station, self._day, self.page_size
        )
        return self._summons(conn, [r.checkin_id for r in found], resume)

    def _area_page(self, conn: Connection, area: Area) -> Rows:
        if self.figure == AreaFigure.RECEIVED:
            return self._received_page(conn, area)
        if self._read_at_once:
            return self._whole(
                behind_area(
                    conn, self.period, self.now, self.tz, area, self.key, self.figure, station=self.station
                )
            )
        found, resume = summons_of_place_page(
            conn, area.value, self.key, self.period, self.figure, self.station, self._day, self.page_size
        )
        if self.figure != AreaFigure.WHISTLED:
            return self._summons(conn, [r.checkin_id for r in found], resume)
        fresh = {r.case_id for r in found} - self._listed
        self._listed |= fresh
        self._advance(resume)
        return case_lines(conn, fresh)

    def _advance(self, resume: DayMark | None) -> None:
        if resume is None:
            self.done = True
        else:
            self._day = resume

    def _summons(self, conn: Connection, checkins: list[str], resume: DayMark | None) -> list[Summons]:
        if len(checkins) > self.page_size:  # one day bigger than a page: listed a page at a time
            self._big_day = in_order_shown(conn, checkins)
            self._after_big_day = resume
            return self._next_of_big_day(conn)
        self._advance(resume)
        return self._counted(conn, checkins)

    def _next_of_big_day(self, conn: Connection) -> list[Summons]:
        taken, self._big_day = self._big_day[: self.page_size], self._big_day[self.page_size :]
        if not self._big_day:
            self._advance(self._after_big_day)
        return self._counted(conn, taken)

    def _counted(self, conn: Connection, checkins: list[str]) -> list[Summons]:
        """The summons of ``checkins`` that the figure counts, in the order shown."""
        return [s for s in summons_by_ids(conn, checkins) if self.figure in s.figures(self.now)]

    def _received_page(self, conn: Connection, area: Area) -> list[CaseLine]:
        """The cases the place received, by the index on (place, received), in (received,
        number) order from where the last page ended."""
        start, end = self.period.bounds(self.tz)
        where = and_(CASE.c[area.value] == self.key, CASE.c.received_at >= start, CASE.c.received_at < end)
        if self.station is not None:
            where = and_(where, CASE.c.station_id == self.station)
        if self._received is not None:
            at, number = self._received
            after = tuple_(literal(at, CASE.c.received_at.type), literal(number, CASE.c.number.type))
            where = and_(where, tuple_(CASE.c.received_at, CASE.c.number) > after)
        ids = conn.execute(
            select(CASE.c.id, CASE.c.received_at, CASE.c.number)
            .where(where)
            .order_by(CASE.c.received_at, CASE.c.number)
            .limit(self.page_size)
        ).all()
        if len(ids) < self.page_size:
            self.done = True
        if ids:
            self._received = (ids[-1].received_at, ids[-1].number)
        return case_lines(conn, {r.id for r in ids})
