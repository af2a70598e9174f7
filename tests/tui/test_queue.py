"""The live queue, driven by keys, at a frozen time."""

from __future__ import annotations

import gc
from datetime import timedelta
from pathlib import Path

import pytest
from textual.color import Color

from screens.messages import DataChanged
from screens.widgets.queue_view import QueueView
from tests.tui.desk_support import SIZE, app_for, numbers, settle, station
from tests.tui.dispatch_support import Notices, until, workers_done


def _number_of(st, name: str) -> str:  # type: ignore[no-untyped-def]
    import sqlite3

    with sqlite3.connect(st.path) as conn:
        return str(conn.execute("SELECT number FROM case_file WHERE id = ?", (st.ids[name],)).fetchone()[0])


async def test_open_cases_come_most_urgent_first(tmp_path: Path) -> None:
    st = station(tmp_path)
    app = app_for(st)
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        view = app.screen.query_one(QueueView)
        expected = [_number_of(st, n) for n in ("overdue", "soon", "later", "waiting")]
        assert numbers(view) == expected
        assert view.counts.overdue == 1


async def test_marks_count_down_then_up_and_turn_red_after_the_deadline(tmp_path: Path) -> None:
    st = station(tmp_path)
    app = app_for(st)
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        view = app.screen.query_one(QueueView)
        soon = st.ids["soon"]
        app.tick()
        await pilot.pause()
        line = view.render_line(2)  # header, overdue, soon
        assert [m.text for m in view.marks_of(soon)] == ["城管 20:00", "市场 20:00"]
        assert {m.tone for m in view.marks_of(soon)} == {""}
        assert "城管 20:00" in line.text

        st.clock.advance(minutes=17)
        app.tick()
        await pilot.pause()
        view.render_line(2)
        assert [m.tone for m in view.marks_of(soon)] == ["warning", "warning"]

        st.clock.advance(minutes=5)
        app.tick()
        await pilot.pause()
        line = view.render_line(2)
        assert [m.text for m in view.marks_of(soon)] == ["城管+02:00", "市场+02:00"]
        assert [m.tone for m in view.marks_of(soon)] == ["overdue", "overdue"]
        red = view.get_component_rich_style("queue--overdue", partial=True).color
        styled = [seg for seg in line if "城管+02:00" in seg.text]
        assert styled and styled[0].style is not None and styled[0].style.color == red
        assert Color.from_rich_color(red) == Color.parse("#e5484d")


async def test_an_overdue_check_in_rings_once_also_after_a_restart(tmp_path: Path) -> None:
    st = station(tmp_path)
    app = app_for(st)
    rings: list[int] = []
    told = Notices()
    async with app.run_test(size=SIZE, message_hook=told) as pilot:
        app.bell = lambda: rings.append(1)  # type: ignore[method-assign]
        await settle(app, pilot)
        # At start the check-ins already overdue (XF and GA on "overdue") are announced once.
        assert len(rings) == 1
        assert any(_number_of(st, "overdue") in n for n in told.seen)
        await app.poll_once()
        assert len(rings) == 1

        st.clock.advance(minutes=21)
        await app.poll_once()
        await pilot.pause()
        # "soon" goes overdue; "overdue", 31 minutes past, reaches its ladder's second alarm
        assert len(rings) == 3
        assert any(_number_of(st, "soon") in n for n in told.seen)
        await app.poll_once()
        assert len(rings) == 3
        assert app.overdue_count == 4

    again = app_for(st)
    async with again.run_test(size=SIZE) as pilot:
        again.bell = lambda: rings.append(1)  # type: ignore[method-assign]
        await settle(again, pilot)
        await again.poll_once()
        assert len(rings) == 3, "a restart must not ring again for announced check-ins"
        assert again.overdue_count == 4


async def test_the_cursor_stays_on_its_case_through_ticks_and_reloads(tmp_path: Path) -> None:
    st = station(tmp_path)
    app = app_for(st)
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        view = app.screen.query_one(QueueView)
        await pilot.press("j", "j")
        assert view.cursor == 2
        later = st.ids["later"]
        assert view.cursor_row is not None and view.cursor_row.case_id == later
        for _ in range(5):
            st.clock.advance(seconds=1)
            app.tick()
            await pilot.pause()
        assert view.cursor == 2 and view.scroll_y == 0

        # A new overdue case sorts above the cursor: the cursor follows its case down.
        from data.write.commands.cases import blow_whistle, receive_case, transition
        from models.enums import Grade
        from models.lifecycle import Action

        at = st.clock.now() - timedelta(minutes=50)  # overdue, not yet marked 缺席 by the ladder
        case_id = st.run(
            receive_case,
            at=at,
            source="patrol",
            category="noise",
            community="演乐社区",
            address="演乐胡同 3 号",
            description="夜间施工噪音扰民",
        )
        st.run(transition, case_id, Action.TRIAGE, at=at)
        st.run(blow_whistle, case_id, at=at, grade=Grade.URGENT, departments=["GA"])
        app.screen.post_message(DataChanged())
        await settle(app, pilot)
        assert view.counts.total == 5
        assert view.cursor == 3
        assert view.cursor_row is not None and view.cursor_row.case_id == later


async def test_search_finds_a_two_character_word_inside_chinese_text(tmp_path: Path) -> None:
    st = station(tmp_path)
    app = app_for(st)
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        view = app.screen.query_one(QueueView)
        await pilot.press("slash", *"摊贩", "enter")
        await settle(app, pilot)
        # "流动摊贩占道经营" is open; "流动摊贩已经离开" is closed and stays out of the queue.
        assert numbers(view) == [_number_of(st, "soon")]
        assert "搜索=摊贩" in str(app.screen.query_one("#queue-filters").render())
        await pilot.press("x")
        await settle(app, pilot)
        assert view.counts.total == 4


async def test_filters_from_the_dialog(tmp_path: Path) -> None:
    from textual.widgets import Select

    from screens.queue_filter import FilterDialog

    st = station(tmp_path)
    app = app_for(st)
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        view = app.screen.query_one(QueueView)
        await pilot.press("f")
        await pilot.pause()
        assert isinstance(app.screen, FilterDialog)
        app.screen.query_one("#filter-department", Select).value = "SCJG"
        await pilot.press("ctrl+s")
        await settle(app, pilot)
        assert numbers(view) == [_number_of(st, "soon")]

        await pilot.press("f")
        await pilot.pause()
        app.screen.query_one("#filter-department", Select).value = Select.NULL
        app.screen.query_one("#filter-grade", Select).value = "urgent"
        await pilot.press("ctrl+s")
        await settle(app, pilot)
        assert numbers(view) == [_number_of(st, "overdue"), _number_of(st, "soon")]

        await pilot.press("f")
        await pilot.pause()
        app.screen.query_one("#filter-grade", Select).value = Select.NULL
        app.screen.query_one("#filter-status", Select).value = "triage"
        await pilot.press("ctrl+s")
        await settle(app, pilot)
        assert numbers(view) == [_number_of(st, "waiting")]


async def test_an_open_dialog_neither_silences_the_alarm_nor_stops_the_clock(tmp_path: Path) -> None:
    from textual.screen import ModalScreen

    st = station(tmp_path)
    app = app_for(st)
    rings: list[int] = []
    async with app.run_test(size=SIZE) as pilot:
        app.bell = lambda: rings.append(1)  # type: ignore[method-assign]
        await settle(app, pilot)
        before = len(rings)
        await pilot.press("i")  # a long hotline call being typed in
        await until(app, pilot, lambda: isinstance(app.screen, ModalScreen), "ModalScreen")
        assert isinstance(app.screen, ModalScreen)
        st.clock.advance(minutes=21)
        app.poll_round()  # the poller's own round, as its timer would run it
        await workers_done(app)
        await pilot.pause()
        assert len(rings) == before + 2  # "soon" overdue, and the second alarm of "overdue"
        assert isinstance(app.screen, ModalScreen)
        app.tick()
        await pilot.pause()
        view = app.screen_stack[-2]
        shown = str(view.query_one("#hdr-clock").render())
        assert shown == st.clock.now().astimezone(st.settings.tz).strftime("%m-%d %H:%M:%S")


async def test_closed_cases_are_reached_from_the_filter_and_marked(tmp_path: Path) -> None:
    from textual.widgets import Checkbox, Select

    from screens.queue_filter import FilterDialog

    st = station(tmp_path)
    app = app_for(st)
    closed = _number_of(st, "closed")
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        view = app.screen.query_one(QueueView)
        assert closed not in numbers(view)

        await pilot.press("f")
        await pilot.pause()
        assert isinstance(app.screen, FilterDialog)
        status = app.screen.query_one("#filter-status", Select)
        for offered in ("rejected", "verified", "all", "closed"):  # a value not offered raises
            status.value = offered
        await pilot.press("ctrl+s")
        await settle(app, pilot)
        assert numbers(view) == [closed]
        line = view.render_line(1).text
        assert closed in line and "已结案" in line

        # a search includes closed cases when the filter dialog's toggle says so
        await pilot.press("f")
        await pilot.pause()
        app.screen.query_one("#filter-status", Select).value = Select.NULL
        app.screen.query_one("#filter-closed", Checkbox).value = True
        await pilot.press("ctrl+s")
        await settle(app, pilot)
        await pilot.press("slash", *"摊贩", "enter")
        await settle(app, pilot)
        assert set(numbers(view)) == {_number_of(st, "soon"), closed}
        assert "含已结案" in str(app.screen.query_one("#queue-filters").render())


@pytest.mark.parametrize("size", [(80, 24), (120, 40)], ids=["80x24", "120x40"])
async def test_the_filter_dialog_keeps_its_buttons_and_hint_on_screen(
    tmp_path: Path, size: tuple[int, int]
) -> None:
    """At 80×24 the filter dialog was taller than the screen: 确定, 清除 and the hint were below
    its edge."""
    from textual.widgets import Button, Select

    from screens.queue_filter import FilterDialog

    app = app_for(station(tmp_path))
    async with app.run_test(size=size) as pilot:
        await settle(app, pilot)
        await pilot.press("f")
        await pilot.pause()
        dialog = app.screen
        assert isinstance(dialog, FilterDialog)
        height = app.size.height
        for widget in [*dialog.query(Button), dialog.query_one(".dialog-hint"), *dialog.query(Select)]:
            assert widget.region.height > 0 and widget.region.bottom <= height, widget


async def test_what_the_start_up_made_is_frozen_once_the_desk_is_up(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Signed in and the queue drawn, the objects the start-up made are kept out of the
    collector's rounds (each full round walked them all again: ~100 ms in about one key in
    ten at a million cases); they are handed back when the desk ends."""
    gc.unfreeze()
    freezes: list[int] = []
    real = gc.freeze

    def freeze() -> None:
        freezes.append(1)
        real()

    monkeypatch.setattr(gc, "freeze", freeze)
    st = station(tmp_path)
    app = app_for(st)
    async with app.run_test() as pilot:
        await settle(app, pilot)
        await pilot.pause()
        assert app.heap_frozen and gc.get_freeze_count() > 0
        await pilot.press("down", "end", "home")
        await settle(app, pilot)
        assert freezes == [1]  # once, not on every window
    assert gc.get_freeze_count() == 0


async def test_a_heap_frozen_before_the_desk_is_left_frozen_after_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Two desks in one process: the first freezes the start-up; the second finds the heap
    frozen and leaves it so (no second full collection), and when it ends first it does not
    unfreeze what the first still runs on. The first gives it back when it ends."""
    gc.unfreeze()
    collections: list[int] = []
    real = gc.collect

    def collect(*args: int) -> int:
        collections.append(1)
        return real(*args)

    monkeypatch.setattr(gc, "collect", collect)
    st = station(tmp_path)
    first, second = app_for(st), app_for(st)
    async with first.run_test() as p1:
        await settle(first, p1)
        await p1.pause()
        assert first.heap_frozen and collections == [1]
        async with second.run_test() as p2:
            await settle(second, p2)
            await p2.pause()
            assert not second.heap_frozen and collections == [1]
        assert gc.get_freeze_count() > 0  # the second desk has ended; the first's heap stays frozen
    assert gc.get_freeze_count() == 0
