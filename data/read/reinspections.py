"""Read models of the 回头看 schedule, the random draws and rework (返工).

Every function takes a blocking ``Connection`` (console workers use ``Database.run_read``).
"""

from __future__ import annotations

import json
from collections import Counter
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy import Connection, or_, select
from sqlalchemy.orm import aliased

from data.catalogue import CATEGORY_BY_CODE
from data.store.rows import local_operator
from data.store.tables import CASE, CHECKIN, EVENT, OPERATOR, REINSPECTION
from models.enums import CaseStatus, CheckInStatus, ReinspectionKind, ReinspectionResult
from models.errors import NotFound
from models.i18n import language, t
from models.reinspection import BUCKET_ORDER, ReinspectionBucket, Relapse, bucket, rework_counts

DONE_SHOWN_DAYS = 30
# A department that came and worked on a case shares in its rework; one that never came does not.
HANDLED = (CheckInStatus.ARRIVED.value, CheckInStatus.ACTED.value, CheckInStatus.RELEASED.value)


def category_name(code: str) -> str:
    spec = CATEGORY_BY_CODE.get(code)
    if spec is None:
        return code
    return spec.name_en if language() == "en" else spec.name


@dataclass(frozen=True)
class ReinspectionRow:
    id: str
    case_id: str
    case_number: str
    case_status: CaseStatus
    category: str
    category_name: str
    community: str
    address: str
    kind: ReinspectionKind
    due_on: date
    scheduled_at: datetime
    draw_seed: int | None
    inspector: str | None
    result: ReinspectionResult | None
    notes: str
    recorded_at: datetime | None
    relapse_case_id: str | None
    relapse_case_number: str | None
    bucket: ReinspectionBucket

    def days_late(self, today: date) -> int:
        return (today - self.due_on).days if self.bucket is ReinspectionBucket.OVERDUE else 0


def _query() -> Any:
    linked = aliased(CASE)
    return select(
        REINSPECTION,
        CASE.c.number,
        CASE.c.status.label("case_status"),
        CASE.c.category,
        CASE.c.community,
        CASE.c.address,
        linked.c.number.label("relapse_number"),
    ).select_from(
        REINSPECTION.join(CASE, CASE.c.id == REINSPECTION.c.case_id).outerjoin(
            linked, linked.c.id == REINSPECTION.c.relapse_case_id
        )
    )


def _row(r: Any, today: date) -> ReinspectionRow:
    return ReinspectionRow(
        id=r.id,
        case_id=r.case_id,
        case_number=r.number,
        case_status=CaseStatus(r.case_status),
        category=r.category,
        category_name=category_name(r.category),
        community=r.community,
        address=r.address,
        kind=ReinspectionKind(r.kind),
        due_on=r.due_on,
        scheduled_at=r.scheduled_at,
        draw_seed=r.draw_seed,
        inspector=r.inspector,
        result=ReinspectionResult(r.result) if r.result else None,
        notes=r.notes,
        recorded_at=r.recorded_at,
        relapse_case_id=r.relapse_case_id,
        relapse_case_number=r.relapse_number,
        bucket=bucket(r.due_on, today, done=r.result is not None),
    )


def sort_key(row: ReinspectionRow) -> tuple[Any, ...]:
    """Overdue first (the longest overdue on top), then by due day, community and category;
    done last, the latest result first."""
    recorded = -(row.recorded_at.timestamp()) if row.recorded_at else 0.0
    return (
        BUCKET_ORDER.index(row.bucket),
        recorded,
        row.due_on,
        row.community,
        row.category,
        row.case_number,
    )


def schedule(
    conn: Connection, today: date, now: datetime, done_days: int = DONE_SHOWN_DAYS
) -> list[ReinspectionRow]:
    """Everything still to re-inspect, and what was recorded in the last ``done_days`` days."""
    since = now - timedelta(days=done_days)
    query = _query().where(or_(REINSPECTION.c.result.is_(None), REINSPECTION.c.recorded_at >= since))
    return sorted((_row(r, today) for r in conn.execute(query)), key=sort_key)


def reinspection(conn: Connection, reinspection_id: str, today: date) -> ReinspectionRow:
    row = conn.execute(_query().where(REINSPECTION.c.id == reinspection_id)).first()
    if row is None:
        raise NotFound("error.not_found", what=t("thing.reinspection"), ident=reinspection_id)
    return _row(row, today)


def for_case(conn: Connection, case_id: str, today: date) -> list[ReinspectionRow]:
    """The case's re-inspections, and the one that reopened it when it is a relapse case."""
    query = _query().where((REINSPECTION.c.case_id == case_id) | (REINSPECTION.c.relapse_case_id == case_id))
    return sorted((_row(r, today) for r in conn.execute(query)), key=lambda r: r.scheduled_at)


def operator_role(conn: Connection, name: str | None) -> str | None:
    if not name:
        return None
    role: str | None = conn.execute(select(OPERATOR.c.role).where(local_operator(name))).scalar()
    return role


def case_numbers(conn: Connection, case_ids: list[str]) -> dict[str, str]:
    rows = conn.execute(select(CASE.c.id, CASE.c.number).where(CASE.c.id.in_(case_ids)))
    return {r.id: r.number for r in rows}


@dataclass(frozen=True)
class Draw:
    """One 不定期 draw, as its event recorded it."""

    event_id: str
    at: datetime
    operator: str
    seed: int
    rate: float
    population: tuple[str, ...]
    drawn: tuple[str, ...]


def draws(conn: Connection) -> list[Draw]:
    rows = conn.execute(
        select(EVENT.c.id, EVENT.c.at, EVENT.c.operator, EVENT.c.payload)
        .where(EVENT.c.type == "reinspection.drawn")
        .order_by(EVENT.c.at.desc(), EVENT.c.seq.desc())
    )
    out = []
    for r in rows:
        p = json.loads(r.payload)
        out.append(
            Draw(
                event_id=r.id,
                at=r.at,
                operator=r.operator,
                seed=int(p["seed"]),
                rate=float(p["rate"]),
                population=tuple(p.get("population_ids", ())),
                drawn=tuple(i["case_id"] for i in p["items"]),
            )
        )
    return out


def relapses(conn: Connection, since: datetime | None = None, until: datetime | None = None) -> list[Relapse]:
    """Cases found relapsed at re-inspection in [since, until), with who had handled them."""
    query = select(REINSPECTION.c.case_id).where(REINSPECTION.c.result == ReinspectionResult.RELAPSE.value)
    if since is not None:
        query = query.where(REINSPECTION.c.recorded_at >= since)
    if until is not None:
        query = query.where(REINSPECTION.c.recorded_at < until)
    case_ids = sorted(set(conn.execute(query).scalars()))
    handled: dict[str, set[str]] = {c: set() for c in case_ids}
    for chunk in range(0, len(case_ids), 500):
        rows = conn.execute(
            select(CHECKIN.c.case_id, CHECKIN.c.department_code).where(
                CHECKIN.c.case_id.in_(case_ids[chunk : chunk + 500]) & CHECKIN.c.status.in_(HANDLED)
            )
        )
        for case_id, code in rows:
            handled[case_id].add(code)
    return [Relapse(c, frozenset(handled[c])) for c in case_ids]


def rework_by_department(
    conn: Connection, since: datetime | None = None, until: datetime | None = None
) -> Counter[str]:
    """返工 per department code: relapsed cases it had handled, each counted once."""
    return rework_counts(relapses(conn, since, until))
