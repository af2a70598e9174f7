"""Who is at the desk (issue 12, finding 6): the console locks after the idle time of the
settings or on its key; locked, it keeps its clock and its alarms but takes no action until
someone signs in, and whoever does writes from then on."""

from __future__ import annotations

import json
from datetime import timedelta
from pathlib import Path
from typing import Any

from screens.queue import QueueScreen
from screens.signin import SignInScreen
from screens.widgets.queue_view import QueueView
from tests.tui.desk_support import PINS, SIZE, app_for, settle, station
from tests.tui.dispatch_support import until, workers_done
from tests.unit.support import rows
from tui.app import WhistleApp


def _locked(app: WhistleApp) -> bool:
    screen = app.screen
    return isinstance(screen, SignInScreen) and screen.locked


async def _pass_turns(app: WhistleApp, pilot: Any) -> None:
    for _ in range(3):
        await workers_done(app)
        await pilot.pause()


async def test_the_desk_locks_after_the_idle_time_of_the_settings(tmp_path: Path) -> None:
    st = station(tmp_path)
    app = app_for(st, idle_lock_minutes=15)
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        st.clock.advance(minutes=14, seconds=59)
        app.tick()
        await _pass_turns(app, pilot)
        assert not app.locked
        await pilot.press("j")  # a key counts as use: the idle time starts again
        st.clock.advance(minutes=14, seconds=59)
        app.tick()
        await _pass_turns(app, pilot)
        assert not app.locked
        st.clock.advance(seconds=1)
        app.tick()
        await until(app, pilot, lambda: _locked(app) and bool(app.screen.query("#signin-title")), "locked")
        assert "已锁定（张三）" in str(app.screen.query_one("#signin-title").render())
    (lock,) = rows(st.path, "SELECT operator, payload FROM event WHERE type = 'desk.locked'")
    assert lock["operator"] == "张三" and json.loads(lock["payload"]) == {"name": "张三", "idle": True}


async def test_a_locked_desk_rings_and_ticks_but_takes_no_key_until_someone_signs_in(tmp_path: Path) -> None:
    st = station(tmp_path)
    st.staff("李四")
    app = app_for(st)
    rings: list[int] = []
    async with app.run_test(size=SIZE) as pilot:
        app.bell = lambda: rings.append(1)  # type: ignore[method-assign]
        await settle(app, pilot)
        queue = app.screen
        assert isinstance(queue, QueueScreen)
        await pilot.press("ctrl+l")
        await until(app, pilot, lambda: _locked(app), "locked")
        # no view, no dialog, no palette, no help
        for key in ("2", "n", "colon", "question_mark", "ctrl+p", "escape"):
            await pilot.press(key)
            await _pass_turns(app, pilot)
            assert _locked(app), key
            assert app.current_mode == "queue"
        assert app.screen_stack[-2] is queue
        # the clock beneath keeps ticking, and a check-in going overdue still rings
        before = len(rings)
        st.clock.advance(minutes=21)  # "soon" passes its deadline
        app.tick()
        await app.poll_once()
        await _pass_turns(app, pilot)
        assert len(rings) == before + 2  # and "overdue" (31 min past) rings its second alarm
        assert str(queue.query_one("#hdr-clock").render()) == "03-10 10:21:00"
        assert _locked(app)
        # someone else signs in: from now on they are the one who writes
        # what the keys above typed went into the PIN field only: wiped, then 李四 is chosen
        await pilot.press("ctrl+u", "shift+tab", "down", "enter", *PINS["李四"], "enter")
        await until(app, pilot, lambda: not app.locked, "unlocked")
        await settle(app, pilot)
        assert app.operator == "李四" and app.service is not None and app.service.operator == "李四"
        assert str(queue.query_one("#hdr-operator").render()) == "操作员 李四（调度员）"
        assert queue.query_one(QueueView).counts.total == 4
    (unlocked,) = rows(st.path, "SELECT operator, payload FROM event WHERE type = 'desk.unlocked'")
    assert unlocked["operator"] == "李四"
    assert json.loads(unlocked["payload"]) == {"name": "李四", "role": "operator", "locked_by": "张三"}


async def test_a_wrong_pin_at_the_sign_in_is_shown_counted_and_recorded(tmp_path: Path) -> None:
    st = station(tmp_path)
    app = app_for(st)
    async with app.run_test(size=SIZE) as pilot:
        await until(app, pilot, lambda: isinstance(app.screen, SignInScreen), "the sign-in")
        for _ in range(3):
            await pilot.press(*"9999", "enter")
            await _pass_turns(app, pilot)
        screen = app.screen
        assert isinstance(screen, SignInScreen) and app.operator is None
        assert "不正确" in str(screen.query_one("#signin-error").render())
        await pilot.press(*PINS["张三"], "enter")  # right, but too soon after three wrong ones
        await _pass_turns(app, pilot)
        assert app.operator is None
        assert "15 秒后再试" in str(screen.query_one("#signin-error").render())
        st.clock.advance(timedelta(seconds=15))
        await pilot.press(*PINS["张三"], "enter")
        await until(app, pilot, lambda: app.operator == "张三", "signed in")
    failed = rows(st.path, "SELECT subject, payload FROM event WHERE type = 'operator.signin_failed'")
    assert [(r["subject"], json.loads(r["payload"])["failures"]) for r in failed] == [
        ("张三", 1),
        ("张三", 2),
        ("张三", 3),
    ]


async def test_the_header_shows_a_supervisors_role(tmp_path: Path) -> None:
    from tests.tui.meetings_support import app_as

    st = station(tmp_path)
    app = app_as(st, "值班员")
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        assert str(app.screen.query_one("#hdr-operator").render()) == "操作员 值班员（中心主任）"


async def test_the_demo_pins_read_in_the_desks_language() -> None:
    """In English the demo's PIN line read 赵主任（Supervisor）8888, Chinese brackets around an
    English role: it is the catalogue's name-and-role in each language."""
    from textual.app import App
    from textual.widgets import Static

    from models.enums import Role
    from models.i18n import set_language

    demo = [("赵主任", Role.SUPERVISOR, "8888"), ("王丽", Role.OPERATOR, "1111")]
    try:
        for lang, expected in (("en", "赵主任 (Supervisor) 8888"), ("zh", "赵主任（中心主任） 8888")):
            set_language(lang)
            app: App[None] = App()
            async with app.run_test() as pilot:
                app.push_screen(SignInScreen(None, ["赵主任", "王丽"], demo=demo))  # type: ignore[arg-type]
                await pilot.pause()
                shown = str(app.screen.query_one("#signin-demo", Static).render())
                assert expected in shown, shown
    finally:
        set_language("zh")


def _points(region: Any) -> list[tuple[int, int]]:
    return [(x, y) for y in range(region.y, region.bottom) for x in range(region.x, region.right)]


async def test_a_notice_waits_while_someone_signs_in_and_shows_on_the_queue_after(tmp_path: Path) -> None:
    """The ladder's notices covered the sign-in dialog's names and PINs (at 80 columns half of
    it): under the sign-in they are not drawn; signed in, the queue shows them."""
    st = station(tmp_path)
    app = app_for(st)
    async with app.run_test(size=(80, 24), notifications=True) as pilot:
        await settle(app, pilot)
        await pilot.press("ctrl+l")
        await until(app, pilot, lambda: _locked(app), "locked")
        st.clock.advance(minutes=21)  # "overdue" (31 min past) reaches its second alarm
        app.tick()
        await app.poll_once()
        await _pass_turns(app, pilot)
        signin = app.screen
        assert isinstance(signin, SignInScreen)
        assert signin.query("Toast")  # the notices are there, beneath
        dialog = signin.query_one("#signin-dialog").region
        on_top = {type(signin.get_widget_at(x, y)[0]).__name__ for x, y in _points(dialog)}
        assert "Toast" not in on_top, on_top
        await pilot.press(*PINS["张三"], "enter")
        await until(app, pilot, lambda: not app.locked, "unlocked")
        await settle(app, pilot)
        toasts = [str(toast.render()) for toast in app.screen.query("Toast") if toast.region.area]
        assert any("二次报警" in text for text in toasts), toasts


async def test_a_pin_typed_on_the_names_goes_to_the_pin_field(tmp_path: Path) -> None:
    """Choose the name with the arrows, then type the PIN: the keys went to the list of names
    and were lost, and Enter only moved to an empty PIN field."""
    st = station(tmp_path)
    st.staff("李四")
    app = app_for(st)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(app, pilot)
        await pilot.press("ctrl+l")
        await until(app, pilot, lambda: _locked(app), "locked")
        await pilot.press("shift+tab", "down")
        assert app.screen.focused is app.screen.query_one("#signin-list")
        await pilot.press(*PINS["李四"], "enter")
        await until(app, pilot, lambda: not app.locked, "unlocked")
        assert app.operator == "李四"
async def test_the_sign_in_is_up_before_the_demo_pins_are_checked(tmp_path: Path) -> None:
    """On a demo file the sign-in (and the queue under it) waited for the check of every demo
    PIN, one slow key derivation each (~0.35 s in all): the sign-in now comes up at once, the
    check runs once the queue has drawn its first window, and the PIN line joins the sign-in,
    above the hint, once the check is done."""
    import data.read.staff as staff_module
    from data.read.staff import DEMO_PINS, SUPERVISOR
    from data.write.commands.operators import enrol
    from models.enums import Role

    st = station(tmp_path)
    for name, pin in DEMO_PINS.items():
        st.run(enrol, name=name, role=Role.SUPERVISOR if name == SUPERVISOR else Role.OPERATOR, secret=pin)
    app = app_for(st)
    up_when_checked: list[bool] = []
    real = staff_module.check_secret

    def check(secret: str, stored: str) -> bool:
        signing_in = any(isinstance(s, SignInScreen) for s in app.screen_stack)
        drawn = [v.loaded_once for s in app.screen_stack for v in s.query(QueueView)]
        up_when_checked.append(signing_in and drawn == [True])  # the queue drawn under it
        return real(secret, stored)

    staff_module.check_secret = check  # type: ignore[assignment]
    try:
        async with app.run_test(size=SIZE) as pilot:
            await until(app, pilot, lambda: bool(app.screen.query("#signin-demo")), "the demo's PINs")
            shown = str(app.screen.query_one("#signin-demo").render())
            lines = [w for w in app.screen.query_one("#signin-dialog").children]
    finally:
        staff_module.check_secret = real  # type: ignore[assignment]
    assert up_when_checked == [True] * len(DEMO_PINS)
    assert "王丽（调度员） 1111" in shown and "赵主任（中心主任） 8888" in shown, shown
    assert lines[-2].id == "signin-demo" and lines[-1].has_class("dialog-hint")  # where it always stood
