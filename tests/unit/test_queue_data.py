"""The queue's read model: order, counts, filters and positions, on a temp database."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import event, func, select

from data.read.queue import (
    Handling,
    Mark,
    QueueFilter,
    QueueRow,
    position_of,
    queue_counts,
    queue_ids,
    queue_rows,
    queue_window,
)
from data.service import SyncService, open_sync
from data.store.tables import CASE, CHECKIN, CLOCK, DEPARTMENT, WHISTLE
from data.write.commands.cases import blow_whistle, transition
from data.write.commands.checkins import arrive
from models.clock import FrozenClock
from models.enums import CaseStatus as S
from models.enums import ClockKind, Grade
from models.lifecycle import Action
from tests.unit.conftest import NOW
from tests.unit.support import case_in, new_case, one


@pytest.fixture
def queue(sync_service: SyncService, clock: FrozenClock, db_path):  # type: ignore[no-untyped-def]
    run = sync_service.run
    ids = {}
    ids["old_triage"] = case_in(run, S.TRIAGE, community="史家社区")
    clock.advance(minutes=5)
    ids["regular"] = case_in(run, S.TRIAGE, category="cooking_fumes")
    run(blow_whistle, ids["regular"], grade=Grade.REGULAR, departments=["STHJ"])
    ids["urgent"] = case_in(run, S.TRIAGE, category="fire_hazard")
    run(blow_whistle, ids["urgent"], grade=Grade.URGENT, departments=["XF", "GA"])
    ids["closed"] = case_in(run, S.CLOSED)
    ids["received"] = new_case(run, source="grid")
    return ids


def _ids(sync_service: SyncService, flt: QueueFilter, now) -> list[str]:  # type: ignore[no-untyped-def]
    with sync_service.engine.connect() as conn:
        counts = queue_counts(conn, now, flt)
        return queue_ids(conn, now, flt, counts, 0, 100)


def test_running_check_ins_first_then_nearest_deadline(sync_service, queue, clock) -> None:  # type: ignore[no-untyped-def]
    order = _ids(sync_service, QueueFilter(), clock.now())
    assert queue["closed"] not in order
    # running check-ins first, nearest first: the urgent whistle's 30 min, then the regular
    # whistle's 24 h, although its case's handling limit is later than the others'; then the
    # two street_vending cases by their handling limit of 4 working hours (older first).
    assert order == [queue["urgent"], queue["regular"], queue["old_triage"], queue["received"]]


def test_an_overdue_check_in_comes_first_and_an_arrival_takes_it_out(
    sync_service, queue, clock, db_path
) -> None:  # type: ignore[no-untyped-def]
    clock.advance(hours=2)
    now = clock.now()
    with sync_service.engine.connect() as conn:
        counts = queue_counts(conn, now, QueueFilter())
    assert counts.overdue == 1
    assert _ids(sync_service, QueueFilter(), now)[0] == queue["urgent"]
    for code in ("XF", "GA"):
        checkin = one(
            db_path, "SELECT id FROM checkin WHERE case_id = ? AND department_code = ?", queue["urgent"], code
        )[0]
        sync_service.run(arrive, checkin, person="王队")
    with sync_service.engine.connect() as conn:
        assert queue_counts(conn, now, QueueFilter()).overdue == 0


def test_filters(sync_service, queue, clock) -> None:  # type: ignore[no-untyped-def]
    now = clock.now()
    assert _ids(sync_service, QueueFilter(department="XF"), now) == [queue["urgent"]]
    assert _ids(sync_service, QueueFilter(grade="regular"), now) == [queue["regular"]]
    assert _ids(sync_service, QueueFilter(source="grid"), now) == [queue["received"]]
    assert _ids(sync_service, QueueFilter(community="史家社区"), now) == [queue["old_triage"]]
    assert _ids(sync_service, QueueFilter(status="received"), now) == [queue["received"]]
    assert _ids(sync_service, QueueFilter(category="fire_hazard", grade="urgent"), now) == [queue["urgent"]]
    assert _ids(sync_service, QueueFilter(category="fire_hazard", grade="regular"), now) == []
    assert _ids(sync_service, QueueFilter(search="，"), now) == []


def test_windows_positions_and_rows(sync_service, queue, clock) -> None:  # type: ignore[no-untyped-def]
    now = clock.now()
    flt = QueueFilter()
    with sync_service.engine.connect() as conn:
        everything = queue_window(conn, now, flt, 0, 100)
        assert everything.counts.total == 4
        second = queue_window(conn, now, flt, 1, 2, everything.counts)
        assert [r.case_id for r in second.rows] == [r.case_id for r in everything.rows[1:3]]
        for i, row in enumerate(everything.rows):
            assert position_of(conn, now, flt, everything.counts, row.case_id) == i
        assert position_of(conn, now, flt, everything.counts, queue["closed"]) is None
        [urgent] = queue_rows(conn, [queue["urgent"]])
    assert urgent.grade == "urgent"
    assert sorted(m.department for m in urgent.marks) == ["GA", "XF"]
    assert all(
        m.deadline == NOW + timedelta(minutes=5, seconds=0) + timedelta(minutes=30) for m in urgent.marks
    )


def test_a_parked_case_stays_open_but_its_clocks_stop_counting(sync_service, queue, clock) -> None:  # type: ignore[no-untyped-def]
    sync_service.run(transition, queue["regular"], Action.PARK, reason="等待产权单位答复")
    now = clock.now()
    assert queue["regular"] in _ids(sync_service, QueueFilter(status="parked"), now)


def test_every_window_agrees_with_the_whole_queue(sync_service, clock) -> None:  # type: ignore[no-untyped-def]
    # windows in the back half are read backwards; they must give the same rows in the same order
    run = sync_service.run
    for i in range(9):
        case_in(run, S.TRIAGE, description=f"第{i}件")
        clock.advance(minutes=3)
    urgent = case_in(run, S.TRIAGE)
    run(blow_whistle, urgent, grade=Grade.URGENT, departments=["GA"])
    clock.advance(hours=1)
    now = clock.now()
    with sync_service.engine.connect() as conn:
        counts = queue_counts(conn, now, QueueFilter())
        whole = queue_ids(conn, now, QueueFilter(), counts, 0, 100)
        assert len(whole) == counts.total == 10 and counts.overdue == 1
        for offset in range(10):
            for limit in (1, 3, 7):
                assert (
                    queue_ids(conn, now, QueueFilter(), counts, offset, limit)
                    == whole[offset : offset + limit]
                )


async def test_the_announced_file_is_owner_only_and_a_damaged_one_is_not_fatal(tmp_path) -> None:  # type: ignore[no-untyped-def]
    from data.read.poll import announced_path, load_announced, save_announced

    db = tmp_path / "desk.db"
    await save_announced(db, ["a", "b"])
    assert announced_path(db).stat().st_mode & 0o777 == 0o600
    assert await load_announced(db) == {"a", "b"}
    announced_path(db).write_bytes(b"\xff\xfe\nc\n")
    assert "c" in await load_announced(db)


def _rows_read_whole(conn, ids: list[str]) -> list[QueueRow]:  # type: ignore[no-untyped-def]
    """A window's rows as they were read before the columns were chosen: every column of
    the cases, check-ins and clocks, the stopped clocks sorted out in Python."""
    cases = {r.id: r for r in conn.execute(select(CASE).where(CASE.c.id.in_(ids)))}
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
        select(CHECKIN, CLOCK.c.started_at, CLOCK.c.limit_unit, CLOCK.c.paused_at, CLOCK.c.paused_minutes)
        .add_columns(CLOCK.c.stopped_at, CLOCK.c.deadline.label("clock_deadline"), CLOCK.c.work_hours)
        .join(CLOCK, CLOCK.c.id == CHECKIN.c.clock_id)
        .join(WHISTLE, WHISTLE.c.id == CHECKIN.c.whistle_id)
        .join(DEPARTMENT, DEPARTMENT.c.code == CHECKIN.c.department_code)
        .where(CHECKIN.c.case_id.in_(ids))
        .order_by(WHISTLE.c.blown_at, DEPARTMENT.c.sort, CHECKIN.c.department_code)
    )
    for r in conn.execute(query):
        marks.setdefault(r.case_id, []).append(
            Mark(r.id, r.department_code, r.status, r.started_at, r.clock_deadline, r.limit_unit,
                 r.paused_at, r.paused_minutes or 0.0, r.stopped_at, r.arrived_at, r.work_hours)
        )  # fmt: skip
    handling: dict[str, Handling] = {}
    every = select(CLOCK).where(CLOCK.c.case_id.in_(ids))
    for r in conn.execute(every.order_by(CLOCK.c.started_at, CLOCK.c.id)):
        if r.kind == ClockKind.HANDLING.value and r.stopped_at is None:
            handling[r.case_id] = Handling(
                r.started_at, r.deadline, r.limit_unit, r.paused_at, r.paused_minutes or 0.0, r.work_hours
            )
    return [
        QueueRow(c.id, c.number, grades.get(c.id), c.category, c.community, c.status, c.source,
                 c.received_at, tuple(marks.get(c.id, ())), handling.get(c.id), c.station_id,
                 c.park_review_on if c.status == S.PARKED.value else None)
        for c in (cases[i] for i in ids)
    ]  # fmt: skip


@pytest.mark.parametrize("flt", [QueueFilter(), QueueFilter(closed=True)])
def test_a_windows_rows_hold_what_every_column_of_their_rows_gives(demo_db: Path, flt: QueueFilter) -> None:
    """A window reads only the columns a row holds and only the running clocks: each row,
    mark and handling clock is what reading every column of every clock gave, over the demo's
    open cases and its whole history (stopped clocks, parked, closed and rejected cases)."""
    engine = open_sync(demo_db, writer=False)
    try:
        with engine.connect() as conn:
            counts = queue_counts(conn, NOW, flt)
            ids = queue_ids(conn, NOW, flt, counts, 0, counts.total)
            assert len(ids) == counts.total > 50
            rows = queue_rows(conn, ids)
            assert rows == _rows_read_whole(conn, ids)
            assert any(r.handling for r in rows) and any(len(r.marks) > 1 for r in rows)
            assert any(r.review_on for r in rows)
            stopped = select(func.count()).where(CLOCK.c.case_id.in_(ids), CLOCK.c.stopped_at.is_not(None))
            assert conn.execute(stopped).scalar()  # clocks the window leaves out
    finally:
        engine.dispose()


def test_a_row_is_read_once_until_the_next_write(sync_service, queue, clock, db_path) -> None:  # type: ignore[no-untyped-def]
    """A jump back (End, then Home) reads again only the rows it has not read since the last
    event: a window's rows cost their cases, marks and clocks (~0.1 ms a row at a million
    cases). Any write (here an arrival) has the rows read again, and what they hold is new."""
    read: list[str] = []

    def keep(conn: Any, cursor: Any, statement: str, parameters: Any, *rest: Any) -> None:
        if "case_file.park_review_on" in statement and "IN (" in statement:  # a window's cases
            read.append(statement)

    now = clock.now()
    event.listen(sync_service.engine, "before_cursor_execute", keep)
    try:
        with sync_service.engine.connect() as conn:
            ids = queue_ids(conn, now, QueueFilter(), queue_counts(conn, now, QueueFilter()), 0, 100)
            first = queue_rows(conn, ids)
            assert len(read) == 1 and len(first) == len(ids) >= 3
            again = queue_rows(conn, ids[::-1])
            assert len(read) == 1 and again == first[::-1]
            assert all(a is b for a, b in zip(again, first[::-1], strict=True))
        sql = "SELECT id FROM checkin WHERE case_id = ? AND department_code = 'XF'"
        checkin = one(db_path, sql, queue["urgent"])[0]
        sync_service.run(arrive, checkin, person="王队")
        with sync_service.engine.connect() as conn:
            after = queue_rows(conn, ids)
            assert len(read) == 2
            urgent = next(r for r in after if r.case_id == queue["urgent"])
            assert any(m.status == "arrived" for m in urgent.marks)
    finally:
        event.remove(sync_service.engine, "before_cursor_execute", keep)


def test_a_windows_ids_are_read_once_until_the_next_write(sync_service, queue, clock, db_path) -> None:  # type: ignore[no-untyped-def]
    """A jump back (End, then Home) asks the queue's index for its ids only once until the next
    event: the same filter, counts, offset and size give the same ids. A write (the urgent
    case's departments arrive: the same counts, another order) has them read again, in the
    new order; so do other counts (a deadline passed)."""
    asked: list[str] = []

    def keep(conn: Any, cursor: Any, statement: str, *rest: Any) -> None:
        if "FROM queue_key" in statement and "ORDER BY" in statement:  # a window's ids
            asked.append(statement)

    now, flt = clock.now(), QueueFilter()
    event.listen(sync_service.engine, "before_cursor_execute", keep)
    try:
        with sync_service.engine.connect() as conn:
            counts = queue_counts(conn, now, flt)
            first = queue_ids(conn, now, flt, counts, 0, 100)
            assert asked and len(first) == counts.total
            read = len(asked)
            assert queue_ids(conn, now, flt, counts, 0, 100) == first and len(asked) == read
            assert queue_ids(conn, now, flt, counts, 1, 2) == first[1:3] and len(asked) > read
        assert first[0] == queue["urgent"]
        for code in ("XF", "GA"):
            sql = "SELECT id FROM checkin WHERE case_id = ? AND department_code = ?"
            sync_service.run(arrive, one(db_path, sql, queue["urgent"], code)[0], person="王队")
        with sync_service.engine.connect() as conn:
            assert queue_counts(conn, now, flt) == counts
            read = len(asked)
            again = queue_ids(conn, now, flt, counts, 0, 100)
            assert len(asked) > read and again[0] != queue["urgent"] and sorted(again) == sorted(first)
        clock.advance(hours=30)  # the regular whistle's check-in overdue: other counts
        later = clock.now()
        with sync_service.engine.connect() as conn:
            moved = queue_counts(conn, later, flt)
            assert moved.overdue == 1 and moved != counts
            assert queue_ids(conn, later, flt, moved, 0, 100)[0] == queue["regular"]
    finally:
        event.remove(sync_service.engine, "before_cursor_execute", keep)


def test_a_window_reads_the_last_event_once(sync_service, queue, clock) -> None:  # type: ignore[no-untyped-def]
    """The ids and the rows a window holds are held until the same next event: one read of the
    last event's number serves both (each statement of a window is a round trip to the read
    thread on the desk)."""
    heads: list[str] = []

    def keep(conn: Any, cursor: Any, statement: str, *rest: Any) -> None:
        if "FROM event" in statement and "max(" in statement:
            heads.append(statement)

    now = clock.now()
    event.listen(sync_service.engine, "before_cursor_execute", keep)
    try:
        with sync_service.engine.connect() as conn:
            counts = queue_counts(conn, now, QueueFilter())
            window = queue_window(conn, now, QueueFilter(), 0, 100, counts)
    finally:
        event.remove(sync_service.engine, "before_cursor_execute", keep)
    assert len(window.rows) == counts.total >= 3 and len(heads) == 1
