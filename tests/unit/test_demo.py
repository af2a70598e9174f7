"""``whistle demo``: a realistic station, in every state, with live clocks of every colour.
(That the demo verifies is checked through ``whistle verify`` in test_verify.py.)"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import func, select

from data.catalogue import CATEGORIES, SOURCES
from data.demo import DemoOptions, generate
from data.demo.stories import Demo, Story
from data.service import SyncService
from data.settings import Settings
from data.store.tables import CLOCK, DEPT_DAY, EVENT
from data.store.totals import differences
from data.write.commands.checkins import pause
from data.write.commands.common import Ctx
from models.calendar import WorkCalendar
from models.clock import FrozenClock
from models.deadlines import Light, Unit, clock_state
from models.enums import CaseStatus, CheckInStatus, ReinspectionResult
from models.enums import CaseStatus as S
from models.errors import DomainError
from tests.unit.conftest import NOW, copy_db
from tests.unit.support import CASE, case_in, new_case, one, rows

SH = Settings().tz


def _at(text: str | None) -> datetime | None:
    return datetime.fromisoformat(text).replace(tzinfo=UTC) if text else None


def test_about_300_cases_over_the_last_90_days(demo_db: Path) -> None:
    count = one(demo_db, "SELECT count(*) FROM case_file")[0]
    assert 280 <= count <= 360
    first, last = one(demo_db, "SELECT min(received_at), max(received_at) FROM case_file")
    assert (NOW - _at(first)).days <= 90  # type: ignore[operator]
    assert (NOW - _at(first)).days >= 80  # type: ignore[operator]
    assert _at(last) <= NOW  # type: ignore[operator]


def test_cases_in_every_state(demo_db: Path) -> None:
    found = {r[0] for r in rows(demo_db, "SELECT DISTINCT status FROM case_file")}
    assert found == {s.value for s in CaseStatus}


def test_every_source_and_about_ten_communities(demo_db: Path) -> None:
    sources = {r[0] for r in rows(demo_db, "SELECT DISTINCT source FROM case_file")}
    assert sources == {s.code for s in SOURCES}
    communities = one(demo_db, "SELECT count(DISTINCT community) FROM case_file")[0]
    assert 8 <= communities <= 14


def test_check_ins_in_every_state(demo_db: Path) -> None:
    found = {r[0] for r in rows(demo_db, "SELECT DISTINCT status FROM checkin")}
    assert found == {s.value for s in CheckInStatus}


def test_running_check_in_clocks_are_green_yellow_and_red_at_the_demo_moment(demo_db: Path) -> None:
    calendar = WorkCalendar()
    lights = set()
    running = rows(demo_db, "SELECT * FROM clock WHERE kind = 'checkin' AND stopped_at IS NULL")
    for c in running:
        state = clock_state(
            started_at=_at(c["started_at"]),  # type: ignore[arg-type]
            deadline=_at(c["deadline"]),  # type: ignore[arg-type]
            now=NOW,
            unit=Unit(c["limit_unit"]),
            cal=calendar,
            tz=SH,
            paused_minutes=c["paused_minutes"],
            paused_at=_at(c["paused_at"]),
        )
        lights.add(state.light)
    assert lights == {Light.GREEN, Light.YELLOW, Light.RED}


def test_meetings_and_reinspections_of_every_result(demo_db: Path) -> None:
    assert one(demo_db, "SELECT count(*) FROM meeting WHERE status = 'done'")[0] >= 10
    assert one(demo_db, "SELECT count(*) FROM agenda_item WHERE decision IS NOT NULL")[0] > 0
    results = {
        r[0] for r in rows(demo_db, "SELECT DISTINCT result FROM reinspection WHERE result IS NOT NULL")
    }
    assert results == {r.value for r in ReinspectionResult}
    kinds = {r[0] for r in rows(demo_db, "SELECT DISTINCT kind FROM reinspection")}
    assert kinds == {"scheduled", "random"}
    assert one(demo_db, "SELECT count(*) FROM reinspection WHERE result IS NULL")[0] > 0
    relapsed = one(demo_db, "SELECT count(*) FROM case_file WHERE reopened_from IS NOT NULL")[0]
    assert relapsed == one(demo_db, "SELECT count(*) FROM case_file WHERE status = 'relapsed'")[0]


def test_reporters_phones_are_kept_as_personal_data(demo_db: Path) -> None:
    with_phone = one(demo_db, "SELECT count(*) FROM case_file WHERE reporter_phone IS NOT NULL")[0]
    assert with_phone > 50
    leaked = one(demo_db, "SELECT count(*) FROM event WHERE payload LIKE '%reporter_phone\":\"1%'")[0]
    assert leaked == 0


def test_the_demo_refuses_a_database_that_has_cases(demo_db: Path, tmp_path: Path) -> None:
    path = copy_db(demo_db, tmp_path / "copy.db")
    svc = SyncService.open(path, Settings(station_id="ST-DEMO"), FrozenClock(NOW))
    before = one(path, "SELECT count(*) FROM event")[0]
    try:
        with pytest.raises(DomainError) as refused:
            generate(svc, DemoOptions(cases=5))
    finally:
        svc.close()
    assert "空库" in str(refused.value)
    assert one(path, "SELECT count(*) FROM event")[0] == before


def test_one_case_is_enough_to_refuse(sync_service: SyncService) -> None:
    new_case(sync_service.run, **CASE)
    with pytest.raises(DomainError, match="演示数据只写入空库"):
        generate(sync_service, DemoOptions(cases=5))


def test_every_action_and_result_fits_its_case(demo_db: Path) -> None:
    """Issue 15, finding 8: an 油烟 case was closed with "摊贩已撤离"; what departments did and
    what the case reports back come from its category's own list."""
    from data.demo.text import ACTIONS

    acted = rows(
        demo_db,
        "SELECT c.category, k.action_taken, k.result FROM checkin k JOIN case_file c ON c.id = k.case_id"
        " WHERE k.action_taken IS NOT NULL",
    )
    assert len(acted) > 50
    for category, action, result in acted:
        assert (action, result) in ACTIONS[category], (category, action, result)
    reported = rows(demo_db, "SELECT category, result_note FROM case_file WHERE result_note IS NOT NULL")
    assert reported
    for category, result in reported:
        assert result in {r for _a, r in ACTIONS[category]}, (category, result)
    assert set(ACTIONS) == {c.code for c in CATEGORIES}


def test_a_step_refused_half_way_leaves_none_of_its_events_figures(
    sync_service: SyncService, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The demo settles its totals once a batch of steps, as an import does. A step refused
    after an event with figures of its own (a 挂账 pause counts in its department's day) is
    undone with its savepoint, and so are those figures."""

    def dispatched(ctx: Ctx) -> None:
        case_in(lambda fn, *args, **kw: fn(ctx, *args, **kw), S.DISPATCHED)

    def paused_then_refused(ctx: Ctx) -> None:
        clock_id = ctx.w.conn.execute(select(CLOCK.c.id).where(CLOCK.c.whistle_id.is_not(None))).scalar_one()
        pause(ctx, clock_id, reason="等待审批")
        raise DomainError("error.clock_stopped")

    def story(demo: Demo) -> Iterator[Story]:
        yield iter(
            [
                (demo.now - timedelta(minutes=20), dispatched),
                (demo.now - timedelta(minutes=10), paused_then_refused),
            ]
        )

    monkeypatch.setattr(Demo, "stories", story)
    summary = generate(sync_service, DemoOptions(cases=1))
    with sync_service.engine.connect() as conn:
        assert (
            conn.execute(
                select(func.count()).select_from(EVENT).where(EVENT.c.type == "clock.paused")
            ).scalar()
            == 0
        )
        assert not conn.execute(select(DEPT_DAY.c.pauses).where(DEPT_DAY.c.pauses != 0)).all()
        assert differences(conn) == []
    assert summary.cases == 1
