"""交接班 at the desk (issue 15): the outgoing operator sees what is handed over, writes a note
and hands over; the incoming operator signs in, is shown the handover and acknowledges it."""

from __future__ import annotations

from pathlib import Path

from textual.widgets import Static

from screens.handover import HandoverScreen
from tests.tui.desk_support import PINS, SIZE, app_for, settle, station
from tests.tui.dispatch_support import until
from tests.unit.support import rows


def _text(app: object, selector: str) -> str:
    screen = app.screen  # type: ignore[attr-defined]
    return str(screen.query_one(selector, Static).render())


async def test_open_a_handover_then_another_operator_signs_in_and_acknowledges_it(tmp_path: Path) -> None:
    st = station(tmp_path)
    st.staff("李四")
    app = app_for(st)
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        await pilot.press("6")
        await until(app, pilot, lambda: isinstance(app.screen, HandoverScreen), "the handover view")
        screen = app.screen
        assert isinstance(screen, HandoverScreen)
        await until(app, pilot, lambda: screen.loaded is not None, "gathered")
        body = _text(app, "#handover-text")
        assert "报到已超时（2）\n  SJ-2026-000004  公安派出所 2026-03-10 09:50" in body
        assert "召集待报到（3）" in body and "办理时限在走（4）" in body and "挂账到期复查（0）" in body
        assert "按 o 交班" in _text(app, "#handover-head")
        await pilot.press("a")  # nothing awaits 张三: nothing is written
        await pilot.press("n", *"东四路口明早复查", "enter", "o")
        await until(app, pilot, lambda: bool(rows(st.path, "SELECT id FROM handover")), "handed over")
        await until(app, pilot, lambda: "待接班人签收" in _text(app, "#handover-head"), "awaiting")
        # 张三 goes back to the queue and locks the desk; 李四 signs in and is shown the handover
        await pilot.press("1")
        await until(app, pilot, lambda: app.current_mode == "queue", "the queue")
        await pilot.press("ctrl+l")
        await until(app, pilot, lambda: app.locked, "locked")
        await pilot.press("ctrl+u", "shift+tab", "down", "enter", *PINS["李四"], "enter")
        await until(app, pilot, lambda: app.operator == "李四" and not app.locked, "李四 signed in")
        await until(
            app,
            pilot,
            lambda: (
                isinstance(app.screen, HandoverScreen) and "请核对后按 a 签收" in _text(app, "#handover-head")
            ),
            "the handover put before 李四",
        )
        assert "张三 于 03-10 10:00 交班" in _text(app, "#handover-head")
        assert "交班备注：东四路口明早复查" in _text(app, "#handover-text")
        await pilot.press("a")
        await until(
            app, pilot, lambda: bool(rows(st.path, "SELECT id FROM handover WHERE acknowledged_by = '李四'"))
        )
        await until(app, pilot, lambda: "按 o 交班" in _text(app, "#handover-head"), "acknowledged")
    (opened,) = rows(st.path, "SELECT operator FROM event WHERE type = 'handover.opened'")
    (acked,) = rows(st.path, "SELECT operator FROM event WHERE type = 'handover.acknowledged'")
    assert opened["operator"] == "张三" and acked["operator"] == "李四"
