"""The change poller: how far the event log has come, which check-ins are overdue, and which of
those this desk already rang for (a side file beside the database)."""

from __future__ import annotations

import asyncio
import os
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from sqlalchemy import (
    ColumnElement,
    Connection,
    and_,
    func,
    select,
)

from data.store.dialect import last_event
from data.store.keys import key_path_for
from data.store.server import is_server
from data.store.tables import (
    CASE,
    CHECKIN,
    CLOCK,
    DEPARTMENT,
    EVENT,
    OPERATOR,
    STATION,
    department_name_shown,
)
from models.enums import ClockKind


@dataclass(frozen=True)
class OverdueCheckIn:
    clock_id: str
    case_id: str
    number: str
    department: str


@dataclass
class PollResult:
    last_event: int
    overdue: int
    newly_overdue: list[OverdueCheckIn] = field(default_factory=list)
    record_time: datetime | None = None
    """The time of this station's last event: the record never goes back from it."""
    next_deadline: datetime | None = None
    """The first deadline after ``now`` of a check-in clock running: until then, with the
    record as it was, a poll would find what this one found."""


def record_time(conn: Connection) -> datetime | None:
    """The time of the local station's last event (its chain is ordered by time)."""
    local = select(STATION.c.id).where(STATION.c.is_local.is_(True)).scalar_subquery()
    at: datetime | None = conn.execute(
        select(EVENT.c.at).where(EVENT.c.station_id == local).order_by(EVENT.c.seq.desc()).limit(1)
    ).scalar()
    return at


def case_count(conn: Connection) -> int:
    return int(conn.execute(select(func.count()).select_from(CASE)).scalar() or 0)


def operator_names(conn: Connection) -> list[str]:
    local = select(STATION.c.id).where(STATION.c.is_local.is_(True)).scalar_subquery()
    rows = conn.execute(
        select(OPERATOR.c.name)
        .where(OPERATOR.c.active.is_(True) & (OPERATOR.c.station_id == local))
        .order_by(OPERATOR.c.name)
    )
    return [str(name) for name in rows.scalars()]


def overdue_checkin_clocks(now: datetime) -> ColumnElement[bool]:
    """A summons' clock running past its deadline (the overdue count, the escalation ladder)."""
    return and_(
        CLOCK.c.kind == ClockKind.CHECKIN.value,
        CLOCK.c.stopped_at.is_(None),
        CLOCK.c.paused_at.is_(None),
        CLOCK.c.deadline <= now,
    )


def poll(conn: Connection, now: datetime, since: datetime | None, announced: frozenset[str]) -> PollResult:
    """What a desk needs every second: the last event written (by anyone), how many
    check-ins are overdue, and those not yet ``announced`` whose deadline passed after
    ``since`` (all of them when ``since`` is None). Announcements are keyed by the check-in's
    clock, read from an index; only the new ones are joined to their case and department."""
    last = last_event(conn)
    running_late = overdue_checkin_clocks(now)
    overdue = conn.execute(select(func.count()).select_from(CLOCK).where(running_late)).scalar()
    ids = select(CLOCK.c.id).where(running_late)
    if since is not None:
        ids = ids.where(CLOCK.c.deadline > since)
    fresh = [str(i) for i in conn.execute(ids).scalars() if i not in announced]
    rows: list[OverdueCheckIn] = []
    for chunk in range(0, len(fresh), 500):
        query = (
            select(CHECKIN.c.clock_id, CHECKIN.c.case_id, CASE.c.number, department_name_shown())
            .join(CASE, CASE.c.id == CHECKIN.c.case_id)
            .join(DEPARTMENT, DEPARTMENT.c.code == CHECKIN.c.department_code)
            .join(CLOCK, CLOCK.c.id == CHECKIN.c.clock_id)
            .where(CHECKIN.c.clock_id.in_(fresh[chunk : chunk + 500]))
            .order_by(CLOCK.c.deadline)
        )
        rows += [OverdueCheckIn(*row) for row in conn.execute(query)]
    running_on = and_(
        CLOCK.c.kind == ClockKind.CHECKIN.value,
        CLOCK.c.stopped_at.is_(None),
        CLOCK.c.paused_at.is_(None),
        CLOCK.c.deadline > now,
    )
    upcoming = conn.execute(select(func.min(CLOCK.c.deadline)).where(running_on)).scalar()
    return PollResult(int(last), int(overdue or 0), rows, record_time(conn), upcoming)


ChangeMark = tuple[int, int, int, int]


def change_mark(db_path: Path | str) -> ChangeMark | None:
    """What a commit by any desk changes without a query: the size and modification time of
    the SQLite file and of its write-ahead log (two stats). None for a server database, whose
    commits show only to a query. An equal mark may still hide a change (two commits within
    the file system's time resolution that leave the sizes as they were): the poll that reads
    the record every second stays the authority; the mark only brings a change in sooner."""
    if is_server(db_path):
        return None
    marks: list[int] = []
    for path in (str(db_path), f"{db_path}-wal"):
        try:
            found = os.stat(path)
        except OSError:
            marks += [-1, -1]
            continue
        marks += [found.st_size, found.st_mtime_ns]
    return (marks[0], marks[1], marks[2], marks[3])


def announced_path(db_path: Path | str) -> Path:
    """Which overdue check-ins this desk already rang for. A local file next to the database
    (beside the station key for a server's), never synced and never an event: it records what
    a screen did, not what happened."""
    if is_server(db_path):
        return key_path_for(db_path).with_suffix(".announced")
    return Path(f"{db_path}.announced")


def _read_announced(path: Path) -> set[str]:
    """A damaged or unreadable file only means a bell may ring again."""
    try:
        text = path.read_text(encoding="utf-8", errors="replace")
    except OSError:
        return set()
    return {line.strip() for line in text.splitlines() if line.strip()}


def _append_announced(path: Path, ids: list[str]) -> None:
    fd = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
    with os.fdopen(fd, "a", encoding="utf-8") as out:
        out.writelines(f"{checkin_id}\n" for checkin_id in ids)


async def load_announced(db_path: Path | str) -> set[str]:
    return await asyncio.to_thread(_read_announced, announced_path(db_path))


async def save_announced(db_path: Path | str, ids: list[str]) -> None:
    await asyncio.to_thread(_append_announced, announced_path(db_path), ids)
