"""Benchmark-sized demos: the copied cases' events chain and replay to exactly the copied rows."""

from __future__ import annotations

import random
import sqlite3
from pathlib import Path
from typing import Any

import pytest

from data.demo import copying
from data.demo.bulk import Template, Text, _templates
from data.demo.copying import check_template, copy_cases
from data.service import open_sync, verify
from data.settings import Settings
from data.store.totals import differences
from tests.unit.conftest import copy_db
from tests.unit.support import one, rows

STATION = "ST-DEMO"  # the demo_db fixture's station


def _inputs(demo_db: Path) -> tuple[list[Template], copying.Numbers]:
    """The demo's templates and the numbers its copies would take."""
    settings = Settings()
    engine = open_sync(demo_db, writer=False)
    try:
        with engine.connect() as conn:
            numbers = copying.Numbers(conn, STATION, settings.case_prefix, settings.tz)
            return _templates(conn, STATION), numbers
    finally:
        engine.dispose()


def _copies(path: Path, count: int, seed: int) -> int:
    """``count`` copies added to the file at ``path`` by the bulk path; how many events."""
    settings = Settings()
    engine = open_sync(path)
    try:
        return copy_cases(
            engine, STATION, count=count, rng=random.Random(seed), prefix=settings.case_prefix, tz=settings.tz
        )
    finally:
        engine.dispose()


@pytest.fixture()
def bulk_db(demo_db: Path, tmp_path: Path) -> Path:
    """The default demo with 150 copied cases added by the bulk path."""
    path = copy_db(demo_db, tmp_path / "bulk.db")
    settings = Settings()
    engine = open_sync(path)
    try:
        written = copy_cases(
            engine, STATION, count=150, rng=random.Random(7), prefix=settings.case_prefix, tz=settings.tz
        )
    finally:
        engine.dispose()
    assert written > 150 * 5
    return path


def test_a_bulk_built_demo_verifies_by_full_replay(bulk_db: Path, demo_db: Path) -> None:
    engine = open_sync(bulk_db, writer=False)
    try:
        report = verify(engine, replay=True)
    finally:
        engine.dispose()
    assert report.ok, report.problems
    before = one(demo_db, "SELECT count(*) FROM case_file")[0]
    assert one(bulk_db, "SELECT count(*) FROM case_file")[0] == before + 150


def test_copies_are_new_cases_written_oldest_first_and_numbered_in_order(
    bulk_db: Path, demo_db: Path
) -> None:
    old_ids = {r[0] for r in rows(demo_db, "SELECT id FROM case_file")}
    new = rows(bulk_db, "SELECT id, number, received_at FROM case_file ORDER BY rowid")[len(old_ids) :]
    assert len(new) == 150
    assert not {r[0] for r in new} & old_ids
    first = one(demo_db, "SELECT min(received_at) FROM case_file")[0]
    assert any(r[2] < first for r in new)  # moved back by whole weeks: some before the demo began
    received = [r[2] for r in new]
    assert received == sorted(received)  # oldest first, so the indexes are appended to
    by_year: dict[str, list[str]] = {}
    for _id, number, _received in new:
        by_year.setdefault(number.split("-")[1], []).append(number)
    for numbers in by_year.values():
        assert numbers == sorted(numbers)


def test_the_build_puts_the_connections_pragmas_back(demo_db: Path, tmp_path: Path) -> None:
    path = copy_db(demo_db, tmp_path / "bulk.db")
    settings = Settings()
    engine = open_sync(path)
    try:
        with engine.connect() as conn:
            before = [
                conn.exec_driver_sql(f"PRAGMA {name}").scalar()
                for name in ("journal_mode", "synchronous", "cache_size")
            ]
        copy_cases(
            engine, STATION, count=3, rng=random.Random(7), prefix=settings.case_prefix, tz=settings.tz
        )
        with engine.connect() as conn:  # the pool's one connection, used by the build
            after = [
                conn.exec_driver_sql(f"PRAGMA {name}").scalar()
                for name in ("journal_mode", "synchronous", "cache_size")
            ]
    finally:
        engine.dispose()
    assert before == after == ["wal", 2, -2000]


def test_a_template_that_would_not_seal_as_written_is_refused_before_writing(demo_db: Path) -> None:
    engine = open_sync(demo_db, writer=False)
    try:
        with engine.connect() as conn:
            templates = _templates(conn, STATION)
    finally:
        engine.dispose()
    assert templates
    template = templates[0]
    check_template(template, STATION, random.Random(1))  # as compiled, it seals
    first = template.events[0]
    first.hashed = Text(first.hashed.fmt.replace('"seq":', '"seq":1', 1))
    with pytest.raises(AssertionError, match="does not seal"):
        check_template(template, STATION, random.Random(1))


def test_the_copies_are_counted_in_the_assessments_totals_as_a_recount_counts_them(bulk_db: Path) -> None:
    engine = open_sync(bulk_db, writer=False)
    try:
        with engine.connect() as conn:
            assert differences(conn) == []
    finally:
        engine.dispose()
    cases = one(bulk_db, "SELECT count(*) FROM case_file")[0]
    assert one(bulk_db, "SELECT sum(received) FROM station_day_total")[0] == cases
    summoned = one(
        bulk_db,
        "SELECT count(*) FROM checkin c JOIN whistle w ON w.id = c.whistle_id",
    )[0]
    assert one(bulk_db, "SELECT count(*) FROM summons_day")[0] == summoned
    assert one(bulk_db, "SELECT count(*) FROM summons_place")[0] == summoned


def test_a_file_whose_totals_are_not_counted_yet_is_counted_whole_after_the_copies(
    demo_db: Path, tmp_path: Path
) -> None:
    path = copy_db(demo_db, tmp_path / "bulk.db")
    raw = sqlite3.connect(path)
    with raw:
        raw.execute("UPDATE period_totals_state SET filled = 0")
        raw.execute("DELETE FROM summons_day")
    raw.close()
    settings = Settings()
    engine = open_sync(path)
    try:
        copy_cases(
            engine, STATION, count=40, rng=random.Random(3), prefix=settings.case_prefix, tz=settings.tz
        )
        with engine.connect() as conn:
            assert differences(conn) == []
    finally:
        engine.dispose()
    assert one(path, "SELECT filled FROM period_totals_state")[0] == 1


SCHEMA = "SELECT type, name, tbl_name, sql FROM sqlite_master ORDER BY type, name"


def test_the_indexes_set_aside_while_copying_are_all_made_again_and_hold_every_row(
    bulk_db: Path, demo_db: Path
) -> None:
    assert rows(bulk_db, SCHEMA) == rows(demo_db, SCHEMA)
    assert one(bulk_db, "PRAGMA integrity_check")[0] == "ok"  # each index has each row
    plan = rows(bulk_db, "EXPLAIN QUERY PLAN SELECT * FROM event WHERE subject = 'x'")
    assert "ix_event_subject" in " ".join(str(r[-1]) for r in plan)


def test_a_build_that_fails_half_way_still_puts_the_indexes_back(
    demo_db: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = copy_db(demo_db, tmp_path / "bulk.db")
    copied = copying.rows_of  # used by the copying alone (not by the templates' check)
    calls = iter(range(30))

    def failing(*args: Any) -> Any:
        if next(calls, None) is None:
            raise RuntimeError("the disk is full")
        return copied(*args)

    monkeypatch.setattr(copying, "rows_of", failing)
    with pytest.raises(RuntimeError, match="the disk is full"):
        _copies(path, 40, 3)
    assert rows(path, SCHEMA) == rows(demo_db, SCHEMA)


EVENTS = "SELECT * FROM event ORDER BY station_id, seq"
CASES = "SELECT * FROM case_file ORDER BY id"


def _copied(demo_db: Path, path: Path, monkeypatch: pytest.MonkeyPatch, apart: int) -> Path:
    monkeypatch.setattr(copying, "APART", apart)
    _copies(copy_db(demo_db, path), 12, 5)
    return path


def test_copies_rendered_by_a_second_process_are_the_copies_rendered_here(
    demo_db: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    here = _copied(demo_db, tmp_path / "here.db", monkeypatch, apart=10**9)
    apart = _copied(demo_db, tmp_path / "apart.db", monkeypatch, apart=1)
    assert len(rows(apart, EVENTS)) > len(rows(demo_db, EVENTS))
    assert rows(apart, EVENTS) == rows(here, EVENTS)  # same ids, times, numbers, hashes
    assert rows(apart, CASES) == rows(here, CASES)


def test_copies_are_rendered_here_when_no_second_process_can_start(
    demo_db: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import multiprocessing.context

    def gone(self: object) -> None:  # as when the folder the build runs in was removed
        raise FileNotFoundError(2, "No such file or directory")

    here = _copied(demo_db, tmp_path / "here.db", monkeypatch, apart=10**9)
    monkeypatch.setattr(multiprocessing.context.SpawnProcess, "start", gone)
    apart = _copied(demo_db, tmp_path / "apart.db", monkeypatch, apart=1)
    assert len(rows(apart, EVENTS)) > len(rows(demo_db, EVENTS))
    assert rows(apart, EVENTS) == rows(here, EVENTS)


def test_a_failure_in_the_rendering_process_is_raised_in_the_writing_one(demo_db: Path) -> None:
    templates, numbers = _inputs(demo_db)
    no_such_template = len(templates) << 6 | 1
    with pytest.raises(RuntimeError, match="IndexError"):
        plan = copying.Plan(templates, [no_such_template], numbers, random.Random(1), 0, "")
        list(copying._rendered_apart(plan))


def test_copies_are_not_written_after_events_the_build_did_not_chain_them_to(
    demo_db: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = copy_db(demo_db, tmp_path / "bulk.db")
    batches = copying._batches

    def behind(*args: Any) -> Any:  # as if another desk wrote while the first batch was rendered
        for batch in batches(*args):
            batch.seq -= 1
            yield batch

    monkeypatch.setattr(copying, "_batches", behind)
    with pytest.raises(RuntimeError, match="changed"):
        _copies(path, 5, 5)
    assert rows(path, EVENTS) == rows(demo_db, EVENTS)
    assert rows(path, SCHEMA) == rows(demo_db, SCHEMA)


def test_the_rendering_process_ends_without_a_word_when_the_writer_stops_reading(
    demo_db: Path, monkeypatch: pytest.MonkeyPatch, capfd: pytest.CaptureFixture[str]
) -> None:
    templates, numbers = _inputs(demo_db)
    monkeypatch.setattr(copying, "FLUSH", 1)  # a batch a copy: the process has more to send
    order = copying._order(templates, 300, random.Random(2))
    batches = copying._rendered_apart(copying.Plan(templates, order, numbers, random.Random(2), 0, ""))
    first = next(batches)
    batches.close()  # as when writing the first batch fails, or Ctrl-C stops the build
    assert first.done == 1
    assert "Traceback" not in capfd.readouterr().err
