"""Schema versions: an old file is upgraded with its rows intact; the final schema matches the
SQLModel tables; released steps stay frozen."""

from __future__ import annotations

import hashlib
import sqlite3
from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy import create_engine
from sqlmodel import SQLModel

import models.tables  # noqa: F401  (registers the tables in the metadata)
from data.catalogue import DEPARTMENTS
from data.service import SyncService
from data.settings import Settings
from data.store import apply as apply_module
from data.store import schema
from data.store.eventlog import EventWriter, head_of, store
from data.store.schema import SCHEMA_VERSION, STEPS, upgrade, version_of
from data.store.schema_steps import V12_WORKING_TIME
from data.store.schema_steps_sync import V13_SYNC_TRUST
from data.store.verify import verify
from data.write.commands import cases as commands_cases
from data.write.commands.cases import blow_whistle, receive_case, transition
from data.write.commands.common import Ctx, Rules
from data.write.commands.reference import register_station, upsert_department
from data.write.commands.working_time import load_calendar_year
from models.clock import FrozenClock
from models.deadlines import Limit
from models.enums import Grade, Role
from models.events import seal
from models.ids import uuid7
from models.lifecycle import Action
from tests.unit.calendar_support import TABLE_2027, clock_payload_before_working_time
from tests.unit.conftest import NOW
from tests.unit.support import CASE, as_supervisor, one, rows

# Released steps never change; a new version appends a step. These digests pin the steps
# of the core so an edit to one of them is noticed.
FROZEN = {
    1: "174a08adb3fa8daaeb9f2f040523e7d5a281e599cce532a85dbb6d92f949178e",
    2: "dfe36be87a83160dbd796d50fe20693b7ad2b59b45fc06564d56101f73e3db33",
}


# What an upgrade must keep. The station's key is left out: opening gives the station one.
# (Reference rows' event_id became a rank at version 7, and operators gained their station.)
KEPT = {
    "station": "SELECT id, name, case_prefix, is_local, trusted FROM station",
    "operator": "SELECT name, role, active FROM operator ORDER BY name",
    "department": "SELECT code, name, name_en, mode, contact, active, sort FROM department ORDER BY code",
    **{
        table: f"SELECT * FROM {table} ORDER BY 1"
        for table in ("case_file", "whistle", "checkin", "clock", "event")
    },
}


def _step_digest(n: int) -> str:
    return hashlib.sha256(STEPS[n - 1].encode()).hexdigest()


def _v1_operator(ctx: Ctx, name: str, role: Role) -> None:
    """What version 1's code wrote for a new operator: its event, and a row keyed by name."""
    seq, prev = head_of(ctx.conn, ctx.w.station_id)
    record = seal(
        id=uuid7(NOW),
        station_id=ctx.w.station_id,
        seq=seq + 1,
        operator=name,
        at=NOW,
        type="operator.added",
        subject=None,
        payload={"name": name, "role": role.value, "active": True},
        personal=None,
        prev_hash=prev,
    )
    store(ctx.conn, record)
    ctx.w.reset_head()
    ctx.conn.exec_driver_sql(
        "INSERT INTO operator (name, role, active, event_id) VALUES (?, ?, 1, ?)",
        (name, role.value, record.id),
    )


def _before_totals(patch: pytest.MonkeyPatch) -> None:
    """The apply function of the time kept no running totals (V20_PERIOD_TOTALS): the tables
    and columns its upkeep reads did not exist yet."""
    patch.setattr(apply_module, "before_event", lambda conn, record: None)
    patch.setattr(apply_module, "after_event", lambda conn, record, before: None)


def _v1_file(path: Path) -> tuple[str, str]:
    """A file at schema version 1 with a station, the catalogue and a whistled case, written
    through the commands of the time (they only touch version-1 tables)."""
    raw = sqlite3.connect(path, isolation_level=None)
    assert upgrade(raw, target=1) == 1
    raw.close()
    engine = create_engine(f"sqlite:///{path}")
    clock = FrozenClock(NOW)
    with engine.begin() as conn:
        ctx = Ctx(EventWriter(conn, "ST-OLD", "老值班员", clock), Rules(Settings()))
        register_station(ctx, name="老站", case_prefix="LZ")
        for spec in DEPARTMENTS:  # version 1 did not mark the shipped catalogue as defaults
            upsert_department(ctx, code=spec.code, name=spec.name, name_en=spec.name_en, mode=spec.mode)
        for table in ("station", "department"):  # nor rank reference rows
            conn.exec_driver_sql(f"UPDATE {table} SET event_id = substr(event_id, 2)")
        _v1_operator(ctx, "老值班员", Role.SUPERVISOR)
        with pytest.MonkeyPatch.context() as patch:
            patch.setattr(commands_cases, "clock_payload", clock_payload_before_working_time)
            _before_totals(patch)
            case_id = receive_case(ctx, **CASE, reporter_phone="13812345678")
            transition(ctx, case_id, Action.TRIAGE)
            whistle_id = blow_whistle(ctx, case_id, grade=Grade.URGENT, departments=["CGZF", "GA"])
    engine.dispose()
    return case_id, whistle_id


def test_a_version_1_file_is_upgraded_with_its_rows_intact(tmp_path: Path) -> None:
    path = tmp_path / "old.db"
    case_id, whistle_id = _v1_file(path)
    assert one(path, "PRAGMA user_version")[0] == 1
    before = {table: rows(path, query) for table, query in KEPT.items()}
    service = SyncService.open(path, Settings(station_id="ST-OLD"), FrozenClock(NOW), operator="老值班员")
    try:
        assert one(path, "PRAGMA user_version")[0] == SCHEMA_VERSION
        for table, old in before.items():
            new = rows(path, KEPT[table])
            if table == "event":
                new = new[: len(old)]  # opening may append (e.g. a station key)
            width = len(old[0]) if old else 0  # later steps may add columns after the old ones
            assert [tuple(r)[:width] for r in new] == [tuple(r) for r in old], table
        assert service.station_id == "ST-OLD"
        # the upgraded file goes on working: the chain continues and later tables are usable
        transition_to = service.run(transition, case_id, Action.DISPOSE)
        assert transition_to == "disposing"
        second = service.run(receive_case, **CASE)
        assert one(path, "SELECT number FROM case_file WHERE id = ?", second)["number"].endswith("000002")
        seqs = [r[0] for r in rows(path, "SELECT seq FROM event WHERE station_id = 'ST-OLD' ORDER BY seq")]
        assert seqs == list(range(1, len(seqs) + 1))
        report = verify(service.engine)
        assert report.ok, report.problems
        assert one(path, "SELECT count(*) FROM whistle WHERE id = ?", whistle_id)[0] == 1
    finally:
        service.close()


@pytest.mark.parametrize("start", range(0, SCHEMA_VERSION))
def test_each_version_upgrades_step_by_step_to_the_same_schema(tmp_path: Path, start: int) -> None:
    stepwise = sqlite3.connect(tmp_path / "stepwise.db", isolation_level=None)
    for version in range(1, start + 1):
        assert upgrade(stepwise, target=version) == version
    assert upgrade(stepwise) == SCHEMA_VERSION
    direct = sqlite3.connect(tmp_path / "direct.db", isolation_level=None)
    upgrade(direct)
    query = "SELECT type, name, tbl_name, sql FROM sqlite_master ORDER BY type, name"
    assert stepwise.execute(query).fetchall() == direct.execute(query).fetchall()
    assert version_of(stepwise) == version_of(direct) == SCHEMA_VERSION
    assert upgrade(direct) == SCHEMA_VERSION  # a second run does nothing
    stepwise.close()
    direct.close()


def test_a_failing_step_leaves_the_file_at_the_previous_version(tmp_path: Path) -> None:
    conn = sqlite3.connect(tmp_path / "half.db", isolation_level=None)
    upgrade(conn, target=1)
    conn.execute("CREATE TABLE calendar_year (clash INTEGER)")  # step 2 will collide with it
    with pytest.raises(sqlite3.OperationalError):
        upgrade(conn)
    assert version_of(conn) == 1
    assert not conn.in_transaction
    conn.close()


def test_the_final_schema_has_every_column_of_the_models(sync_service: SyncService, db_path: Path) -> None:
    conn = sqlite3.connect(db_path)
    try:
        for name, table in SQLModel.metadata.tables.items():
            info = conn.execute(f'PRAGMA table_info("{name}")').fetchall()
            assert info, f"table {name} missing"
            on_disk = {row[1]: row for row in info}
            assert set(on_disk) == {c.name for c in table.columns}, name
            for column in table.columns:
                _cid, _name, _type, notnull, _default, pk = on_disk[column.name]
                assert bool(pk) == column.primary_key, f"{name}.{column.name} primary key"
                if not column.primary_key:
                    assert bool(notnull) == (not column.nullable), f"{name}.{column.name} NOT NULL"
            on_disk_fks = {(r[3], r[2], r[4]) for r in conn.execute(f'PRAGMA foreign_key_list("{name}")')}
            wanted = {(fk.parent.name, fk.column.table.name, fk.column.name) for fk in table.foreign_keys}
            assert on_disk_fks == wanted, name
    finally:
        conn.close()


@pytest.mark.parametrize("step", sorted(FROZEN))
def test_released_core_steps_are_frozen(step: int) -> None:
    assert _step_digest(step) == FROZEN[step]


def test_steps_run_statement_by_statement_as_a_script_would(tmp_path: Path) -> None:
    by_statement = sqlite3.connect(":memory:", isolation_level=None)
    upgrade(by_statement)
    as_script = sqlite3.connect(":memory:", isolation_level=None)
    for step in STEPS:
        as_script.executescript(step)
    query = "SELECT type, name, sql FROM sqlite_master ORDER BY type, name"
    assert by_statement.execute(query).fetchall() == as_script.execute(query).fetchall()


def test_a_step_another_program_already_ran_is_not_run_again(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Two programs open a new file at once: both read version 0, one upgrades first."""
    path = tmp_path / "raced.db"
    first = sqlite3.connect(path, isolation_level=None)
    assert upgrade(first) == SCHEMA_VERSION
    second = sqlite3.connect(path, isolation_level=None)
    real = schema.version_of
    reads: list[int] = []

    def stale_first_read(conn: sqlite3.Connection) -> int:
        reads.append(0)
        return 0 if len(reads) == 1 else real(conn)

    monkeypatch.setattr(schema, "version_of", stale_first_read)
    assert upgrade(second) == SCHEMA_VERSION  # believes it starts at 0; must run no step again
    assert real(second) == SCHEMA_VERSION
    assert not second.in_transaction
    first.close()
    second.close()


def test_the_sync_trust_step_keeps_trust_and_ranks_old_rows_as_local_defaults(tmp_path: Path) -> None:
    """V13_SYNC_TRUST: trusted keys stay (none is a district until said so), signed heads get
    their table, and reference rows written before keep their values, ranked so that only the
    district's or the station's own later edits replace them."""
    path = tmp_path / "old.db"
    conn = sqlite3.connect(path, isolation_level=None)
    try:
        upgrade(conn, target=STEPS.index(V13_SYNC_TRUST))  # the version before the step
        conn.execute(
            "INSERT INTO sync_trust (station_id, public_key, added_at, added_by) "
            "VALUES ('ST-B', 'ab', '2026-03-10 02:00:00.000000', '王站长')"
        )
        conn.execute(
            "INSERT INTO department (code, name, name_en, mode, contact, active, sort, event_id) "
            "VALUES ('CGZF', '城管执法队', '', 'resident', '值班 6666', 1, 1, '1ffffffff-ffff')"
        )
        assert upgrade(conn) == SCHEMA_VERSION
        trust = conn.execute("SELECT station_id, public_key, district FROM sync_trust").fetchall()
        assert trust == [("ST-B", "ab", 0)]
        assert conn.execute("SELECT contact, event_id FROM department").fetchall() == [
            ("值班 6666", "2" + "0" * 16)
        ]
        assert conn.execute("SELECT count(*) FROM signed_head").fetchone() == (0,)
    finally:
        conn.close()


def test_a_file_from_before_working_time_upgrades_and_its_clocks_are_counted_again(tmp_path: Path) -> None:
    """V12_WORKING_TIME adds how each clock was counted; clocks from before have none, and a table
    arriving counts again those that ran through its year without one."""
    path = tmp_path / "v8.db"
    raw = sqlite3.connect(path, isolation_level=None)
    before = STEPS.index(V12_WORKING_TIME)
    assert upgrade(raw, target=before) == before
    raw.close()
    engine = create_engine(f"sqlite:///{path}")
    start = datetime(2026, 12, 28, 2, 0, tzinfo=UTC)  # 10:00 in Shanghai
    settings = Settings(station_id="ST-V8")
    settings.handling_limits[CASE["category"]] = Limit.working_days(15)
    with engine.begin() as conn:
        ctx = Ctx(EventWriter(conn, "ST-V8", "老值班员", FrozenClock(start)), Rules(settings))
        register_station(ctx, name="老站", case_prefix="LZ")
        with pytest.MonkeyPatch.context() as patch:
            patch.setattr(commands_cases, "clock_payload", clock_payload_before_working_time)
            _before_totals(patch)
            case_id = receive_case(ctx, **CASE)
    engine.dispose()
    old_clock = rows(path, "SELECT * FROM clock ORDER BY 1")
    service = as_supervisor(path, settings, FrozenClock(start), "老值班员")
    try:
        assert one(path, "PRAGMA user_version")[0] == SCHEMA_VERSION
        width = len(old_clock[0])  # later steps add columns after the old ones
        assert [tuple(r)[:width] for r in rows(path, "SELECT * FROM clock ORDER BY 1")] == [
            tuple(r) for r in old_clock
        ]
        clock = one(path, "SELECT calendar_basis, work_hours, deadline FROM clock WHERE case_id = ?", case_id)
        assert (clock["calendar_basis"], clock["work_hours"]) == (None, None)
        assert clock["deadline"].startswith("2027-01-18 02:00")
        assert 2027 in service.rules.fallback_years  # the warning stands for the old clock too
        service.run(load_calendar_year, TABLE_2027)
        after = one(path, "SELECT deadline FROM clock WHERE case_id = ?", case_id)
        assert after["deadline"].startswith("2027-01-19 02:00")
        assert verify(service.engine).ok
    finally:
        service.close()
