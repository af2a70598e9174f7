"""一次一考核's running totals, kept by the apply function: per department and local day, per
station and local day, and one row per summons (data/store/tables.py, V20_PERIOD_TOTALS); per
community and per category and local day, and one row per summons with its case's community and
category (V22_PLACE_TOTALS).

What a case adds to the totals is a function of its rows (``case_parts``): the apply function
reads it before and after an event about the case and adds the difference; a recount
(``recount``: verify, a file upgraded to V20, a demo copied in bulk) sums it over every case.
Three figures are facts of an event, not of a row, and are added when their event is applied:
a pause granted (``clock.paused``), the minutes an extension adds (``clock.extended``: the new
deadline less the one it replaces) and a correction (``case.corrected`` naming a department).

Nothing here is written by time passing. A summons still awaited is counted by the day its
deadline falls on (``dept_due_total``); whether it is absent or pending is decided when the
totals are read, against the time then (data/read/totals.py: ``AWAITED_OUTCOME`` and
``absent_pending``). Days are local days in ``TZ`` (Asia/Shanghai, no daylight saving)."""

from __future__ import annotations

import functools
import json
from collections import defaultdict
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from itertools import pairwise
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import Connection, bindparam, delete, select, text

from data.store.dialect import keys_value, one_of
from data.store.rows import add_rows, add_to_many, counters_of, set_rows
from data.store.tables import (
    CASE,
    CHECKIN,
    CLOCK,
    DEPT_DAY,
    DEPT_DUE,
    EVENT,
    PLACE_DAY,
    PLACE_DUE,
    PLACE_PAIR,
    REINSPECTION,
    STATION_DAY,
    SUMMONS_DAY,
    SUMMONS_PLACE,
    TOTAL_PAIR,
    TOTALS,
    WHISTLE,
)
from models.enums import CheckInStatus, ClockKind, ReinspectionResult
from models.events import EventRecord
from models.ids import from_iso

TZ = ZoneInfo("Asia/Shanghai")
"""The zone of the totals' days; a station on another zone reads its assessment from the rows."""
US = timedelta(microseconds=1)
HANDLED = (CheckInStatus.ARRIVED.value, CheckInStatus.ACTED.value, CheckInStatus.RELEASED.value)
AWAITED = "awaited"
"""The outcome of a summons neither arrived nor withdrawn (absent or pending by the time read)."""
CHUNK = 500
# the events about a case whose rows the totals count
COUNTED_PREFIXES = ("case.", "whistle.", "checkin.", "clock.", "reinspection.")
DISTINCT_STATION = ("blown", "done", "relapsed")
AREAS = ("community", "category")
"""What the place totals group cases by (the ``area`` column; data/read/areas.py's ``Area``)."""

Key = tuple[Any, ...]


def local_day(at: datetime) -> str:
    return at.astimezone(TZ).date().isoformat()


def microseconds(minutes: float | None) -> int:
    """Minutes kept as float in a row, as whole microseconds (sums in any order agree)."""
    return round((minutes or 0) * 60_000_000)


@dataclass
class Parts:
    """What some cases add to the totals: additive counts per table and key, one row per
    summons."""

    counts: dict[tuple[str, Key], dict[str, int]] = field(default_factory=dict)
    summons: dict[str, tuple[Any, ...]] = field(default_factory=dict)
    places: dict[str, tuple[Any, ...]] = field(default_factory=dict)
    """Per summons: its row of SUMMONS_PLACE (station, case, community, category, day, outcome,
    wait)."""
    clocks: dict[str, tuple[str, str, str, datetime]] = field(default_factory=dict)
    """Per check-in clock: station, department, day, deadline (for an event's own figures)."""

    def add(self, table: str, key: Key, **values: int) -> None:
        slot = self.counts.setdefault((table, key), {})
        for name, value in values.items():
            if value:
                slot[name] = slot.get(name, 0) + value

    def merge(self, other: Parts) -> None:
        """Add another part (of other cases, or more figures) to this one."""
        counts = self.counts
        for slot, values in other.counts.items():
            mine = counts.get(slot)
            if mine is None:
                counts[slot] = {name: value for name, value in values.items() if value}
                continue
            for name, value in values.items():
                if value:
                    mine[name] = mine.get(name, 0) + value
        self.summons.update(other.summons)
        self.places.update(other.places)
        self.clocks.update(other.clocks)

    def distinct(self, table: str, key: Key, column: str, days: Iterable[str]) -> None:
        """A case counted once per period on a figure it reaches on several ``days``."""
        ordered = sorted(set(days))
        for d in ordered:
            self.add(table, (*key, d), **{column: 1})
        if table == PLACE_DAY.name:  # (station, area, place)
            pairs, pair = PLACE_PAIR.name, key
        else:
            pairs, pair = TOTAL_PAIR.name, (key[0], key[1] if len(key) > 1 else "")
        for first, second in pairwise(ordered):
            self.add(pairs, (*pair, column, first, second), n=-1)


@dataclass
class Fetched:
    cases: list[Any]
    whistles: defaultdict[str, list[Any]]
    checkins: defaultdict[str, list[Any]]
    handling: defaultdict[str, list[Any]]
    relapses: defaultdict[str, list[Any]]

    def of_case(self, case: Any) -> Fetched:
        """The rows of one of the fetched cases (its part apart from the others')."""
        return Fetched(
            [case],
            *(
                defaultdict(list, {case.id: rows[case.id]})
                for rows in (self.whistles, self.checkins, self.handling, self.relapses)
            ),
        )


@functools.cache
def _fetching(many: bool, dialect: str) -> dict[str, Any]:
    """The five reads of ``fetch``, built once per dialect: by one case (``:case``), or by a
    list of them (``:ids``, one parameter: data/store/dialect.py ``one_of``)."""

    def of(column: Any) -> Any:
        return one_of(dialect, column, "ids") if many else column == bindparam("case")

    return {
        "cases": select(
            CASE.c.id,
            CASE.c.station_id,
            CASE.c.received_at,
            CASE.c.closed_at,
            CASE.c.feedback_at,
            CASE.c.community,
            CASE.c.category,
        ).where(of(CASE.c.id)),
        "whistles": select(WHISTLE.c.id, WHISTLE.c.case_id, WHISTLE.c.blown_at).where(of(WHISTLE.c.case_id)),
        "checkins": select(
            CHECKIN.c.id,
            CHECKIN.c.case_id,
            CHECKIN.c.whistle_id,
            CHECKIN.c.department_code,
            CHECKIN.c.status,
            CHECKIN.c.deadline,
            CHECKIN.c.arrived_at,
            CHECKIN.c.late_minutes,
            CHECKIN.c.acted_at,
            CHECKIN.c.rating,
            CHECKIN.c.clock_id,
            CHECKIN.c.arrived_entered_at,
            CHECKIN.c.acted_entered_at,
            CHECKIN.c.released_entered_at,
            CHECKIN.c.absent_at,
            CLOCK.c.paused_minutes,
            CLOCK.c.extensions,
            CLOCK.c.late_since,
        )
        .join(CLOCK, CLOCK.c.id == CHECKIN.c.clock_id)
        .where(of(CHECKIN.c.case_id)),
        # by the case's clocks, the kind kept in Python: with ``kind = 'handling'`` in the
        # condition SQLite chose ix_clock_kind_deadline and walked every handling clock of the
        # station for one case (an import of 20,000 cases spent 83 % of its time there)
        "handling": select(CLOCK.c.case_id, CLOCK.c.deadline, CLOCK.c.kind).where(of(CLOCK.c.case_id)),
        "relapses": select(REINSPECTION.c.case_id, REINSPECTION.c.recorded_at, REINSPECTION.c.result).where(
            of(REINSPECTION.c.case_id)  # the result kept in Python, as the clocks' kind
        ),
    }


def fetch(conn: Connection, case_ids: list[str]) -> Fetched:
    """The rows of ``case_ids`` that the totals count."""
    found = Fetched([], defaultdict(list), defaultdict(list), defaultdict(list), defaultdict(list))
    many = len(case_ids) != 1
    reads = _fetching(many, conn.dialect.name)
    params = {"ids": keys_value(conn, case_ids)} if many else {"case": case_ids[0]}
    found.cases = list(conn.execute(reads["cases"], params))
    r: Any
    for r in conn.execute(reads["whistles"], params):
        found.whistles[r.case_id].append(r)
    for r in conn.execute(reads["checkins"], params):
        found.checkins[r.case_id].append(r)
    for r in conn.execute(reads["handling"], params):
        if r.kind == ClockKind.HANDLING.value:
            found.handling[r.case_id].append(r)
    for r in conn.execute(reads["relapses"], params):
        if r.result == ReinspectionResult.RELAPSE.value:
            found.relapses[r.case_id].append(r)
    return found


def case_parts(found: Fetched) -> Parts:
    """What the fetched cases add to the totals (the same count for apply and recount)."""
    parts = Parts()
    station_day = STATION_DAY.name
    for case in found.cases:
        station = case.station_id
        received = local_day(case.received_at)
        whistles = {w.id: w for w in found.whistles[case.id]}
        parts.add(station_day, (station, received), received=1, whistled=1 if whistles else 0)
        for clock in found.handling[case.id]:
            if clock.deadline is None:
                continue
            closed = case.closed_at is not None
            parts.add(
                station_day,
                (station, local_day(clock.deadline)),
                due=1,
                closed=1 if closed else 0,
                closed_on_time=1 if closed and case.closed_at <= clock.deadline else 0,
            )
        if case.feedback_at is not None:
            parts.add(station_day, (station, local_day(case.feedback_at)), disposed=1)
        blown_days = [local_day(w.blown_at) for w in whistles.values()]
        parts.distinct(station_day, (station,), "blown", blown_days)
        if case.feedback_at is not None:
            parts.distinct(station_day, (station,), "done", blown_days)
        relapse_days = [local_day(r.recorded_at) for r in found.relapses[case.id]]
        parts.distinct(station_day, (station,), "relapsed", relapse_days)
        places = [(station, area, getattr(case, area)) for area in AREAS]
        for place in places:
            parts.add(PLACE_DAY.name, (*place, received), received=1, received_whistled=1 if whistles else 0)
            parts.distinct(PLACE_DAY.name, place, "relapsed", relapse_days)
        summoned_days = set()
        handled = set()
        for c in found.checkins[case.id]:
            whistle = whistles.get(c.whistle_id)
            if c.status in HANDLED:
                handled.add(c.department_code)
            if whistle is None:
                continue
            day = local_day(whistle.blown_at)
            key = (station, c.department_code, day)
            parts.clocks[c.clock_id] = (station, c.department_code, day, c.deadline)
            # an arrival after the 缺席 mark is recorded and counted absent: no arrival, no wait
            marked, arrived = c.absent_at, c.arrived_at
            after_absence = marked is not None and arrived is not None and arrived >= marked
            came = c.arrived_at is not None and not after_absence
            wait = (c.arrived_at - whistle.blown_at) // US if came else None
            if c.status == CheckInStatus.WITHDRAWN.value:
                outcome = "withdrawn"
            elif came:
                outcome = "late" if c.late_minutes else "on_time"
            else:
                outcome = AWAITED
                parts.add(DEPT_DUE.name, (*key, absent_from(c)), awaiting=1)
            parts.summons[c.id] = (station, c.department_code, day, outcome, wait)
            parts.places[c.id] = (station, case.id, case.community, case.category, day, outcome, wait)
            summoned_days.add(day)
            for place in places:
                parts.add(
                    PLACE_DAY.name,
                    (*place, day),
                    summoned=1,
                    on_time=1 if outcome == "on_time" else 0,
                    late=1 if outcome == "late" else 0,
                    withdrawn=1 if outcome == "withdrawn" else 0,
                    arrived_us=wait or 0,
                )
                if outcome == AWAITED:
                    parts.add(PLACE_DUE.name, (*place, day, absent_from(c)), awaiting=1)
            parts.add(
                DEPT_DAY.name,
                key,
                summoned=1,
                on_time=1 if outcome == "on_time" else 0,
                late=1 if outcome == "late" else 0,
                withdrawn=1 if outcome == "withdrawn" else 0,
                arrived_us=wait or 0,
                acted=1 if wait is not None and c.acted_at is not None else 0,
                rating_sum=c.rating or 0,
                rating_count=1 if c.rating is not None else 0,
                paused_us=microseconds(c.paused_minutes),
                extensions=int(c.extensions or 0),
                entered_late=1 if entered_late(c) else 0,
                extended_late=1 if c.late_since is not None else 0,
                after_absence=1 if after_absence else 0,
            )
        for code in handled:
            parts.distinct(DEPT_DAY.name, (station, code), "rework", relapse_days)
        for place in places:
            parts.distinct(PLACE_DAY.name, place, "whistled", summoned_days)
    return parts


def absent_from(checkin: Any) -> str:
    """The local day from which a summons not (or only after its 缺席 mark) arrived counts as
    absent: at once when the escalation ladder marked it 缺席; else its deadline's day (the
    reader decides within that day by the deadline itself). ``Summons.outcome`` is the raw
    count of the same rule."""
    if checkin.absent_at is not None:
        return PAST
    return local_day(checkin.deadline)


PAST, NEVER = "0000-01-01", "9999-12-31"
"""Days before and after every day the reader compares with: always absent, never absent."""


def entered_late(row: Any) -> bool:
    return any(
        getattr(row, name) is not None
        for name in ("arrived_entered_at", "acted_entered_at", "released_entered_at")
    )


def counted_case(record: EventRecord) -> str | None:
    """The case whose rows an event changes in a way the totals count."""
    if record.type.startswith(COUNTED_PREFIXES) and record.type != "checkin.noted":
        return record.subject
    return None


BATCH = "whistle.totals_batch"
"""Where a connection keeps its :class:`TotalsBatch` (``Connection.info``)."""
CLOCK_FACTS = ("clock.paused", "clock.extended")
"""Events whose own figures need their clock as it was just before them."""


@dataclass
class TotalsBatch:
    """The totals of a batch of events (an import's batch, a page of the replay) settled once
    at its end: each case's part read when the batch first touches it, and again for all of
    them at the end, instead of before and after every event (two reads an event, each
    flushing the rows written behind)."""

    before: dict[str, Parts] = field(default_factory=dict)
    own: Parts = field(default_factory=Parts)

    def discard(self) -> None:
        self.before.clear()
        self.own = Parts()

    @contextmanager
    def undone_with(self) -> Iterator[None]:
        """A part of the batch that may be undone (a savepoint rolled back when it raises):
        what it brought to the batch goes with it, the events' own figures and the parts read
        for cases first touched in it (read after its earlier events, they may hold them)."""
        own, touched = Parts(), len(self.before)
        own.merge(self.own)
        try:
            yield
        except BaseException:
            self.own = own
            for case_id in list(self.before)[touched:]:  # a dict keeps the order they came in
                del self.before[case_id]
            raise


@contextmanager
def totals_batch(conn: Connection) -> Iterator[TotalsBatch]:
    """Keep the totals of the events applied inside for the end of the block (settled there;
    dropped when the block ends by an exception). Nested blocks share the outer one."""
    outer = conn.info.get(BATCH)
    if isinstance(outer, TotalsBatch):
        yield outer
        return
    batch = conn.info[BATCH] = TotalsBatch()
    try:
        yield batch
        settle(conn, batch)
    finally:
        conn.info.pop(BATCH, None)


def settle(conn: Connection, batch: TotalsBatch) -> None:
    """Write what the batch's events changed in the totals: its cases' parts now against their
    parts when first touched, and the events' own figures."""
    if batch.before:
        before = Parts()
        for part in batch.before.values():
            before.merge(part)
        write_difference(conn, before, case_parts(fetch(conn, list(batch.before))))
    if batch.own.counts:
        write_difference(conn, Parts(), batch.own)
    batch.discard()


def prefetch_parts(conn: Connection, records: list[EventRecord]) -> None:
    """Inside a batch, read the parts of every case its events count, before any of them is
    applied (what ``before_event`` would read at each case's first event, as nothing of the
    batch has changed them yet): a few reads for the batch instead of one an event's case,
    each of which flushed the rows written behind so far (half of an import's time)."""
    batch = conn.info.get(BATCH)
    if not isinstance(batch, TotalsBatch):
        return
    wanted = sorted({c for r in records if (c := counted_case(r)) is not None and c not in batch.before})
    for start in range(0, len(wanted), CHUNK):
        ids = wanted[start : start + CHUNK]
        found = fetch(conn, ids)
        for case_id in ids:
            batch.before[case_id] = Parts()
        for case in found.cases:
            batch.before[case.id] = case_parts(found.of_case(case))


def before_event(conn: Connection, record: EventRecord) -> Parts | None:
    case_id = counted_case(record)
    if not case_id:
        return None
    batch = conn.info.get(BATCH)
    if not isinstance(batch, TotalsBatch):
        return case_parts(fetch(conn, [case_id]))
    if case_id not in batch.before:
        batch.before[case_id] = case_parts(fetch(conn, [case_id]))
        return batch.before[case_id]
    if record.type in CLOCK_FACTS:  # the clock as it is now, after the batch's earlier events
        return case_parts(fetch(conn, [case_id]))
    return batch.before[case_id]


def after_event(conn: Connection, record: EventRecord, before: Parts | None) -> None:
    """Add the difference the event made to its case's part, and the event's own figures
    (inside a batch: kept for its end)."""
    case_id = counted_case(record)
    if before is None or case_id is None:
        return
    own = event_parts(record, before)
    batch = conn.info.get(BATCH)
    if isinstance(batch, TotalsBatch):
        if own.counts:
            batch.own.merge(own)
        return
    after = case_parts(fetch(conn, [case_id]))
    write_difference(conn, before, after)
    if own.counts:
        write_difference(conn, Parts(), own)


def event_parts(record: EventRecord, before: Parts) -> Parts:
    """The figures that are facts of the event itself (pause, extension minutes, correction)."""
    parts = Parts()
    p = record.payload
    if record.type == "clock.paused" and p.get("id") in before.clocks:
        station, code, day, _ = before.clocks[p["id"]]
        parts.add(DEPT_DAY.name, (station, code, day), pauses=1)
    elif record.type == "clock.extended" and p.get("id") in before.clocks:
        station, code, day, deadline = before.clocks[p["id"]]
        parts.add(DEPT_DAY.name, (station, code, day), extended_us=(from_iso(p["deadline"]) - deadline) // US)
    elif record.type == "case.corrected" and p.get("department"):
        parts.add(DEPT_DAY.name, (record.station_id, p["department"], local_day(record.at)), corrections=1)
    return parts


_TABLES = {t.name: t for t in TOTALS}


@functools.cache
def _keys_of(table: Any) -> tuple[str, ...]:
    return tuple(c.name for c in table.primary_key.columns)


def write_difference(conn: Connection, before: Parts, after: Parts) -> None:
    """Add what changed from ``before`` to ``after``: one executemany per totals table."""
    rows: dict[str, list[dict[str, Any]]] = {}
    for slot in before.counts.keys() | after.counts.keys():
        old, new = before.counts.get(slot, {}), after.counts.get(slot, {})
        delta = {name: new.get(name, 0) - old.get(name, 0) for name in old.keys() | new.keys()}
        if any(delta.values()):
            table = _TABLES[slot[0]]
            row = dict.fromkeys(counters_of(table), 0)
            row.update(delta)
            row.update(zip(_keys_of(table), slot[1], strict=True))
            rows.setdefault(slot[0], []).append(row)
    for name in sorted(rows):  # one order, whatever the sets' (no two writers lock crosswise)
        add_to_many(conn, _TABLES[name], rows[name])
    _write_rows(conn, SUMMONS_DAY, before.summons, after.summons)
    _write_rows(conn, SUMMONS_PLACE, before.places, after.places)


PER_SUMMONS = {
    SUMMONS_DAY.name: ("station_id", "department_code", "day", "outcome", "wait_us"),
    SUMMONS_PLACE.name: ("station_id", "case_id", "community", "category", "day", "outcome", "wait_us"),
}
"""The columns of a one-row-per-summons table after its key (``checkin_id``), in the order of
the tuples ``Parts`` keeps them as."""


@functools.cache
def _deleting(table: Any) -> Any:
    return delete(table).where(table.c.checkin_id == bindparam("gone"))


def _write_rows(
    conn: Connection, table: Any, before: dict[str, tuple[Any, ...]], after: dict[str, tuple[Any, ...]]
) -> None:
    columns = PER_SUMMONS[table.name]
    gone = [{"gone": checkin_id} for checkin_id in sorted(before.keys() - after.keys())]
    if gone:
        conn.execute(_deleting(table), gone)
    added = []
    for checkin_id, row in after.items():
        if checkin_id not in before:
            added.append({"checkin_id": checkin_id, **dict(zip(columns, row, strict=True))})
        elif before[checkin_id] != row:
            set_rows(conn, table, checkin_id, column="checkin_id", **dict(zip(columns, row, strict=True)))
    if added:
        add_rows(conn, table, added)


# -- the recount: verify, the upgrade to V20, a demo copied in bulk ------------------------------


def _case_ids(conn: Connection) -> Iterator[list[str]]:
    after = ""
    while True:
        ids = list(
            conn.execute(
                select(CASE.c.id).where(CASE.c.id > after).order_by(CASE.c.id).limit(CHUNK)
            ).scalars()
        )
        if not ids:
            return
        yield ids
        after = ids[-1]


@functools.cache
def events_of_cases() -> Any:
    return (
        select(EVENT.c.type, EVENT.c.payload, EVENT.c.station_id, EVENT.c.at)
        .where(EVENT.c.subject.in_(bindparam("ids", expanding=True)))
        .order_by(EVENT.c.at, EVENT.c.station_id, EVENT.c.seq)
    )


def _event_figures(conn: Connection, case_ids: list[str], parts: Parts) -> None:
    """The figures of the events about ``case_ids``, replayed in order: each extension against
    the deadline it replaced, as the apply function counted them."""
    wanted = (
        "whistle.blown",
        "clock.paused",
        "clock.resumed",
        "clock.extended",
        "clock.recomputed",
        "case.unpark",
    )
    deadline: dict[str, datetime] = {}
    kinds = {*wanted, "case.corrected"}
    # by the cases' own events, the type kept in Python: with ``type IN (…)`` in the condition
    # SQLite chose ix_event_type and walked every such event of the file for each chunk (a
    # million-case recount did not finish in an hour)
    rows = conn.execute(events_of_cases(), {"ids": case_ids})
    for kind, raw, station, at in rows:
        if kind not in kinds:
            continue
        p = json.loads(raw) if raw else {}
        if kind == "case.corrected":
            if p.get("department"):
                parts.add(DEPT_DAY.name, (station, p["department"], local_day(at)), corrections=1)
        elif kind == "whistle.blown":
            for d in p.get("departments", []):
                deadline[d["clock"]["id"]] = from_iso(d["clock"]["deadline"])
        elif kind == "case.unpark":
            for c in p.get("clocks", []):
                deadline[c["id"]] = from_iso(c["deadline"])
        elif kind == "clock.recomputed":
            deadline[p["id"]] = from_iso(p["to"])
        elif p.get("id") in parts.clocks:
            station, code, day, _ = parts.clocks[p["id"]]
            if kind == "clock.paused":
                parts.add(DEPT_DAY.name, (station, code, day), pauses=1)
            elif kind == "clock.extended" and p["id"] in deadline:
                parts.add(
                    DEPT_DAY.name,
                    (station, code, day),
                    extended_us=(from_iso(p["deadline"]) - deadline[p["id"]]) // US,
                )
            if p.get("deadline"):
                deadline[p["id"]] = from_iso(p["deadline"])
        elif p.get("id") and p.get("deadline"):
            deadline[p["id"]] = from_iso(p["deadline"])


def recounted(conn: Connection) -> Iterator[tuple[list[str], Parts]]:
    """The recount, a chunk of cases at a time: each chunk's case ids and what those cases
    add (their counts and their one row per summons). Nothing of a chunk is kept after it,
    so a recount of a million cases holds one chunk, not a million summons."""
    for ids in _case_ids(conn):
        yield ids, recount(conn, ids)


def recount(conn: Connection, case_ids: list[str]) -> Parts:
    """What ``case_ids`` add to the totals, counted from their rows and events."""
    parts = case_parts(fetch(conn, case_ids))
    _event_figures(conn, case_ids, parts)
    parts.clocks.clear()
    return parts


def totals_filled(conn: Connection) -> bool:
    """The file's totals are counted (kept by the apply function since)."""
    return bool(conn.execute(_state_sql()).scalar())


def _add_counts(whole: Parts, parts: Parts) -> None:
    for slot, values in parts.counts.items():
        target = whole.counts.setdefault(slot, {})
        for name, value in values.items():
            target[name] = target.get(name, 0) + value


def held_counts(conn: Connection) -> Parts:
    """The counters the totals tables hold (the one-row-per-summons tables apart: they are
    compared a chunk of cases at a time)."""
    parts = Parts()
    for table in TOTALS:
        if table.name in PER_SUMMONS:
            continue
        keys = _keys_of(table)
        for row in conn.execute(select(table)).mappings():
            parts.add(
                table.name,
                tuple(row[k] for k in keys),
                **{k: int(v) for k, v in row.items() if k not in keys},
            )
    return parts


Difference = tuple[str, str, str, Any, Any]
"""table, row, column, what the table holds, what a recount gives."""


def _held_rows(conn: Connection, table: Any, checkin_ids: list[str]) -> dict[str, tuple[Any, ...]]:
    columns = [table.c[name] for name in PER_SUMMONS[table.name]]
    rows: dict[str, tuple[Any, ...]] = {}
    for start in range(0, len(checkin_ids), CHUNK):
        query = select(table.c.checkin_id, *columns).where(
            table.c.checkin_id.in_(checkin_ids[start : start + CHUNK])
        )
        for checkin_id, *values in conn.execute(query):
            rows[checkin_id] = tuple(values)
    return rows


def _row_differences(conn: Connection, ids: list[str], parts: Parts) -> list[Difference]:
    """The one-row-per-summons tables against the recount, for the check-ins of ``ids``."""
    checkins = sorted(
        set(conn.execute(select(CHECKIN.c.id).where(CHECKIN.c.case_id.in_(ids))).scalars())
        | parts.summons.keys()
        | parts.places.keys()
    )
    lines: list[Difference] = []
    for table, wanted in ((SUMMONS_DAY, parts.summons), (SUMMONS_PLACE, parts.places)):
        found = _held_rows(conn, table, checkins)
        for checkin_id in checkins:
            w_row, f_row = wanted.get(checkin_id), found.get(checkin_id)
            if w_row != f_row:
                lines.append((table.name, checkin_id, "*", f_row, w_row))
    return lines


def _stray_rows(conn: Connection, limit: int) -> list[Difference]:
    """Rows of the one-row-per-summons tables for no check-in of any case."""
    counted = select(CHECKIN.c.id).join(CASE, CASE.c.id == CHECKIN.c.case_id)
    lines: list[Difference] = []
    for table in (SUMMONS_DAY, SUMMONS_PLACE):
        columns = [table.c[name] for name in PER_SUMMONS[table.name]]
        query = (
            select(table.c.checkin_id, *columns)
            .where(table.c.checkin_id.not_in(counted))
            .order_by(table.c.checkin_id)
            .limit(limit)
        )
        for checkin_id, *values in conn.execute(query):
            lines.append((table.name, checkin_id, "*", tuple(values), None))
    return lines


def differences(conn: Connection, limit: int = 50) -> list[Difference]:
    """Each counter the tables hold that a recount does not give (at most ``limit``), read a
    chunk of cases at a time: memory stays that of a chunk and of the counters."""
    wanted = Parts()
    rows: list[Difference] = []
    for ids, parts in recounted(conn):
        _add_counts(wanted, parts)
        if len(rows) < limit:
            rows.extend(_row_differences(conn, ids, parts))
    rows.extend(_stray_rows(conn, limit))
    found = held_counts(conn)
    lines: list[Difference] = []
    for slot in sorted(wanted.counts.keys() | found.counts.keys(), key=repr):
        w, f = wanted.counts.get(slot, {}), found.counts.get(slot, {})
        for name in sorted(w.keys() | f.keys()):
            if w.get(name, 0) != f.get(name, 0):
                lines.append((slot[0], "/".join(map(str, slot[1])), name, f.get(name, 0), w.get(name, 0)))
    return (lines + rows)[:limit]


def rebuild(conn: Connection) -> None:
    """Empty the totals and count them again from the rows and events (in the caller's
    transaction), a chunk of cases at a time."""
    for table in TOTALS:
        conn.execute(delete(table))
    counts = Parts()
    for _ids, parts in recounted(conn):
        _add_counts(counts, parts)
        _write_rows(conn, SUMMONS_DAY, {}, parts.summons)
        _write_rows(conn, SUMMONS_PLACE, {}, parts.places)
    write_difference(conn, Parts(), counts)
    conn.execute(text("UPDATE period_totals_state SET filled = 1"))


@functools.cache
def _state_sql() -> Any:
    return text("SELECT filled FROM period_totals_state WHERE id = 1")


def fill_if_new(conn: Connection) -> bool:
    """Count the totals of a file that reached V20 (or V22, which adds the place totals) with
    rows already in it; True if it did."""
    if totals_filled(conn):
        return False
    rebuild(conn)
    return True
