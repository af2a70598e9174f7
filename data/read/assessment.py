"""一次一考核 as read models: each department's scorecard for a period, the station's rates, and
the records behind every figure.

A summons belongs to the period in which its whistle was blown (station time). Per summons:
- on time: arrived, not late; late: arrived after its deadline (it stays late when the deadline
  was extended afterwards);
- absent: its deadline has passed and it never arrived; withdrawn: the case ended while it was
  awaited (shown apart, not counted against the department);
- pending: still awaited within its deadline — counted in neither part of a rate.
"""

from __future__ import annotations

import json
from collections import Counter, defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import datetime
from fractions import Fraction
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import Connection, and_, func, select

from data.read.cases import entered_late
from data.read.corrections import corrected_checkins, corrections_by_department
from data.read.reinspections import relapses
from data.store.tables import CASE, CHECKIN, CLOCK, DEPARTMENT, EVENT, WHISTLE
from models.assessment import Ratio, Weights, came_part, composite, median_minutes, quality_part, ranked
from models.enums import CaseStatus, CheckInStatus, ClockKind
from models.ids import from_iso
from models.periods import Period
from models.reinspection import rework_counts

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

    def outcome(self, now: datetime) -> str:
        if self.withdrawn:
            return Figure.WITHDRAWN
        if self.arrived_at is not None:
            return Figure.LATE if self.late else Figure.ON_TIME
        return Figure.ABSENT if self.deadline <= now else Figure.PENDING

    def figures(self, now: datetime) -> set[str]:
        found = {Figure.SUMMONED, self.outcome(now)}
        if self.arrived_at is not None:
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


@dataclass
class Scorecard:
    department: str
    name: str
    active: bool
    summoned: int = 0
    on_time: int = 0
    late: int = 0
    absent: int = 0
    withdrawn: int = 0
    pending: int = 0
    minutes_to_arrive: list[float] = field(default_factory=list)
    acted: int = 0
    ratings: list[int] = field(default_factory=list)
    rework: int = 0
    pauses: int = 0
    paused_minutes: float = 0.0
    extensions: int = 0
    extended_minutes: float = 0.0
    corrections: int = 0
    """冲正 applied to its records in the period."""
    entered_late: int = 0
    """Check-ins with a time entered late (补录)."""
    extended_late: int = 0
    """Late, then extended after the deadline (shown apart; still late)."""
    score: Fraction | None = None
    rank: int | None = None
    previous_score: Fraction | None = None
    previous_rank: int | None = None

    @property
    def arrived(self) -> int:
        return self.on_time + self.late

    @property
    def decided(self) -> int:
        return self.on_time + self.late + self.absent

    @property
    def on_time_rate(self) -> Ratio:
        """报到及时率: on time / summons whose deadline has passed or that arrived."""
        return Ratio(self.on_time, self.decided)

    @property
    def arrival_rate(self) -> Ratio:
        """到场率."""
        return Ratio(self.arrived, self.decided)

    @property
    def action_rate(self) -> Ratio:
        """干没干: actions recorded / arrivals."""
        return Ratio(self.acted, self.arrived)

    @property
    def mean_minutes(self) -> float | None:
        values = self.minutes_to_arrive
        return sum(values) / len(values) if values else None

    @property
    def median_minutes(self) -> float | None:
        return median_minutes(self.minutes_to_arrive)

    @property
    def mean_rating(self) -> Fraction | None:
        return Fraction(sum(self.ratings), len(self.ratings)) if self.ratings else None

    @property
    def change(self) -> Fraction | None:
        if self.score is None or self.previous_score is None:
            return None
        return self.score - self.previous_score


@dataclass(frozen=True)
class Scorecards:
    period: Period
    cards: list[Scorecard]
    """Ranked: best score first, then departments with nothing to assess."""
    weights: Weights


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
)
"""What the assessment reads of a check-in, its whistle, its case and its clock."""


def _summons_rows(conn: Connection, start: datetime, end: datetime, station: str | None) -> Iterator[Any]:
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
    )


def summonses(conn: Connection, period: Period, tz: ZoneInfo, station: str | None = None) -> list[Summons]:
    start, end = period.bounds(tz)
    return [_summons(r) for r in _summons_rows(conn, start, end, station)]


def _chunks(values: list[str]) -> Iterator[list[str]]:
    for at in range(0, len(values), CHUNK):
        yield values[at : at + CHUNK]


def clock_history(conn: Connection, case_ids: Iterable[str]) -> dict[str, tuple[int, float]]:
    """Per clock: (how many pauses, minutes added by extensions), read from the events of the
    cases (by the subject index), deadline by deadline."""
    pauses: Counter[str] = Counter()
    extended: defaultdict[str, float] = defaultdict(float)
    deadline: dict[str, datetime] = {}
    wanted = ("whistle.blown", "clock.paused", "clock.resumed", "clock.extended", "clock.recomputed")
    for chunk in _chunks(sorted(set(case_ids))):
        rows = conn.execute(
            select(EVENT.c.type, EVENT.c.payload)
            .where(EVENT.c.subject.in_(chunk), EVENT.c.type.in_(wanted))
            .order_by(EVENT.c.at, EVENT.c.station_id, EVENT.c.seq)
        )
        for kind, raw in rows:
            payload = json.loads(raw) if raw else {}
            if kind == "whistle.blown":
                for dept in payload.get("departments", []):
                    clock = dept.get("clock") or {}
                    if clock.get("id") and clock.get("deadline"):
                        deadline[clock["id"]] = from_iso(clock["deadline"])
                continue
            clock_id = payload.get("id")
            if not clock_id:
                continue
            if kind == "clock.recomputed":  # counted again by a new holiday table: no extension
                deadline[clock_id] = from_iso(payload["to"])
                continue
            if kind == "clock.paused":
                pauses[clock_id] += 1
            new = from_iso(payload["deadline"]) if payload.get("deadline") else None
            if new is None:
                continue
            if kind == "clock.extended" and clock_id in deadline:
                extended[clock_id] += (new - deadline[clock_id]).total_seconds() / 60
            deadline[clock_id] = new
    return {c: (pauses[c], extended[c]) for c in set(pauses) | set(extended)}


def _departments(conn: Connection) -> dict[str, tuple[str, str, bool]]:
    rows = conn.execute(
        select(DEPARTMENT.c.code, DEPARTMENT.c.name, DEPARTMENT.c.name_en, DEPARTMENT.c.active).order_by(
            DEPARTMENT.c.sort, DEPARTMENT.c.code
        )
    )
    return {r.code: (r.name, r.name_en, bool(r.active)) for r in rows}


def _cards(
    conn: Connection,
    period: Period,
    now: datetime,
    tz: ZoneInfo,
    weights: Weights,
    station: str | None,
    english: bool,
) -> dict[str, Scorecard]:
    departments = _departments(conn)
    found = summonses(conn, period, tz, station)
    history = clock_history(conn, (s.case_id for s in found if s.extensions or s.paused_minutes))
    cards: dict[str, Scorecard] = {}

    def card(code: str) -> Scorecard:
        if code not in cards:
            name, name_en, active = departments.get(code, (code, code, False))
            cards[code] = Scorecard(code, (name_en or name) if english else name, active)
        return cards[code]

    for s in found:
        c = card(s.department)
        c.summoned += 1
        outcome = s.outcome(now)
        setattr(c, outcome, getattr(c, outcome) + 1)
        if s.arrived_at is not None:
            c.minutes_to_arrive.append((s.arrived_at - s.blown_at).total_seconds() / 60)
            c.acted += s.acted
        if s.rating is not None:
            c.ratings.append(s.rating)
        paused, extended = history.get(s.clock_id, (0, 0.0))
        c.pauses += paused
        c.paused_minutes += s.paused_minutes
        c.extensions += s.extensions
        c.extended_minutes += extended
        c.entered_late += s.entered_late
        c.extended_late += s.extended_late
    start, end = period.bounds(tz)
    all_relapses = relapses(conn, start, end)
    owned = _of_station(conn, {r.case_id for r in all_relapses}, station)
    found_relapses = [r for r in all_relapses if r.case_id in owned]
    for code, count in rework_counts(found_relapses).items():
        card(code).rework += count
    for corrected, count in corrections_by_department(conn, start, end).items():
        if corrected is not None and (station is None or corrected in cards):
            card(corrected).corrections += count
    for c in cards.values():
        c.score = composite(
            came_part(c.on_time, c.late, c.absent, weights),
            c.action_rate.value,
            quality_part(c.ratings),
            c.rework,
            weights,
        )
    return cards


def _of_station(conn: Connection, case_ids: set[str], station: str | None) -> set[str]:
    """The cases of ``case_ids`` that ``station`` owns (all of them when no station is named)."""
    if station is None:
        return set(case_ids)
    owned: set[str] = set()
    for chunk in _chunks(sorted(case_ids)):
        owned.update(
            conn.execute(
                select(CASE.c.id).where(CASE.c.id.in_(chunk), CASE.c.station_id == station)
            ).scalars()
        )
    return owned


def scorecards(
    conn: Connection,
    period: Period,
    now: datetime,
    tz: ZoneInfo,
    weights: Weights | None = None,
    *,
    station: str | None = None,
    english: bool = False,
) -> Scorecards:
    """Every department summoned in the period (or charged rework in it), ranked by score, with
    the change against the previous period."""
    weights = weights or Weights()
    cards = _cards(conn, period, now, tz, weights, station, english)
    before = _cards(conn, period.previous(), now, tz, weights, station, english)
    ranks = ranked({code: c.score for code, c in cards.items()})
    previous_ranks = ranked({code: c.score for code, c in before.items()})
    for code, c in cards.items():
        c.rank = ranks.get(code)
        if code in before:
            c.previous_score = before[code].score
            c.previous_rank = previous_ranks.get(code)
    ordered = sorted(cards.values(), key=lambda c: (c.rank is None, c.rank or 0, c.department))
    return Scorecards(period, ordered, weights)


def behind_figure(
    conn: Connection,
    period: Period,
    now: datetime,
    tz: ZoneInfo,
    department: str,
    figure: str,
    *,
    station: str | None = None,
) -> list[Summons]:
    """The check-ins that make up one figure of one department's scorecard (rework: the
    check-ins of the relapsed cases that the department had handled)."""
    if figure == Figure.CORRECTED:
        start, end = period.bounds(tz)
        targets = corrected_checkins(conn, start, end, department)
        cases = {r.case_id for r in _checkin_cases(conn, targets)}
        return [s for s in _all_summons_of(conn, cases) if s.checkin_id in targets]
    if figure == Figure.REWORK:
        start, end = period.bounds(tz)
        cases = {r.case_id for r in relapses(conn, start, end) if department in r.departments}
        rows = [s for s in _all_summons_of(conn, cases) if s.department == department]
        owned = _of_station(conn, cases, station)
        return [s for s in rows if s.case_id in owned]
    return [
        s
        for s in summonses(conn, period, tz, station)
        if s.department == department and figure in s.figures(now)
    ]


def _checkin_cases(conn: Connection, checkin_ids: set[str]) -> list[Any]:
    found: list[Any] = []
    for chunk in _chunks(sorted(checkin_ids)):
        found += conn.execute(select(CHECKIN.c.case_id).where(CHECKIN.c.id.in_(chunk))).all()
    return found


def _all_summons_of(conn: Connection, case_ids: set[str]) -> list[Summons]:
    found: list[Summons] = []
    for chunk in _chunks(sorted(case_ids)):
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


# -- the station's rates ------------------------------------------------------------------------


@dataclass(frozen=True)
class StationRates:
    period: Period
    received: int
    whistled: int
    closure: Ratio
    """结案率: closed / due (cases whose handling deadline fell in the period and has passed)."""
    on_time_closure: Ratio
    """按期结案率: closed by the deadline / due — open overdue cases stay in the denominator."""
    rework: Ratio
    """返工率: relapses found in the period / cases disposed (reported done) in the period."""
    disposal: Ratio
    """处置完成率: whistled cases of the period whose disposal is reported done / whistled."""
    whistle: Ratio
    """吹哨率: whistled / received, of the cases received in the period."""
    on_time: Ratio
    """报到及时率 over every department."""
    arrival: Ratio
    """到场率."""
    mean_minutes_to_arrive: float | None
    withdrawn: int


def _handling_due(
    conn: Connection, start: datetime, end: datetime, now: datetime, station: str | None
) -> Any:
    """Cases whose handling deadline fell in [start, min(end, now)): (closed_at, deadline)."""
    until = min(end, now)
    query = (
        select(CASE.c.id, CASE.c.closed_at, CASE.c.feedback_at, CLOCK.c.deadline)
        .select_from(CLOCK)
        .join(CASE, CASE.c.id == CLOCK.c.case_id)
        .where(CLOCK.c.kind == ClockKind.HANDLING.value, CLOCK.c.deadline >= start, CLOCK.c.deadline < until)
    )
    if station is not None:
        query = query.where(CASE.c.station_id == station)
    return conn.execute(query).all()


def station_rates(
    conn: Connection, period: Period, now: datetime, tz: ZoneInfo, *, station: str | None = None
) -> StationRates:
    start, end = period.bounds(tz)
    in_period = and_(CASE.c.received_at >= start, CASE.c.received_at < end)
    if station is not None:
        in_period = and_(in_period, CASE.c.station_id == station)
    received = int(conn.execute(select(func.count()).select_from(CASE).where(in_period)).scalar() or 0)
    whistled_ids = set(
        conn.execute(
            select(WHISTLE.c.case_id).join(CASE, CASE.c.id == WHISTLE.c.case_id).where(in_period)
        ).scalars()
    )
    due = _handling_due(conn, start, end, now, station)
    closed = [r for r in due if r.closed_at is not None and r.closed_at <= now]
    closed_on_time = [r for r in closed if r.closed_at <= r.deadline]
    disposed_query = (
        select(func.count()).select_from(CASE).where(CASE.c.feedback_at >= start, CASE.c.feedback_at < end)
    )
    if station is not None:
        disposed_query = disposed_query.where(CASE.c.station_id == station)
    disposed = int(conn.execute(disposed_query).scalar() or 0)
    found_relapses = _of_station(conn, {r.case_id for r in relapses(conn, start, end)}, station)
    # 处置完成率: of the cases whistled in the period, those whose disposal was reported done
    blown = select(WHISTLE.c.case_id).where(WHISTLE.c.blown_at >= start, WHISTLE.c.blown_at < end)
    blown_cases = set(conn.execute(blown).scalars())
    if station is not None:
        blown_cases = _of_station(conn, blown_cases, station)
    done = _done(conn, blown_cases)
    found = summonses(conn, period, tz, station)
    outcomes = Counter(s.outcome(now) for s in found)
    decided = outcomes[Figure.ON_TIME] + outcomes[Figure.LATE] + outcomes[Figure.ABSENT]
    waits = [(s.arrived_at - s.blown_at).total_seconds() / 60 for s in found if s.arrived_at is not None]
    return StationRates(
        period=period,
        received=received,
        whistled=len(whistled_ids),
        closure=Ratio(len(closed), len(due)),
        on_time_closure=Ratio(len(closed_on_time), len(due)),
        rework=Ratio(len(found_relapses), disposed),
        disposal=Ratio(done, len(blown_cases)),
        whistle=Ratio(len(whistled_ids), received),
        on_time=Ratio(outcomes[Figure.ON_TIME], decided),
        arrival=Ratio(outcomes[Figure.ON_TIME] + outcomes[Figure.LATE], decided),
        mean_minutes_to_arrive=sum(waits) / len(waits) if waits else None,
        withdrawn=outcomes[Figure.WITHDRAWN],
    )


DONE = (CaseStatus.FEEDBACK.value, CaseStatus.CLOSED.value, CaseStatus.VERIFIED.value)


def _done(conn: Connection, case_ids: set[str]) -> int:
    count = 0
    for chunk in _chunks(sorted(case_ids)):
        count += int(
            conn.execute(
                select(func.count())
                .select_from(CASE)
                .where(CASE.c.id.in_(chunk), CASE.c.feedback_at.is_not(None))
            ).scalar()
            or 0
        )
    return count


# -- trends -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Trend:
    """The last ``count`` periods up to the chosen one, oldest first."""

    periods: list[Period]
    rates: list[StationRates]
    scores: dict[str, list[Fraction | None]]
    """Per department code, its score in each period (None where it had nothing to assess)."""


def trend(
    conn: Connection,
    period: Period,
    now: datetime,
    tz: ZoneInfo,
    weights: Weights | None = None,
    *,
    count: int = 12,
    station: str | None = None,
) -> Trend:
    weights = weights or Weights()
    periods = period.trail(count)
    rates = [station_rates(conn, p, now, tz, station=station) for p in periods]
    scores: dict[str, list[Fraction | None]] = {}
    for at, p in enumerate(periods):
        for code, card in _cards(conn, p, now, tz, weights, station, False).items():
            scores.setdefault(code, [None] * len(periods))[at] = card.score
    return Trend(periods, rates, scores)
