"""The assessment read from its running totals (data/store/totals.py): whole local days summed
by index, whatever the number of cases; only what depends on the time of reading is decided
here — a summons still awaited is absent once its deadline has passed (``absent_pending``),
a case is due once its handling deadline has."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from datetime import UTC, datetime, time, timedelta
from typing import Any

from sqlalchemy import Connection, and_, case, func, inspect, select

from data.store.tables import (
    CASE,
    CHECKIN,
    CLOCK,
    DEPT_COUNTERS,
    DEPT_DAY,
    DEPT_DUE,
    PLACE_COUNTERS,
    PLACE_DAY,
    PLACE_DUE,
    PLACE_PAIR,
    STATION_DAY,
    SUMMONS_DAY,
    SUMMONS_PLACE,
    TOTAL_PAIR,
)
from data.store.totals import AWAITED, TZ, local_day, totals_filled
from models.assessment import median_of_us
from models.enums import ClockKind
from models.periods import Period

_SUMMED = [c for c in DEPT_COUNTERS if c != "corrections"]
COUNTED = (*_SUMMED, "absent", "pending")
"""What a department's card reads from the totals (corrections are read apart; absent and
pending are decided when read)."""
ARRIVED = ("on_time", "late")


def totals_usable(conn: Connection, tz: Any) -> bool:
    """Whether the totals count days of ``tz`` and have been filled (a file upgraded to V20 is
    filled when first opened for writing; a reader of one not yet filled counts the rows)."""
    if getattr(tz, "key", None) != TZ.key or not inspect(conn).has_table("period_totals_state"):
        return False  # (a file from before V20, read by a reader that leaves it as it is)
    return totals_filled(conn)


def place_totals_usable(conn: Connection, tz: Any) -> bool:
    """Whether the totals by community and by category can be read: as ``totals_usable``, in a
    file that has them (a file from before V22_PLACE_TOTALS, read by a reader that leaves it as
    it is, has none yet: its places are counted from the rows)."""
    return totals_usable(conn, tz) and inspect(conn).has_table(PLACE_DAY.name)


def _days(period: Period) -> tuple[str, str]:
    return period.first.isoformat(), period.after.isoformat()


def _today(now: datetime) -> tuple[str, datetime, datetime]:
    """The local day of ``now`` and its bounds in UTC."""
    day = local_day(now)
    start = datetime.combine(datetime.fromisoformat(day).date(), time(0), tzinfo=TZ).astimezone(UTC)
    return day, start, start + timedelta(days=1)


def absent_pending(
    conn: Connection, period: Period, now: datetime, station: str | None
) -> defaultdict[str, list[int]]:
    """Per department, [absent, pending] of the period's summons still awaited (or come only
    after their 缺席 mark): absent once marked 缺席 or when the deadline has passed (days before
    today from the totals; today's from its summons), pending before it. The one place that
    says what "absent" is."""
    first, after = _days(period)
    today, today_start, _ = _today(now)
    found: defaultdict[str, list[int]] = defaultdict(lambda: [0, 0])
    where = and_(DEPT_DUE.c.day >= first, DEPT_DUE.c.day < after)
    if station is not None:
        where = and_(where, DEPT_DUE.c.station_id == station)
    bucket = case((DEPT_DUE.c.due_day < today, -1), (DEPT_DUE.c.due_day > today, 1), else_=0)
    rows = conn.execute(
        select(DEPT_DUE.c.department_code, bucket, func.sum(DEPT_DUE.c.awaiting))
        .where(where)
        .group_by(DEPT_DUE.c.department_code, bucket)
    )
    todays = False
    for code, when, n in rows:
        if when < 0:
            found[code][0] += int(n)
        elif when > 0:
            found[code][1] += int(n)
        elif n:
            todays = True
    if todays:  # awaited summons due today: absent once their deadline is past
        query = (
            select(SUMMONS_DAY.c.department_code, CHECKIN.c.deadline)
            .join(CHECKIN, CHECKIN.c.id == SUMMONS_DAY.c.checkin_id)
            .where(
                SUMMONS_DAY.c.outcome == AWAITED,
                SUMMONS_DAY.c.day >= first,
                SUMMONS_DAY.c.day < after,
                CHECKIN.c.deadline >= today_start,
                CHECKIN.c.absent_at.is_(None),  # marked 缺席: counted absent from the totals
            )
        )
        if station is not None:
            query = query.where(SUMMONS_DAY.c.station_id == station)
        for code, deadline in conn.execute(query):
            if local_day(deadline) == today:
                found[code][0 if deadline <= now else 1] += 1
    return found


def _summed_by(
    conn: Connection,
    table: Any,
    key: Any,
    names: Sequence[str],
    period: Period,
    station: str | None,
    *where: Any,
) -> dict[str, dict[str, int]]:
    """Per ``key``, the sums of the counters ``names`` of ``table``'s days in the period (of
    one station, when given, and under ``where``)."""
    first, after = _days(period)
    condition = and_(*where, table.c.day >= first, table.c.day < after)
    if station is not None:
        condition = and_(condition, table.c.station_id == station)
    rows = conn.execute(
        select(key, *(func.sum(table.c[name]) for name in names)).where(condition).group_by(key)
    )
    return {k: {name: int(v or 0) for name, v in zip(names, values, strict=True)} for k, *values in rows}


def department_totals(
    conn: Connection, period: Period, now: datetime, station: str | None
) -> dict[str, dict[str, int]]:
    """Per department, the counts of its card for the period (corrections apart)."""
    found = _summed_by(conn, DEPT_DAY, DEPT_DAY.c.department_code, _SUMMED, period, station)
    for code, n in _pairs(conn, period, station, "rework", by_department=True).items():
        found.setdefault(code, {})["rework"] = found.get(code, {}).get("rework", 0) + n
    for code, (absent, pending) in absent_pending(conn, period, now, station).items():
        found.setdefault(code, {}).update(absent=absent, pending=pending)
    return found


def _pairs(
    conn: Connection, period: Period, station: str | None, kind: str, *, by_department: bool
) -> dict[str, int]:
    """The "counted on several days" corrections of a distinct-cases figure within the period."""
    first, after = _days(period)
    where = and_(TOTAL_PAIR.c.kind == kind, TOTAL_PAIR.c.day >= first, TOTAL_PAIR.c.day2 < after)
    if station is not None:
        where = and_(where, TOTAL_PAIR.c.station_id == station)
    key = TOTAL_PAIR.c.department_code if by_department else TOTAL_PAIR.c.kind
    return {
        k: int(n or 0)
        for k, n in conn.execute(select(key, func.sum(TOTAL_PAIR.c.n)).where(where).group_by(key))
    }


def corrections_totals(conn: Connection, period: Period) -> dict[str, int]:
    """冲正 per department in the period, made at any station (as the events count them)."""
    first, after = _days(period)
    rows = conn.execute(
        select(DEPT_DAY.c.department_code, func.sum(DEPT_DAY.c.corrections))
        .where(DEPT_DAY.c.day >= first, DEPT_DAY.c.day < after)
        .group_by(DEPT_DAY.c.department_code)
    )
    return {code: int(n or 0) for code, n in rows if n}


def median_totals(
    conn: Connection, period: Period, station: str | None, arrivals: dict[str, int]
) -> dict[str, float | None]:
    """Per department, its median time to report in: the middle one or two of its arrivals'
    times, read in order through the index on (department, outcome, day, time)."""
    first, after = _days(period)
    found: dict[str, float | None] = {}
    for code, n in arrivals.items():
        if not n:
            found[code] = None
            continue
        query = (
            select(SUMMONS_DAY.c.wait_us)
            .where(
                SUMMONS_DAY.c.department_code == code,
                SUMMONS_DAY.c.outcome.in_(ARRIVED),
                SUMMONS_DAY.c.day >= first,
                SUMMONS_DAY.c.day < after,
            )
            .order_by(SUMMONS_DAY.c.wait_us)
            .limit(2 - n % 2)
            .offset((n - 1) // 2)
        )
        if station is not None:
            query = query.where(SUMMONS_DAY.c.station_id == station)
        found[code] = median_of_us([int(v) for v in conn.execute(query).scalars()])
    return found


STATION_COUNTED = ("received", "whistled", "disposed", "blown", "done", "relapsed")


def station_totals(conn: Connection, period: Period, now: datetime, station: str | None) -> dict[str, int]:
    """The station's counts for the period: cases received, whistled, disposed; distinct cases
    whistled, done and relapsed; due (handling deadline in the period and passed), closed and
    closed on time of those."""
    first, after = _days(period)
    today, today_start, _ = _today(now)
    where = and_(STATION_DAY.c.day >= first, STATION_DAY.c.day < after)
    if station is not None:
        where = and_(where, STATION_DAY.c.station_id == station)
    row = conn.execute(
        select(*(func.sum(STATION_DAY.c[name]) for name in STATION_COUNTED)).where(where)
    ).one()
    found = {name: int(v or 0) for name, v in zip(STATION_COUNTED, row, strict=True)}
    for kind in ("blown", "done", "relapsed"):
        found[kind] += sum(_pairs(conn, period, station, kind, by_department=False).values())
    # due: days before today from the totals; today's up to now from the clocks
    past = and_(STATION_DAY.c.day >= first, STATION_DAY.c.day < min(after, today))
    if station is not None:
        past = and_(past, STATION_DAY.c.station_id == station)
    due = conn.execute(
        select(
            func.sum(STATION_DAY.c.due),
            func.sum(STATION_DAY.c.closed),
            func.sum(STATION_DAY.c.closed_on_time),
        ).where(past)
    ).one()
    found["due"], found["closed"], found["closed_on_time"] = (int(v or 0) for v in due)
    if first <= today < after:
        query = (
            select(CASE.c.closed_at, CLOCK.c.deadline)
            .select_from(CLOCK)
            .join(CASE, CASE.c.id == CLOCK.c.case_id)
            .where(
                CLOCK.c.kind == ClockKind.HANDLING.value,
                CLOCK.c.deadline >= today_start,
                CLOCK.c.deadline < now,
            )
        )
        if station is not None:
            query = query.where(CASE.c.station_id == station)
        for closed_at, deadline in conn.execute(query):
            found["due"] += 1
            if closed_at is not None and closed_at <= now:
                found["closed"] += 1
                found["closed_on_time"] += closed_at <= deadline
    return found


OUTCOMES = {
    "on_time": ("on_time",),
    "late": ("late",),
    "withdrawn": ("withdrawn",),
    "absent": (AWAITED,),
    "pending": (AWAITED,),
    "arrived": ARRIVED,
    "acted": ARRIVED,
}
"""The outcomes a figure's summons can have (any for the others: summoned, rated, paused …)."""
ALL_OUTCOMES = ("on_time", "late", "withdrawn", AWAITED)


def _behind(table: Any, where: Any, period: Period, figure: str, station: str | None) -> Any:
    """The candidates of one figure in ``table`` (SUMMONS_DAY or SUMMONS_PLACE): the rows of the
    period whose outcome the figure can have; every outcome is named, so that the day's range is
    read by the index on (department or place, outcome, day) and nothing before or after it."""
    first, after = _days(period)
    cases = (table.c.case_id,) if table is SUMMONS_PLACE else ()
    query = select(table.c.checkin_id, *cases, table.c.day).where(
        where,
        table.c.outcome.in_(OUTCOMES.get(figure, ALL_OUTCOMES)),
        table.c.day >= first,
        table.c.day < after,
    )
    if station is not None:
        query = query.where(table.c.station_id == station)
    return query


def checkins_behind(
    conn: Connection, period: Period, department: str, figure: str, station: str | None
) -> list[str]:
    """The check-ins of ``department`` in the period that may make up ``figure``, by the index
    on (department, outcome, day); the caller keeps those the figure counts."""
    query = _behind(SUMMONS_DAY, SUMMONS_DAY.c.department_code == department, period, figure, station)
    return [r.checkin_id for r in conn.execute(query)]


def checkins_behind_page(
    conn: Connection,
    period: Period,
    department: str,
    figure: str,
    station: str | None,
    resume: DayMark,
    limit: int,
) -> tuple[list[Any], DayMark | None]:
    """A page of ``checkins_behind`` in the order of their days: whole days only (see
    ``day_page``)."""
    query = _behind(SUMMONS_DAY, SUMMONS_DAY.c.department_code == department, period, figure, station)
    return day_page(conn, query, SUMMONS_DAY.c.day, resume, limit)


DayMark = tuple[str, bool]
"""Where the next page of a list read by days starts: (day, whether that day is included)."""
FIRST_DAY: DayMark = ("", True)


def day_page(
    conn: Connection, query: Any, day: Any, resume: DayMark, limit: int
) -> tuple[list[Any], DayMark | None]:
    """About ``limit`` rows of ``query`` from ``resume`` on, always whole days (a list shown in
    time order is sorted within a page, so no day may be split between two), and where the next
    page starts (None: there is none). A day of more than ``limit`` rows is one page of its own."""
    since, included = resume
    start = day >= since if included else day > since
    rows = list(conn.execute(query.where(start).order_by(day).limit(limit + 1)))
    if len(rows) <= limit:
        return rows, None
    last = rows[-1].day
    if rows[0].day == last:
        return list(conn.execute(query.where(day == last))), (last, False)
    return [r for r in rows if r.day != last], (last, True)


# -- by community and by category (V22_PLACE_TOTALS) ---------------------------------------------

PLACE_SUMMED = tuple(name for name in PLACE_COUNTERS if name != "withdrawn")
"""What a place's row reads from its day totals (whistled and relapsed then corrected by the
pairs; absent and pending decided when read)."""


def place_totals(
    conn: Connection,
    area: str,
    period: Period,
    now: datetime,
    station: str | None,
    *,
    awaited: bool = True,
) -> dict[str, dict[str, int]]:
    """Per community (``area`` 'community') or category ('category'), the counts of its row for
    the period: cases received (and of those, whistled since), distinct cases whistled and
    relapsed, summons, on time, late, the times to report in summed; absent and pending when
    ``awaited``."""
    first, after = _days(period)
    found = _summed_by(
        conn, PLACE_DAY, PLACE_DAY.c.place, PLACE_SUMMED, period, station, PLACE_DAY.c.area == area
    )
    pairs = and_(  # day < day2: both bound the index's range
        PLACE_PAIR.c.area == area,
        PLACE_PAIR.c.day >= first,
        PLACE_PAIR.c.day < after,
        PLACE_PAIR.c.day2 < after,
    )
    if station is not None:
        pairs = and_(pairs, PLACE_PAIR.c.station_id == station)
    for place, kind, n in conn.execute(
        select(PLACE_PAIR.c.place, PLACE_PAIR.c.kind, func.sum(PLACE_PAIR.c.n))
        .where(pairs, PLACE_PAIR.c.kind.in_(("whistled", "relapsed")))
        .group_by(PLACE_PAIR.c.place, PLACE_PAIR.c.kind)
    ):
        counts = found.setdefault(place, {})
        counts[kind] = counts.get(kind, 0) + int(n or 0)
    if awaited:
        for place, (absent, pending) in _place_awaited(conn, area, period, now, station).items():
            found.setdefault(place, {}).update(absent=absent, pending=pending)
    return found


def _place_awaited(
    conn: Connection, area: str, period: Period, now: datetime, station: str | None
) -> defaultdict[str, list[int]]:
    """Per place, [absent, pending] of the period's summons still awaited: as ``absent_pending``
    decides them for a department."""
    first, after = _days(period)
    today, today_start, _ = _today(now)
    found: defaultdict[str, list[int]] = defaultdict(lambda: [0, 0])
    where = and_(PLACE_DUE.c.area == area, PLACE_DUE.c.day >= first, PLACE_DUE.c.day < after)
    if station is not None:
        where = and_(where, PLACE_DUE.c.station_id == station)
    bucket = case((PLACE_DUE.c.due_day < today, -1), (PLACE_DUE.c.due_day > today, 1), else_=0)
    todays = False
    for place, when, n in conn.execute(
        select(PLACE_DUE.c.place, bucket, func.sum(PLACE_DUE.c.awaiting))
        .where(where)
        .group_by(PLACE_DUE.c.place, bucket)
    ):
        if when < 0:
            found[place][0] += int(n)
        elif when > 0:
            found[place][1] += int(n)
        elif n:
            todays = True
    if todays:  # awaited summons due today: absent once their deadline is past
        query = (
            select(SUMMONS_PLACE.c[area], CHECKIN.c.deadline)
            .select_from(SUMMONS_DAY)
            .join(CHECKIN, CHECKIN.c.id == SUMMONS_DAY.c.checkin_id)
            .join(SUMMONS_PLACE, SUMMONS_PLACE.c.checkin_id == SUMMONS_DAY.c.checkin_id)
            .where(
                SUMMONS_DAY.c.outcome == AWAITED,
                SUMMONS_DAY.c.day >= first,
                SUMMONS_DAY.c.day < after,
                CHECKIN.c.deadline >= today_start,
                CHECKIN.c.absent_at.is_(None),
            )
        )
        if station is not None:
            query = query.where(SUMMONS_DAY.c.station_id == station)
        for place, deadline in conn.execute(query):
            if local_day(deadline) == today:
                found[place][0 if deadline <= now else 1] += 1
    return found


def _place_arrivals(area: str, place: str, period: Period, station: str | None) -> Any:
    first, after = _days(period)
    query = select(SUMMONS_PLACE.c.wait_us).where(
        SUMMONS_PLACE.c[area] == place,
        SUMMONS_PLACE.c.outcome.in_(ARRIVED),
        SUMMONS_PLACE.c.day >= first,
        SUMMONS_PLACE.c.day < after,
    )
    return query if station is None else query.where(SUMMONS_PLACE.c.station_id == station)


def place_waits(
    conn: Connection, area: str, period: Period, station: str | None, arrivals: dict[str, int]
) -> dict[str, tuple[list[int], int]]:
    """Per place with ``arrivals`` (how many, when any), the middle one or two of its times to
    report in and the longest, in microseconds, read in order through the index on (place,
    outcome, day, wait)."""
    found: dict[str, tuple[list[int], int]] = {}
    for place, n in arrivals.items():
        if not n:
            continue
        query = _place_arrivals(area, place, period, station)
        middle = query.order_by(SUMMONS_PLACE.c.wait_us).limit(2 - n % 2).offset((n - 1) // 2)
        longest = query.order_by(SUMMONS_PLACE.c.wait_us.desc()).limit(1)
        found[place] = (
            [int(v) for v in conn.execute(middle).scalars()],
            int(conn.execute(longest).scalar() or 0),
        )
    return found


def summons_of_place(
    conn: Connection, area: str, place: str, period: Period, figure: str, station: str | None
) -> list[Any]:
    """The check-ins (and their cases) of the place's summons in the period that may make up
    ``figure``, by the index on (place, outcome, day); the caller keeps those it counts."""
    return list(conn.execute(_behind(SUMMONS_PLACE, SUMMONS_PLACE.c[area] == place, period, figure, station)))


def summons_of_place_page(
    conn: Connection,
    area: str,
    place: str,
    period: Period,
    figure: str,
    station: str | None,
    resume: DayMark,
    limit: int,
) -> tuple[list[Any], DayMark | None]:
    """A page of ``summons_of_place`` in the order of their days: whole days only."""
    query = _behind(SUMMONS_PLACE, SUMMONS_PLACE.c[area] == place, period, figure, station)
    return day_page(conn, query, SUMMONS_PLACE.c.day, resume, limit)
