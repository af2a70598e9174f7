"""The whole operator path by keyboard, at a frozen time: intake → triage → urgent whistle to
three departments → two arrive → the third goes overdue → release refused before disposal →
action and result → release → dispose, feedback, close; the case leaves the open queue."""

from __future__ import annotations

from pathlib import Path

from textual.color import Color
from textual.widgets import Input, RadioButton, Static

from data.store.db import open_sync
from data.store.verify import verify
from models.clock import FrozenClock
from models.enums import CaseStatus, CheckInStatus
from screens.dialogs.checkin import ArriveDialog
from screens.dialogs.confirm import ConfirmDialog
from screens.dialogs.form import FormDialog
from screens.dialogs.intake import IntakeDialog
from screens.dialogs.whistle import WhistleDialog
from screens.widgets.queue_view import QueueView
from tests.tui.desk_support import NOW, SIZE, Station, app_for, numbers, settle
from tests.tui.dispatch_support import (
    Notices,
    checkin_items,
    checkin_texts,
    detail_screen,
    selected_department,
    until,
)

OVERDUE_RED = Color.parse("#e5484d")


async def test_whole_case_by_keyboard(tmp_path: Path) -> None:
    st = Station(tmp_path / "desk.db", FrozenClock(NOW))
    app = app_for(st)
    told = Notices()
    async with app.run_test(size=SIZE, message_hook=told) as pilot:
        await settle(app, pilot)

        # -- intake -----------------------------------------------------------------------
        await pilot.press("i")
        await until(app, pilot, lambda: isinstance(app.screen, IntakeDialog), "intake form")
        await pilot.press("enter", "down", "down", "enter")  # source: 12345热线
        await pilot.press("tab", "enter", *["down"] * 6, "enter")  # category: 占道经营/流动摊贩
        proposal = str(app.screen.query_one("#intake-proposal", Static).render())
        assert proposal == "处置时限 4\u00a0工作小时；建议部门：城管执法队、市场监管所、公安派出所"
        await pilot.press("tab", *"东四社区", "enter", *"东四北大街12号", "enter")
        await pilot.press(*"早高峰路口流动摊贩占道", "enter", *"王女士", "enter", *"13812345678", "enter")
        assert app.screen.query_one("#f-reporter_phone", Input).value == "138****5678"
        await pilot.press("ctrl+s")
        await until(app, pilot, lambda: getattr(app.screen, "detail", None) is not None, "case detail")
        detail = detail_screen(app).detail
        assert detail is not None and detail.status is CaseStatus.RECEIVED
        number = detail.number
        fields = str(app.screen.query_one("#case-fields", Static).render())
        assert "138****5678" in fields and "13812345678" not in fields

        # -- triage, whistle to three departments -------------------------------------------
        await pilot.press("t")
        await until(app, pilot, lambda: isinstance(app.screen, ConfirmDialog), "confirm triage")
        await pilot.press("y")
        await until(app, pilot, lambda: detail_screen(app).detail.status is CaseStatus.TRIAGE, "triage")  # type: ignore[union-attr]
        await pilot.press("w")
        await until(app, pilot, lambda: isinstance(app.screen, WhistleDialog), "whistle dialog")
        # a case of 一般 urgency starts at 常规哨; a road blocked at rush hour is 紧急
        assert str(app.screen.query_one("#whistle-preview", Static).render()).count("（24 小时）") == 3
        urgent = next(b for b in app.screen.query(RadioButton) if b.name == "urgent")
        urgent.value = True
        await until(
            app,
            pilot,
            lambda: (
                str(app.screen.query_one("#whistle-preview", Static).render()).count("03-10 10:30 前报到")
                == 3
            ),
            "the urgent deadlines",
        )
        await pilot.press("ctrl+s")
        await until(app, pilot, lambda: len(checkin_items(app)) == 3, "three check-ins")
        assert [i.checkin.department_code for i in checkin_items(app)] == ["CGZF", "GA", "SCJG"]

        # -- two arrive ---------------------------------------------------------------------
        st.clock.advance(minutes=12)
        assert selected_department(app) == "CGZF"
        await pilot.press("a")
        await until(app, pilot, lambda: isinstance(app.screen, ArriveDialog), "arrive dialog")
        await pilot.press(*"李队长", "enter")
        await until(app, pilot, lambda: not isinstance(app.screen, ArriveDialog), "arrive dialog closed")
        await until(
            app, pilot, lambda: checkin_items(app)[0].checkin.status is CheckInStatus.ARRIVED, "arrived"
        )
        await pilot.press("down", "a")
        await until(app, pilot, lambda: isinstance(app.screen, ArriveDialog), "arrive dialog")
        await pilot.press(*"张科员", "enter")
        await until(app, pilot, lambda: not isinstance(app.screen, ArriveDialog), "arrive dialog closed")
        await until(
            app, pilot, lambda: checkin_items(app)[1].checkin.status is CheckInStatus.ARRIVED, "arrived"
        )
        assert "城管执法队 按时到场。" in told.seen

        # -- past the deadline, the third is overdue in red --------------------------------
        st.clock.advance(minutes=19)  # 31 minutes after the whistle
        app.tick()
        await pilot.pause()
        third = checkin_items(app)[2]
        assert third.has_class("-overdue")
        assert "超时 +01:00" in checkin_texts(app)[2]
        assert third.styles.color == OVERDUE_RED
        assert not checkin_items(app)[0].has_class("-overdue")

        # -- release refused before the disposal is recorded --------------------------------
        await pilot.press("up")
        assert selected_department(app) == "CGZF"
        await pilot.press("l")
        await until(app, pilot, lambda: any("事不完、人不撤" in n for n in told.seen), "refusal")
        assert checkin_items(app)[0].checkin.status is CheckInStatus.ARRIVED

        # -- action and result, then release -----------------------------------------------
        await pilot.press("e")
        await until(app, pilot, lambda: isinstance(app.screen, FormDialog), "act dialog")
        await pilot.press(*"现场劝离", "enter", *"摊贩已撤离", "enter")
        await until(app, pilot, lambda: checkin_items(app)[0].checkin.status is CheckInStatus.ACTED, "acted")
        await pilot.press("l")
        await until(app, pilot, lambda: isinstance(app.screen, FormDialog), "release dialog")
        await pilot.press("enter", "enter")  # released now: no time, no reason
        await until(
            app, pilot, lambda: checkin_items(app)[0].checkin.status is CheckInStatus.RELEASED, "released"
        )

        # -- dispose, feedback, close ------------------------------------------------------
        await pilot.press("p")
        await until(app, pilot, lambda: isinstance(app.screen, ConfirmDialog), "confirm dispose")
        await pilot.press("y")
        await until(app, pilot, lambda: detail_screen(app).detail.status is CaseStatus.DISPOSING, "disposing")  # type: ignore[union-attr]
        # 公安 is still on site: the disposal is not reported done until it has acted and left
        await pilot.press("b")
        await until(app, pilot, lambda: isinstance(app.screen, FormDialog), "feedback dialog")
        await pilot.press(*"已整改，通道畅通", "enter", "enter")
        await until(
            app,
            pilot,
            lambda: "公安派出所 仍在现场" in str(app.screen.query_one("#e-form", Static).render()),
            "refused at the foot of the form",
        )
        await pilot.press("escape")
        await until(app, pilot, lambda: not isinstance(app.screen, FormDialog), "dialog closed")
        assert detail_screen(app).detail.status is CaseStatus.DISPOSING  # type: ignore[union-attr]
        await pilot.press("down", "e")
        await until(app, pilot, lambda: isinstance(app.screen, FormDialog), "act dialog")
        await pilot.press(*"协助维持秩序", "enter", *"秩序恢复", "enter")
        await until(app, pilot, lambda: checkin_items(app)[1].checkin.status is CheckInStatus.ACTED, "acted")
        await pilot.press("l")
        await until(app, pilot, lambda: isinstance(app.screen, FormDialog), "release dialog")
        await pilot.press("enter", "enter")  # released now: no time, no reason
        await until(
            app, pilot, lambda: checkin_items(app)[1].checkin.status is CheckInStatus.RELEASED, "released"
        )
        await pilot.press("b")
        await until(app, pilot, lambda: isinstance(app.screen, FormDialog), "feedback dialog")
        await pilot.press(*"已整改，通道畅通", "enter", "enter")
        await until(app, pilot, lambda: detail_screen(app).detail.status is CaseStatus.FEEDBACK, "feedback")  # type: ignore[union-attr]
        await pilot.press("c")
        # the department still awaited is named, and its withdrawal needs a reason
        await until(app, pilot, lambda: isinstance(app.screen, FormDialog), "close dialog")
        assert "仍待报到，将撤回召集并留痕：市场监管所" in str(app.screen.query_one(".dialog-hint").render())
        await pilot.press(*"现场已处置完毕", "enter")
        await until(app, pilot, lambda: detail_screen(app).detail.status is CaseStatus.CLOSED, "closed")  # type: ignore[union-attr]
        closed = detail_screen(app).detail
        assert closed is not None
        assert [c.status for c in closed.checkins] == [
            CheckInStatus.RELEASED,
            CheckInStatus.RELEASED,
            CheckInStatus.NO_SHOW,  # its deadline had passed when the case was closed
        ]
        timeline = str(app.screen.query_one("#case-timeline", Static).render())
        assert "城管执法队 处置：现场劝离；结果：摊贩已撤离" in timeline
        assert "结案：已反馈 → 已结案" in timeline
        assert "撤回召集：市场监管所（已过时限" in timeline

        # -- the case leaves the open queue -------------------------------------------------
        await pilot.press("escape")
        await until(app, pilot, lambda: bool(app.screen.query(QueueView)), "back on the queue")
        await settle(app, pilot)
        assert number not in numbers(app.screen.query_one(QueueView))

    engine = open_sync(st.path, writer=False)
    try:
        report = verify(engine, replay=True)
    finally:
        engine.dispose()
    assert report.ok, report.problems
