"""An honest record (issue 12): time only moves forward, lateness stays a fact, times entered late
say so, and no summons ends without a trace."""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from data.read.assessment import scorecards
from data.read.board import board
from data.read.cases import case_detail
from data.read.poll import poll
from data.service import SCHEMA_VERSION, SyncService, verify
from data.settings import Settings
from data.store.eventlog import ClockBehind
from data.store.schema import STEPS
from data.store.schema_steps_record import V10_HONEST_RECORD
from data.write.commands import cases as commands_cases
from data.write.commands import checkins
from data.write.commands.cases import transition
from models.clock import FrozenClock
from models.deadlines import Limit
from models.enums import CaseStatus
from models.errors import DomainError
from models.ids import to_iso
from models.lifecycle import Action
from models.periods import day_period
from tests.unit.calendar_support import clock_payload_before_working_time
from tests.unit.conftest import NOW, Snapshot, snapshot_of
from tests.unit.support import SECRET, case_in, one, rows, whistle


class Desk:
    """The sync service and its file, with a check that a refusal changed nothing."""

    def __init__(self, svc: SyncService, path: Path) -> None:
        self.svc, self.path = svc, path
        self.run = svc.run

    def refused(
        self, kind: type[DomainError], text: str, command: Callable[..., Any], *args: Any, **kwargs: Any
    ) -> DomainError:
        before: Snapshot = snapshot_of(self.path)
        with pytest.raises(kind) as caught:
            self.run(command, *args, **kwargs)
        assert text in str(caught.value)
        assert snapshot_of(self.path) == before
        return caught.value

    def checkin(self, case_id: str, code: str = "CGZF") -> Any:
        return one(
            self.path, "SELECT * FROM checkin WHERE case_id = ? AND department_code = ?", case_id, code
        )

    def whistled(self, codes: list[str] | None = None) -> str:
        case_id = case_in(self.run, CaseStatus.TRIAGE)
        whistle(self.run, case_id, codes or ["CGZF"])
        return case_id


@pytest.fixture
def desk(sync_service: SyncService, db_path: Path) -> Desk:
    return Desk(sync_service, db_path)


def _at(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=UTC)


def _times(path: Path) -> list[datetime]:
    return [_at(r["at"]) for r in rows(path, "SELECT at FROM event ORDER BY seq")]


# -- 1. time only moves forward ----------------------------------------------------------------


def test_a_clock_set_back_refuses_every_write_naming_both_times(desk: Desk, clock: FrozenClock) -> None:
    """Finding 1: with the clock two hours back, an overdue arrival was recorded on time and
    its event stamped before the one before it."""
    case_id = desk.whistled()
    clock.advance(minutes=45)  # the 30-minute deadline has passed
    other = desk.whistled(["GA"])  # an event at 10:45
    clock.set(NOW + timedelta(minutes=45) - timedelta(hours=2))
    err = desk.refused(ClockBehind, "08:45:00", checkins.arrive, desk.checkin(case_id)["id"], person="李")
    assert "10:45:00" in str(err)
    assert desk.checkin(other, "GA")["status"] == "summoned"
    times = _times(desk.path)
    assert times == sorted(times)


def test_a_clock_a_little_behind_stamps_the_record_time_and_arrival_stays_late(
    desk: Desk, clock: FrozenClock
) -> None:
    case_id = desk.whistled()
    clock.advance(minutes=45)
    desk.whistled(["GA"])  # the record has seen 10:45
    clock.advance(minutes=-1)  # within the tolerance
    late = desk.run(checkins.arrive, desk.checkin(case_id)["id"], person="李")
    assert late == 15
    times = _times(desk.path)
    assert times == sorted(times) and times[-1] == NOW + timedelta(minutes=45)


# -- 2. lateness is a fact once it happens -----------------------------------------------------


def test_an_extension_after_the_deadline_is_recorded_but_the_arrival_stays_late(
    desk: Desk, clock: FrozenClock
) -> None:
    """Finding 2: an extension granted after the deadline turned a late arrival on time."""
    case_id = desk.whistled()
    checkin = desk.checkin(case_id)
    clock.advance(minutes=40)  # ten minutes past the 10:30 deadline
    desk.run(checkins.extend_clock, checkin["clock_id"], by=Limit.hours(1), reason="路远")
    extended = one(desk.path, "SELECT * FROM clock WHERE id = ?", checkin["clock_id"])
    assert _at(extended["late_since"]) == NOW + timedelta(minutes=30)
    assert _at(extended["deadline"]) == NOW + timedelta(minutes=90)
    clock.advance(minutes=10)
    assert desk.run(checkins.arrive, checkin["id"], person="李") == 20
    assert desk.checkin(case_id)["late_minutes"] == 20
    arrived = one(desk.path, "SELECT payload FROM event WHERE type = 'checkin.arrived'")["payload"]
    assert json.loads(arrived)["late_since"] == to_iso(NOW + timedelta(minutes=30))


def test_an_extension_before_the_deadline_still_moves_it(desk: Desk, clock: FrozenClock) -> None:
    case_id = desk.whistled()
    checkin = desk.checkin(case_id)
    clock.advance(minutes=20)
    desk.run(checkins.extend_clock, checkin["clock_id"], by=Limit.hours(1), reason="路远")
    assert one(desk.path, "SELECT late_since FROM clock WHERE id = ?", checkin["clock_id"])[0] is None
    clock.advance(minutes=30)
    assert desk.run(checkins.arrive, checkin["id"], person="李") == 0


def test_an_overdue_check_in_cannot_be_paused(desk: Desk, clock: FrozenClock) -> None:
    """Finding 3: pausing an overdue check-in took it out of the overdue count."""
    case_id = desk.whistled()
    checkin = desk.checkin(case_id)
    clock.advance(minutes=31)
    with desk.svc.engine.connect() as conn:
        assert poll(conn, clock.now(), None, frozenset()).overdue == 1
    desk.refused(DomainError, "2026-03-10 10:30", checkins.pause, checkin["clock_id"], reason="等交警")
    with desk.svc.engine.connect() as conn:
        assert poll(conn, clock.now(), None, frozenset()).overdue == 1


def test_a_check_in_can_be_paused_before_its_deadline(desk: Desk, clock: FrozenClock) -> None:
    case_id = desk.whistled()
    clock.advance(minutes=29)
    desk.run(checkins.pause, desk.checkin(case_id)["clock_id"], reason="等交警")


# -- the schema step ---------------------------------------------------------------------------


def test_a_file_from_before_the_honest_record_step_is_upgraded_with_its_rows(
    db_path: Path, clock: FrozenClock, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The step adds its columns empty; the rows and the chain stay as they were."""
    svc = SyncService.open(db_path, Settings(station_id="ST-OLD"), clock)
    with monkeypatch.context() as patch:  # clocks as the code before the working-time step wrote them
        patch.setattr(commands_cases, "clock_payload", clock_payload_before_working_time)
        case_id = case_in(svc.run, CaseStatus.TRIAGE)
        whistle(svc.run, case_id, ["CGZF"])
    svc.close()
    conn = sqlite3.connect(db_path)
    for table, column in NEW_COLUMNS:
        conn.execute(f"ALTER TABLE {table} DROP COLUMN {column}")
    for statement in LATER_STEPS_UNDONE:
        conn.execute(statement)
    conn.execute(f"PRAGMA user_version = {STEPS.index(V10_HONEST_RECORD)}")  # the version before
    conn.commit()
    tables = ("checkin", "clock")
    before = {t: [tuple(r) for r in conn.execute(f"SELECT * FROM {t} ORDER BY 1")] for t in tables}
    conn.close()
    svc = SyncService.open(db_path, Settings(station_id="ST-OLD"), clock)
    try:
        assert one(db_path, "PRAGMA user_version")[0] == SCHEMA_VERSION
        for table, old in before.items():
            new = [tuple(r) for r in rows(db_path, f"SELECT * FROM {table} ORDER BY 1")]
            assert [r[: len(old[0])] for r in new] == old
            assert all(value is None for r in new for value in r[len(old[0]) :])
        clock.advance(minutes=40)
        desk = Desk(svc, db_path)
        desk.run(checkins.extend_clock, desk.checkin(case_id)["clock_id"], by=Limit.hours(1), reason="路远")
        assert verify(svc.engine).ok
    finally:
        svc.close()


# What the steps after the honest record's add, taken away again to make a file of before it.
LATER_STEPS_UNDONE = (
    "DROP TABLE operator_credential",  # V11_OPERATOR_AUTH
    "ALTER TABLE sync_trust DROP COLUMN district",  # V13_SYNC_TRUST
    "DROP TABLE signed_head",
    "ALTER TABLE clock DROP COLUMN calendar_basis",  # V12_WORKING_TIME
    "ALTER TABLE clock DROP COLUMN work_hours",
    "ALTER TABLE calendar_year DROP COLUMN origin",
    "ALTER TABLE calendar_year DROP COLUMN override_reason",
    "DROP INDEX ix_checkin_case_status",  # V14_SCALE_INDEXES
    "DROP INDEX ix_clock_kind_deadline",  # V16_ASSESSMENT_INDEXES
    "DROP INDEX ix_case_feedback",
    "DROP TABLE handover_item",  # V17_HANDOVER
    "DROP TABLE handover",
    "DROP INDEX ix_checkin_absent",  # V18_ESCALATION
    "ALTER TABLE checkin DROP COLUMN alarmed_at",
    "ALTER TABLE checkin DROP COLUMN absent_at",
    "ALTER TABLE whistle DROP COLUMN follows",
    "ALTER TABLE meeting_attendance DROP COLUMN people",  # V19_ATTENDANCE_PEOPLE
    "DROP TABLE dept_day_total",  # V20_PERIOD_TOTALS
    "DROP TABLE dept_due_total",
    "DROP TABLE station_day_total",
    "DROP TABLE total_pair",
    "DROP TABLE summons_day",
    "DROP TABLE period_totals_state",
    "DROP TABLE place_day_total",  # V22_PLACE_TOTALS
    "DROP TABLE place_due_total",
    "DROP TABLE place_pair",
    "DROP TABLE summons_place",
    "DROP INDEX ix_case_community_received",
    "DROP INDEX ix_case_category_received",
    "DROP INDEX ix_reinspection_recorded",
    "ALTER TABLE agenda_item DROP COLUMN reason_parts",  # V23_REASON_PARTS
    "DROP TRIGGER open_search_queue_insert",  # V24_OPEN_SEARCH
    "DROP TRIGGER open_search_queue_open",
    "DROP TABLE open_search",
)
NEW_COLUMNS = [
    ("clock", "late_since"),
    *(
        ("checkin", c)
        for c in (
            "arrived_entered_at",
            "acted_entered_at",
            "released_entered_at",
            "withdrawn_at",
            "withdrawn_by",
            "withdraw_reason",
        )
    ),
]


# -- 3. times as they happened -----------------------------------------------------------------


def test_an_arrival_back_dated_needs_a_reason_and_is_recorded_as_entered_late(
    desk: Desk, clock: FrozenClock
) -> None:
    """Finding 4: an arrival could be back-dated with no reason asked."""
    case_id = desk.whistled()
    checkin = desk.checkin(case_id)["id"]
    clock.advance(minutes=40)
    phoned = NOW + timedelta(minutes=5)  # "we arrived at 10:05"
    err = desk.refused(DomainError, "补录", checkins.arrive, checkin, person="李", arrived_at=phoned)
    assert getattr(err, "field", None) == "entry_reason"
    late = desk.run(checkins.arrive, checkin, person="李", arrived_at=phoned, entry_reason="电话报到")
    assert late == 0
    row = desk.checkin(case_id)
    assert _at(row["arrived_at"]) == phoned and _at(row["arrived_entered_at"]) == NOW + timedelta(minutes=40)
    payload = json.loads(one(desk.path, "SELECT payload FROM event WHERE type = 'checkin.arrived'")[0])
    assert payload["arrived_at"] == to_iso(phoned)
    assert payload["late_entry"] == {"entered_at": to_iso(NOW + timedelta(minutes=40)), "reason": "电话报到"}


def test_a_time_a_few_minutes_back_needs_no_reason(desk: Desk, clock: FrozenClock) -> None:
    case_id = desk.whistled()
    clock.advance(minutes=20)
    desk.run(
        checkins.arrive, desk.checkin(case_id)["id"], person="李", arrived_at=NOW + timedelta(minutes=12)
    )
    assert desk.checkin(case_id)["arrived_entered_at"] is None


@pytest.mark.parametrize(
    ("offset", "text", "field"),
    [
        (timedelta(minutes=5), "不能晚于现在", "arrived_at"),
        (timedelta(minutes=-5), "不能早于吹哨", "arrived_at"),
    ],
)
def test_a_time_in_the_future_or_before_the_whistle_is_refused_at_its_field(
    desk: Desk, clock: FrozenClock, offset: timedelta, text: str, field: str
) -> None:
    case_id = desk.whistled()
    clock.advance(minutes=20)
    base = clock.now() if offset > timedelta(0) else NOW
    err = desk.refused(
        DomainError,
        text,
        checkins.arrive,
        desk.checkin(case_id)["id"],
        person="李",
        arrived_at=base + offset,
        entry_reason="补",
    )
    assert getattr(err, "field", None) == field


def test_action_and_release_take_their_times_in_order(desk: Desk, clock: FrozenClock) -> None:
    case_id = desk.whistled()
    checkin = desk.checkin(case_id)["id"]
    clock.advance(minutes=20)
    desk.run(checkins.arrive, checkin, person="李")
    clock.advance(minutes=60)
    desk.refused(
        DomainError,
        "不能早于上一步",
        checkins.act,
        checkin,
        action="a",
        result="b",
        acted_at=NOW + timedelta(minutes=10),
        entry_reason="补",
    )
    desk.run(
        checkins.act,
        checkin,
        action="劝离",
        result="已清理",
        acted_at=NOW + timedelta(minutes=30),
        entry_reason="现场忙，回来补登",
    )
    desk.run(checkins.release, checkin, released_at=NOW + timedelta(minutes=75))
    row = desk.checkin(case_id)
    assert _at(row["acted_at"]) == NOW + timedelta(minutes=30)
    assert _at(row["acted_entered_at"]) == NOW + timedelta(minutes=80)
    assert _at(row["released_at"]) == NOW + timedelta(minutes=75) and row["released_entered_at"] is None


# -- 4. nothing ends without a trace -----------------------------------------------------------


def test_closing_with_summons_awaited_withdraws_each_with_a_trace(desk: Desk, clock: FrozenClock) -> None:
    """Finding 5: closing withdrew awaited departments silently."""
    case_id = desk.whistled(["CGZF", "GA", "SCJG"])
    cgzf = desk.checkin(case_id, "CGZF")["id"]
    clock.advance(minutes=10)
    desk.run(checkins.arrive, cgzf, person="李")
    desk.run(checkins.act, cgzf, action="劝离", result="已清理")
    desk.run(checkins.release, cgzf)
    desk.run(transition, case_id, Action.DISPOSE)
    desk.run(transition, case_id, Action.FEEDBACK, result="已整改")
    err = desk.refused(DomainError, "公安派出所、市场监管所", transition, case_id, Action.CLOSE)
    assert getattr(err, "field", None) == "reason"
    desk.run(transition, case_id, Action.CLOSE, reason="城管已处置完毕")
    withdrawn = rows(
        desk.path,
        "SELECT operator, payload FROM event WHERE type = 'checkin.withdrawn' ORDER BY seq",
    )
    assert len(withdrawn) == 2
    for row, code in zip(withdrawn, ("GA", "SCJG"), strict=True):
        payload = json.loads(row["payload"])
        assert payload["department_code"] == code and payload["reason"] == "城管已处置完毕"
        assert payload["overdue"] is False and row["operator"] == "值班员"
        checkin = desk.checkin(case_id, code)
        assert checkin["status"] == "withdrawn" and checkin["withdrawn_by"] == "值班员"
    with desk.svc.engine.connect() as conn:
        texts = [e.text for e in case_detail(conn, case_id, desk.svc.rules.settings.tz).timeline]
        board_ = board(conn, clock.now(), desk.svc.rules.settings.tz)
    assert "撤回召集：公安派出所；原因：城管已处置完毕" in texts
    assert "撤回召集：市场监管所；原因：城管已处置完毕" in texts
    ga = next(d for d in board_.departments if d.code == "GA")
    assert ga.tally.withdrawn == 1 and ga.tally.no_show == 0


def test_parking_withdraws_with_the_reason_given(desk: Desk) -> None:
    """(A case with summons out cannot be rejected: 不予受理 comes before any whistle.)"""
    case_id = desk.whistled(["GA"])
    desk.run(transition, case_id, Action.PARK, reason="不属本街道管辖")
    checkin = desk.checkin(case_id, "GA")
    assert checkin["status"] == "withdrawn" and checkin["withdraw_reason"] == "不属本街道管辖"


def test_a_summons_withdrawn_past_its_deadline_stays_a_no_show(desk: Desk, clock: FrozenClock) -> None:
    case_id = desk.whistled(["GA"])
    clock.advance(minutes=45)
    desk.run(transition, case_id, Action.PARK, reason="等待法院裁定")
    checkin = desk.checkin(case_id, "GA")
    assert checkin["status"] == "no_show" and checkin["withdrawn_at"] is not None


# -- replay agrees -----------------------------------------------------------------------------


def test_replay_of_the_new_events_agrees_with_the_tables(desk: Desk, clock: FrozenClock) -> None:
    """checkin.withdrawn, late_since on clock.extended and 补录 times: verify replays them all."""
    case_id = desk.whistled(["CGZF", "GA"])
    cgzf, ga = desk.checkin(case_id, "CGZF"), desk.checkin(case_id, "GA")
    clock.advance(minutes=40)
    desk.run(checkins.extend_clock, cgzf["clock_id"], by=Limit.hours(1), reason="路远")
    desk.run(
        checkins.arrive, cgzf["id"], person="李", arrived_at=NOW + timedelta(minutes=25), entry_reason="电话"
    )
    desk.run(checkins.act, cgzf["id"], action="劝离", result="已清理")
    clock.advance(minutes=30)
    desk.run(checkins.release, cgzf["id"], released_at=NOW + timedelta(minutes=50), entry_reason="忘了登记")
    desk.run(transition, case_id, Action.DISPOSE)
    desk.run(transition, case_id, Action.FEEDBACK, result="已整改")
    desk.run(transition, case_id, Action.CLOSE, reason="已处置完毕")
    assert desk.checkin(case_id, "GA")["id"] == ga["id"]
    report = verify(desk.svc.engine)
    assert report.ok, report.problems


# -- black box: the command line with the computer's clock two hours behind the record ---------

ROOT = Path(__file__).resolve().parents[2]
ORDERS = (
    "来源,类别,社区,地址,问题描述,反映人,联系电话,紧急程度\n"
    "12345热线,噪音扰民,东四社区,东四北大街 12 号,夜间施工噪音扰民,,,\n"
)


def test_the_command_line_with_the_clock_two_hours_behind_the_record_writes_nothing(tmp_path: Path) -> None:
    """The record was last written two hours ahead of this computer's real clock (another desk
    with a right clock, or this one before its clock was set back): ``whistle intake`` run for
    real, with the system clock, refuses naming both times and leaves no earlier event."""
    db = tmp_path / "whistle.db"
    ahead = FrozenClock(datetime.now(UTC) + timedelta(hours=2))
    svc = SyncService.open(db, Settings(station_id="ST-BOX"), ahead)
    svc.set_up("值班员", SECRET)  # the command line signs in with the passphrase the env gives
    case_in(svc.run, CaseStatus.TRIAGE)
    svc.close()
    before = _times(db)
    orders = tmp_path / "orders.csv"
    orders.write_text(ORDERS, encoding="utf-8")
    env = {**os.environ, "PYTHONPATH": str(ROOT), "HOME": str(tmp_path), "XDG_CONFIG_HOME": str(tmp_path)}
    done = subprocess.run(
        [
            sys.executable,
            "-c",
            "import sys; from tui.cli import main; sys.exit(main())",
            *("intake", str(orders), "--db", str(db), "--operator", "值班员"),
        ],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    # the sign-in is the first write (auth): refused there, before the file is read; nothing imported
    assert done.returncode == 2, done.stderr
    assert "电脑时钟为" in done.stderr and "已拒绝写入" in done.stderr
    assert "Traceback" not in done.stderr
    after = _times(db)
    assert after == before and after == sorted(after)


def test_the_reports_count_withdrawals_late_entries_and_late_extensions_apart(
    desk: Desk, clock: FrozenClock
) -> None:
    case_id = desk.whistled(["CGZF", "GA", "SCJG"])
    cgzf, scjg = desk.checkin(case_id, "CGZF"), desk.checkin(case_id, "SCJG")
    clock.advance(minutes=40)
    desk.run(checkins.extend_clock, scjg["clock_id"], by=Limit.hours(1), reason="路远")
    desk.run(checkins.arrive, scjg["id"], person="张")  # ten minutes late, as it happens
    desk.run(
        checkins.arrive, cgzf["id"], person="李", arrived_at=NOW + timedelta(minutes=10), entry_reason="电话"
    )
    for row in (cgzf, scjg):
        desk.run(checkins.act, row["id"], action="劝离", result="已清理")
        desk.run(checkins.release, row["id"])
    desk.run(transition, case_id, Action.DISPOSE)
    desk.run(transition, case_id, Action.FEEDBACK, result="已整改")
    clock.advance(minutes=1)
    desk.run(transition, case_id, Action.CLOSE, reason="已处置完毕")
    tz = desk.svc.rules.settings.tz
    with desk.svc.engine.connect() as conn:
        cards = scorecards(conn, day_period(clock.now().astimezone(tz).date()), clock.now(), tz).cards

    def total(figure: str) -> int:
        return sum(getattr(card, figure) for card in cards)

    # GA was past its deadline when withdrawn: a no-show, not a withdrawal
    assert [total(f) for f in ("summoned", "withdrawn", "entered_late", "extended_late")] == [3, 0, 1, 1]
    assert total("absent") == 1
    assert total("on_time") == 1  # CGZF; SCJG stays late though extended
