"""一次一考核 as read models: each department's scorecard for a period, and the records behind
every figure of it. What a summons counts as is in data/read/summons.py; the station's rates in
data/read/station_rates.py; the trend over periods in data/read/trends.py."""

from __future__ import annotations

import json
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from fractions import Fraction
from zoneinfo import ZoneInfo

from sqlalchemy import Connection, select

from data.read.corrections import corrected_checkins, corrections_by_department
from data.read.reinspections import relapses
from data.read.summons import (
    Figure,
    Summons,
    all_summons_of,
    checkin_cases,
    chunks,
    of_station,
    summons_by_ids,
    summonses,
)
from data.read.totals import (
    COUNTED,
    checkins_behind,
    corrections_totals,
    department_totals,
    median_totals,
    totals_usable,
)
from data.store.tables import DEPARTMENT, EVENT
from models.assessment import (
    US_PER_MINUTE,
    Ratio,
    Weights,
    came_part,
    composite,
    mean_minutes,
    median_of_us,
    quality_part,
    ranked,
)
from models.ids import from_iso
from models.periods import Period
from models.reinspection import rework_counts

__all__ = ["Figure", "Scorecard", "Scorecards", "Summons", "behind_figure", "scorecards", "summonses"]


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
    arrived_us: int = 0
    """The times to report in of the arrivals, summed in microseconds."""
    median_minutes: float | None = None
    acted: int = 0
    rating_sum: int = 0
    rating_count: int = 0
    rework: int = 0
    pauses: int = 0
    paused_us: int = 0
    extensions: int = 0
    extended_us: int = 0
    corrections: int = 0
    """冲正 applied to its records in the period."""
    entered_late: int = 0
    """Check-ins with a time entered late (补录)."""
    extended_late: int = 0
    """Late, then extended after the deadline (shown apart; still late)."""
    after_absence: int = 0
    """Came after being marked 缺席 (shown apart; counted absent)."""
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
        return mean_minutes(self.arrived_us, self.arrived)

    @property
    def paused_minutes(self) -> float:
        return self.paused_us / US_PER_MINUTE

    @property
    def extended_minutes(self) -> float:
        return self.extended_us / US_PER_MINUTE

    @property
    def mean_rating(self) -> Fraction | None:
        return Fraction(self.rating_sum, self.rating_count) if self.rating_count else None

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


def clock_history(conn: Connection, case_ids: Iterable[str]) -> dict[str, tuple[int, int]]:
    """Per clock: (how many pauses, microseconds added by extensions), read from the events of
    the cases (by the subject index), deadline by deadline: each extension adds the new deadline
    less the one it replaced (set by the whistle, a resume, an unpark, a recount or an earlier
    extension)."""
    pauses: Counter[str] = Counter()
    extended: defaultdict[str, int] = defaultdict(int)
    deadline: dict[str, datetime] = {}
    wanted = (
        "whistle.blown",
        "clock.paused",
        "clock.resumed",
        "clock.extended",
        "clock.recomputed",
        "case.unpark",
    )
    for chunk in chunks(sorted(set(case_ids))):
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
            if kind == "case.unpark":  # the clocks of a parked case run again to new deadlines
                for clock in payload.get("clocks", []):
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
                extended[clock_id] += (new - deadline[clock_id]) // timedelta(microseconds=1)
            deadline[clock_id] = new
    return {c: (pauses[c], extended[c]) for c in set(pauses) | set(extended)}


def _departments(conn: Connection) -> dict[str, tuple[str, str, bool]]:
    rows = conn.execute(
        select(DEPARTMENT.c.code, DEPARTMENT.c.name, DEPARTMENT.c.name_en, DEPARTMENT.c.active).order_by(
            DEPARTMENT.c.sort, DEPARTMENT.c.code
        )
    )
    return {r.code: (r.name, r.name_en, bool(r.active)) for r in rows}


def cards_of(
    conn: Connection,
    period: Period,
    now: datetime,
    tz: ZoneInfo,
    weights: Weights,
    station: str | None,
    english: bool,
    found: list[Summons] | None = None,
    *,
    medians: bool = True,
) -> dict[str, Scorecard]:
    """Each department's card for the period: from the running totals when they count days of
    ``tz`` (``found`` is then not needed), else from the rows (``raw_cards_of``)."""
    if found is None and totals_usable(conn, tz):
        return cards_from_totals(conn, period, now, weights, station, english, medians=medians)
    return raw_cards_of(conn, period, now, tz, weights, station, english, found)


def _card_maker(conn: Connection, english: bool) -> tuple[dict[str, Scorecard], Callable[[str], Scorecard]]:
    departments = _departments(conn)
    cards: dict[str, Scorecard] = {}

    def card(code: str) -> Scorecard:
        if code not in cards:
            name, name_en, active = departments.get(code, (code, code, False))
            cards[code] = Scorecard(code, (name_en or name) if english else name, active)
        return cards[code]

    return cards, card


def _score(cards: dict[str, Scorecard], weights: Weights) -> dict[str, Scorecard]:
    for c in cards.values():
        c.score = composite(
            came_part(c.on_time, c.late, c.absent, weights),
            c.action_rate.value,
            quality_part(c.rating_sum, c.rating_count),
            c.rework,
            weights,
        )
    return cards


def cards_from_totals(
    conn: Connection,
    period: Period,
    now: datetime,
    weights: Weights,
    station: str | None,
    english: bool,
    *,
    medians: bool = True,
    counted: dict[str, dict[str, int]] | None = None,
) -> dict[str, Scorecard]:
    """Each department's card read from the running totals (data/read/totals.py); ``counted``:
    the period's department totals when read already."""
    cards, card = _card_maker(conn, english)
    counted = department_totals(conn, period, now, station) if counted is None else counted
    for code, counts in counted.items():
        if counts.get("summoned") or counts.get("rework"):
            c = card(code)
            for name in COUNTED:
                setattr(c, name, counts.get(name, 0))
    for code, count in corrections_totals(conn, period).items():
        if count and (station is None or code in cards):
            card(code).corrections += count
    if medians:
        for code, value in median_totals(
            conn, period, station, {k: c.arrived for k, c in cards.items()}
        ).items():
            cards[code].median_minutes = value
    return _score(cards, weights)


def raw_cards_of(
    conn: Connection,
    period: Period,
    now: datetime,
    tz: ZoneInfo,
    weights: Weights,
    station: str | None,
    english: bool,
    found: list[Summons] | None = None,
) -> dict[str, Scorecard]:
    """Each department's card counted from the rows and events (the reference the running
    totals are tested against); ``found``: its summons when read already."""
    found = summonses(conn, period, tz, station) if found is None else found
    history = clock_history(conn, (s.case_id for s in found))
    cards, card = _card_maker(conn, english)
    waits: defaultdict[str, list[int]] = defaultdict(list)
    for s in found:
        c = card(s.department)
        c.summoned += 1
        outcome = s.outcome(now)
        setattr(c, outcome, getattr(c, outcome) + 1)
        if s.arrived_at is not None and s.came:  # after its 缺席 mark: absent, no arrival, no wait
            wait = (s.arrived_at - s.blown_at) // timedelta(microseconds=1)
            c.arrived_us += wait
            waits[s.department].append(wait)
            c.acted += s.acted
        c.after_absence += s.after_absence
        if s.rating is not None:
            c.rating_sum += s.rating
            c.rating_count += 1
        paused, extended = history.get(s.clock_id, (0, 0))
        c.pauses += paused
        c.paused_us += round(s.paused_minutes * US_PER_MINUTE)
        c.extensions += s.extensions
        c.extended_us += extended
        c.entered_late += s.entered_late
        c.extended_late += s.extended_late
    for code, values in waits.items():
        cards[code].median_minutes = median_of_us(values)
    start, end = period.bounds(tz)
    all_relapses = relapses(conn, start, end)
    owned = of_station(conn, {r.case_id for r in all_relapses}, station)
    found_relapses = [r for r in all_relapses if r.case_id in owned]
    for code, count in rework_counts(found_relapses).items():
        card(code).rework += count
    for corrected, count in corrections_by_department(conn, start, end).items():
        if corrected is not None and (station is None or corrected in cards):
            card(corrected).corrections += count
    return _score(cards, weights)


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
    cards = cards_of(conn, period, now, tz, weights, station, english)
    before = cards_of(conn, period.previous(), now, tz, weights, station, english, medians=False)
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
        cases = {r.case_id for r in checkin_cases(conn, targets)}
        return [s for s in all_summons_of(conn, cases) if s.checkin_id in targets]
    if figure == Figure.REWORK:
        start, end = period.bounds(tz)
        cases = {r.case_id for r in relapses(conn, start, end) if department in r.departments}
        rows = [s for s in all_summons_of(conn, cases) if s.department == department]
        owned = of_station(conn, cases, station)
        return [s for s in rows if s.case_id in owned]
    if totals_usable(conn, tz):
        mine = summons_by_ids(conn, checkins_behind(conn, period, department, figure, station))
    else:
        mine = summonses(conn, period, tz, station, department=department)
    return [s for s in mine if figure in s.figures(now)]
