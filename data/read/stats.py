"""The figures view 5 shows today: counts the event-sourced tables already hold."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import Connection, and_, distinct, func, select

from data.read.cases import entered_late
from data.store.tables import CASE, CHECKIN, CLOCK, WHISTLE
from models.enums import OPEN_STATUSES, CheckInStatus


@dataclass(frozen=True)
class PeriodStats:
    key: str
    """'today', 'week' or 'days30'."""
    start: datetime
    received: int
    whistled: int
    summoned: int
    arrived: int
    on_time: int
    closed: int
    mean_minutes_to_arrive: float | None
    withdrawn: int = 0
    """Summons withdrawn within their deadline (撤回召集): neither came nor absent."""
    entered_late: int = 0
    """Check-ins with a time entered late (补录)."""
    extended_late: int = 0
    """Check-ins whose clock was extended after its deadline: late, extended after the deadline."""

    @property
    def whistle_rate(self) -> float | None:
        return self.whistled / self.received if self.received else None

    @property
    def on_time_rate(self) -> float | None:
        return self.on_time / self.summoned if self.summoned else None

    @property
    def arrival_rate(self) -> float | None:
        return self.arrived / self.summoned if self.summoned else None


@dataclass(frozen=True)
class DeskStats:
    periods: list[PeriodStats]
    open_by_status: dict[str, int]


def period_starts(now: datetime, tz: ZoneInfo) -> dict[str, datetime]:
    today: date = now.astimezone(tz).date()
    midnight = datetime.combine(today, time(0), tzinfo=tz)
    return {
        "today": midnight,
        "week": midnight - timedelta(days=today.weekday()),
        "days30": midnight - timedelta(days=29),
    }


def _period(conn: Connection, key: str, start: datetime, now: datetime) -> PeriodStats:
    received = conn.execute(
        select(func.count()).select_from(CASE).where(CASE.c.received_at >= start, CASE.c.received_at <= now)
    ).scalar()
    # 吹哨率: of the cases received in the period, those that were whistled (at any time)
    whistled = conn.execute(
        select(func.count(distinct(CASE.c.id)))
        .select_from(CASE)
        .join(WHISTLE, WHISTLE.c.case_id == CASE.c.id)
        .where(CASE.c.received_at >= start, CASE.c.received_at <= now)
    ).scalar()
    in_period = and_(WHISTLE.c.blown_at >= start, WHISTLE.c.blown_at <= now)
    summons = (
        select(
            CHECKIN.c.late_minutes,
            CHECKIN.c.arrived_at,
            CHECKIN.c.status,
            WHISTLE.c.blown_at,
            CLOCK.c.late_since,
            *(CHECKIN.c[name] for name in ("arrived_entered_at", "acted_entered_at", "released_entered_at")),
        )
        .join(WHISTLE, WHISTLE.c.id == CHECKIN.c.whistle_id)
        .join(CLOCK, CLOCK.c.id == CHECKIN.c.clock_id)
    )
    every = conn.execute(summons.where(in_period)).all()
    # withdrawn within the deadline: not needed after all, counted apart
    rows = [r for r in every if r.status != CheckInStatus.WITHDRAWN.value]
    arrived = [r for r in rows if r.arrived_at is not None]
    # lateness as recorded at arrival: an approved wait (挂账) moved the deadline
    on_time = sum(1 for r in arrived if not r.late_minutes)
    waits = [(r.arrived_at - r.blown_at).total_seconds() / 60 for r in arrived]
    closed = conn.execute(
        select(func.count()).select_from(CASE).where(CASE.c.closed_at >= start, CASE.c.closed_at <= now)
    ).scalar()
    return PeriodStats(
        key=key,
        start=start,
        received=int(received or 0),
        whistled=int(whistled or 0),
        summoned=len(rows),
        arrived=len(arrived),
        on_time=on_time,
        closed=int(closed or 0),
        mean_minutes_to_arrive=sum(waits) / len(waits) if waits else None,
        withdrawn=len(every) - len(rows),
        entered_late=sum(1 for r in every if entered_late(r)),
        extended_late=sum(1 for r in every if r.late_since is not None),
    )


def desk_stats(conn: Connection, now: datetime, tz: ZoneInfo) -> DeskStats:
    periods = [_period(conn, key, start, now) for key, start in period_starts(now, tz).items()]
    by_status: dict[str, int] = dict(
        conn.execute(
            select(CASE.c.status, func.count())
            .where(CASE.c.status.in_([s.value for s in OPEN_STATUSES]))
            .group_by(CASE.c.status)
        ).all()
    )
    return DeskStats(periods, {str(k): int(v) for k, v in by_status.items()})
