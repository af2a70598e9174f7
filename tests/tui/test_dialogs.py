"""The dispatch dialogs: errors at the field, nothing written until valid, and every refusal
message the desk can show."""

from __future__ import annotations

import sqlite3
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from textual.app import App
from textual.widgets import Input, RadioButton, RadioSet, SelectionList, Static

from data.catalogue import DEPARTMENTS
from data.read.cases import DepartmentRef
from data.settings import Settings
from data.write.commands.cases import transition
from data.write.commands.checkins import arrive, pause
from data.write.commands.common import Rules
from models.clock import FrozenClock
from models.enums import CaseStatus, Grade
from models.i18n import set_language
from models.lifecycle import Action
from screens.dialogs.confirm import ConfirmDialog
from screens.dialogs.form import FormDialog
from screens.dialogs.intake import IntakeDialog
from screens.dialogs.whistle import WhistleDialog
from screens.theme import meaning_variables
from tests.tui.desk_support import NOW, SIZE, Station, app_for, settle, station
from tests.tui.dispatch_support import Notices, checkin_items, detail_screen, until


def _cases(path: Path) -> int:
    with sqlite3.connect(path) as conn:
        return int(conn.execute("SELECT count(*) FROM case_file").fetchone()[0])


def _error(screen: Any, name: str) -> str:
    widget = screen.query_one(f"#e-{name}", Static)
    return str(widget.render()) if widget.has_class("-shown") else ""


class Host(App[None]):
    """A bare app that shows one dialog and keeps what it returned."""

    def __init__(self, dialog: Any) -> None:
        super().__init__()
        self.dialog = dialog
        self.results: list[Any] = []

    def get_theme_variable_defaults(self) -> dict[str, str]:
        return meaning_variables(self.current_theme)

    def on_mount(self) -> None:
        self.push_screen(self.dialog, self.results.append)


async def test_intake_errors_appear_at_their_fields_and_nothing_is_written(tmp_path: Path) -> None:
    st = Station(tmp_path / "desk.db", FrozenClock(NOW))
    app = app_for(st)
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        await pilot.press("i")
        await until(app, pilot, lambda: isinstance(app.screen, IntakeDialog), "intake form")
        await pilot.press("ctrl+s")
        dialog = app.screen
        assert _error(dialog, "source") == "请填写来源。"
        assert _error(dialog, "category") == "请填写类别。"
        assert _error(dialog, "community") == "请填写社区。"
        assert _error(dialog, "description") == "请填写问题描述。"
        assert _error(dialog, "reporter_name") == ""  # optional
        await pilot.press("enter", "down", "enter", "tab", "enter", "down", "enter")
        await pilot.press("tab", *"东四社区", "enter", *"东四北大街1号", "enter", *"噪音", "enter")
        await pilot.press("enter", *"138-1234", "enter", "ctrl+s")
        await pilot.pause()
        assert _error(dialog, "community") == ""
        assert _error(dialog, "reporter_phone").startswith("联系电话格式不对：138-1234")
        assert app.screen is dialog and _cases(st.path) == 0
        phone = dialog.query_one("#f-reporter_phone", Input)
        assert app.focused is phone
        phone.value = "010-65123456"
        await pilot.press("ctrl+s")
        await until(app, pilot, lambda: _cases(st.path) == 1, "case written")


async def test_whistle_dialog_previews_deadlines_per_grade_and_needs_a_department() -> None:
    clock = FrozenClock(NOW)
    departments = tuple(DepartmentRef(d.code, d.name, d.mode.value, True) for d in DEPARTMENTS)
    dialog = WhistleDialog(
        case_number="SJ-2026-000001",
        departments=departments,
        proposed=("CGZF", "SCJG", "GA"),
        engaged=frozenset({"GA"}),
        rules=Rules(Settings()),
        now=clock.now,
    )
    app = Host(dialog)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        assert dialog.focused is not None and dialog.focused.id == "whistle-departments"
        preview = str(dialog.query_one("#whistle-preview", Static).render())
        assert preview.splitlines() == [
            "城管执法队    03-10 10:30 前报到（30\u00a0分钟）",
            "市场监管所    03-10 10:30 前报到（30\u00a0分钟）",
        ]
        listing = dialog.query_one(SelectionList)
        ga = next(i for i, d in enumerate(departments) if d.code == "GA")
        assert "（已在报到中）" in str(listing.get_option_at_index(ga).prompt)
        assert listing.get_option_at_index(ga).disabled
        next(b for b in dialog.query(RadioButton) if b.name == Grade.REGULAR.value).value = True
        await pilot.pause()
        assert "03-11 10:00 前报到（24 小时）" in str(dialog.query_one("#whistle-preview", Static).render())
        listing.deselect_all()
        await pilot.press("ctrl+s")
        assert _error(dialog, "departments") == "请至少选择一个部门。"
        assert app.results == []
        listing.select("XF")
        await pilot.press("ctrl+s")
        await pilot.pause()
    (values,) = app.results
    assert values["departments"] == ["XF"] and values["grade"] is Grade.REGULAR and values["purpose"] is None


async def test_form_local_checks() -> None:
    from models.enums import CheckInStatus
    from screens.dialogs.checkin import CheckinTarget, extend_prompt, rate_prompt

    target = CheckinTarget("x", "城管执法队", "SJ-2026-000001", CheckInStatus.ACTED, NOW, "k", False, False)
    rate = rate_prompt(target)
    app = Host(rate)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        await pilot.press("6", "enter", *"好", "enter")
        assert _error(rate, "rating") == "请填写 1 到 5 之间的数。"
        rate.query_one("#f-rating", Input).value = "4"
        await pilot.press("ctrl+s")
        await pilot.pause()
    assert app.results == [{"rating": 4, "reason": "好"}]

    extend = extend_prompt(target)
    app = Host(extend)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        await pilot.press(*"0m", "enter", *"等待材料", "enter")
        assert _error(extend, "by").startswith("时长格式如 半小时")
        assert app.results == []


async def test_confirm_answers() -> None:
    for key, expected in (("y", True), ("n", False), ("escape", False)):
        app = Host(ConfirmDialog("结案", "确定？"))
        async with app.run_test(size=(80, 24)) as pilot:
            await pilot.pause()
            await pilot.press(key)
            await pilot.pause()
        assert app.results == [expected]


async def _open_detail(app: Any, pilot: Any, case_id: str) -> None:
    await settle(app, pilot)
    app.screen.open_case(case_id)
    await until(app, pilot, lambda: getattr(app.screen, "detail", None) is not None, "detail")


async def test_park_review_date_in_the_past_is_refused_at_its_field(tmp_path: Path) -> None:
    st = station(tmp_path)
    app = app_for(st)
    async with app.run_test(size=SIZE) as pilot:
        await _open_detail(app, pilot, st.ids["waiting"])
        await pilot.press("z")
        await until(app, pilot, lambda: isinstance(app.screen, FormDialog), "park dialog")
        dialog = app.screen
        assert dialog.query_one("#f-review_on", Input).value == "2026-03-17"
        dialog.query_one("#f-review_on", Input).value = "2026-03-01"
        await pilot.press(*"等待业主", "ctrl+s")
        await until(app, pilot, lambda: bool(_error(dialog, "review_on")), "refusal")
        assert _error(dialog, "review_on") == "复核日期不能早于今天。"
        dialog.query_one("#f-review_on", Input).value = "2026-03-2x"
        await pilot.press("ctrl+s")
        assert _error(dialog, "review_on") == "日期格式应为 YYYY-MM-DD：2026-03-2x"
        dialog.query_one("#f-review_on", Input).value = "2026-03-20"
        await pilot.press("ctrl+s")
        await until(app, pilot, lambda: detail_screen(app).detail.status is CaseStatus.PARKED, "parked")  # type: ignore[union-attr]


async def test_stale_state_is_refused_with_the_lifecycle_message(tmp_path: Path) -> None:
    st = station(tmp_path)
    app = app_for(st)
    async with app.run_test(size=SIZE) as pilot:
        await _open_detail(app, pilot, st.ids["waiting"])
        await pilot.press("w")
        await until(app, pilot, lambda: isinstance(app.screen, WhistleDialog), "whistle dialog")
        # another desk rejects the case while this one is choosing departments
        st.run(transition, st.ids["waiting"], Action.REJECT, reason="不属于本街道")
        dialog = app.screen
        await pilot.press("ctrl+s")
        await until(app, pilot, lambda: bool(_error(dialog, "form")), "refusal")
        assert _error(dialog, "form") == "案件当前为「不予受理」，不能执行「吹哨」。"


async def test_checkin_refusals_when_another_desk_was_first(tmp_path: Path) -> None:
    """The poller holds back while a dialog is open, so the other desk's write lands between
    opening the dialog and submitting it: the refusal shows in the dialog."""
    st = station(tmp_path)
    app = app_for(st)
    told = Notices()
    async with app.run_test(size=SIZE, message_hook=told) as pilot:
        await _open_detail(app, pilot, st.ids["soon"])
        first = checkin_items(app)[0].checkin
        await pilot.press("a")
        await until(app, pilot, lambda: isinstance(app.screen, FormDialog), "arrive dialog")
        dialog = app.screen
        st.run(arrive, first.id, person="李队长")
        await pilot.press(*"王队员", "enter")
        await until(app, pilot, lambda: bool(_error(dialog, "form")), "refusal")
        assert _error(dialog, "form") == "该部门当前为「已到场」，不能再登记到场。"
        await pilot.press("escape")
        await until(app, pilot, lambda: checkin_items(app)[0].checkin.arrived_person == "李队长", "refresh")

        await pilot.press("down")
        second = checkin_items(app)[1].checkin
        await pilot.press("v")
        await until(app, pilot, lambda: isinstance(app.screen, FormDialog), "pause dialog")
        dialog = app.screen
        st.run(pause, second.clock.id, reason="等待")
        await pilot.press(*"道路封闭", "enter")
        await until(app, pilot, lambda: bool(_error(dialog, "form")), "refusal")
        assert _error(dialog, "form") == "该时限已挂起。"
        st.clock.advance(timedelta(minutes=1))
        await pilot.press("escape")
        await until(app, pilot, lambda: checkin_items(app)[1].checkin.clock.paused, "refresh")
        await pilot.press("v")  # the screen now knows the clock is paused: v resumes it
        await until(app, pilot, lambda: not checkin_items(app)[1].checkin.clock.paused, "resumed")
        assert not any("错误" in n for n in told.seen)


async def test_an_extension_is_typed_as_an_operator_says_it_and_shown_as_read() -> None:
    """Issue 15, finding 8: 延期 took 30m/2h/4wh/1wd only; 半小时, 2小时 and 1天 are read too,
    and the dialog shows what it read before anything is saved."""
    from models.deadlines import Limit
    from models.enums import CheckInStatus
    from screens.dialogs.checkin import CheckinTarget, extend_prompt

    target = CheckinTarget(
        "x", "城管执法队", "SJ-2026-000001", CheckInStatus.SUMMONED, NOW, "k", False, False
    )
    extend = extend_prompt(target)
    app = Host(extend)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        await pilot.press(*"半小时")
        await pilot.pause()
        assert str(extend.query_one("#p-by", Static).render()) == "＝ 30\u00a0分钟"
        await pilot.press("enter", *"路远", "enter")
        await pilot.pause()
    assert app.results == [{"by": Limit.minutes(30), "reason": "路远"}]


@pytest.mark.parametrize(("priority", "grade"), [("normal", Grade.REGULAR), ("urgent", Grade.URGENT)])
async def test_the_whistle_dialog_starts_at_the_grade_the_cases_urgency_suggests(
    tmp_path: Path, priority: str, grade: Grade
) -> None:
    """Issue 15, finding 8: the whistle dialog defaulted to 紧急哨 even for a case of 一般 urgency."""
    st = station(tmp_path)
    case_id = st.case("mine", at=NOW, description="楼道堆物", priority=priority)
    st.run(transition, case_id, Action.TRIAGE)
    app = app_for(st)
    async with app.run_test(size=SIZE) as pilot:
        await _open_detail(app, pilot, case_id)
        await pilot.press("w")
        await until(app, pilot, lambda: isinstance(app.screen, WhistleDialog), "whistle dialog")
        dialog = app.screen
        assert isinstance(dialog, WhistleDialog) and dialog.grade is grade
        pressed = dialog.query_one("#whistle-grade", RadioSet).pressed_button
        assert pressed is not None and pressed.name == grade.value


async def test_a_step_confirmation_says_it_cannot_be_undone_once(tmp_path: Path) -> None:
    """Issue 15, finding 6: confirmations said 此操作不能撤销 twice."""
    st = station(tmp_path)
    app = app_for(st)
    async with app.run_test(size=SIZE) as pilot:
        await _open_detail(app, pilot, st.ids["waiting"])
        await pilot.press("d")
        await until(app, pilot, lambda: isinstance(app.screen, ConfirmDialog), "the confirmation")
        text = " ".join(str(s.render()) for s in app.screen.query(Static))
        assert text.count("不能撤销") == 1 and "派遣" in text


async def test_an_error_under_a_field_goes_when_the_field_is_corrected() -> None:
    """Issue 15, finding 6: an error stayed under a field after it was fixed."""
    from models.enums import CheckInStatus
    from screens.dialogs.checkin import CheckinTarget, rate_prompt

    target = CheckinTarget("x", "城管执法队", "SJ-2026-000001", CheckInStatus.ACTED, NOW, "k", False, False)
    rate = rate_prompt(target)
    app = Host(rate)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        await pilot.press("6", "enter", *"好", "enter")
        assert _error(rate, "rating") == "请填写 1 到 5 之间的数。"
        rate.query_one("#f-rating", Input).focus()
        await pilot.press("backspace", "4")
        await pilot.pause()
        assert _error(rate, "rating") == ""


async def test_a_long_complaint_is_read_back_whole_before_it_is_saved(tmp_path: Path) -> None:
    """Issue 15, finding 8: the description is a one-line input, so a long complaint could
    not be read back before saving; it is now shown whole under the field as it is typed
    (as text: a [bracket] in a complaint is not markup)."""
    st = Station(tmp_path / "desk.db", FrozenClock(NOW))
    app = app_for(st)
    long = "居民反映[夜间]施工噪音扰民，" * 12
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        await pilot.press("i")
        await until(app, pilot, lambda: isinstance(app.screen, IntakeDialog), "intake form")
        dialog = app.screen
        dialog.query_one("#f-description", Input).value = long
        await pilot.pause()
        assert str(dialog.query_one("#p-description", Static).render()).replace("\n", "") == long


async def test_the_whistle_preview_names_each_department_whole_in_english() -> None:
    """In English the preview cut `Police stati… report by`: the name column is as wide as
    the longest name chosen."""
    set_language("en")
    try:
        clock = FrozenClock(NOW)
        departments = tuple(DepartmentRef(d.code, d.name_en, d.mode.value, True) for d in DEPARTMENTS)
        dialog = WhistleDialog(
            case_number="SJ-2026-000001",
            departments=departments,
            proposed=("CGZF", "GA"),
            engaged=frozenset(),
            rules=Rules(Settings()),
            now=clock.now,
        )
        app = Host(dialog)
        async with app.run_test(size=(120, 40)) as pilot:
            await pilot.pause()
            preview = str(dialog.query_one("#whistle-preview", Static).render())
            names = {d.code: d.name for d in departments}
            for line, code in zip(preview.splitlines(), ("CGZF", "GA"), strict=True):
                assert line.startswith(names[code] + " ") and "…" not in line, line
    finally:
        set_language("zh")
