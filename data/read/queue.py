"""The live queue: its order, filters, counts and windows read from SQL by case."""

from __future__ import annotations

import bisect
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import (
    Connection,
    Select,
    exists,
    false,
    func,
    literal,
    select,
    tuple_,
)

from data.read.search import frequent, match_expression, matching_ids_in, queue_row_matches
from data.store.dialect import last_event
from data.store.tables import CASE, CHECKIN, CLOCK, DEPARTMENT, QUEUE_KEY, WHISTLE
from models.enums import OPEN_STATUSES, CaseStatus, ClockKind, Grade
from models.tables import UTCDateTime

NO_DEADLINE_YEAR = 9999


@dataclass(frozen=True)
class QueueFilter:
    status: str | None = None
    category: str | None = None
    community: str | None = None
    department: str | None = None
    source: str | None = None
    grade: str | None = None
    search: str = ""
    station: str | None = None
    """One station's cases (a district hub holds every station's)."""
    closed: bool = False
    """Closed, rejected and verified cases are shown too (with no status chosen)."""

    @property
    def active(self) -> bool:
        return self != QueueFilter()


@dataclass(frozen=True)
class Mark:
    """One summoned department's check-in on a case, with its clock."""

    checkin_id: str
    department: str
    status: str
    started_at: datetime
    deadline: datetime
    unit: str
    paused_at: datetime | None
    paused_minutes: float
    stopped_at: datetime | None
    arrived_at: datetime | None
    work_hours: str | None = None
    """JSON of the working hours the clock counts by (models.working_hours.hours_from_json)."""


@dataclass(frozen=True)
class Handling:
    """A case's running handling clock: the deadline the queue orders a case by when no
    department's check-in is running."""

    started_at: datetime
    deadline: datetime
    unit: str
    paused_at: datetime | None
    paused_minutes: float
    work_hours: str | None = None


@dataclass(frozen=True)
class QueueRow:
    case_id: str
    number: str
    grade: str | None
    category: str
    community: str
    status: str
    source: str
    received_at: datetime
    marks: tuple[Mark, ...]
    handling: Handling | None = None
    station_id: str = ""
    """The station that owns the case (the only one that may change it)."""
    review_on: date | None = None
    """A parked case's review date: from that day on it is due for review."""


@dataclass(frozen=True)
class QueueCounts:
    overdue: int
    """Cases with an overdue running check-in: they come first."""
    rest: int

    @property
    def total(self) -> int:
        return self.overdue + self.rest


def _shows_closed(flt: QueueFilter) -> bool:
    return flt.closed or (flt.status is not None and CaseStatus(flt.status) not in OPEN_STATUSES)


def _filtered(
    query: Select[Any], flt: QueueFilter, dialect: str = "sqlite", probe: str | None = None
) -> Select[Any]:
    if flt.status:  # a status is open or closed: the index's first column says which
        query = query.where(QUEUE_KEY.c.open == int(CaseStatus(flt.status) in OPEN_STATUSES))
    elif not flt.closed:
        query = query.where(QUEUE_KEY.c.open == 1)
    needs_case = any((flt.status, flt.category, flt.community, flt.source, flt.station))
    if needs_case:
        query = query.join(CASE, CASE.c.id == QUEUE_KEY.c.case_id)
        for column, value in (
            (CASE.c.status, flt.status),
            (CASE.c.category, flt.category),
            (CASE.c.community, flt.community),
            (CASE.c.source, flt.source),
            (CASE.c.station_id, flt.station),
        ):
            if value:
                query = query.where(column == value)
    if flt.department:
        query = query.where(
            exists().where(
                CHECKIN.c.case_id == QUEUE_KEY.c.case_id, CHECKIN.c.department_code == flt.department
            )
        )
    if flt.grade:
        query = query.where(
            exists().where(WHISTLE.c.case_id == QUEUE_KEY.c.case_id, WHISTLE.c.grade == flt.grade)
        )
    if probe is not None:  # a frequent term: each queue row asks the index
        query = query.where(queue_row_matches(probe))
    elif flt.search:
        ids = matching_ids_in(dialect, flt.search, open_only=not _shows_closed(flt))
        query = query.where(false()) if ids is None else query.where(QUEUE_KEY.c.case_id.in_(ids))
    return query


def queue_counts(conn: Connection, now: datetime, flt: QueueFilter) -> QueueCounts:
    found = _found(conn, flt)
    if found is not None:
        late = found.overdue(now)
        return QueueCounts(late, len(found.keys) - late)
    base = select(func.count()).select_from(QUEUE_KEY)
    overdue = conn.execute(_filtered(base, flt).where(QUEUE_KEY.c.next_checkin < now)).scalar()
    rest = conn.execute(_filtered(base, flt).where(QUEUE_KEY.c.next_checkin >= now)).scalar()
    return QueueCounts(int(overdue or 0), int(rest or 0))


REST_ORDER = (
    QUEUE_KEY.c.next_checkin,
    QUEUE_KEY.c.next_deadline,
    QUEUE_KEY.c.received_at,
    QUEUE_KEY.c.case_id,
)


@dataclass(frozen=True)
class _Found:
    """The open cases a search (with the other filters beside it) finds, in queue order for
    the cases without an overdue check-in: (next_checkin, next_deadline, received_at, case_id).
    Read once per search and held while the event log stands still, so that the counts, every
    window and the cursor's position come from one read of the matches rather than each
    gathering a frequent character's hundred thousand ids again."""

    keys: list[tuple[datetime, datetime, datetime, str]]

    def overdue(self, now: datetime) -> int:
        return bisect.bisect_left(self.keys, now, key=lambda k: k[0])

    def ids(self, now: datetime, overdue: bool, offset: int, limit: int) -> list[str]:
        split = self.overdue(now)
        if overdue:  # oldest deadline first, as the overdue segment is ordered in SQL
            head = sorted(self.keys[:split], key=lambda k: (k[0], k[3]))
            return [k[3] for k in head[offset : offset + limit]]
        return [k[3] for k in self.keys[split + offset : split + offset + limit]]

    def position(self, now: datetime, case_id: str) -> int | None:
        split = self.overdue(now)
        for i, k in enumerate(self.keys):
            if k[3] == case_id:
                if i >= split:
                    return i
                return sorted(self.keys[:split], key=lambda k: (k[0], k[3])).index(k)
        return None


_HELD: dict[tuple[str, QueueFilter], tuple[int, _Found]] = {}
HELD_SEARCHES = 4
"""Searches held at once (per database): the one on screen and a few typed before it."""


def forget_searches() -> None:
    """Drop the searches held (the next read of each asks the index again)."""
    _HELD.clear()


def _found(conn: Connection, flt: QueueFilter) -> _Found | None:
    """The matches of a search filter, read again only when an event was written since (every
    change to a case or a clock writes one); None for a filter without a search, which its
    indexes answer directly."""
    if not flt.search:
        return None
    head = last_event(conn)
    key = (str(conn.engine.url), flt)
    held = _HELD.get(key)
    if held is not None and held[0] == head:
        return held[1]
    # the open cases are searched in their own index; the closed too, in every case's, where a
    # frequent term is asked of the index case by case along the queue
    closed = conn.dialect.name == "sqlite" and _shows_closed(flt)
    expression = match_expression(flt.search) if closed else None
    query = _filtered(
        select(*REST_ORDER[:3], QUEUE_KEY.c.case_id).select_from(QUEUE_KEY),
        flt,
        conn.dialect.name,
        probe=expression if expression is not None and frequent(conn, expression) else None,
    )
    found = _Found([tuple(r) for r in conn.execute(query.order_by(*REST_ORDER))])
    while len(_HELD) >= HELD_SEARCHES:
        _HELD.pop(next(iter(_HELD)))
    _HELD[key] = (head, found)
    return found


def _segment_ids(
    conn: Connection, now: datetime, flt: QueueFilter, overdue: bool, size: int, offset: int, limit: int
) -> list[str]:
    """``limit`` ids from ``offset`` in one segment of ``size`` rows. SQLite skips an offset
    by walking the index, so a window in the back half is read from the end, backwards."""
    found = _found(conn, flt)
    if found is not None:
        return found.ids(now, overdue, offset, max(min(limit, size - offset), 0))
    if overdue:
        where = QUEUE_KEY.c.next_checkin < now
        order = [QUEUE_KEY.c.next_checkin, QUEUE_KEY.c.case_id]
    else:
        where = QUEUE_KEY.c.next_checkin >= now
        order = list(REST_ORDER)
    query = _filtered(select(QUEUE_KEY.c.case_id).select_from(QUEUE_KEY), flt).where(where)
    limit = max(min(limit, size - offset), 0)
    if offset * 2 <= size:
        forward = query.order_by(*order).offset(offset).limit(limit)
        return [str(i) for i in conn.execute(forward).scalars()]
    backward = query.order_by(*(c.desc() for c in order)).offset(size - offset - limit).limit(limit)
    return [str(i) for i in reversed(conn.execute(backward).scalars().all())]


def queue_ids(
    conn: Connection,
    now: datetime,
    flt: QueueFilter,
    counts: QueueCounts,
    offset: int,
    limit: int,
    *,
    head: int | None = None,
) -> list[str]:
    """Ids of the open cases at positions ``offset`` … ``offset + limit`` in queue order: the
    cases with an overdue check-in (oldest deadline first), then those with a running check-in
    (nearest first), then the rest by their nearest running deadline (cases with none last,
    oldest first). Both orders walk an index.

    Ids read since the last event was written are not read again for the same counts (a jump
    back, End then Home): with no event written only time moves cases, from the rest to the
    overdue head as a check-in's deadline passes, and that changes the counts. A search's
    are held with its matches (``_found``)."""
    if flt.search:
        return _queue_ids(conn, now, flt, counts, offset, limit)
    head = last_event(conn) if head is None else head
    url = str(conn.engine.url)
    held = _IDS.get(url)
    if held is None or held[0] != head or len(held[1]) >= HELD_IDS:
        held = (head, {})
        _IDS[url] = held
    key = (flt, counts, offset, limit)
    ids = held[1].get(key)
    if ids is None:
        ids = held[1][key] = _queue_ids(conn, now, flt, counts, offset, limit)
    return list(ids)


_IDS: dict[str, tuple[int, dict[tuple[QueueFilter, QueueCounts, int, int], list[str]]]] = {}
HELD_IDS = 64
"""Windows' ids held at once (per database)."""


def _queue_ids(
    conn: Connection, now: datetime, flt: QueueFilter, counts: QueueCounts, offset: int, limit: int
) -> list[str]:
    ids: list[str] = []
    if offset < counts.overdue:
        ids = _segment_ids(conn, now, flt, True, counts.overdue, offset, limit)
    if len(ids) < limit:
        start = max(offset - counts.overdue, 0)
        ids += _segment_ids(conn, now, flt, False, counts.rest, start, limit - len(ids))
    return ids


_ROWS: dict[str, tuple[int, dict[str, QueueRow]]] = {}
HELD_ROWS = 2000
"""Rows held at once (per database): a few windows, a jump's and the one it jumped from."""


def forget_rows() -> None:
    """Drop the rows and ids held (the next window reads each of its rows again)."""
    _ROWS.clear()
    _IDS.clear()


def queue_rows(conn: Connection, ids: list[str], *, head: int | None = None) -> list[QueueRow]:
    """The rows of the given cases, in the given order, with their check-in marks. A row read
    since the last event was written is not read again (every change to a case, its check-ins
    or its clocks writes one): a jump back (End, then Home) or a window read again while
    scrolling reads only the rows it has not read."""
    if not ids:
        return []
    head = last_event(conn) if head is None else head
    url = str(conn.engine.url)
    held = _ROWS.get(url)
    if held is None or held[0] != head or len(held[1]) > HELD_ROWS:
        held = (head, {})
        _ROWS[url] = held
    rows = held[1]
    missing = [i for i in dict.fromkeys(ids) if i not in rows]
    if missing:
        rows.update((row.case_id, row) for row in _read_rows(conn, missing))
    return [rows[i] for i in ids if i in rows]


def _read_rows(conn: Connection, ids: list[str]) -> list[QueueRow]:
    # only the columns a row holds: the others (texts, a dozen timestamps each converted on
    # the way out) cost most of a window's read at scale
    shown = select(
        CASE.c.id,
        CASE.c.number,
        CASE.c.category,
        CASE.c.community,
        CASE.c.status,
        CASE.c.source,
        CASE.c.received_at,
        CASE.c.station_id,
        CASE.c.park_review_on,
    )
    cases = {row.id: row for row in conn.execute(shown.where(CASE.c.id.in_(ids)))}
    grades: dict[str, str] = {}
    for case_id, grade in conn.execute(
        select(WHISTLE.c.case_id, WHISTLE.c.grade)
        .where(WHISTLE.c.case_id.in_(ids))
        .order_by(WHISTLE.c.blown_at)
    ):
        if grades.get(case_id) != Grade.URGENT.value:
            grades[case_id] = grade
    marks: dict[str, list[Mark]] = {}
    query = (
        select(
            CHECKIN.c.id,
            CHECKIN.c.case_id,
            CHECKIN.c.department_code,
            CHECKIN.c.status,
            CHECKIN.c.arrived_at,
            CLOCK.c.started_at,
            CLOCK.c.limit_unit,
            CLOCK.c.paused_at,
            CLOCK.c.paused_minutes,
        )
        .add_columns(CLOCK.c.stopped_at, CLOCK.c.deadline.label("clock_deadline"), CLOCK.c.work_hours)
        .join(CLOCK, CLOCK.c.id == CHECKIN.c.clock_id)
        .join(WHISTLE, WHISTLE.c.id == CHECKIN.c.whistle_id)
        .join(DEPARTMENT, DEPARTMENT.c.code == CHECKIN.c.department_code)
        .where(CHECKIN.c.case_id.in_(ids))
        .order_by(WHISTLE.c.blown_at, DEPARTMENT.c.sort, CHECKIN.c.department_code)
    )
    for row in conn.execute(query):
        marks.setdefault(row.case_id, []).append(
            Mark(
                checkin_id=row.id,
                department=row.department_code,
                status=row.status,
                started_at=row.started_at,
                deadline=row.clock_deadline,
                unit=row.limit_unit,
                paused_at=row.paused_at,
                paused_minutes=row.paused_minutes or 0.0,
                stopped_at=row.stopped_at,
                arrived_at=row.arrived_at,
                work_hours=row.work_hours,
            )
        )
    handling: dict[str, Handling] = {}
    # by the window's cases and their running clocks (ix_clock_open: case_id, stopped_at), the
    # kind kept in Python: with ``kind = 'handling'`` in the condition SQLite chose
    # ix_clock_kind_deadline and walked every handling clock of the file for each window (about
    # a second at a million cases, for 40 rows); the stopped clocks were half the rows read
    held = select(
        CLOCK.c.case_id,
        CLOCK.c.kind,
        CLOCK.c.started_at,
        CLOCK.c.deadline,
        CLOCK.c.limit_unit,
        CLOCK.c.paused_at,
        CLOCK.c.paused_minutes,
        CLOCK.c.work_hours,
    )
    running = held.where(CLOCK.c.case_id.in_(ids), CLOCK.c.stopped_at.is_(None))
    for row in conn.execute(running.order_by(CLOCK.c.started_at, CLOCK.c.id)):
        if row.kind != ClockKind.HANDLING.value:
            continue
        handling[row.case_id] = Handling(
            started_at=row.started_at,
            deadline=row.deadline,
            unit=row.limit_unit,
            paused_at=row.paused_at,
            paused_minutes=row.paused_minutes or 0.0,
            work_hours=row.work_hours,
        )
    return [
        QueueRow(
            case_id=c.id,
            number=c.number,
            grade=grades.get(c.id),
            category=c.category,
            community=c.community,
            status=c.status,
            source=c.source,
            received_at=c.received_at,
            marks=tuple(marks.get(c.id, ())),
            handling=handling.get(c.id),
            station_id=c.station_id,
            review_on=c.park_review_on if c.status == CaseStatus.PARKED.value else None,
        )
        for c in (cases.get(i) for i in ids)
        if c is not None
    ]


@dataclass(frozen=True)
class QueueWindow:
    counts: QueueCounts
    offset: int
    rows: list[QueueRow]


def queue_window(
    conn: Connection,
    now: datetime,
    flt: QueueFilter,
    offset: int,
    limit: int,
    counts: QueueCounts | None = None,
) -> QueueWindow:
    """One window of the queue; counts are re-read unless given (scrolling keeps them)."""
    counts = counts or queue_counts(conn, now, flt)
    offset = max(0, min(offset, max(counts.total - 1, 0)))
    head = last_event(conn)  # one read of the last event for the ids and the rows held
    ids = queue_ids(conn, now, flt, counts, offset, limit, head=head)
    return QueueWindow(counts, offset, queue_rows(conn, ids, head=head))


def position_of(
    conn: Connection, now: datetime, flt: QueueFilter, counts: QueueCounts, case_id: str
) -> int | None:
    """Where ``case_id`` stands in the queue, to keep the cursor on it after a reload."""
    found = _found(conn, flt)
    if found is not None:
        return found.position(now, case_id)
    key = conn.execute(select(QUEUE_KEY).where(QUEUE_KEY.c.case_id == case_id)).first()
    if key is None or not (key.open or _shows_closed(flt)):
        return None
    base = _filtered(select(func.count()).select_from(QUEUE_KEY), flt)
    if key.next_checkin < now:
        before = base.where(
            QUEUE_KEY.c.next_checkin < now,
            tuple_(QUEUE_KEY.c.next_checkin, QUEUE_KEY.c.case_id)
            < tuple_(literal(key.next_checkin, UTCDateTime), literal(case_id)),
        )
        return int(conn.execute(before).scalar() or 0)
    before = base.where(
        QUEUE_KEY.c.next_checkin >= now,
        tuple_(*REST_ORDER)
        < tuple_(
            literal(key.next_checkin, UTCDateTime),
            literal(key.next_deadline, UTCDateTime),
            literal(key.received_at, UTCDateTime),
            literal(case_id),
        ),
    )
    return counts.overdue + int(conn.execute(before).scalar() or 0)


def review_due_count(conn: Connection, today: date) -> int:
    """Parked cases whose review date has come (``today`` the station's day): derived from
    the case as its events left it, so a replay counts the same."""
    query = select(func.count()).where(
        (CASE.c.status == CaseStatus.PARKED.value)
        & CASE.c.park_review_on.isnot(None)
        & (CASE.c.park_review_on <= today)
    )
    return int(conn.execute(query).scalar() or 0)


def filter_choices(conn: Connection) -> dict[str, list[str]]:
    """Values offered in the filter dialog that only the data knows (communities; the stations
    with open cases, more than one at a district hub)."""
    communities = conn.execute(
        select(CASE.c.community)
        .join(QUEUE_KEY, QUEUE_KEY.c.case_id == CASE.c.id)
        .where(QUEUE_KEY.c.open == 1)
        .distinct()
        .order_by(CASE.c.community)
    ).scalars()
    stations = conn.execute(
        select(CASE.c.station_id)
        .join(QUEUE_KEY, QUEUE_KEY.c.case_id == CASE.c.id)
        .where(QUEUE_KEY.c.open == 1)
        .distinct()
        .order_by(CASE.c.station_id)
    ).scalars()
    return {"community": [str(c) for c in communities], "station": [str(s) for s in stations]}
