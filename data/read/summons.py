"""The summons (召集) as the assessment sees them: one check-in, its whistle, its case and its
clock, and what each figure of a scorecard counts.

A summons belongs to the period in which its whistle was blown (station time). Per summons:
- on time: arrived, not late; late: arrived after its deadline (it stays late when the deadline
  was extended afterwards);
- absent: its deadline has passed and it never arrived; or the escalation ladder marked it 缺席
  (absent) before it arrived: a department that comes after that mark is recorded (arrived
  after absence, shown apart) and still counts as absent, in every figure and every list
  behind one (it is not an arrival of 到场率, nor a wait of the mean time to report in);
  withdrawn: the case ended while it was awaited (shown apart, not counted against the
  department);
- pending: still awaited within its deadline — counted in neither part of a rate.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import Connection, and_, select

from data.read.cases import entered_late
from data.store.tables import CASE, CHECKIN, CLOCK, WHISTLE
from models.enums import CheckInStatus
from models.periods import Period

CHUNK = 500


class Figure:
    """What a figure counts, so the records behind it can be listed."""

    SUMMONED = "summoned"
    ON_TIME = "on_time"
    LATE = "late"
    ABSENT = "absent"
    WITHDRAWN = "withdrawn"
    PENDING = "pending"
    ARRIVED = "arrived"
    ACTED = "acted"
    RATED = "rated"
    PAUSED = "paused"
    EXTENDED = "extended"
    REWORK = "rework"
    CORRECTED = "corrected"
    ENTERED_LATE = "entered_late"
    EXTENDED_LATE = "extended_late"
    AFTER_ABSENCE = "after_absence"


@dataclass(frozen=True)
class Summons:
    """One check-in as the assessment sees it."""

    checkin_id: str
    case_id: str
    case_number: str
    department: str
    blown_at: datetime
    deadline: datetime
    arrived_at: datetime | None
    late: bool
    acted: bool
    rating: int | None
    withdrawn: bool
    clock_id: str
    paused_minutes: float
    extensions: int
    entered_late: bool = False
    """A time of this check-in was entered late (补录)."""
    extended_late: bool = False
    """Its clock was extended after the deadline had passed: late, then extended."""
    category: str = ""
    community: str = ""
    absent_at: datetime | None = None
    """缺席: when the escalation ladder marked it absent."""

    @property
    def after_absence(self) -> bool:
        """It came, but only after it had been marked 缺席: counted absent."""
        absent_at, arrived_at = self.absent_at, self.arrived_at
        return absent_at is not None and arrived_at is not None and arrived_at >= absent_at

    @property
    def came(self) -> bool:
        """An arrival the assessment counts (not one after the 缺席 mark)."""
        return self.arrived_at is not None and not self.after_absence

    def outcome(self, now: datetime) -> str:
        if self.withdrawn:
            return Figure.WITHDRAWN
        if self.came:
            return Figure.LATE if self.late else Figure.ON_TIME
        if self.absent_at is not None:
            return Figure.ABSENT
        return Figure.ABSENT if self.deadline <= now else Figure.PENDING

    def figures(self, now: datetime) -> set[str]:
        found = {Figure.SUMMONED, self.outcome(now)}
        if self.after_absence:
            found.add(Figure.AFTER_ABSENCE)
        if self.came:
            found.add(Figure.ARRIVED)
            if self.acted:
                found.add(Figure.ACTED)
        if self.rating is not None:
            found.add(Figure.RATED)
        if self.paused_minutes > 0:
            found.add(Figure.PAUSED)
        if self.extensions:
            found.add(Figure.EXTENDED)
        if self.entered_late:
            found.add(Figure.ENTERED_LATE)
        if self.extended_late:
            found.add(Figure.EXTENDED_LATE)
        return found


SUMMONS_COLUMNS = (
    CHECKIN.c.id,
    CHECKIN.c.case_id,
    CASE.c.number,
    CHECKIN.c.department_code,
    CHECKIN.c.status,
    CHECKIN.c.deadline,
    CHECKIN.c.arrived_at,
    CHECKIN.c.late_minutes,
    CHECKIN.c.acted_at,
    CHECKIN.c.rating,
    CHECKIN.c.clock_id,
    WHISTLE.c.blown_at,
    CLOCK.c.paused_minutes,
    CLOCK.c.extensions,
    CLOCK.c.late_since,
    CHECKIN.c.arrived_entered_at,
    CHECKIN.c.acted_entered_at,
    CHECKIN.c.released_entered_at,
    CASE.c.category,
    CASE.c.community,
    CHECKIN.c.absent_at,
)
"""What the assessment reads of a check-in, its whistle, its case and its clock."""


def _summons_rows(
    conn: Connection,
    start: datetime,
    end: datetime,
    station: str | None,
    department: str | None = None,
    case_field: tuple[str, str] | None = None,
) -> Iterator[Any]:
    query = (
        select(*SUMMONS_COLUMNS)
        .select_from(WHISTLE)
        .join(CHECKIN, and_(CHECKIN.c.case_id == WHISTLE.c.case_id, CHECKIN.c.whistle_id == WHISTLE.c.id))
        .join(CASE, CASE.c.id == CHECKIN.c.case_id)
        .join(CLOCK, CLOCK.c.id == CHECKIN.c.clock_id)
        .where(WHISTLE.c.blown_at >= start, WHISTLE.c.blown_at < end)
    )
    if station is not None:
        query = query.where(CASE.c.station_id == station)
    if department is not None:
        query = query.where(CHECKIN.c.department_code == department)
    if case_field is not None:
        query = query.where(CASE.c[case_field[0]] == case_field[1])
    return iter(conn.execute(query))


def _summons(r: Any) -> Summons:
    return Summons(
        checkin_id=r.id,
        case_id=r.case_id,
        case_number=r.number,
        department=r.department_code,
        blown_at=r.blown_at,
        deadline=r.deadline,
        arrived_at=r.arrived_at,
        late=bool(r.late_minutes),
        acted=r.acted_at is not None,
        rating=r.rating,
        withdrawn=r.status == CheckInStatus.WITHDRAWN.value,
        clock_id=r.clock_id,
        paused_minutes=float(r.paused_minutes or 0),
        extensions=int(r.extensions or 0),
        entered_late=entered_late(r),
        extended_late=r.late_since is not None,
        category=r.category,
        community=r.community,
        absent_at=r.absent_at,
    )


def summonses(
    conn: Connection,
    period: Period,
    tz: ZoneInfo,
    station: str | None = None,
    *,
    department: str | None = None,
    case_field: tuple[str, str] | None = None,
) -> list[Summons]:
    """The summons of the period; only one department's, or only those of the cases whose
    ``case_field`` (community, category) has a value, when asked (for the list behind a figure)."""
    start, end = period.bounds(tz)
    return [_summons(r) for r in _summons_rows(conn, start, end, station, department, case_field)]


def summonses_between(
    conn: Connection, start: datetime, end: datetime, station: str | None = None
) -> list[Summons]:
    """The summons of every period in [start, end), in one read (the trend splits them)."""
    return [_summons(r) for r in _summons_rows(conn, start, end, station)]


def chunks(values: list[str]) -> Iterator[list[str]]:
    for at in range(0, len(values), CHUNK):
        yield values[at : at + CHUNK]


def of_station(conn: Connection, case_ids: set[str], station: str | None) -> set[str]:
    """The cases of ``case_ids`` that ``station`` owns (all of them when no station is named)."""
    if station is None:
        return set(case_ids)
    owned: set[str] = set()
    for chunk in chunks(sorted(case_ids)):
        owned.update(
            conn.execute(
                select(CASE.c.id).where(CASE.c.id.in_(chunk), CASE.c.station_id == station)
            ).scalars()
        )
    return owned


def checkin_cases(conn: Connection, checkin_ids: set[str]) -> list[Any]:
    found: list[Any] = []
    for chunk in chunks(sorted(checkin_ids)):
        found += conn.execute(select(CHECKIN.c.case_id).where(CHECKIN.c.id.in_(chunk))).all()
    return found


def all_summons_of(conn: Connection, case_ids: set[str]) -> list[Summons]:
    found: list[Summons] = []
    for chunk in chunks(sorted(case_ids)):
        rows = conn.execute(
            select(*SUMMONS_COLUMNS)
            .select_from(CHECKIN)
            .join(WHISTLE, WHISTLE.c.id == CHECKIN.c.whistle_id)
            .join(CASE, CASE.c.id == CHECKIN.c.case_id)
            .join(CLOCK, CLOCK.c.id == CHECKIN.c.clock_id)
            .where(CHECKIN.c.case_id.in_(chunk))
        )
        found += [_summons(r) for r in rows]
    return found


def summons_by_ids(conn: Connection, checkin_ids: list[str]) -> list[Summons]:
    """The summons of ``checkin_ids`` (the list behind a figure, found by the totals' index)."""
    found: list[Summons] = []
    for chunk in chunks(sorted(checkin_ids)):
        rows = conn.execute(
            select(*SUMMONS_COLUMNS)
            .select_from(CHECKIN)
            .join(WHISTLE, WHISTLE.c.id == CHECKIN.c.whistle_id)
            .join(CASE, CASE.c.id == CHECKIN.c.case_id)
            .join(CLOCK, CLOCK.c.id == CHECKIN.c.clock_id)
            .where(CHECKIN.c.id.in_(chunk))
        )
        found += [_summons(r) for r in rows]
    return sorted(found, key=lambda s: (s.blown_at, s.checkin_id))


def in_order_shown(conn: Connection, checkin_ids: list[str]) -> list[str]:
    """``checkin_ids`` in the order a list behind a figure shows them: by whistle, then by id
    (only the two keys are read, for a day of more summons than a page holds)."""
    keyed: list[tuple[datetime, str]] = []
    for chunk in chunks(checkin_ids):
        rows = conn.execute(
            select(WHISTLE.c.blown_at, CHECKIN.c.id)
            .select_from(CHECKIN)
            .join(WHISTLE, WHISTLE.c.id == CHECKIN.c.whistle_id)
            .where(CHECKIN.c.id.in_(chunk))
        )
        keyed += [(at, checkin_id) for at, checkin_id in rows]
    return [checkin_id for _at, checkin_id in sorted(keyed)]
