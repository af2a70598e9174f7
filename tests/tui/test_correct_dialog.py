"""冲正 from the case detail: C, what to correct, the new value and a reason; the check-in line
follows the corrected value and the timeline shows the original struck through beside it."""

from __future__ import annotations

from pathlib import Path

from rich.text import Text
from textual.widgets import Input, ListView, Select, Static

from data.write.commands.checkins import arrive
from data.write.commands.corrections import checkin_of
from screens.dialogs.form import FormDialog
from screens.signin import SupervisorDialog
from tests.tui.desk_support import NOW, PINS, SIZE, Station, settle, station
from tests.tui.dispatch_support import Notices, checkin_texts, detail_screen, selected_department, until
from tui.app import WhistleApp, build_app
from tui.config import AppConfig


def _late_arrival(tmp_path: Path) -> Station:
    """The fire station reported in at 10:00, ten minutes after its 09:50 deadline."""
    st = station(tmp_path)
    detail_id = st.ids["overdue"]
    xf = st.run(checkin_of, detail_id, "XF")
    st.run(arrive, xf, person="王队长", at=NOW)
    return st


def _app(st: Station, operator: str) -> WhistleApp:
    st.staff("张三")  # the supervisor (值班员) and an operator, each with a PIN to sign in
    return build_app(AppConfig(st.path, st.settings, st.clock, operator, "zh"))


def _shows(app: WhistleApp, screen: str, field: str) -> bool:
    """The dialog ``screen`` is up with its ``field`` mounted (a pushed screen composes later)."""
    return app.screen.id == screen and bool(app.screen.query(field))


async def _correct_arrival(app: WhistleApp, pilot: object, st: Station, at: str) -> FormDialog[object]:
    await settle(app, pilot)
    app.screen.open_case(st.ids["overdue"])  # type: ignore[attr-defined]
    await until(app, pilot, lambda: getattr(app.screen, "detail", None) is not None, "detail")
    # the check-ins are listed after the detail is read (a loaded machine showed the gap)
    await until(app, pilot, lambda: bool(selected_department(app)), "the check-ins listed")
    listing = detail_screen(app).query_one("#case-checkins", ListView)
    while selected_department(app) != "XF":
        listing.index = (listing.index or 0) + 1
        await pilot.pause()  # type: ignore[attr-defined]
    await pilot.press("C")  # type: ignore[attr-defined]
    await until(app, pilot, lambda: _shows(app, "correct-what", "#f-what"), "what to correct")
    app.screen.query_one("#f-what", Select).value = "arrival"
    await pilot.press("ctrl+s")  # type: ignore[attr-defined]
    await until(app, pilot, lambda: _shows(app, "correct-form", "#f-arrived_at"), "correction form")
    dialog = app.screen
    assert isinstance(dialog, FormDialog)
    dialog.query_one("#f-arrived_at", Input).value = at
    dialog.query_one("#f-reason", Input).value = "电话报到时间记错"
    await pilot.press("ctrl+s")  # type: ignore[attr-defined]
    return dialog


def _error(dialog: FormDialog[object], name: str) -> str:
    return str(dialog.query_one(f"#e-{name}", Static).render())


async def test_a_supervisor_corrects_an_arrival_from_the_case_detail(tmp_path: Path) -> None:
    st = _late_arrival(tmp_path)
    app = _app(st, "值班员")
    told = Notices()
    async with app.run_test(size=SIZE, message_hook=told) as pilot:
        await settle(app, pilot)
        dialog = await _correct_arrival(app, pilot, st, "9:99")
        await until(app, pilot, lambda: bool(_error(dialog, "arrived_at")), "bad time refused")
        assert _error(dialog, "arrived_at").startswith("时间格式应为 HH:MM")
        dialog.query_one("#f-arrived_at", Input).value = "09:45"
        await pilot.press("ctrl+s")
        # a correction is supervisor-only: the passphrase is asked at that moment
        await until(app, pilot, lambda: isinstance(app.screen, SupervisorDialog), "the passphrase")
        await pilot.press(*PINS["值班员"], "enter")
        await until(app, pilot, lambda: any("已冲正" in n for n in told.seen), "corrected")
        await until(app, pilot, lambda: any("按时" in line for line in checkin_texts(app)), "on time now")
        timeline = detail_screen(app).query_one("#case-timeline", Static).content
        assert isinstance(timeline, Text)
        lines = timeline.plain.splitlines()
        (arrived,) = [i for i, line in enumerate(lines) if "消防救援站 到场" in line]
        assert "迟到 10 分钟" in lines[arrived]
        assert (
            "冲正消防救援站到场时间：03-10 10:00（迟到 10 分钟） → 03-10 09:45（按时）" in lines[arrived + 1]
        )
        start = timeline.plain.index(lines[arrived])
        struck = {str(span.style) for span in timeline.spans if span.start <= start + 20 < span.end}
        assert "strike" in struck
        line = timeline.plain.index(lines[arrived + 1])
        assert not [s for s in timeline.spans if s.start <= line + 20 < s.end and "strike" in str(s.style)]


async def test_an_operator_is_told_only_a_supervisor_may_correct(tmp_path: Path) -> None:
    st = _late_arrival(tmp_path)
    app = _app(st, "张三")
    async with app.run_test(size=SIZE) as pilot:
        dialog = await _correct_arrival(app, pilot, st, "09:45")
        await until(app, pilot, lambda: bool(_error(dialog, "form")), "refusal")
        assert _error(dialog, "form") == "冲正须由中心主任操作；张三 不是中心主任。"
        assert app.screen is dialog
        await pilot.press("escape")
        await until(
            app, pilot, lambda: any("迟到 10 分钟" in line for line in checkin_texts(app)), "unchanged"
        )


async def test_a_supervisor_who_withholds_the_passphrase_corrects_nothing(tmp_path: Path) -> None:
    st = _late_arrival(tmp_path)
    app = _app(st, "值班员")
    async with app.run_test(size=SIZE) as pilot:
        dialog = await _correct_arrival(app, pilot, st, "09:45")
        await until(app, pilot, lambda: isinstance(app.screen, SupervisorDialog), "the passphrase")
        await pilot.press("escape")
        await until(app, pilot, lambda: bool(_error(dialog, "form")), "told why")
        assert _error(dialog, "form") == "此操作须由中心主任 值班员 当场输入口令"
        assert app.screen is dialog
        await pilot.press("escape")
        await until(
            app, pilot, lambda: any("迟到 10 分钟" in line for line in checkin_texts(app)), "unchanged"
        )
