"""A station for the meeting and 回头看 Pilot tests, built through the commands at known times."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path
from typing import Any

from data.write.commands.cases import transition
from data.write.commands.checkins import act, arrive, release
from models.clock import FrozenClock
from models.enums import Grade
from models.lifecycle import Action
from tests.tui.desk_support import NOW, Station, built_once, settle
from tests.tui.dispatch_support import workers_done
from tui.app import WhistleApp, build_app
from tui.config import AppConfig


def meeting_station(tmp_path: Path) -> Station:
    """At NOW: one case flagged for consultation, one open for nine days, one whistle whose
    police department never came (deadline long past). Built once per test process and copied
    into each test's ``tmp_path`` (``built_once``)."""
    return built_once("meeting", _build_meeting_station, tmp_path, "meet.db")


def _build_meeting_station(tmp_path: Path) -> Station:
    st = Station(tmp_path / "meet.db", FrozenClock(NOW))
    st.case(
        "flagged",
        at=NOW - timedelta(days=2),
        description="违建加层，需多部门会商",
        category="illegal_construction",
    )
    st.run(transition, st.ids["flagged"], Action.TRIAGE, at=NOW - timedelta(days=2))
    st.run(transition, st.ids["flagged"], Action.CONSULT, at=NOW - timedelta(days=1))
    st.case(
        "stale", at=NOW - timedelta(days=9), description="小区门口僵尸车长期占道", category="zombie_vehicle"
    )
    st.run(transition, st.ids["stale"], Action.TRIAGE, at=NOW - timedelta(days=9))
    st.case(
        "absent",
        at=NOW - timedelta(hours=5),
        description="夜市摊贩占道",
        community="史家社区",
        address="史家胡同 5 号",
    )
    st.whistle("absent", at=NOW - timedelta(hours=5), grade=Grade.URGENT, departments=["GA"])
    return st


def closed_station(tmp_path: Path, count: int = 3, days_ago: int = 0) -> Station:
    """``count`` street-vending cases handled by 城管 and closed ``days_ago`` days before NOW
    (re-inspected 7 days after), and one noise case closed at NOW (14 days after). Built once
    per test process for each ``count`` and ``days_ago`` and copied into each test's
    ``tmp_path`` (``built_once``)."""
    return built_once(
        f"closed-{count}-{days_ago}",
        lambda folder: _build_closed_station(folder, count, days_ago),
        tmp_path,
        "schedule.db",
    )


def _build_closed_station(tmp_path: Path, count: int, days_ago: int) -> Station:
    st = Station(tmp_path / "schedule.db", FrozenClock(NOW))
    closed_at = NOW - timedelta(days=days_ago)
    for i in range(count):
        name = f"closed{i}"
        st.case(
            name, at=closed_at - timedelta(hours=3), description=f"流动摊贩 {i}", address=f"东四北大街 {i} 号"
        )
        handle(st, name, at=closed_at)
    st.case(
        "noise",
        at=NOW - timedelta(hours=3),
        description="夜间施工噪音",
        category="noise",
        community="史家社区",
    )
    handle(st, "noise", at=NOW)
    return st


def handle(st: Station, name: str, *, at: Any) -> None:
    import sqlite3

    case_id = st.ids[name]
    st.whistle(name, at=at - timedelta(hours=2), grade=Grade.URGENT, departments=["CGZF"])
    with sqlite3.connect(st.path) as conn:
        (checkin,) = conn.execute("SELECT id FROM checkin WHERE case_id = ?", (case_id,)).fetchone()
    st.run(arrive, checkin, person="王队", at=at - timedelta(hours=1, minutes=45))
    st.run(act, checkin, action="劝离", result="已清理", at=at - timedelta(hours=1))
    st.run(release, checkin, at=at - timedelta(minutes=50))
    for action in (Action.DISPOSE, Action.FEEDBACK, Action.CLOSE):
        st.run(transition, case_id, action, at=at, result="已处理")


def app_as(st: Station, operator: str, size: tuple[int, int] = (120, 40)) -> WhistleApp:
    st.staff(operator)
    st.close()  # the desk starts with no other service open on its file, as it did before
    return build_app(AppConfig(st.path, st.settings, st.clock, operator, "zh"))


async def wait(app: WhistleApp, pilot: Any) -> None:
    """Until no worker runs (reads, commands, polls)."""
    for _ in range(6):
        await workers_done(app)
        await pilot.pause()
    await settle(app, pilot)
