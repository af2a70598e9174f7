"""No write is ever lost (issue 12, finding 7): the console's commands go through one queue
owned by the app. Two commands given in one turn both run, in order; closing the screen that
gave a command while it waits for another desk's write lock does not cancel it; a command
that fails unexpectedly says so in one line and leaves its traceback in the log."""

from __future__ import annotations

import sqlite3
from pathlib import Path
from typing import Any

import pytest

from data.failures import LOG_ENV, LOG_NAME
from data.write.commands.cases import receive_case, transition
from models.lifecycle import Action
from screens.base import ViewScreen
from screens.case_detail import CaseDetailScreen
from screens.messages import CaseSelected
from tests.tui.desk_support import SIZE, app_for, settle, station
from tests.tui.dispatch_support import Notices, until, workers_done

CASE = {
    "source": "hotline",
    "category": "street_vending",
    "community": "东四社区",
    "address": "东四北大街 3 号",
}


def _descriptions(path: Path) -> list[str]:
    with sqlite3.connect(path) as conn:
        rows = conn.execute(
            "SELECT json_extract(payload, '$.description') FROM event "
            "WHERE type = 'case.received' ORDER BY seq"
        ).fetchall()
    return [row[0] for row in rows]


def _events(path: Path, kind: str) -> int:
    with sqlite3.connect(path) as conn:
        return int(conn.execute("SELECT count(*) FROM event WHERE type = ?", (kind,)).fetchone()[0])


async def _until_paused(pilot: Any, condition: Any, what: str) -> None:
    """Like ``until``, without waiting for workers: one of them waits on a held lock."""
    for _ in range(500):
        if condition():
            return
        await pilot.pause()
    raise AssertionError(f"never happened: {what}")


async def test_two_commands_given_in_one_turn_both_run_in_order(tmp_path: Path) -> None:
    st = station(tmp_path)
    app = app_for(st)
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        screen = app.screen
        assert isinstance(screen, ViewScreen)
        screen.run_command(receive_case, **CASE, description="第一件：夜市占道")
        screen.run_command(receive_case, **CASE, description="第二件：早市占道")
        await until(app, pilot, lambda: app.commands.pending == 0, "both written")
        await workers_done(app)
    assert _descriptions(st.path)[-2:] == ["第一件：夜市占道", "第二件：早市占道"]


async def test_closing_the_screen_while_its_write_waits_for_the_lock_loses_nothing(tmp_path: Path) -> None:
    st = station(tmp_path)
    app = app_for(st)
    told = Notices()
    async with app.run_test(size=SIZE, message_hook=told) as pilot:
        await settle(app, pilot)
        app.post_message(CaseSelected(st.ids["waiting"]))
        await until(app, pilot, lambda: isinstance(app.screen, CaseDetailScreen), "the case opens")
        detail = app.screen
        assert isinstance(detail, CaseDetailScreen)
        before = _events(st.path, "case.dispatch")
        other_desk = sqlite3.connect(st.path, isolation_level=None)
        other_desk.execute("BEGIN IMMEDIATE")  # another desk holds the write lock
        try:
            detail.run_command(transition, st.ids["waiting"], Action.DISPATCH)
            waiting = "另一台电脑正在写入"
            await _until_paused(pilot, lambda: any(waiting in s for s in told.seen), "waiting shown")
            await pilot.press("escape")  # the operator closes the case meanwhile
            await _until_paused(pilot, lambda: not isinstance(app.screen, CaseDetailScreen), "case closed")
            assert app.commands.pending == 1
        finally:
            other_desk.execute("ROLLBACK")
            other_desk.close()
        await until(app, pilot, lambda: app.commands.pending == 0, "the write went through")
        await workers_done(app)
        assert _events(st.path, "case.dispatch") == before + 1
        assert any("关闭窗口前提交的操作已完成并保存" in s for s in told.seen)


def _boom(ctx: Any) -> None:
    raise RuntimeError("磁盘控制器出错")


async def test_a_command_that_fails_unexpectedly_says_so_and_logs_its_traceback(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(LOG_ENV, str(tmp_path / "logs"))
    st = station(tmp_path)
    app = app_for(st)
    told = Notices()
    async with app.run_test(size=SIZE, message_hook=told) as pilot:
        await settle(app, pilot)
        events = _events(st.path, "case.received")
        screen = app.screen
        assert isinstance(screen, ViewScreen)
        screen.run_command(_boom)
        screen.run_command(receive_case, **CASE, description="失败之后的下一件")  # the queue goes on
        await until(app, pilot, lambda: app.commands.pending == 0, "both done")
        await workers_done(app)
        assert app.is_running
    failed = [s for s in told.seen if "意外失败" in s]
    log = tmp_path / "logs" / LOG_NAME
    assert failed == [f"操作意外失败，未保存。详情已记入日志：{log}"]
    text = log.read_text(encoding="utf-8")
    assert "_boom" in text and "RuntimeError: 磁盘控制器出错" in text and "Traceback" in text
    assert _events(st.path, "case.received") == events + 1
