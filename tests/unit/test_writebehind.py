"""The write-behind of an import's batch and of verify's replay (data/store/writebehind.py):
the same tables as writing each row at once, whatever the batch; a read inside the block sees
what was written before it; a rollback leaves nothing; a statement on one case's rows keeps
its place among the writes to that case."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Connection, create_engine, event, select
from sqlalchemy.engine import Engine

from data.store.apply.cases import _case_clocks
from data.store.rows import add_row, for_case, set_rows
from data.store.schema import upgrade
from data.store.tables import CASE, CHECKIN, CLOCK, STATION, SUMMONS_DAY, TOTALS
from data.store.verify import verify
from data.store.writebehind import WriteBehind, write_behind
from data.sync import importer
from data.sync.export import export_bundle
from data.sync.importer import Outcome, import_bundle
from data.write.commands.checkins import extend_clock, pause, resume
from models.clock import FrozenClock
from models.deadlines import Limit
from models.enums import CaseStatus as S
from models.lifecycle import Action
from tests.unit.support import PATHS, apply_action, case_in
from tests.unit.sync_support import open_station, replicated_dump, trust_each_other

NOW = datetime(2026, 3, 10, 2, 0, tzinfo=UTC)
CASE_TABLES = ("case_file", "whistle", "clock", "checkin", "reinspection")


def _history(tmp_path: Path) -> tuple[Any, Any, Any, Path]:
    """Station A with a case in every state (parked, unparked, ended with summonses still
    awaited), exported; B and C trust it."""
    clock = FrozenClock(NOW)
    a, b, c = (open_station(tmp_path, s, clock) for s in ("ST-A", "ST-B", "ST-C"))
    trust_each_other([a, b, c])
    for state in PATHS:
        case_in(a.run, state)
        clock.advance(timedelta(minutes=7))
    ended = case_in(a.run, S.DISPATCHED)  # its summons still awaited when it is closed
    clock.advance(timedelta(hours=30))  # past the summons' deadline: a no-show
    apply_action(a.run, ended, Action.DISPOSE)
    apply_action(a.run, ended, Action.FEEDBACK)
    apply_action(a.run, ended, Action.CLOSE)
    parked = case_in(a.run, S.PARKED)
    clock.advance(timedelta(hours=2))
    apply_action(a.run, parked, Action.UNPARK)
    # a summons' clock paused, resumed and extended: figures of the events themselves, counted
    # by the clock as it stood just before each (the batch made that clock too)
    held = case_in(a.run, S.DISPATCHED)
    with a.engine.connect() as conn:
        clock_id = conn.execute(select(CHECKIN.c.clock_id).where(CHECKIN.c.case_id == held)).scalars().first()
    a.run(pause, clock_id, reason="等待审批")
    clock.advance(timedelta(minutes=20))
    a.run(resume, clock_id)
    a.run(extend_clock, clock_id, by=Limit.hours(2), reason="夜间")
    a.run(extend_clock, clock_id, by=Limit.hours(1), reason="再延")
    export_bundle(a, tmp_path / "a.bundle")
    return a, b, c, tmp_path / "a.bundle"


@contextmanager
def _at_once(conn: Connection) -> Iterator[None]:
    yield None  # no write-behind: every row written as its handler asks


def _cases(service: Any) -> dict[str, list[tuple[Any, ...]]]:
    dump = replicated_dump(service)
    return {name: dump[name] for name in CASE_TABLES}


def _totals(service: Any) -> dict[str, list[tuple[Any, ...]]]:
    """The assessment's running totals, rows in key order (zero rows left out: a batch settled
    at its end never writes a counter that went up and down again inside it)."""
    out: dict[str, list[tuple[Any, ...]]] = {}
    with service.engine.connect() as conn:
        for table in TOTALS:
            rows = conn.execute(select(table).order_by(*table.primary_key.columns)).all()
            numbers = [c.name for c in table.columns if c.name not in {k.name for k in table.primary_key}]
            out[table.name] = [
                tuple(r) for r in rows if table is SUMMONS_DAY or any(getattr(r, n) for n in numbers)
            ]
    return out


@pytest.mark.parametrize("batch", [1000, 5])
def test_a_batched_import_leaves_the_tables_writing_each_row_at_once_leaves(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, batch: int
) -> None:
    a, b, c, path = _history(tmp_path)
    monkeypatch.setattr(importer, "BATCH", batch)
    assert import_bundle(b, path).outcome is Outcome.APPLIED
    monkeypatch.setattr(importer, "write_behind", _at_once)
    monkeypatch.setattr(importer, "totals_batch", _at_once)  # the totals kept event by event
    assert import_bundle(c, path).outcome is Outcome.APPLIED
    assert _cases(b) == _cases(c) == _cases(a)
    assert _totals(b) == _totals(c) == _totals(a)  # settled once a batch = kept event by event
    assert any(row for row in _cases(b)["checkin"] if "no_show" in row)
    assert verify(b.engine).ok and verify(a.engine).ok  # the replay (batched too) agrees


def test_importing_the_same_bundle_twice_changes_nothing_the_second_time(tmp_path: Path) -> None:
    _a, b, _c, path = _history(tmp_path)
    import_bundle(b, path)
    first = _cases(b)
    assert import_bundle(b, path).outcome is Outcome.NOTHING_NEW
    assert _cases(b) == first


# -- the block itself, on a bare file


@pytest.fixture
def engine(tmp_path: Path) -> Iterator[Engine]:
    import sqlite3

    raw = sqlite3.connect(tmp_path / "wb.db", isolation_level=None)
    upgrade(raw)
    raw.close()
    made = create_engine(f"sqlite:///{tmp_path / 'wb.db'}")
    yield made
    made.dispose()


def _station(conn: Connection) -> None:
    conn.execute(STATION.insert().values(id="ST-A", name="A", case_prefix="A", is_local=True, event_id=""))


def _case_row(conn: Connection, case_id: str) -> None:
    add_row(
        conn, CASE, id=case_id, station_id="ST-A", number=case_id, source="hotline", category="c",
        subcategory="", community="x", address="x", description="x", priority="normal",
        status="received", consult_flag=False, received_by="op", received_at=NOW, updated_at=NOW,
    )  # fmt: skip


def _clock_row(conn: Connection, clock_id: str, case_id: str) -> None:
    add_row(
        conn, CLOCK, id=clock_id, case_id=case_id, kind="handling", started_at=NOW,
        deadline=NOW + timedelta(days=1), limit_amount=1, limit_unit="day", paused_minutes=0.0,
        extensions=0,
    )  # fmt: skip


def _statements(engine: Engine) -> list[str]:
    seen: list[str] = []
    event.listen(engine, "before_cursor_execute", lambda *args: seen.append(args[2].split()[0]))
    return seen


def test_a_read_in_the_block_sees_the_rows_written_before_it_and_updates_fold_in(engine: Engine) -> None:
    seen = _statements(engine)
    with engine.begin() as conn:
        conn.execute(
            STATION.insert().values(id="ST-A", name="A", case_prefix="A", is_local=True, event_id="")
        )
        seen.clear()
        with write_behind(conn) as batch:
            _case_row(conn, "c-1")
            set_rows(conn, CASE, "c-1", status="triage")
            _case_row(conn, "c-2")
            assert seen == [] and len(batch) == 2  # queued; the update folded into its insert
            status = conn.execute(select(CASE.c.status).where(CASE.c.id == "c-1")).scalar()
            assert status == "triage"  # the read flushed first
            assert seen == ["INSERT", "SELECT"]  # both cases in one executemany
            set_rows(conn, CASE, "c-2", status="triage")
        assert seen[-1] == "UPDATE"  # flushed on the way out
        assert conn.execute(select(CASE.c.status).where(CASE.c.id == "c-2")).scalar() == "triage"


def test_a_rollback_or_an_exception_leaves_nothing_of_the_pending_rows(engine: Engine) -> None:
    with engine.begin() as conn:
        conn.execute(
            STATION.insert().values(id="ST-A", name="A", case_prefix="A", is_local=True, event_id="")
        )
        with write_behind(conn) as batch:
            savepoint = conn.begin_nested()
            _case_row(conn, "c-1")
            savepoint.rollback()
            assert len(batch) == 0
        with pytest.raises(RuntimeError), write_behind(conn):
            _case_row(conn, "c-2")
            raise RuntimeError
        assert conn.execute(select(CASE.c.id)).all() == []


def test_a_statement_on_a_cases_rows_keeps_its_place_among_writes_to_that_case(engine: Engine) -> None:
    """stop the case's clocks, then set one going again: the clock ends running, as it would
    row by row (the later write flushes the waiting statement first)."""
    stop = _case_clocks()["stop"]
    with engine.begin() as conn:
        conn.execute(
            STATION.insert().values(id="ST-A", name="A", case_prefix="A", is_local=True, event_id="")
        )
        with write_behind(conn) as batch:
            _case_row(conn, "c-1")
            _clock_row(conn, "k-1", "c-1")
            _case_row(conn, "c-2")
            _clock_row(conn, "k-2", "c-2")
            for_case(conn, CLOCK, stop, "c-1", case="c-1", at=NOW)
            set_rows(conn, CLOCK, "k-2", paused_minutes=5.0)  # another case: no flush
            assert isinstance(batch, WriteBehind) and batch.case_ops
            set_rows(conn, CLOCK, "k-1", stopped_at=None)  # this case: after the stop
        stopped = dict(conn.execute(select(CLOCK.c.id, CLOCK.c.stopped_at)).all())
        assert stopped == {"k-1": None, "k-2": None}
        assert conn.execute(select(CLOCK.c.paused_minutes).where(CLOCK.c.id == "k-2")).scalar() == 5.0
        assert conn.execute(select(CHECKIN.c.id)).all() == []
