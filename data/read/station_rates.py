"""The station's rates for a period (SPEC §2), each kept as numerator/denominator."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import Connection, and_, func, select

from data.read.reinspections import relapses
from data.read.summons import Figure, Summons, chunks, of_station, summonses
from data.read.totals import department_totals, station_totals, totals_usable
from data.store.tables import CASE, CLOCK, WHISTLE
from models.assessment import Ratio, mean_minutes
from models.enums import CaseStatus, ClockKind
from models.periods import Period


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
    conn: Connection,
    period: Period,
    now: datetime,
    tz: ZoneInfo,
    *,
    station: str | None = None,
    found: list[Summons] | None = None,
) -> StationRates:
    """The period's rates: from the running totals when they count days of ``tz``; else from
    the rows (``found``: the period's summons when read already)."""
    if found is None and totals_usable(conn, tz):
        return rates_from_totals(conn, period, now, station)
    return raw_station_rates(conn, period, now, tz, station=station, found=found)


def rates_from_totals(
    conn: Connection,
    period: Period,
    now: datetime,
    station: str | None,
    departments: dict[str, dict[str, int]] | None = None,
) -> StationRates:
    """The period's rates read from the running totals (``departments``: the period's
    department totals when read already)."""
    counts = station_totals(conn, period, now, station)
    departments = department_totals(conn, period, now, station) if departments is None else departments
    summed: Counter[str] = Counter()
    for figures in departments.values():
        summed.update(figures)
    decided = summed["on_time"] + summed["late"] + summed["absent"]
    arrived = summed["on_time"] + summed["late"]
    return StationRates(
        period=period,
        received=counts["received"],
        whistled=counts["whistled"],
        closure=Ratio(counts["closed"], counts["due"]),
        on_time_closure=Ratio(counts["closed_on_time"], counts["due"]),
        rework=Ratio(counts["relapsed"], counts["disposed"]),
        disposal=Ratio(counts["done"], counts["blown"]),
        whistle=Ratio(counts["whistled"], counts["received"]),
        on_time=Ratio(summed["on_time"], decided),
        arrival=Ratio(arrived, decided),
        mean_minutes_to_arrive=mean_minutes(summed["arrived_us"], arrived),
        withdrawn=summed["withdrawn"],
    )


def raw_station_rates(
    conn: Connection,
    period: Period,
    now: datetime,
    tz: ZoneInfo,
    *,
    station: str | None = None,
    found: list[Summons] | None = None,
) -> StationRates:
    """The period's rates counted from the rows (the reference the totals are tested against)."""
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
    found_relapses = of_station(conn, {r.case_id for r in relapses(conn, start, end)}, station)
    # 处置完成率: of the cases whistled in the period, those whose disposal was reported done
    blown = select(WHISTLE.c.case_id).where(WHISTLE.c.blown_at >= start, WHISTLE.c.blown_at < end)
    blown_cases = set(conn.execute(blown).scalars())
    if station is not None:
        blown_cases = of_station(conn, blown_cases, station)
    done = _done(conn, blown_cases)
    found = summonses(conn, period, tz, station) if found is None else found
    outcomes = Counter(s.outcome(now) for s in found)
    decided = outcomes[Figure.ON_TIME] + outcomes[Figure.LATE] + outcomes[Figure.ABSENT]
    waits = [
        (s.arrived_at - s.blown_at) // timedelta(microseconds=1)
        for s in found
        if s.arrived_at is not None and s.came  # after its 缺席 mark: absent, no wait
    ]
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
        mean_minutes_to_arrive=mean_minutes(sum(waits), len(waits)),
        withdrawn=outcomes[Figure.WITHDRAWN],
    )


DONE = (CaseStatus.FEEDBACK.value, CaseStatus.CLOSED.value, CaseStatus.VERIFIED.value)


def _done(conn: Connection, case_ids: set[str]) -> int:
    count = 0
    for chunk in chunks(sorted(case_ids)):
        count += int(
            conn.execute(
                select(func.count())
                .select_from(CASE)
                .where(CASE.c.id.in_(chunk), CASE.c.feedback_at.is_not(None))
            ).scalar()
            or 0
        )
    return count
