"""周报/月报: what a weekly or monthly report to the district holds, beyond the scorecards —
where whistles come from, what relapses, what is overdue now, the meetings held and their
decisions, and the 回头看 results of the period."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import date, datetime
from zoneinfo import ZoneInfo

from sqlalchemy import Connection, and_, exists, func, select

from data.read.meetings import department_names
from data.read.reinspections import relapses
from data.read.totals import place_totals, place_totals_usable
from data.store.tables import AGENDA, CASE, CLOCK, MEETING, REINSPECTION, WHISTLE
from models.enums import OPEN_STATUSES, ClockKind
from models.periods import Period

TOP = 10
OVERDUE_MOST = 50


@dataclass(frozen=True)
class AreaRow:
    key: str
    """Community name or category code."""
    received: int
    whistled: int
    relapses: int


@dataclass(frozen=True)
class OverdueCase:
    case_id: str
    number: str
    category: str
    community: str
    deadline: datetime
    minutes_over: float


@dataclass(frozen=True)
class RelapseRow:
    case_id: str
    number: str
    category: str
    community: str
    departments: tuple[str, ...]


@dataclass(frozen=True)
class DecisionRow:
    meeting_at: datetime
    meeting_title: str
    subject: str
    decision: str
    lead: str | None
    due_on: date | None
    followup: str | None


@dataclass(frozen=True)
class PeriodicFacts:
    communities: list[AreaRow]
    categories: list[AreaRow]
    overdue: list[OverdueCase]
    overdue_total: int
    relapses: list[RelapseRow]
    meetings_held: int
    decisions: list[DecisionRow]
    reinspection_results: dict[str, int]


def _areas(
    conn: Connection, column: str, start: datetime, end: datetime, relapsed: set[str]
) -> list[AreaRow]:
    col = CASE.c[column]
    in_period = and_(CASE.c.received_at >= start, CASE.c.received_at < end)
    whistled = exists().where(WHISTLE.c.case_id == CASE.c.id)
    counts = {k: int(n) for k, n in conn.execute(select(col, func.count()).where(in_period).group_by(col))}
    whistle_counts: dict[str, int] = dict(
        conn.execute(select(col, func.count()).where(in_period & whistled).group_by(col)).all()
    )
    relapse_counts: Counter[str] = Counter()
    for chunk_start in range(0, len(relapsed), 500):
        chunk = sorted(relapsed)[chunk_start : chunk_start + 500]
        relapse_counts.update(
            dict(conn.execute(select(col, func.count()).where(CASE.c.id.in_(chunk)).group_by(col)).all())
        )
    keys = set(counts) | set(relapse_counts)
    found = [
        AreaRow(str(k), counts.get(k, 0), int(whistle_counts.get(k, 0)), relapse_counts.get(k, 0))
        for k in keys
    ]
    found.sort(key=lambda r: (-r.received, -r.relapses, r.key))
    return found[:TOP]


def _areas_from_totals(conn: Connection, column: str, period: Period, now: datetime) -> list[AreaRow]:
    """As ``_areas``, from the running totals by community and by category."""
    found = [
        AreaRow(key, c.get("received", 0), c.get("received_whistled", 0), c.get("relapsed", 0))
        for key, c in place_totals(conn, column, period, now, None, awaited=False).items()
        if c.get("received") or c.get("relapsed")
    ]
    found.sort(key=lambda r: (-r.received, -r.relapses, r.key))
    return found[:TOP]


def periodic_facts(conn: Connection, period: Period, now: datetime, tz: ZoneInfo) -> PeriodicFacts:
    start, end = period.bounds(tz)
    found_relapses = relapses(conn, start, end)
    relapsed = {r.case_id for r in found_relapses}
    open_overdue = and_(
        CLOCK.c.kind == ClockKind.HANDLING.value,
        CLOCK.c.stopped_at.is_(None),
        CLOCK.c.deadline < now,
        CASE.c.status.in_([s.value for s in OPEN_STATUSES]),
    )
    overdue_query = (
        select(CASE.c.id, CASE.c.number, CASE.c.category, CASE.c.community, CLOCK.c.deadline)
        .select_from(CLOCK)
        .join(CASE, CASE.c.id == CLOCK.c.case_id)
        .where(open_overdue)
    )
    overdue_total = int(
        conn.execute(
            select(func.count())
            .select_from(CLOCK)
            .join(CASE, CASE.c.id == CLOCK.c.case_id)
            .where(open_overdue)
        ).scalar()
        or 0
    )
    overdue = [
        OverdueCase(
            r.id, r.number, r.category, r.community, r.deadline, (now - r.deadline).total_seconds() / 60
        )
        for r in conn.execute(overdue_query.order_by(CLOCK.c.deadline, CLOCK.c.id).limit(OVERDUE_MOST))
    ]
    names = department_names(conn)
    relapse_rows = []
    if relapsed:
        info = {
            r.id: r
            for chunk_start in range(0, len(relapsed), 500)
            for r in conn.execute(
                select(CASE.c.id, CASE.c.number, CASE.c.category, CASE.c.community).where(
                    CASE.c.id.in_(sorted(relapsed)[chunk_start : chunk_start + 500])
                )
            )
        }
        for rel in found_relapses:
            row = info[rel.case_id]
            relapse_rows.append(
                RelapseRow(
                    rel.case_id,
                    row.number,
                    row.category,
                    row.community,
                    tuple(sorted(names.get(code, code) for code in rel.departments)),
                )
            )
    held = and_(MEETING.c.ended_at >= start, MEETING.c.ended_at < end)
    meetings_held = int(conn.execute(select(func.count()).select_from(MEETING).where(held)).scalar() or 0)
    decisions = [
        DecisionRow(
            r.started_at or r.scheduled_at,
            r.title,
            r.number or r.topic,
            r.decision,
            names.get(r.lead_department, r.lead_department) if r.lead_department else None,
            r.decision_due,
            r.followup,
        )
        for r in conn.execute(
            select(
                MEETING.c.started_at,
                MEETING.c.scheduled_at,
                MEETING.c.title,
                CASE.c.number,
                AGENDA.c.topic,
                AGENDA.c.decision,
                AGENDA.c.lead_department,
                AGENDA.c.decision_due,
                AGENDA.c.followup,
            )
            .select_from(AGENDA)
            .join(MEETING, MEETING.c.id == AGENDA.c.meeting_id)
            .outerjoin(CASE, CASE.c.id == AGENDA.c.case_id)
            .where(held, AGENDA.c.decision.is_not(None), AGENDA.c.removed.is_(False))
            .order_by(MEETING.c.ended_at, AGENDA.c.position, AGENDA.c.id)
        )
    ]
    results: dict[str, int] = dict(
        conn.execute(
            select(REINSPECTION.c.result, func.count())
            .where(REINSPECTION.c.recorded_at >= start, REINSPECTION.c.recorded_at < end)
            .group_by(REINSPECTION.c.result)
        ).all()
    )
    if place_totals_usable(conn, tz):
        communities = _areas_from_totals(conn, "community", period, now)
        categories = _areas_from_totals(conn, "category", period, now)
    else:
        communities = _areas(conn, "community", start, end, relapsed)
        categories = _areas(conn, "category", start, end, relapsed)
    return PeriodicFacts(
        communities=communities,
        categories=categories,
        overdue=overdue,
        overdue_total=overdue_total,
        relapses=relapse_rows,
        meetings_held=meetings_held,
        decisions=decisions,
        reinspection_results={str(k): int(v) for k, v in results.items()},
    )
