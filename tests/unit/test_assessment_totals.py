"""The assessment's running totals (V20_PERIOD_TOTALS) against the raw count: databases built
through the real commands, every figure of every card and rate compared period by period, at
several times of reading; verify catches a counter changed behind the apply function."""

from __future__ import annotations

import random
import sqlite3
from dataclasses import asdict
from datetime import UTC, date, datetime, timedelta
from functools import partial
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from data.read.assessment import Figure, behind_figure, cards_from_totals, raw_cards_of
from data.read.behind import Behind
from data.read.station_rates import rates_from_totals, raw_station_rates
from data.read.totals import totals_usable
from data.read.trends import trend
from data.service import SyncService, verify
from data.store.schema import upgrade
from data.store.tables import DEPT_COUNTERS
from data.store.totals import differences
from data.write.commands.cases import transition
from data.write.commands.checkins import act, arrive, extend_clock, pause, rate, release, resume
from data.write.commands.corrections import correct_rating
from data.write.commands.reference import upsert_department
from data.write.commands.reinspections import record_result
from models.assessment import Weights
from models.clock import FrozenClock
from models.deadlines import Limit
from models.enums import Grade, ReinspectionResult
from models.errors import DomainError
from models.lifecycle import Action
from models.periods import Period, day_period, month_period, parse_period, week_period
from tests.unit.support import ACTION_ARGS, as_supervisor, assert_pages_join, new_case, rows, whistle

TZ = ZoneInfo("Asia/Shanghai")
SAME_DAYS = ZoneInfo("Etc/GMT-8")
"""Shanghai's days under another name: the assessment reads them from the rows."""
LISTED = [v for k, v in vars(Figure).items() if k.isupper() and v not in (Figure.REWORK, Figure.CORRECTED)]
# 2026-11-30 10:00 in Shanghai, a Monday, the last day of November
MON = datetime(2026, 11, 30, 2, 0, tzinfo=UTC)
PERIODS: list[Period] = [
    *(day_period(date(2026, 11, 27) + timedelta(days=n)) for n in range(8)),
    week_period(date(2026, 11, 30)),
    week_period(date(2026, 11, 23)),
    month_period(date(2026, 11, 1)),
    month_period(date(2026, 12, 1)),
    month_period(date(2025, 1, 1)),  # empty
    parse_period("2026-11-29..2026-12-02", date(2026, 12, 1)),
]


@pytest.fixture
def svc(db_path: Path, settings: object, clock: FrozenClock) -> object:
    clock.set(MON)
    service = as_supervisor(db_path, settings, clock)  # corrections are a supervisor's
    yield service
    service.close()


def checkins_of(path: Path, case_id: str) -> dict[str, str]:
    return {
        r["department_code"]: r["id"] for r in rows(path, "SELECT * FROM checkin WHERE case_id = ?", case_id)
    }


def clock_of(path: Path, checkin_id: str) -> str:
    return str(rows(path, "SELECT clock_id FROM checkin WHERE id = ?", checkin_id)[0][0])


def assert_same(svc: SyncService, now: datetime) -> None:
    """Every card and every rate of every period: the totals give what the rows give."""
    weights = Weights()
    with svc.engine.connect() as conn:
        assert totals_usable(conn, TZ)
        assert not totals_usable(conn, ZoneInfo("Europe/Berlin"))
        for period in PERIODS:
            raw = {
                code: asdict(c)
                for code, c in raw_cards_of(conn, period, now, TZ, weights, None, False).items()
            }
            kept = {
                code: asdict(c)
                for code, c in cards_from_totals(conn, period, now, weights, None, False).items()
            }
            assert kept == raw, period.key
            assert rates_from_totals(conn, period, now, None) == raw_station_rates(conn, period, now, TZ), (
                period.key
            )
            for code in raw:  # the list behind every figure, by the totals' index and by the rows
                for figure in LISTED:
                    kept_list = behind_figure(conn, period, now, TZ, code, figure)
                    kept_ids = [s.checkin_id for s in kept_list]
                    assert_pages_join(  # a page at a time, as view 5 reads it
                        conn,
                        partial(Behind, period, now, TZ, figure, department=code),
                        kept_list,
                    )
                    raw_ids = [
                        s.checkin_id for s in behind_figure(conn, period, now, SAME_DAYS, code, figure)
                    ]
                    assert sorted(kept_ids) == sorted(raw_ids), (period.key, code, figure)
        assert differences(conn) == []


def assert_trend_same(svc: SyncService, now: datetime) -> None:
    month = month_period(date(2026, 12, 1))
    with svc.engine.connect() as conn:
        kept = trend(conn, month, now, TZ, count=3)
        raw = trend(conn, month, now, SAME_DAYS, count=3)
    assert kept.scores == raw.scores
    assert [asdict(r) for r in kept.rates] == [asdict(r) for r in raw.rates]


def test_totals_equal_the_raw_count_through_every_case_the_issue_names(
    svc: SyncService, clock: FrozenClock, db_path: Path
) -> None:
    run = svc.run
    # A: CGZF on time, acts, rated (then the rating corrected); SCJG late then extended; GA absent
    a = new_case(run)
    run(transition, a, Action.TRIAGE)
    whistle(run, a, ["CGZF", "SCJG", "GA"])
    ci = checkins_of(db_path, a)
    clock.advance(minutes=10)
    run(arrive, ci["CGZF"], person="张队")
    run(act, ci["CGZF"], action="劝离摊贩", result="已清理")
    run(rate, ci["CGZF"], rating=5, reason="及时")
    clock.advance(minutes=30)
    run(extend_clock, clock_of(db_path, ci["SCJG"]), by=Limit.hours(1), reason="路远")  # after the deadline
    run(arrive, ci["SCJG"], person="李所")
    run(act, ci["SCJG"], action="检查证照", result="已立案")
    # B: a regular whistle, not yet due
    b = new_case(run)
    run(transition, b, Action.TRIAGE)
    whistle(run, b, ["XF"], grade=Grade.REGULAR)
    # C: closed with its summons awaited within their deadline: withdrawn, shown apart
    c = new_case(run)
    run(transition, c, Action.TRIAGE)
    whistle(run, c, ["GA", "SCJG"])
    run(transition, c, Action.DISPOSE)
    run(transition, c, Action.FEEDBACK, **ACTION_ARGS)
    run(transition, c, Action.CLOSE, reason="已办结，不再需要到场")
    # D: an arrival entered late (补录)
    d = new_case(run)
    run(transition, d, Action.TRIAGE)
    whistle(run, d, ["CGZF"])
    entered = clock.now()
    clock.advance(minutes=40)
    run(
        arrive,
        checkins_of(db_path, d)["CGZF"],
        person="王",
        arrived_at=entered + timedelta(minutes=5),
        entry_reason="电话报到",
    )
    assert_same(svc, clock.now())
    # the rating corrected (冲正)
    clock.advance(minutes=5)
    run(correct_rating, ci["CGZF"], rating=3, reason="复核后改为一般")
    # A disposed, closed, then found relapsed: charged to CGZF and SCJG (who handled it), not GA
    for code in ("CGZF", "SCJG"):
        run(release, ci[code])
    run(transition, a, Action.DISPOSE)
    run(transition, a, Action.FEEDBACK, **ACTION_ARGS)
    run(transition, a, Action.CLOSE, reason="已办结，不再需要到场")
    item = rows(db_path, "SELECT id FROM reinspection WHERE case_id = ?", a)[0][0]
    clock.advance(hours=1)
    run(record_result, item, result=ReinspectionResult.RELAPSE, inspector="王")
    assert_same(svc, clock.now())
    # E: whistled at 23:30 on the last day of November (still November in Shanghai), its clock
    # paused across midnight and resumed in December; SCJG made inactive in the meantime
    clock.set(datetime(2026, 11, 30, 15, 30, tzinfo=UTC))
    e = new_case(run)
    run(transition, e, Action.TRIAGE)
    whistle(run, e, ["SCJG", "CGZF"], grade=Grade.REGULAR)
    ce = checkins_of(db_path, e)
    clock.advance(minutes=10)
    run(pause, clock_of(db_path, ce["SCJG"]), reason="等待审批")
    assert_same(svc, clock.now())
    clock.advance(hours=2)  # December in Shanghai
    dept = rows(db_path, "SELECT * FROM department WHERE code = 'SCJG'")[0]
    run(
        upsert_department,
        code="SCJG",
        name=dept["name"],
        name_en=dept["name_en"],
        mode=dept["mode"],
        active=False,
    )
    run(resume, clock_of(db_path, ce["SCJG"]))
    run(extend_clock, clock_of(db_path, ce["CGZF"]), by=Limit.hours(2), reason="夜间")
    whistle(run, e, ["XF"])  # whistled again on another day: one case whistled in a period holding both
    # F: parked across the boundary and back (every clock of the case paused, then running again)
    f = new_case(run)
    run(transition, f, Action.TRIAGE)
    whistle(run, f, ["XF"], grade=Grade.REGULAR)
    run(transition, f, Action.PARK, reason="等待法院裁定")
    clock.advance(hours=5)
    run(transition, f, Action.UNPARK)
    assert_same(svc, clock.now())
    # read on: the regular whistles fall due while their departments stay away (absent)
    for hours in (12, 30, 24 * 40):
        assert_same(svc, clock.now() + timedelta(hours=hours))
    assert_trend_same(svc, clock.now() + timedelta(days=3))
    report = verify(svc.engine)
    assert report.ok, report.problems


def test_random_days_of_work_keep_the_totals_equal_to_the_raw_count(
    svc: SyncService, clock: FrozenClock, db_path: Path
) -> None:
    """A fuzz of the desk: random cases, whistles, arrivals early and late, extensions, pauses,
    ratings and closures over four days around the month's end, compared at every step."""
    rng = random.Random(19)
    run = svc.run
    clock.set(datetime(2026, 11, 29, 8, 0, tzinfo=UTC))
    open_cases: list[str] = []
    codes = ["CGZF", "SCJG", "GA", "XF"]
    for step in range(40):
        clock.advance(minutes=rng.choice([3, 17, 45, 130, 400]))
        move = rng.random()
        try:
            if move < 0.3 or not open_cases:
                case_id = new_case(run)
                run(transition, case_id, Action.TRIAGE)
                whistle(run, case_id, rng.sample(codes, rng.randint(1, 3)), grade=rng.choice(list(Grade)))
                open_cases.append(case_id)
                continue
            case_id = rng.choice(open_cases)
            awaited = checkins_of(db_path, case_id)
            checkin = awaited[rng.choice(sorted(awaited))]
            if move < 0.55:
                run(arrive, checkin, person="某人")
                run(act, checkin, action="处置", result="完成")
                run(rate, checkin, rating=rng.randint(1, 5), reason="评")
            elif move < 0.65:
                run(extend_clock, clock_of(db_path, checkin), by=Limit.hours(1), reason="路远")
            elif move < 0.72:
                run(pause, clock_of(db_path, checkin), reason="等待")
            elif move < 0.78:
                run(resume, clock_of(db_path, checkin))
            else:
                run(transition, case_id, Action.DISPOSE)
                run(transition, case_id, Action.FEEDBACK, **ACTION_ARGS)
                run(transition, case_id, Action.CLOSE, reason="已办结，不再需要到场")
                open_cases.remove(case_id)
        except DomainError:
            pass  # refused as the desk would refuse it: nothing written
        if step % 8 == 7:
            assert_same(svc, clock.now())
    assert_same(svc, clock.now() + timedelta(days=2))


def test_verify_names_a_counter_changed_behind_the_apply_function(
    svc: SyncService, clock: FrozenClock, db_path: Path
) -> None:
    run = svc.run
    a = new_case(run)
    run(transition, a, Action.TRIAGE)
    whistle(run, a, ["CGZF"])
    clock.advance(minutes=5)
    run(arrive, checkins_of(db_path, a)["CGZF"], person="张队")
    assert verify(svc.engine).ok
    conn = sqlite3.connect(db_path)
    conn.execute("UPDATE dept_day_total SET on_time = on_time + 1, late = 7 WHERE department_code = 'CGZF'")
    conn.commit()
    conn.close()
    report = verify(svc.engine)
    lines = [p for p in report.problems if "dept_day_total" in p]
    assert len(lines) == 2, report.problems
    assert any("on_time" in line and "存 2，应为 1" in line for line in lines)
    assert any(" late" in line and "存 7，应为 0" in line for line in lines)


def test_a_file_of_before_the_totals_is_counted_when_first_opened(
    svc: SyncService, clock: FrozenClock, db_path: Path, settings: object
) -> None:
    run = svc.run
    a = new_case(run)
    run(transition, a, Action.TRIAGE)
    whistle(run, a, ["CGZF", "GA"])
    clock.advance(minutes=45)
    run(arrive, checkins_of(db_path, a)["CGZF"], person="张队")
    svc.close()
    conn = sqlite3.connect(db_path)
    for table in ("dept_day_total", "dept_due_total", "station_day_total", "total_pair", "summons_day"):
        conn.execute(f"DELETE FROM {table}")
    conn.execute("UPDATE period_totals_state SET filled = 0")  # as V20 leaves a file with rows
    conn.commit()
    conn.close()
    again = SyncService.open(db_path, settings, clock)  # type: ignore[arg-type]
    try:
        assert rows(db_path, "SELECT filled FROM period_totals_state")[0][0] == 1
        assert tuple(rows(db_path, "SELECT sum(summoned), sum(late) FROM dept_day_total")[0]) == (2, 1)
        assert_same(again, clock.now())
    finally:
        again.close()


def test_summons_marked_absent_by_the_ladder_count_alike_in_the_totals_and_the_rows(
    svc: SyncService, clock: FrozenClock, db_path: Path
) -> None:
    """缺席 (the escalation ladder's mark) is absent at once, also for a department that comes
    after it (recorded apart, no arrival, no wait): the running totals count it as the rows do,
    on the day of the mark, the days after, and a day a summons due today is still awaited."""
    from data.write.commands.escalation import escalate

    run = svc.run
    came_after, never = new_case(run), new_case(run)
    for case_id in (came_after, never):
        run(transition, case_id, Action.TRIAGE)
        whistle(run, case_id, ["CGZF", "GA"])
    clock.advance(minutes=95)  # past the urgent ladder's 缺席 step (deadline + 60 min)
    assert run(escalate)
    due_today = new_case(run)  # whistled now: due today, still awaited when read
    run(transition, due_today, Action.TRIAGE)
    whistle(run, due_today, ["CGZF"])
    assert_same(svc, clock.now())
    clock.advance(minutes=10)
    late = checkins_of(db_path, came_after)
    run(arrive, late["CGZF"], person="李队长")  # after its 缺席 mark
    run(act, late["CGZF"], action="劝离摊贩", result="已清理")
    run(arrive, checkins_of(db_path, never)["GA"], person="王所")
    for hours in (0, 5, 30):
        clock.advance(hours=hours)
        assert_same(svc, clock.now())
        assert_trend_same(svc, clock.now())
    with svc.engine.connect() as conn:
        cards = cards_from_totals(conn, month_period(date(2026, 11, 1)), clock.now(), Weights(), None, False)
    assert cards["CGZF"].after_absence == 1 and cards["CGZF"].absent >= 2
    assert verify(svc.engine).ok


def test_the_counter_columns_are_those_the_schema_step_made(db_path: Path) -> None:
    """The table handle's counters (named once, read by the scorecard) are the columns the
    V20 step created, in its order: the step's text is frozen, the names are not retyped."""
    with sqlite3.connect(db_path) as conn:
        upgrade(conn)
        columns = [r[1] for r in conn.execute("PRAGMA table_info(dept_day_total)")]
    assert columns == ["station_id", "department_code", "day", *DEPT_COUNTERS]


def test_verify_names_a_summons_row_changed_removed_or_made_up_behind_the_apply_function(
    svc: SyncService, clock: FrozenClock, db_path: Path
) -> None:
    """The one-row-per-summons tables are compared a chunk of cases at a time: a row changed,
    a row missing and a row for no check-in at all are each named."""
    run = svc.run
    cases = [new_case(run) for _ in range(3)]
    for case in cases:
        run(transition, case, Action.TRIAGE)
        whistle(run, case, ["CGZF"])
    clock.advance(minutes=5)
    ids = [checkins_of(db_path, case)["CGZF"] for case in cases]
    run(arrive, ids[0], person="张队")
    assert verify(svc.engine).ok
    conn = sqlite3.connect(db_path)
    conn.execute("UPDATE summons_day SET outcome = 'late' WHERE checkin_id = ?", (ids[0],))
    conn.execute("DELETE FROM summons_place WHERE checkin_id = ?", (ids[1],))
    conn.execute(
        "INSERT INTO summons_day (checkin_id, station_id, department_code, day, outcome, wait_us)"
        " SELECT 'made-up', station_id, department_code, day, outcome, wait_us FROM summons_day"
        " WHERE checkin_id = ?",
        (ids[2],),
    )
    conn.commit()
    conn.close()
    problems = verify(svc.engine).problems
    assert any("summons_day" in p and ids[0] in p for p in problems), problems
    assert any("summons_place" in p and ids[1] in p for p in problems), problems
    assert any("summons_day" in p and "made-up" in p for p in problems), problems
