"""Read models for the desk: the change poller's snapshot and the announced-overdue file."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from sqlalchemy import ColumnElement, Connection, and_, func, select, text

from data.handlers.common import CASE, CHECKIN, CLOCK, DEPARTMENT, OPERATOR
from models.enums import ClockKind


@dataclass(frozen=True)
class OverdueCheckIn:
    checkin_id: str
    case_id: str
    number: str
    department: str


@dataclass
class PollResult:
    last_event: int
    overdue: int
    newly_overdue: list[OverdueCheckIn] = field(default_factory=list)


def case_count(conn: Connection) -> int:
    return int(conn.execute(select(func.count()).select_from(CASE)).scalar() or 0)


def operator_names(conn: Connection) -> list[str]:
    rows = conn.execute(select(OPERATOR.c.name).where(OPERATOR.c.active.is_(True)).order_by(OPERATOR.c.name))
    return [str(name) for name in rows.scalars()]


def _running_checkins(now: datetime) -> ColumnElement[bool]:
    return and_(
        CLOCK.c.kind == ClockKind.CHECKIN.value,
        CLOCK.c.stopped_at.is_(None),
        CLOCK.c.paused_at.is_(None),
        CLOCK.c.deadline <= now,
    )


def poll(conn: Connection, now: datetime, since: datetime | None) -> PollResult:
    """What a desk needs every second: the last event written (by anyone), how many
    check-ins are overdue, and which passed their deadline after ``since`` (all of them
    when ``since`` is None)."""
    last = conn.execute(text("SELECT coalesce(max(rowid), 0) FROM event")).scalar() or 0
    overdue = conn.execute(select(func.count()).select_from(CLOCK).where(_running_checkins(now))).scalar()
    query = (
        select(CHECKIN.c.id, CHECKIN.c.case_id, CASE.c.number, DEPARTMENT.c.name)
        .select_from(CLOCK)
        .join(CHECKIN, CHECKIN.c.clock_id == CLOCK.c.id)
        .join(CASE, CASE.c.id == CHECKIN.c.case_id)
        .join(DEPARTMENT, DEPARTMENT.c.code == CHECKIN.c.department_code)
        .where(_running_checkins(now))
        .order_by(CLOCK.c.deadline)
    )
    if since is not None:
        query = query.where(CLOCK.c.deadline > since)
    rows = [OverdueCheckIn(*row) for row in conn.execute(query)]
    return PollResult(int(last), int(overdue or 0), rows)


def announced_path(db_path: Path) -> Path:
    """Which overdue check-ins this desk already rang for. A local file next to the database,
    never synced and never an event: it records what a screen did, not what happened."""
    return Path(f"{db_path}.announced")


def _read_announced(path: Path) -> set[str]:
    try:
        return {line.strip() for line in path.read_text(encoding="utf-8").splitlines() if line.strip()}
    except FileNotFoundError:
        return set()


def _append_announced(path: Path, ids: list[str]) -> None:
    with path.open("a", encoding="utf-8") as out:
        out.writelines(f"{checkin_id}\n" for checkin_id in ids)


async def load_announced(db_path: Path) -> set[str]:
    return await asyncio.to_thread(_read_announced, announced_path(db_path))


async def save_announced(db_path: Path, ids: list[str]) -> None:
    await asyncio.to_thread(_append_announced, announced_path(db_path), ids)
