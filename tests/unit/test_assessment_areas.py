"""The assessment by community and by category, built through the real commands and recounted
by plain SQL over the raw tables; every figure opens the same records."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, date, datetime
from pathlib import Path
from statistics import median
from zoneinfo import ZoneInfo

import pytest

from data.exports.report_build import ReportKind, build
from data.exports.report_tables import area_table
from data.read.areas import Area, AreaFigure, CaseLine, area_cards, behind_area
from data.read.assessment import scorecards
from data.read.station_rates import station_rates
from data.read.trends import trend
from data.service import SyncService, open_sync
from data.write.commands.cases import transition
from data.write.commands.checkins import act, arrive, release
from data.write.commands.reinspections import record_result
from models.assessment import Ratio, Weights
from models.clock import FrozenClock
from models.enums import CheckInStatus, ReinspectionResult
from models.lifecycle import Action
from models.periods import month_period
from tests.unit.conftest import NOW
from tests.unit.support import ACTION_ARGS, new_case, rows, whistle

TZ = ZoneInfo("Asia/Shanghai")
MON = datetime(2026, 11, 30, 2, 0, tzinfo=UTC)  # 10:00 in Shanghai, the last day of November


@pytest.fixture
def svc(db_path: Path, settings: object, clock: FrozenClock) -> Iterator[SyncService]:
    clock.set(MON)
    service = SyncService.open(db_path, settings, clock)  # type: ignore[arg-type]
    yield service
    service.close()


def stored(at: datetime) -> str:
    return at.astimezone(UTC).replace(tzinfo=None).isoformat(sep=" ")


def checkins_of(path: Path, case_id: str) -> dict[str, str]:
    return {
        r["department_code"]: r["id"] for r in rows(path, "SELECT * FROM checkin WHERE case_id = ?", case_id)
    }


def recount(
    path: Path, column: str, start: datetime, end: datetime, now: datetime
) -> dict[str, dict[str, object]]:
    """Each community's or category's figures by hand, from the raw tables."""
    out: dict[str, dict[str, object]] = {}

    def of(key: str) -> dict[str, object]:
        return out.setdefault(
            key, {"received": 0, "whistled": set(), "summoned": 0, "late": 0, "absent": 0, "waits": []}
        )

    for r in rows(
        path,
        f"SELECT {column} AS k FROM case_file WHERE received_at >= ? AND received_at < ?",
        stored(start),
        stored(end),
    ):
        of(r["k"])["received"] += 1  # type: ignore[operator]
    summons = rows(
        path,
        f"SELECT c.{column} AS k, ci.*, w.blown_at FROM checkin ci JOIN whistle w ON w.id = ci.whistle_id "
        "JOIN case_file c ON c.id = ci.case_id WHERE w.blown_at >= ? AND w.blown_at < ?",
        stored(start),
        stored(end),
    )
    for r in summons:
        figures = of(r["k"])
        figures["whistled"].add(r["case_id"])  # type: ignore[attr-defined]
        figures["summoned"] += 1  # type: ignore[operator]
        if r["status"] == CheckInStatus.WITHDRAWN.value:
            continue
        if r["arrived_at"] is not None:
            figures["late"] += bool(r["late_minutes"])  # type: ignore[operator]
            blown = datetime.fromisoformat(r["blown_at"])
            figures["waits"].append((datetime.fromisoformat(r["arrived_at"]) - blown).total_seconds() / 60)  # type: ignore[attr-defined]
        elif r["deadline"] <= stored(now):
            figures["absent"] += 1  # type: ignore[operator]
    return out


def test_communities_and_categories_match_a_recount_and_open_their_records(
    svc: SyncService, clock: FrozenClock, db_path: Path
) -> None:
    run = svc.run
    # 东四社区, street vending: whistled to two departments; CGZF on time after 10 minutes,
    # SCJG late after 40; then it is handled, closed, and relapses at 回头看
    a = new_case(run)
    run(transition, a, Action.TRIAGE)
    whistle(run, a, ["CGZF", "SCJG"])
    ci = checkins_of(db_path, a)
    clock.advance(minutes=10)
    run(arrive, ci["CGZF"], person="张队")
    clock.advance(minutes=30)
    run(arrive, ci["SCJG"], person="李所")
    for code in ("CGZF", "SCJG"):
        run(act, ci[code], action="处置", result="完成")
        run(release, ci[code])
    run(transition, a, Action.DISPOSE)
    run(transition, a, Action.FEEDBACK, **ACTION_ARGS)
    run(transition, a, Action.CLOSE, reason="已办结")
    # 史家社区, noise: GA summoned and never comes
    b = new_case(run, community="史家社区", category="noise")
    run(transition, b, Action.TRIAGE)
    whistle(run, b, ["GA"])
    # 史家社区, noise again: received, never whistled
    c = new_case(run, community="史家社区", category="noise")
    clock.advance(minutes=45)
    item = rows(db_path, "SELECT id FROM reinspection WHERE case_id = ?", a)[0][0]
    run(record_result, item, result=ReinspectionResult.RELAPSE, inspector="王")
    now = clock.now()
    period = month_period(date(2026, 11, 1))
    start, end = period.bounds(TZ)
    with svc.engine.connect() as conn:
        by_community = area_cards(conn, period, now, TZ, Area.COMMUNITY)
        by_category = area_cards(conn, period, now, TZ, Area.CATEGORY)
    for cards, column in ((by_community, "community"), (by_category, "category")):
        expected = recount(db_path, column, start, end, now)
        assert {c.key for c in cards.cards} == set(expected)
        for card in cards.cards:
            want = expected[card.key]
            assert card.received == want["received"], card.key
            assert card.whistled == len(want["whistled"]), card.key  # type: ignore[arg-type]
            assert (card.summoned, card.late, card.absent) == (want["summoned"], want["late"], want["absent"])
            waits: list[float] = want["waits"]  # type: ignore[assignment]
            assert card.arrived == len(waits)
            if waits:
                assert card.mean_wait == pytest.approx(sum(waits) / len(waits))
                assert card.median_wait == pytest.approx(median(waits))
                assert card.longest_wait == pytest.approx(max(waits))
    dongsi = next(c for c in by_community.cards if c.key == "东四社区")
    shijia = next(c for c in by_community.cards if c.key == "史家社区")
    # the relapse reopens the case as a new linked case in the same community: received twice
    assert (dongsi.received, dongsi.whistled, dongsi.relapses) == (2, 1, 1)
    assert dongsi.mean_wait == 25 and dongsi.longest_wait == 40 and dongsi.on_time_rate == Ratio(1, 2)
    assert (shijia.received, shijia.whistled, shijia.absent, shijia.relapses) == (2, 1, 1, 0)
    assert shijia.mean_wait is None and shijia.on_time_rate == Ratio(0, 1)
    assert by_community.cards[0].key in ("东四社区", "史家社区")  # both had one whistle
    noise = next(c for c in by_category.cards if c.key == "noise")
    assert noise.name == "噪音扰民" and noise.received == 2
    with svc.engine.connect() as conn:
        received = behind_area(conn, period, now, TZ, Area.COMMUNITY, "史家社区", AreaFigure.RECEIVED)
        relapsed = behind_area(conn, period, now, TZ, Area.CATEGORY, "street_vending", AreaFigure.RELAPSED)
        absent = behind_area(conn, period, now, TZ, Area.COMMUNITY, "史家社区", AreaFigure.ABSENT)
        waits = behind_area(conn, period, now, TZ, Area.COMMUNITY, "东四社区", AreaFigure.ARRIVED)
        late = behind_area(conn, period, now, TZ, Area.COMMUNITY, "东四社区", AreaFigure.LATE)
    assert all(isinstance(r, CaseLine) for r in received) and {r.case_id for r in received} == {b, c}
    assert [r.case_id for r in relapsed] == [a]
    assert [r.case_id for r in absent] == [b]
    assert sorted(r.checkin_id for r in waits) == sorted(ci.values())  # type: ignore[union-attr]
    assert [r.checkin_id for r in late] == [ci["SCJG"]]  # type: ignore[union-attr]


def test_a_case_received_at_23_30_on_the_last_day_belongs_to_that_month(
    svc: SyncService, clock: FrozenClock
) -> None:
    clock.set(datetime(2026, 11, 30, 15, 30, tzinfo=UTC))  # 23:30 in Shanghai
    new_case(svc.run, community="演乐社区")
    now = clock.now()
    with svc.engine.connect() as conn:
        november = area_cards(conn, month_period(date(2026, 11, 1)), now, TZ, Area.COMMUNITY)
        december = area_cards(conn, month_period(date(2026, 12, 1)), now, TZ, Area.COMMUNITY)
    assert [(c.key, c.received) for c in november.cards] == [("演乐社区", 1)]
    assert december.cards == []


def test_the_scorecard_document_holds_both_tables_and_an_empty_period_shows_dashes(
    svc: SyncService, clock: FrozenClock
) -> None:
    case_id = new_case(svc.run)
    svc.run(transition, case_id, Action.TRIAGE)
    whistle(svc.run, case_id, ["CGZF"])
    period = month_period(date(2026, 11, 1))
    steps: list[tuple[int, int]] = []
    with svc.engine.connect() as conn:
        built = build(
            conn,
            ReportKind.SCORECARD,
            period,
            clock.now(),
            TZ,
            Weights(),
            "东四",
            progress=lambda d, t: steps.append((d, t)),
        )
        empty = area_cards(conn, month_period(date(2026, 10, 1)), clock.now(), TZ, Area.COMMUNITY)
    titles = [table.title for table in built.doc.tables]
    assert titles == ["部门考核 2026-11", "按社区 2026-11", "按类别 2026-11"]
    assert steps == [(1, 3), (2, 3), (3, 3)]
    community = built.doc.tables[1]
    assert community.rows[0][:4] == ["东四社区", 1, 1, 1]
    assert community.rows[0][6] == Ratio(0, 0)  # the summons is not yet due: in neither part
    assert area_table(empty).rows == []


def test_the_trend_read_at_once_is_each_period_read_alone(demo_db: Path) -> None:
    """The trend reads the summons of its twelve months in one go and splits them by station
    month: each month's rates and scores are what that month read alone gives."""
    engine = open_sync(demo_db, writer=False)
    try:
        with engine.connect() as conn:
            period = month_period(NOW.astimezone(TZ).date())
            history = trend(conn, period, NOW, TZ, count=12)
            assert [p.key for p in history.periods] == [p.key for p in period.trail(12)]
            assert any(r.on_time.den for r in history.rates)  # the demo has summons to count
            for at, p in enumerate(history.periods):
                assert history.rates[at] == station_rates(conn, p, NOW, TZ), p.key
                alone = {c.department: c.score for c in scorecards(conn, p, NOW, TZ).cards}
                together = {code: s[at] for code, s in history.scores.items() if s[at] is not None}
                assert together == {code: s for code, s in alone.items() if s is not None}, p.key
    finally:
        engine.dispose()
