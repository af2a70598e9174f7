"""Builders for the desk's Pilot tests: a station history at a frozen time, and the app."""

from __future__ import annotations

import atexit
import os
import shutil
import sqlite3
import tempfile
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import select

from data.service import SyncService
from data.settings import Settings
from data.store.keys import key_path_for
from data.store.tables import CREDENTIAL
from data.write.commands.cases import blow_whistle, receive_case, transition
from data.write.commands.operators import enrol
from models.clock import FrozenClock
from models.enums import Grade, Role
from models.lifecycle import Action
from screens.signin import SignInScreen
from screens.widgets.queue_view import QueueView
from tests.fresh_file import fresh_file
from tests.tui.dispatch_support import until, workers_done
from tui.app import WhistleApp, build_app
from tui.config import AppConfig

SUPERVISOR = "值班员"
PINS = {
    SUPERVISOR: "supervisor-pass",
    "张三": "1234",
    "Zhang": "2345",
    "李四": "3456",
    "赵主任": "4567",
    "李核查": "5678",
}
"""The test desks' operators and their PINs."""

# A Tuesday, 10:00 in Shanghai.
NOW = datetime(2026, 3, 10, 2, 0, tzinfo=UTC)
SIZE = (120, 40)


@dataclass
class Station:
    path: Path
    clock: FrozenClock
    settings: Settings = field(
        # no idle lock unless a test asks for one: tests move the frozen clock by hours
        default_factory=lambda: Settings(
            station_id="ST-DESK", station_name="东四街道综合执法中心", idle_lock_minutes=0
        )
    )
    ids: dict[str, str] = field(default_factory=dict)
    writer: SyncService | None = field(default=None, repr=False, compare=False)
    """The service ``run`` writes through: opened at the first command and kept open until the
    test ends (``close_writers``), so the statements it compiled are compiled once, not again
    for every command (an engine keeps its own cache)."""

    def run(self, command: Any, *args: Any, at: datetime | None = None, **kwargs: Any) -> Any:
        when = at or self.clock.now()
        if self.writer is None:
            self.writer = SyncService.open(fresh_file(self.path), self.settings, FrozenClock(when), "值班员")
            self.writer.ordered = False  # the history below is written out of time order
            _WRITING.append(self)
        assert isinstance(self.writer.clock, FrozenClock)
        self.writer.clock.set(when)  # each command at its own time, as a fresh service would be
        return self.writer.run(command, *args, **kwargs)

    def close(self) -> None:
        if self.writer is not None:
            self.writer.close()
            self.writer = None

    def staff(self, *names: str) -> None:
        """The station's supervisor (值班员 here) and ``names`` as operators, each with the PIN
        in PINS, unless they have one already (as a supervisor would add them)."""
        known = set(self.run(lambda ctx: ctx.conn.execute(select(CREDENTIAL.c.name)).scalars().all()))
        if SUPERVISOR not in known:
            self.run(enrol, name=SUPERVISOR, role=Role.SUPERVISOR, secret=PINS[SUPERVISOR])
        for name in names:
            if name not in known and name != SUPERVISOR:
                self.run(enrol, name=name, role=Role.OPERATOR, secret=PINS[name])

    def case(
        self, name: str, *, at: datetime, description: str, community: str = "东四社区", **fields: Any
    ) -> str:
        values = {
            "source": "hotline",
            "category": "street_vending",
            "community": community,
            "address": "东四北大街 12 号",
            "description": description,
            **fields,
        }
        case_id: str = self.run(receive_case, at=at, **values)
        self.ids[name] = case_id
        return case_id

    def whistle(self, name: str, *, at: datetime, grade: Grade, departments: list[str]) -> str:
        case_id = self.ids[name]
        self.run(transition, case_id, Action.TRIAGE, at=at)
        result: str = self.run(blow_whistle, case_id, at=at, grade=grade, departments=departments)
        return result


_WRITING: list[Station] = []
"""Stations whose service is open (``Station.run``)."""


def close_writers() -> None:
    """Close the service of every station that wrote (the suite's conftest calls this after
    each test)."""
    while _WRITING:
        _WRITING.pop().close()


_BUILT: dict[str, Station] = {}
"""The stations of this test process built once (see ``built_once``)."""
_FOLDERS: list[Path] = []


def remove_built() -> None:
    """The folders of the stations built once go (tests/conftest.py's session end: an xdist
    worker does not always run ``atexit``)."""
    while _FOLDERS:
        shutil.rmtree(_FOLDERS.pop(), ignore_errors=True)


def built_once(key: str, build: Callable[[Path], Station], tmp_path: Path, name: str) -> Station:
    """The station ``build`` makes in a folder, built through the commands once per test process
    and copied (its database and station key) to ``tmp_path / name`` for each test: the same
    rows a fresh build writes, at a file copy's cost."""
    if key not in _BUILT:
        folder = Path(tempfile.mkdtemp(prefix="whistle-desk-"))
        _FOLDERS.append(folder)
        atexit.register(remove_built)
        _BUILT[key] = build(folder)
        _BUILT[key].close()
    built = _BUILT[key]
    st = Station(tmp_path / name, FrozenClock(NOW), ids=dict(built.ids))
    st.path.parent.mkdir(parents=True, exist_ok=True)
    source, target = sqlite3.connect(built.path), sqlite3.connect(st.path)
    try:
        source.backup(target)
    finally:
        source.close()
        target.close()
    os.chmod(st.path, 0o600)  # as the desk keeps its database
    shutil.copy2(key_path_for(built.path), key_path_for(st.path))
    return st


def station(tmp_path: Path) -> Station:
    """Four open cases in a known order of urgency at NOW, and one closed case:

    - overdue: urgent whistle 40 min ago (deadline passed 10 min ago) → first
    - soon: urgent whistle 10 min ago (20 min left) → second
    - later: regular whistle 1 h ago (23 h left) → third
    - waiting: in triage, no clock → last

    Built once per test process and copied into each test's ``tmp_path`` (``built_once``).
    """
    return built_once("desk", _build_station, tmp_path, "desk.db")


def _build_station(folder: Path) -> Station:
    st = Station(folder / "desk.db", FrozenClock(NOW))
    st.case(
        "waiting",
        at=NOW - timedelta(days=2),
        description="小区门口有僵尸车长期占用车位",
        category="zombie_vehicle",
    )
    st.run(transition, st.ids["waiting"], Action.TRIAGE, at=NOW - timedelta(days=2))
    st.case(
        "later",
        at=NOW - timedelta(hours=1),
        description="楼下餐馆油烟扰民，居民多次投诉",
        category="cooking_fumes",
    )
    st.whistle("later", at=NOW - timedelta(hours=1), grade=Grade.REGULAR, departments=["STHJ"])
    st.case(
        "soon",
        at=NOW - timedelta(minutes=10),
        description="早高峰路口有流动摊贩占道经营",
        community="史家社区",
    )
    st.whistle("soon", at=NOW - timedelta(minutes=10), grade=Grade.URGENT, departments=["CGZF", "SCJG"])
    st.case(
        "overdue",
        at=NOW - timedelta(minutes=40),
        description="居民楼道堆放杂物堵塞消防通道",
        category="fire_hazard",
    )
    st.whistle("overdue", at=NOW - timedelta(minutes=40), grade=Grade.URGENT, departments=["XF", "GA"])
    st.case("closed", at=NOW - timedelta(days=3), description="流动摊贩已经离开", community="史家社区")
    case_id = st.ids["closed"]
    for action in (Action.TRIAGE, Action.DISPATCH, Action.FEEDBACK, Action.CLOSE):
        st.run(
            transition,
            case_id,
            action,
            at=NOW - timedelta(days=3),
            reason="核实",
            result="已处理",
            note="已反馈",
        )
    return st


def app_for(st: Station, **settings: Any) -> WhistleApp:
    config_settings = st.settings
    for key, value in settings.items():
        setattr(config_settings, key, value)
    st.staff("张三")
    st.close()  # the desk starts with no other service open on its file, as it did before
    return build_app(AppConfig(st.path, config_settings, st.clock, "张三", "zh"))


async def sign_in(app: WhistleApp, pilot: Any, pin: str) -> None:
    """Type the PIN at the sign-in (its name chosen already) and press Enter, as a user does."""
    await until(app, pilot, lambda: isinstance(app.screen, SignInScreen), "the sign-in")
    await pilot.press(*pin, "enter")
    await until(app, pilot, lambda: not isinstance(app.screen, SignInScreen), "signed in")


async def settle(app: WhistleApp, pilot: Any) -> None:
    """Wait until the service is open, the operator named in the app's config has signed in
    (with their PIN, at the sign-in screen) and every worker (reads, polls) has finished."""
    name = app.config.operator
    if app.operator is None and name in PINS:
        await sign_in(app, pilot, PINS[name])
    for _ in range(50):
        await workers_done(app)
        await pilot.pause()
        view = app.screen.query(QueueView)
        if app.service is not None and (not view or view.first().loaded_once):
            break
    await workers_done(app)
    await pilot.pause()


def numbers(view: QueueView) -> list[str]:
    return [row.number for row in (view.row_at(i) for i in range(view.counts.total)) if row]
