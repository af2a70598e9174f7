"""交接班: what the outgoing operator hands over, and the handovers on the record.

``gather`` collects, for this station's own cases: every open case whose handling clock runs,
the check-ins overdue, the summons still awaited (within their deadline), the cases parked
with a review date on or before the end of the next shift, and the meeting follow-ups due by
then. Each named item carries why it is named and a short detail (recorded with the event)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import Connection, select

from data.read.meetings import (
    department_names,
    followups_open_before,
    last_meeting_done,
    reason_text,
    unowned_decisions,
)
from data.store.tables import CASE, CHECKIN, CLOCK, DEPARTMENT, HANDOVER, HANDOVER_ITEM, local_station
from models.agenda import Part, depts, said, say
from models.enums import OPEN_STATUSES, CaseStatus, CheckInStatus, ClockKind
from models.errors import NotFound
from models.i18n import operator_shown, t
from models.shifts import DEFAULT_SHIFTS, next_shift

NEXT_SHIFT = timedelta(hours=12)
"""How far from now a handover's shift end may be."""

REASONS = ("clock", "overdue", "summons", "parked", "followup")


@dataclass(frozen=True)
class Named:
    why: str
    number: str
    detail: str
    case_id: str | None = None
    parts: tuple[Part, ...] = ()
    """The detail as catalogue keys and values, when it says more than a date (kept with it)."""

    def payload(self) -> dict[str, Any]:
        found = {"case_id": self.case_id, "number": self.number, "why": self.why, "detail": self.detail}
        return found | {"parts": list(self.parts)} if self.parts else found


@dataclass(frozen=True)
class Gathered:
    shift_ends: datetime
    next_shift_ends: datetime
    items: tuple[Named, ...]

    def of(self, why: str) -> tuple[Named, ...]:
        return tuple(i for i in self.items if i.why == why)


@dataclass(frozen=True)
class HandoverRow:
    id: str
    opened_at: datetime
    opened_by: str
    shift_ends: datetime
    note: str
    acknowledged_at: datetime | None
    acknowledged_by: str | None
    items: tuple[Named, ...] = ()

    @property
    def acknowledged(self) -> bool:
        return self.acknowledged_at is not None

    def of(self, why: str) -> tuple[Named, ...]:
        return tuple(i for i in self.items if i.why == why)


def _local(at: datetime, tz: ZoneInfo) -> str:
    return at.astimezone(tz).strftime("%Y-%m-%d %H:%M")


def gather(
    conn: Connection,
    now: datetime,
    tz: ZoneInfo,
    shift_ends: datetime | None = None,
    shifts: Sequence[time] = DEFAULT_SHIFTS,
) -> Gathered:
    """What a handover at ``now`` names, for a shift ending at ``shift_ends`` (now if None);
    "the next shift" is the one of ``shifts`` (the settings' start times) taking over then."""
    ends = shift_ends or now
    until = max(next_shift(ends, shifts, tz)[1], ends)
    station = local_station(conn)
    own = CASE.c.station_id == station
    items: list[Named] = []
    open_codes = [s.value for s in OPEN_STATUSES if s is not CaseStatus.PARKED]
    clocks = conn.execute(
        select(CASE.c.id, CASE.c.number, CLOCK.c.deadline)
        .join(CLOCK, CLOCK.c.case_id == CASE.c.id)
        .where(
            own
            & CASE.c.status.in_(open_codes)
            & (CLOCK.c.kind == ClockKind.HANDLING.value)
            & CLOCK.c.stopped_at.is_(None)
            & CLOCK.c.paused_at.is_(None)
        )
        .order_by(CLOCK.c.deadline, CASE.c.number)
    )
    items += [Named("clock", r.number, _local(r.deadline, tz), r.id) for r in clocks]
    names = department_names(conn)
    summons = conn.execute(
        select(CASE.c.id, CASE.c.number, DEPARTMENT.c.code, DEPARTMENT.c.name, CLOCK.c.deadline)
        .join(CHECKIN, CHECKIN.c.case_id == CASE.c.id)
        .join(CLOCK, CLOCK.c.id == CHECKIN.c.clock_id)
        .join(DEPARTMENT, DEPARTMENT.c.code == CHECKIN.c.department_code)
        .where(
            own
            & (CHECKIN.c.status == CheckInStatus.SUMMONED.value)
            & CLOCK.c.stopped_at.is_(None)
            & CLOCK.c.paused_at.is_(None)
        )
        .order_by(CLOCK.c.deadline, CASE.c.number, DEPARTMENT.c.name)
    ).all()
    for why, late in (("overdue", True), ("summons", False)):
        for r in summons:
            if (r.deadline <= now) == late:
                part = said("handover.summons", dept=depts([r.code]), at=_local(r.deadline, tz))
                items.append(Named(why, r.number, say(part, names), r.id, (part,)))
    last_day = until.astimezone(tz).date()
    parked = conn.execute(
        select(CASE.c.id, CASE.c.number, CASE.c.park_review_on)
        .where(
            own
            & (CASE.c.status == CaseStatus.PARKED.value)
            & CASE.c.park_review_on.isnot(None)
            & (CASE.c.park_review_on <= last_day)
        )
        .order_by(CASE.c.park_review_on, CASE.c.number)
    )
    items += [Named("parked", r.number, r.park_review_on.isoformat(), r.id) for r in parked]
    if station is not None:
        last = last_meeting_done(conn, station, now)
        for u in unowned_decisions(conn, last.id) if last is not None else []:
            subject = u.case_number or u.topic or u.decision
            part = said("handover.no_owner", missing=said(u.missing), decision=u.decision[:60])
            items.append(Named("followup", subject[:80], say(part, names), u.case_id, (part,)))
        for f in followups_open_before(conn, station, now):
            if f.due_on is not None and f.due_on <= last_day:
                subject = f.case_number or f.topic or f.decision
                items.append(
                    Named("followup", subject[:80], f"{f.decision[:60]} {f.due_on.isoformat()}", f.case_id)
                )
    return Gathered(ends, until, tuple(items))


def _row(r: Any, items: tuple[Named, ...] = ()) -> HandoverRow:
    return HandoverRow(
        id=r.id,
        opened_at=r.opened_at,
        opened_by=operator_shown(r.opened_by),
        shift_ends=r.shift_ends,
        note=r.note,
        acknowledged_at=r.acknowledged_at,
        acknowledged_by=r.acknowledged_by,
        items=items,
    )


def handovers(conn: Connection, limit: int = 200) -> list[HandoverRow]:
    """This file's handovers, the latest first (without their items)."""
    rows = conn.execute(
        select(HANDOVER).order_by(HANDOVER.c.opened_at.desc(), HANDOVER.c.id.desc()).limit(limit)
    )
    return [_row(r) for r in rows]


def handover(conn: Connection, handover_id: str) -> HandoverRow:
    """One handover with the items it names, in order."""
    r = conn.execute(select(HANDOVER).where(HANDOVER.c.id == handover_id)).first()
    if r is None:
        raise NotFound("error.not_found", what=t("thing.handover"), ident=handover_id)
    items = conn.execute(
        select(HANDOVER_ITEM)
        .where(HANDOVER_ITEM.c.handover_id == handover_id)
        .order_by(HANDOVER_ITEM.c.position)
    )
    names = department_names(conn)
    return _row(
        r, tuple(Named(i.why, i.number, reason_text(i.parts, i.detail, names), i.case_id) for i in items)
    )


def latest(conn: Connection) -> HandoverRow | None:
    """The latest handover with its items, if any."""
    found = handovers(conn, limit=1)
    return handover(conn, found[0].id) if found else None


def awaiting(conn: Connection) -> HandoverRow | None:
    """The latest handover of this station when it is not acknowledged yet."""
    station = local_station(conn)
    r = conn.execute(
        select(HANDOVER.c.id)
        .where((HANDOVER.c.station_id == station) & HANDOVER.c.acknowledged_at.is_(None))
        .order_by(HANDOVER.c.opened_at.desc(), HANDOVER.c.id.desc())
        .limit(1)
    ).scalar()
    return handover(conn, str(r)) if r is not None else None
