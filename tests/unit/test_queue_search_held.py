"""A search is read once: its matches give the counts, every window and the cursor's position
(a frequent character's hundred thousand ids were gathered four times per search before), in
the same order as the queue itself, and are read again after any write."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from sqlalchemy import event

from data.read import queue as queue_module
from data.read import search
from data.read.queue import QueueFilter, position_of, queue_counts, queue_ids, queue_window
from data.read.search import search_case_ids
from data.service import SyncService
from data.store.derived import derived_problem
from data.write.commands.cases import blow_whistle
from data.write.commands.corrections import correct_case
from models.enums import CaseStatus as S
from models.enums import Grade
from tests.unit.support import SECRET, Action, apply_action, case_in, new_case


def _station(sync_service: SyncService, clock: Any) -> None:
    run = sync_service.run
    for i in range(6):
        address = f"东四北大街 {i} 号" if i % 2 == 0 else "东四北大街路口"
        case_id = case_in(run, S.TRIAGE, address=address)
        if i < 4:
            run(blow_whistle, case_id, grade=Grade.REGULAR if i % 2 else Grade.URGENT, departments=["XF"])
        clock.advance(minutes=3)
    case_in(run, S.CLOSED, address="东四北大街 9 号")


def test_a_search_lists_what_the_queue_lists_in_the_same_order(sync_service, clock) -> None:  # type: ignore[no-untyped-def]
    _station(sync_service, clock)
    clock.advance(minutes=40)  # the urgent whistles' check-ins are overdue
    now = clock.now()
    search = QueueFilter(search="号")
    with sync_service.engine.connect() as conn:
        matching = set(search_case_ids(conn, "号"))
        everything = queue_counts(conn, now, QueueFilter())
        expected = [i for i in queue_ids(conn, now, QueueFilter(), everything, 0, 100) if i in matching]
        counts = queue_counts(conn, now, search)
        assert counts.overdue == 2 and counts.total == len(expected) == 3
        assert queue_ids(conn, now, search, counts, 0, 100) == expected
        assert queue_ids(conn, now, search, counts, 1, 1) == expected[1:2]
        for i, case_id in enumerate(expected):
            assert position_of(conn, now, search, counts, case_id) == i


def test_a_search_reads_its_matches_once_and_again_after_a_write(sync_service, clock) -> None:  # type: ignore[no-untyped-def]
    _station(sync_service, clock)
    now = clock.now()
    matches: list[str] = []

    def keep(conn: Any, cursor: Any, statement: str, *rest: Any) -> None:
        if "MATCH" in statement and "LIMIT" not in statement:  # not the frequency probe
            matches.append(statement)

    search = QueueFilter(search="号")
    event.listen(sync_service.engine, "before_cursor_execute", keep)
    try:
        with sync_service.engine.connect() as conn:
            window = queue_window(conn, now, search, 0, 50)
            position_of(conn, now, search, window.counts, window.rows[-1].case_id)
            queue_window(conn, now, search, 1, 50, window.counts)
        assert len(matches) == 1
        new_case(sync_service.run, address="东四北大街 20 号")
        with sync_service.engine.connect() as conn:
            assert queue_window(conn, now + timedelta(seconds=1), search, 0, 50).counts.total == 4
        assert len(matches) == 2
    finally:
        event.remove(sync_service.engine, "before_cursor_execute", keep)


@pytest.mark.parametrize("term", ["号", "东四", "路口", "东四北大街 9 号"])
def test_a_frequent_term_is_asked_of_the_index_per_queue_row_with_the_same_result(
    sync_service: SyncService, clock: Any, monkeypatch: pytest.MonkeyPatch, term: str
) -> None:
    """With the closed cases shown, a term that matches more cases than FREQUENT (a station's
    history: every address has 号) is checked case by case along the queue, not gathered first
    (38 s for 号 at a million cases): the same counts, order and positions either way."""
    _station(sync_service, clock)
    clock.advance(minutes=40)
    now = clock.now()
    flt = QueueFilter(search=term, closed=True)

    def read(threshold: int) -> tuple[Any, list[str], list[int | None], list[str]]:
        monkeypatch.setattr(search, "FREQUENT", threshold)
        queue_module.forget_searches()
        statements: list[str] = []
        with sync_service.engine.connect() as conn:
            event.listen(conn, "before_cursor_execute", lambda *a: statements.append(a[2]))
            counts = queue_counts(conn, now, flt)
            ids = queue_ids(conn, now, flt, counts, 0, 100)
            where = [position_of(conn, now, flt, counts, i) for i in ids]
        return counts, ids, where, statements

    gathered = read(10**9)
    probed = read(1)
    assert probed[:3] == gathered[:3]
    assert gathered[0].total > 0
    assert not any("k.case_id = queue_key.case_id" in s for s in gathered[3])
    assert any("k.case_id = queue_key.case_id" in s for s in probed[3])


@pytest.mark.parametrize("term", ["号", "东四", "路口", "东四北大街 9 号", "9", "消防", "XF", "无此词"])
def test_the_open_queue_is_searched_in_the_open_cases_index_with_the_same_result(
    sync_service: SyncService, clock: Any, term: str
) -> None:
    """The live queue (open cases) asks the open cases' own index, which holds a few thousand
    cases however long the history: it finds exactly the open cases the whole index finds,
    and follows a case that closes, opens again or has its text corrected."""
    _station(sync_service, clock)
    clock.advance(minutes=40)
    now = clock.now()
    flt = QueueFilter(search=term)
    with sync_service.engine.connect() as conn:
        open_ids = {r[0] for r in conn.exec_driver_sql("SELECT case_id FROM queue_key WHERE open = 1")}
        everywhere = set(search_case_ids(conn, term, limit=10_000))
    statements: list[str] = []
    with sync_service.engine.connect() as conn:
        event.listen(conn, "before_cursor_execute", lambda *a: statements.append(a[2]))
        queue_module.forget_searches()
        counts = queue_counts(conn, now, flt)
        found = queue_ids(conn, now, flt, counts, 0, 100)
    assert set(found) == everywhere & open_ids and counts.total == len(found)
    assert any("open_search MATCH" in s for s in statements)
    assert not any("case_search MATCH" in s for s in statements)


def _open_search(sync_service: SyncService, now: Any, term: str, closed: bool = False) -> list[str]:
    queue_module.forget_searches()
    flt = QueueFilter(search=term, closed=closed)
    with sync_service.engine.connect() as conn:
        return queue_ids(conn, now, flt, queue_counts(conn, now, flt), 0, 100)


def test_the_open_cases_index_follows_a_case_corrected_closed_and_tampered_with(
    sync_service: SyncService, clock: Any
) -> None:
    sync_service.set_up("值班员", SECRET)  # corrections are a supervisor's
    case_id = new_case(sync_service.run, address="甲乙巷 1 号")
    assert _open_search(sync_service, clock.now(), "甲乙") == [case_id]
    sync_service.run(correct_case, case_id, {"address": "丙丁巷 2 号"}, reason="门牌记错")
    assert _open_search(sync_service, clock.now(), "甲乙") == []
    assert _open_search(sync_service, clock.now(), "丙丁") == [case_id]
    for action in (Action.TRIAGE, Action.DISPATCH, Action.FEEDBACK, Action.CLOSE):
        apply_action(sync_service.run, case_id, action)
    assert _open_search(sync_service, clock.now(), "丙丁") == []
    assert _open_search(sync_service, clock.now(), "丙丁", closed=True) == [case_id]
    with sync_service.engine.connect() as conn:
        assert derived_problem(conn) is None
    other = new_case(sync_service.run, address="戊己巷 3 号")
    with sync_service.engine.begin() as conn:  # a row taken out behind the triggers is found
        conn.exec_driver_sql(
            "DELETE FROM open_search WHERE rowid = (SELECT n FROM case_search_key WHERE case_id = ?)",
            (other,),
        )
    with sync_service.engine.connect() as conn:
        problem = derived_problem(conn)
    assert problem is not None and "open_search" in problem and other in problem
