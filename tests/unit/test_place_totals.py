"""The figures by community and by category read from their running totals (V22_PLACE_TOTALS):
a database built through the real commands, every figure of every place recounted by plain SQL
over the raw tables (local days by SQLite's own date arithmetic, not the code's), period by
period and at several times of reading; the list behind each figure opens the same records as
the rows give; verify catches a place counter changed behind the apply function; a file from
before the step is counted when first opened for writing."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from functools import partial
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from data.read.areas import Area, AreaCard, AreaFigure, CaseLine, area_cards, behind_area, raw_area_cards
from data.read.behind import Behind
from data.read.cases import case_detail
from data.read.periodic import TOP, periodic_facts
from data.read.summons import Summons
from data.read.totals import place_totals_usable, totals_usable
from data.service import SyncService, open_sync, verify
from data.store.schema import STEPS, upgrade
from data.store.schema_steps_totals import V22_PLACE_TOTALS
from data.store.tables import PLACE_COUNTERS
from data.store.totals import differences
from data.write.commands.cases import transition
from data.write.commands.checkins import act, arrive, pause, release, resume
from data.write.commands.corrections import correct_case
from data.write.commands.reinspections import record_result
from models.assessment import US_PER_MINUTE, Ratio, median_of_us
from models.clock import FrozenClock
from models.enums import CheckInStatus, Grade, ReinspectionResult
from models.lifecycle import Action
from models.periods import Period, day_period, month_period, parse_period, week_period
from screens.report_columns import area_cells
from tests.unit.support import ACTION_ARGS, as_supervisor, assert_pages_join, new_case, rows, whistle

TZ = ZoneInfo("Asia/Shanghai")
SAME_DAYS = ZoneInfo("Etc/GMT-8")
"""Shanghai's days under another name: the figures are then counted from the rows."""
MON = datetime(2026, 11, 30, 2, 0, tzinfo=UTC)  # 10:00 in Shanghai, the last day of November
EMPTY = month_period(date(2025, 1, 1))
PERIODS: list[Period] = [
    *(day_period(date(2026, 11, 28) + timedelta(days=n)) for n in range(6)),
    week_period(date(2026, 11, 30)),
    week_period(date(2026, 11, 23)),
    month_period(date(2026, 11, 1)),
    month_period(date(2026, 12, 1)),
    EMPTY,
    parse_period("2026-11-29..2026-12-02", date(2026, 12, 1)),
]
FIGURES = (
    AreaFigure.RECEIVED,
    AreaFigure.WHISTLED,
    AreaFigure.SUMMONED,
    AreaFigure.LATE,
    AreaFigure.ABSENT,
    AreaFigure.ARRIVED,
    AreaFigure.RELAPSED,
)
"""The figures of a place's row that open a list (area_columns)."""


@pytest.fixture
def svc(db_path: Path, settings: object, clock: FrozenClock) -> Iterator[SyncService]:
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


def local_day(column: str) -> str:
    """The Shanghai day of a stored UTC time, by SQLite (no daylight saving there)."""
    return f"date({column}, '+8 hours')"


def parsed(value: str) -> datetime:
    return datetime.fromisoformat(value).replace(tzinfo=UTC)


def recount(path: Path, area: str, period: Period, now: datetime) -> dict[str, dict[str, Any]]:
    """Each place's figures by hand from the raw tables: what view 5's row of it shows."""
    first, after = period.first.isoformat(), period.after.isoformat()
    out: dict[str, dict[str, Any]] = {}

    def of(key: str) -> dict[str, Any]:
        return out.setdefault(
            key,
            {"received": 0, "whistled": set(), "summoned": 0, "on_time": 0, "late": 0, "absent": 0}
            | {"waits": [], "relapsed": set()},
        )

    for r in rows(
        path,
        f"SELECT {area} AS k FROM case_file WHERE {local_day('received_at')} >= ? "
        f"AND {local_day('received_at')} < ?",
        first,
        after,
    ):
        of(r["k"])["received"] += 1
    for r in rows(
        path,
        f"SELECT c.{area} AS k, ci.*, w.blown_at FROM checkin ci JOIN whistle w ON w.id = ci.whistle_id "
        f"JOIN case_file c ON c.id = ci.case_id WHERE {local_day('w.blown_at')} >= ? "
        f"AND {local_day('w.blown_at')} < ?",
        first,
        after,
    ):
        figures = of(r["k"])
        figures["whistled"].add(r["case_id"])
        figures["summoned"] += 1
        if r["status"] == CheckInStatus.WITHDRAWN.value:
            continue
        arrived = parsed(r["arrived_at"]) if r["arrived_at"] else None
        marked = parsed(r["absent_at"]) if r["absent_at"] else None
        if arrived is not None and (marked is None or arrived < marked):
            figures["late" if r["late_minutes"] else "on_time"] += 1
            figures["waits"].append((arrived - parsed(r["blown_at"])) // timedelta(microseconds=1))
        elif marked is not None or parsed(r["deadline"]) <= now:
            figures["absent"] += 1
    for r in rows(
        path,
        f"SELECT DISTINCT c.{area} AS k, c.id FROM reinspection r JOIN case_file c ON c.id = r.case_id "
        f"WHERE r.result = 'relapse' AND {local_day('r.recorded_at')} >= ? "
        f"AND {local_day('r.recorded_at')} < ?",
        first,
        after,
    ):
        of(r["k"])["relapsed"].add(r["id"])
    return out


def recount_received(path: Path, area: str, period: Period) -> list[tuple[str, int, int, int]]:
    """The monthly report's top places by hand: cases received, of those ever whistled, cases
    relapsed; most received first."""
    first, after = period.first.isoformat(), period.after.isoformat()
    found: dict[str, list[int]] = {}
    for r in rows(
        path,
        f"SELECT {area} AS k, count(*) AS n, sum(EXISTS (SELECT 1 FROM whistle w WHERE w.case_id = c.id)) "
        f"AS w FROM case_file c WHERE {local_day('received_at')} >= ? AND {local_day('received_at')} < ? "
        "GROUP BY k",
        first,
        after,
    ):
        found[r["k"]] = [r["n"], r["w"], 0]
    for r in rows(
        path,
        f"SELECT c.{area} AS k, count(DISTINCT c.id) AS n FROM reinspection r JOIN case_file c "
        f"ON c.id = r.case_id WHERE r.result = 'relapse' AND {local_day('r.recorded_at')} >= ? "
        f"AND {local_day('r.recorded_at')} < ? GROUP BY k",
        first,
        after,
    ):
        found.setdefault(r["k"], [0, 0, 0])[2] = r["n"]
    ordered = sorted(((k, *v) for k, v in found.items()), key=lambda r: (-r[1], -r[3], r[0]))
    return ordered[:TOP]  # type: ignore[return-value]


def listed(found: list[Summons] | list[CaseLine]) -> list[str]:
    return sorted(r.case_id if isinstance(r, CaseLine) else r.checkin_id for r in found)


def assert_places(svc: SyncService, path: Path, now: datetime) -> None:
    """Every figure of every place in every period: the totals give what a recount of the raw
    tables gives, and what the rows give; each list behind a figure holds as many records as
    the figure says, the same the rows give, and each opens its case."""
    with svc.engine.connect() as conn:
        assert totals_usable(conn, TZ)
        for period in PERIODS:
            for area in Area:
                kept = area_cards(conn, period, now, TZ, area)
                raw = raw_area_cards(conn, period, now, SAME_DAYS, area, None)
                assert {c.key: c for c in kept.cards} == raw, (period.key, area)
                own = area_cards(conn, period, now, TZ, area, station=svc.station_id)
                assert own.cards == kept.cards  # one station: its own cases are all of them
                assert area_cards(conn, period, now, TZ, area, station="ST-ELSEWHERE").cards == []
                expected = recount(path, area.value, period, now)
                assert [c.key for c in kept.cards] == sorted(
                    expected, key=lambda k: (-len(expected[k]["whistled"]), -expected[k]["received"], k)
                ), (period.key, area)
                for card in kept.cards:
                    assert_card(card, expected[card.key], (period.key, area, card.key))
                    assert_lists(conn, period, now, area, card)
                facts = periodic_facts(conn, period, now, TZ)
                top = facts.communities if area is Area.COMMUNITY else facts.categories
                assert [(r.key, r.received, r.whistled, r.relapses) for r in top] == recount_received(
                    path, area.value, period
                ), (period.key, area)
                raw_facts = periodic_facts(conn, period, now, SAME_DAYS)
                assert top == (raw_facts.communities if area is Area.COMMUNITY else raw_facts.categories)
        assert differences(conn) == []


def assert_card(card: AreaCard, want: dict[str, Any], where: object) -> None:
    waits: list[int] = want["waits"]
    assert card.received == want["received"], where
    assert card.whistled == len(want["whistled"]), where
    assert (card.summoned, card.on_time, card.late, card.absent) == (
        want["summoned"],
        want["on_time"],
        want["late"],
        want["absent"],
    ), where
    assert card.relapses == len(want["relapsed"]), where
    assert card.on_time_rate == Ratio(want["on_time"], want["on_time"] + want["late"] + want["absent"]), where
    assert (card.arrived, card.arrived_us) == (len(waits), sum(waits)), where
    assert card.median_wait == median_of_us(waits), where
    assert card.longest_wait == (max(waits) / US_PER_MINUTE if waits else None), where


def assert_lists(conn: Any, period: Period, now: datetime, area: Area, card: AreaCard) -> None:
    counts = {
        AreaFigure.RECEIVED: card.received,
        AreaFigure.WHISTLED: card.whistled,
        AreaFigure.SUMMONED: card.summoned,
        AreaFigure.LATE: card.late,
        AreaFigure.ABSENT: card.absent,
        AreaFigure.ARRIVED: card.arrived,
        AreaFigure.RELAPSED: card.relapses,
    }
    for figure in FIGURES:
        kept = behind_area(conn, period, now, TZ, area, card.key, figure)
        raw = behind_area(conn, period, now, SAME_DAYS, area, card.key, figure)
        assert listed(kept) == listed(raw), (period.key, area, card.key, figure)
        for tz, whole in ((TZ, kept), (SAME_DAYS, raw)):  # a page at a time, as view 5 reads it
            assert_pages_join(
                conn,
                partial(Behind, period, now, tz, figure, area=area, key=card.key),
                whole,
                ordered=figure != AreaFigure.WHISTLED,
            )
        assert len(kept) == counts[figure], (period.key, area, card.key, figure)
        for row in kept:  # Enter again opens the case
            assert getattr(case_detail(conn, row.case_id, TZ), area.value) == card.key


def test_places_equal_a_recount_of_the_raw_tables_through_every_case_the_issue_names(
    svc: SyncService, clock: FrozenClock, db_path: Path
) -> None:
    run = svc.run
    # 东四社区, street vending: CGZF on time after 10 minutes, SCJG late after 40; handled,
    # closed, then found relapsed at 回头看 (the relapse reopens it as a new linked case)
    a = new_case(run)
    run(transition, a, Action.TRIAGE)
    whistle(run, a, ["CGZF", "SCJG"])
    ca = checkins_of(db_path, a)
    clock.advance(minutes=10)
    run(arrive, ca["CGZF"], person="张队")
    clock.advance(minutes=30)
    run(arrive, ca["SCJG"], person="李所")
    for code in ("CGZF", "SCJG"):
        run(act, ca[code], action="处置", result="完成")
        run(release, ca[code])
    run(transition, a, Action.DISPOSE)
    run(transition, a, Action.FEEDBACK, **ACTION_ARGS)
    run(transition, a, Action.CLOSE, reason="已办结")
    # 史家社区, noise: GA summoned and never comes
    b = new_case(run, community="史家社区", category="noise")
    run(transition, b, Action.TRIAGE)
    whistle(run, b, ["GA"])
    # 史家社区, noise: GA and SCJG summoned, the case closed while they were awaited (withdrawn)
    c = new_case(run, community="史家社区", category="noise")
    run(transition, c, Action.TRIAGE)
    whistle(run, c, ["GA", "SCJG"])
    run(transition, c, Action.DISPOSE)
    run(transition, c, Action.FEEDBACK, **ACTION_ARGS)
    run(transition, c, Action.CLOSE, reason="已办结，不再需要到场")
    # received as 东四社区, corrected to 北新桥社区 (冲正): its figures move with it
    moved = new_case(run)
    run(transition, moved, Action.TRIAGE)
    whistle(run, moved, ["XF"], grade=Grade.REGULAR)
    clock.advance(minutes=5)
    item = rows(db_path, "SELECT id FROM reinspection WHERE case_id = ?", a)[0][0]
    run(record_result, item, result=ReinspectionResult.RELAPSE, inspector="王")
    run(correct_case, moved, {"community": "北新桥社区", "category": "noise"}, reason="地址核实后更正")
    assert_places(svc, db_path, clock.now())
    # 演乐社区: received and whistled at 23:30 on November's last day (November in Shanghai);
    # the XF clock paused across midnight, resumed in December, CGZF arriving in December; the
    # case whistled again on 1 December (one case whistled in a period holding both days)
    clock.set(datetime(2026, 11, 30, 15, 30, tzinfo=UTC))
    e = new_case(run, community="演乐社区", category="noise")
    run(transition, e, Action.TRIAGE)
    whistle(run, e, ["XF", "CGZF"], grade=Grade.REGULAR)
    ce = checkins_of(db_path, e)
    clock.advance(minutes=10)
    run(pause, clock_of(db_path, ce["XF"]), reason="等待审批")
    assert_places(svc, db_path, clock.now())
    clock.advance(hours=2)  # 01:40 on 1 December in Shanghai
    run(resume, clock_of(db_path, ce["XF"]))
    run(arrive, ce["CGZF"], person="夜班")
    whistle(run, e, ["GA"])
    assert_places(svc, db_path, clock.now())
    # read on: the regular whistles fall due while their departments stay away (absent)
    for hours in (3, 12, 30, 24 * 40):
        assert_places(svc, db_path, clock.now() + timedelta(hours=hours))
    now = clock.now()
    with svc.engine.connect() as conn:
        november = {
            c.key: c for c in area_cards(conn, month_period(date(2026, 11, 1)), now, TZ, Area.COMMUNITY).cards
        }
        december = area_cards(conn, month_period(date(2026, 12, 1)), now, TZ, Area.COMMUNITY)
        empty = area_cards(conn, EMPTY, now, TZ, Area.CATEGORY)
    assert (november["东四社区"].received, november["东四社区"].whistled, november["东四社区"].relapses) == (
        2,
        1,
        1,
    )
    assert "北新桥社区" in november and november["北新桥社区"].received == 1
    # the 23:30 case is November's; its December whistle is December's
    assert (november["演乐社区"].received, november["演乐社区"].summoned) == (1, 2)
    assert [(c.key, c.received, c.summoned) for c in december.cards] == [("演乐社区", 0, 1)]
    assert november["史家社区"].summoned == 3 and november["史家社区"].decided == 1  # two withdrawn
    assert empty.cards == []
    # a place with nothing decided and no arrival shows —, never 0 % or 0:00
    cells = area_cells(AreaCard("史家社区", "史家社区", received=1))
    assert (cells["on_time_rate"], cells["mean_wait"], cells["median_wait"], cells["longest_wait"]) == (
        "—",
    ) * 4
    assert verify(svc.engine).ok


def test_verify_names_a_place_counter_changed_behind_the_apply_function(
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
    conn.execute("UPDATE place_day_total SET received = received + 1 WHERE area = 'community'")
    conn.execute("UPDATE summons_place SET community = '史家社区'")
    conn.commit()
    conn.close()
    report = verify(svc.engine)
    assert any("place_day_total" in p and "received" in p and "存 2，应为 1" in p for p in report.problems), (
        report.problems
    )
    assert any("summons_place" in p for p in report.problems), report.problems


def test_a_file_of_before_the_place_totals_is_counted_when_first_opened(
    svc: SyncService, clock: FrozenClock, db_path: Path, settings: object
) -> None:
    """A file at the version before V22 (its department totals filled, no place totals) gets
    them counted from its rows when first opened for writing."""
    run = svc.run
    a = new_case(run)
    run(transition, a, Action.TRIAGE)
    whistle(run, a, ["CGZF", "GA"])
    clock.advance(minutes=45)
    run(arrive, checkins_of(db_path, a)["CGZF"], person="张队")
    svc.close()
    conn = sqlite3.connect(db_path)
    for table in ("place_day_total", "place_due_total", "place_pair", "summons_place"):
        conn.execute(f"DROP TABLE {table}")
    conn.execute("DROP INDEX ix_case_community_received")
    conn.execute("DROP INDEX ix_case_category_received")
    conn.execute("DROP INDEX ix_reinspection_recorded")
    conn.execute("ALTER TABLE agenda_item DROP COLUMN reason_parts")  # and V23's columns
    conn.execute("ALTER TABLE handover_item DROP COLUMN parts")
    conn.execute("DROP TRIGGER open_search_queue_insert")  # and V24's open cases' index
    conn.execute("DROP TRIGGER open_search_queue_open")
    conn.execute("DROP TABLE open_search")
    conn.execute(f"PRAGMA user_version = {STEPS.index(V22_PLACE_TOTALS)}")
    assert conn.execute("SELECT filled FROM period_totals_state").fetchone()[0] == 1
    conn.commit()
    conn.close()
    # read as it is (a reader leaves the file alone): the places from the rows, verify sound
    reader = open_sync(db_path, writer=False)
    try:
        with reader.connect() as conn:
            assert not place_totals_usable(conn, TZ)
            cards = area_cards(conn, month_period(date(2026, 11, 1)), clock.now(), TZ, Area.COMMUNITY).cards
            listed_late = behind_area(
                conn,
                month_period(date(2026, 11, 1)),
                clock.now(),
                TZ,
                Area.COMMUNITY,
                "东四社区",
                AreaFigure.LATE,
            )
        assert [(c.key, c.summoned, c.late, c.absent) for c in cards] == [("东四社区", 2, 1, 1)]
        assert len(listed_late) == 1
    finally:
        reader.dispose()
    again = as_supervisor(db_path, settings, clock)
    try:
        report = verify(again.engine)
        assert report.ok, report.problems
        assert rows(db_path, "PRAGMA user_version")[0][0] == len(STEPS)
        assert rows(db_path, "SELECT filled FROM period_totals_state")[0][0] == 1
        held = rows(db_path, "SELECT sum(summoned), sum(late) FROM place_day_total WHERE area = 'community'")
        assert tuple(held[0]) == (2, 1)
        assert_places(again, db_path, clock.now())
    finally:
        again.close()


def test_the_place_counter_columns_are_those_the_schema_step_made(db_path: Path) -> None:
    with sqlite3.connect(db_path) as conn:
        upgrade(conn)
        columns = [r[1] for r in conn.execute("PRAGMA table_info(place_day_total)")]
    assert columns == ["station_id", "area", "place", "day", *PLACE_COUNTERS]
