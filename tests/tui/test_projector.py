"""The projector's read-only desk (``whistle serve`` without ``--allow-control``), in Pilot:
write keys and write commands are refused with one line and change nothing."""

from __future__ import annotations

import sqlite3
from datetime import timedelta
from pathlib import Path

import pytest

from data.write.commands import meetings as mt
from models.enums import MeetingKind, MeetingStatus
from screens.case_detail import CaseDetailScreen
from screens.dialogs.whistle import WhistleDialog
from screens.meeting_run import MeetingRunScreen
from screens.meetings import MeetingsScreen
from screens.readonly import reads_only
from screens.widgets.footer import DeskFooter, FooterEntry
from tests.tui.desk_support import NOW, Station
from tests.tui.dispatch_support import Notices, until
from tests.tui.meetings_support import meeting_station, wait
from tui.app import WhistleApp, build_app
from tui.config import AppConfig
from tui.palette import DeskCommands

READ_ONLY = "投影模式为只读"


def _events(st: Station) -> int:
    with sqlite3.connect(st.path) as conn:
        count: int = conn.execute("SELECT count(*) FROM event").fetchone()[0]
    return count


def _with_meeting(st: Station) -> str:
    meeting: str = st.run(
        mt.create_with_agenda,
        kind=MeetingKind.SPECIAL,
        scheduled_at=NOW + timedelta(hours=4),
        facilitator="赵主任",
        invited=["CGZF"],
        title="三月周例会",
    )
    return meeting


def _desk(st: Station, *, read_only: bool, start_view: str = "queue") -> WhistleApp:
    if not read_only:
        st.staff()  # 值班员 with a PIN: the desk in control signs in with it
    return build_app(
        AppConfig(st.path, st.settings, st.clock, "值班员", "zh", read_only=read_only, start_view=start_view)
    )


async def _whistle_key_on_first_case(app: WhistleApp, notices: Notices) -> object:
    """Open the first case of the queue, press w; the screen on top afterwards."""
    async with app.run_test(size=(120, 40), message_hook=notices) as pilot:
        await wait(app, pilot)
        await pilot.press("enter")
        await until(app, pilot, lambda: isinstance(app.screen, CaseDetailScreen), "the case opens")
        await wait(app, pilot)
        await pilot.press("w")
        await wait(app, pilot)
        return app.screen


async def test_projector_refuses_the_whistle_key_with_one_line_and_writes_nothing(tmp_path: Path) -> None:
    st = meeting_station(tmp_path)
    before = _events(st)
    notices = Notices()
    on_top = await _whistle_key_on_first_case(_desk(st, read_only=True), notices)
    assert isinstance(on_top, CaseDetailScreen)
    assert notices.seen.count(READ_ONLY) == 1
    assert _events(st) == before


async def test_the_same_key_on_a_desk_in_control_opens_the_whistle_dialog(tmp_path: Path) -> None:
    st = meeting_station(tmp_path)
    notices = Notices()
    on_top = await _whistle_key_on_first_case(_desk(st, read_only=False), notices)
    assert isinstance(on_top, WhistleDialog)
    assert READ_ONLY not in notices.seen


async def test_projector_meeting_view_shows_the_agenda_and_running_it_starts_nothing(tmp_path: Path) -> None:
    """``--view meetings`` opens on the agenda; 运行 shows the current item, but the meeting
    is not started (the write behind the screen goes through run_command and is refused)."""
    st = meeting_station(tmp_path)
    meeting = _with_meeting(st)
    before = _events(st)
    notices = Notices()
    app = _desk(st, read_only=True, start_view="meetings")
    async with app.run_test(size=(120, 40), message_hook=notices) as pilot:
        await wait(app, pilot)
        screen = app.screen
        assert isinstance(screen, MeetingsScreen)
        await until(app, pilot, lambda: screen.view is not None, "the agenda loads")
        assert screen.view is not None and len(screen.view.items) == 3
        await pilot.press("n")  # a new meeting: refused before any dialog opens
        await wait(app, pilot)
        assert app.screen is screen
        await pilot.press("r")
        await until(app, pilot, lambda: isinstance(app.screen, MeetingRunScreen), "the run view opens")
        await wait(app, pilot)
        await pilot.press("c")  # a decision
        await wait(app, pilot)
        assert isinstance(app.screen, MeetingRunScreen)
    assert notices.seen.count(READ_ONLY) == 3
    assert _events(st) == before
    with sqlite3.connect(st.path) as conn:
        (status,) = conn.execute("SELECT status FROM meeting WHERE id = ?", (meeting,)).fetchone()
    assert status == MeetingStatus.PLANNED.value


async def test_projector_palette_runs_screen_commands_that_read_and_refuses_the_rest(tmp_path: Path) -> None:
    """The meeting view's entries, as the palette (``:``) lists them on the projector."""
    st = meeting_station(tmp_path)
    notices = Notices()
    app = _desk(st, read_only=True, start_view="meetings")
    async with app.run_test(size=(120, 40), message_hook=notices) as pilot:
        await wait(app, pilot)
        screen = app.screen
        assert isinstance(screen, MeetingsScreen)
        commands = {name: callback for name, _help, callback in DeskCommands(screen)._commands()}
        assert reads_only(screen.action_run) and not reads_only(screen.action_new_meeting)
        commands["会议: 新建会议"]()
        await wait(app, pilot)
        assert app.screen is screen
        commands["视图: 队列"]()
        await wait(app, pilot)
        assert app.current_mode == "queue"
    assert notices.seen.count(READ_ONLY) == 1


def _footer(app: WhistleApp) -> list[FooterEntry]:
    return app.screen.query_one(DeskFooter).entries()


@pytest.mark.parametrize("read_only", [True, False])
async def test_projector_footer_leaves_out_the_keys_that_write(tmp_path: Path, read_only: bool) -> None:
    st = meeting_station(tmp_path)
    _with_meeting(st)
    app = _desk(st, read_only=read_only, start_view="meetings")
    async with app.run_test(size=(200, 40)) as pilot:
        await wait(app, pilot)
        entries = _footer(app)
        footer = [entry.description for entry in entries]
        views = [key for entry in entries for key in entry.keys]
    # the views are one group of keys (1 2 3 4 5 视图): switching views reads only
    assert "开会" in footer and "查看案件" in footer and "3" in views
    assert ("新建会议" in footer) is not read_only
    assert ("加议题" in footer) is not read_only
