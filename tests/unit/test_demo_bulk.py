"""Benchmark-sized demos: the copied cases' events chain and replay to exactly the copied rows."""

from __future__ import annotations

import random
import sqlite3
from pathlib import Path

import pytest

from data.demo.bulk import Text, _templates, check_template, copy_cases
from data.service import open_sync, verify
from data.settings import Settings
from data.store.totals import differences
from tests.unit.conftest import copy_db
from tests.unit.support import one, rows

STATION = "ST-DEMO"  # the demo_db fixture's station


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
