"""The desk shell: views, header, help, palette, keymap, operator picker, several desks."""

from __future__ import annotations

import json
import re
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from rich.cells import cell_len
from textual.command import CommandPalette
from textual.widgets import Input, Label, OptionList, Static

from data.settings import Settings
from data.store.db import open_sync
from data.store.eventlog import EventWriter
from data.write.commands.cases import receive_case
from data.write.commands.sync import trust_station
from models.calendar import official_table, year_table_to_json
from models.i18n import set_language
from screens.help import HelpScreen
from screens.messages import Tick
from screens.queue_filter import FilterDialog
from screens.signin import SignInScreen
from screens.widgets.header import DeskHeader
from screens.widgets.queue_view import QueueView
from tests.tui.desk_support import NOW, PINS, SIZE, SUPERVISOR, app_for, settle, station
from tests.tui.dispatch_support import Notices, palette_offers, until
from tests.tui.screen_text import footer_line, screen_lines
from tests.unit.calendar_support import TABLE_2027_TEXT
from tests.unit.support import as_supervisor, one
from tui.app import VIEWS, build_app
from tui.config import AppConfig


def _label(app, selector: str) -> str:  # type: ignore[no-untyped-def]
    return str(app.screen.query_one(selector).render())


async def test_keys_one_to_five_switch_views_and_the_header_follows(tmp_path: Path) -> None:
    app = app_for(station(tmp_path))
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        assert app.current_mode == "queue"
        assert _label(app, "#hdr-view") == "队列"
        for view in VIEWS:
            await pilot.press(view.key)
            await pilot.pause()
            assert app.current_mode == view.id
            assert app.screen.query(DeskHeader), f"{view.id} has the desk header"
        await pilot.press("1")
        await pilot.pause()
        assert isinstance(app.screen.query_one(QueueView), QueueView)


async def test_header_shows_station_operator_station_time_and_overdue_count(tmp_path: Path) -> None:
    app = app_for(station(tmp_path))
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        app.screen.post_message(Tick(NOW))
        await pilot.pause()
        assert _label(app, "#hdr-station") == "东四街道综合执法中心"
        assert _label(app, "#hdr-operator") == "操作员 张三（调度员）"  # name and role
        assert _label(app, "#hdr-clock") == "03-10 10:00:00"  # 02:00 UTC in Asia/Shanghai
        assert _label(app, "#hdr-overdue") == "报到超时 2"
        assert app.screen.query_one("#hdr-overdue").has_class("-overdue")


async def test_help_lists_the_keys_of_the_screen_below(tmp_path: Path) -> None:
    app = app_for(station(tmp_path))
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        await pilot.press("question_mark")
        await pilot.pause()
        assert isinstance(app.screen, HelpScreen)
        text = _label(app, "#help-keys")
        for expected in ("搜索", "筛选", "帮助", "报表"):
            assert expected in text
        await pilot.press("escape")
        await pilot.pause()
        assert not isinstance(app.screen, HelpScreen)


async def test_the_palette_offers_views_and_the_queue_commands(tmp_path: Path) -> None:
    app = app_for(station(tmp_path))
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        names = [name for name, _help, _cb in app.screen.palette_commands()]
        assert "队列: 搜索" in names and "队列: 清除筛选" not in names
        await pilot.press("colon")
        await pilot.pause()
        assert isinstance(app.screen, CommandPalette)
        await pilot.press(*"视图: 报表")
        await until(app, pilot, lambda: palette_offers(app, "视图: 报表"), "the command offered")
        await pilot.press("enter")
        await pilot.pause()
        assert app.current_mode == "reports"


async def test_the_keymap_remaps_a_binding_by_id(tmp_path: Path) -> None:
    app = app_for(station(tmp_path), keymap={"queue.filter": "g"})
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        await pilot.press("f")
        await pilot.pause()
        assert not isinstance(app.screen, FilterDialog)
        await pilot.press("g")
        await pilot.pause()
        assert isinstance(app.screen, FilterDialog)


async def test_the_console_opens_on_a_sign_in_that_offers_only_known_operators(tmp_path: Path) -> None:
    st = station(tmp_path)
    st.staff("张三", "李四")
    before = one(st.path, "SELECT count(*) FROM operator")[0]
    app = build_app(AppConfig(st.path, st.settings, st.clock, None, "zh"))
    async with app.run_test(size=SIZE) as pilot:
        await until(app, pilot, lambda: isinstance(app.screen, SignInScreen), "the sign-in")
        screen = app.screen
        assert isinstance(screen, SignInScreen)
        assert screen.focused is screen.query_one("#signin-list")
        # names are chosen from the list, never typed: the only field is the PIN
        assert [i.id for i in screen.query(Input)] == ["signin-secret"]
        assert screen.names == ["值班员", "张三", "李四"]
        await pilot.press("down", "down", "enter", *PINS["李四"], "enter")
        await until(app, pilot, lambda: not isinstance(app.screen, SignInScreen), "signed in")
        await settle(app, pilot)
        assert app.service is not None and app.service.operator == "李四"
        assert _label(app, "#hdr-operator") == "操作员 李四（调度员）"
    assert one(st.path, "SELECT count(*) FROM operator")[0] == before
    signed = one(st.path, "SELECT operator, subject FROM event WHERE type = 'operator.signed_in'")
    assert tuple(signed) == ("李四", "李四")


async def test_english_interface(tmp_path: Path) -> None:
    st = station(tmp_path)
    st.staff("Zhang")
    app = build_app(AppConfig(st.path, st.settings, st.clock, "Zhang", "en"))
    try:
        async with app.run_test(size=SIZE) as pilot:
            await settle(app, pilot)
            assert _label(app, "#hdr-operator") == "Operator Zhang (Operator)"
            assert "Case" in app.screen.query_one(QueueView).render_line(0).text
    finally:
        set_language("zh")


async def test_a_write_on_one_desk_appears_on_another_after_its_poll(tmp_path: Path) -> None:
    st = station(tmp_path)
    first, second = app_for(st), app_for(st)
    async with first.run_test(size=SIZE) as p1, second.run_test(size=SIZE) as p2:
        await settle(first, p1)
        await settle(second, p2)
        other = second.screen.query_one(QueueView)
        assert other.counts.total == 4
        assert first.service is not None and first.service is not second.service
        # the first desk records a case through its own service (its own connections)
        await first.service.run(
            receive_case,
            source="grid",
            category="sanitation",
            community="豆瓣社区",
            address="豆瓣胡同 8 号",
            description="垃圾桶满溢无人清运",
        )
        await second.poll_once()
        await settle(second, p2)
        assert other.counts.total == 5
        # and a write from another process (the command line) as well
        st.case("cli", at=NOW, description="井盖缺失存在安全隐患", category="sanitation")
        await second.poll_once()
        await settle(second, p2)
        assert other.counts.total == 6


def test_settings_keymap_is_the_only_remap_source() -> None:
    # The keymap comes from Settings.keymap; a fresh Settings maps nothing.
    assert Settings().keymap == {}


async def test_a_deadline_in_a_year_without_holiday_table_is_flagged(tmp_path: Path) -> None:
    """SPEC §2a: past the known tables, Monday–Friday is used — with a visible warning."""
    st = station(tmp_path)
    st.clock.set(datetime(2026, 12, 30, 2, 0, tzinfo=UTC))  # 15 working days run into 2027
    app = app_for(st)
    told = Notices()
    async with app.run_test(size=SIZE, message_hook=told) as pilot:
        await settle(app, pilot)
        assert not app.screen.query_one("#hdr-calendar").display
        assert app.service is not None
        await app.service.run(
            receive_case,
            source="patrol",
            category="illegal_construction",
            community="东四社区",
            address="东四六条 3 号",
            description="楼顶私搭彩钢板房",
        )
        await app.poll_once()
        app.screen.post_message(Tick(app.now()))
        await pilot.pause()
        assert app.screen.query_one("#hdr-calendar").display
        assert "2027" in _label(app, "#hdr-calendar")
        assert any("2027" in n for n in told.seen)


async def test_a_views_key_shows_the_view_not_a_case_left_open_on_it(tmp_path: Path) -> None:
    from screens.case_detail import CaseDetailScreen
    from screens.queue import QueueScreen

    app = app_for(station(tmp_path))
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        await pilot.press("enter")
        await until(app, pilot, lambda: isinstance(app.screen, CaseDetailScreen), "CaseDetailScreen")
        assert isinstance(app.screen, CaseDetailScreen)
        await pilot.press("2")
        await pilot.pause()
        await pilot.press("1")
        await pilot.pause()
        assert isinstance(app.screen, QueueScreen)


async def test_help_and_palette_speak_the_desks_language_only(tmp_path: Path) -> None:
    app = app_for(station(tmp_path))
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        await pilot.press("question_mark")
        await pilot.pause()
        assert isinstance(app.screen, HelpScreen)
        text = str(app.screen.query_one("#help-keys").render())
        assert "Focus Next" not in text and "Copy" not in text
        assert "帮助" in text
        titles = [c.title for c in app.get_system_commands(app.screen)]
        assert titles == ["外观: 配色", "退出"]


async def test_the_footer_speaks_the_language_chosen_after_the_screens_were_imported(tmp_path: Path) -> None:
    st = station(tmp_path)
    st.staff("Zhang")
    app = build_app(AppConfig(st.path, st.settings, st.clock, "Zhang", "en"))
    try:
        async with app.run_test(size=SIZE) as pilot:
            await settle(app, pilot)
            footer = footer_line(app)
            assert "Search" in footer and "Help" in footer
            assert "搜索" not in footer
            await pilot.press("question_mark")
            await until(app, pilot, lambda: isinstance(app.screen, HelpScreen), "help")
            assert "Filter" in _label(app, "#help-keys")
    finally:
        set_language("zh")


async def test_help_shows_a_remapped_key(tmp_path: Path) -> None:
    app = app_for(station(tmp_path), keymap={"queue.filter": "g"})
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        await pilot.press("question_mark")
        await until(app, pilot, lambda: isinstance(app.screen, HelpScreen), "help")
        rows = [line.split() for line in _label(app, "#help-keys").splitlines()]
        assert ["g", "筛选"] in rows and ["f", "筛选"] not in rows


async def test_a_table_arriving_while_the_desk_runs_recounts_its_clocks_and_an_override_shows(
    tmp_path: Path,
) -> None:
    """Issue 14: the table comes as an event from elsewhere (a bundle, another program); the
    running desk counts its fallback clock again at once, the 2027 warning goes, and a
    supervisor's override of the official calendar stays visible in the header."""
    st = station(tmp_path)
    st.clock.set(datetime(2026, 12, 28, 2, 0, tzinfo=UTC))  # 10:00: 15 working days run into 2027
    app = app_for(st)
    # a table counts here only from this station or its district (issue 11)
    supervisor = as_supervisor(st.path, st.settings, st.clock, SUPERVISOR, secret=PINS[SUPERVISOR])
    supervisor.run(trust_station, "ST-DISTRICT", "ab" * 32, district=True)
    supervisor.close()
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        assert app.service is not None
        case_id = await app.service.run(
            receive_case,
            source="patrol",
            category="illegal_construction",
            community="东四社区",
            address="东四六条 3 号",
            description="楼顶私搭彩钢板房",
        )
        await app.poll_once()
        app.screen.post_message(Tick(app.now()))
        await pilot.pause()
        assert "2027" in _label(app, "#hdr-calendar")
        engine = open_sync(st.path)
        with engine.begin() as conn:
            writer = EventWriter(conn, "ST-DISTRICT", "区平台", st.clock)
            writer.emit("calendar.loaded", None, {"year": 2027, "table": TABLE_2027_TEXT, "origin": "local"})
            official = official_table(2026)
            assert official is not None
            changed = json.loads(year_table_to_json(official))
            changed["holidays"] = sorted({*changed["holidays"], "2026-12-31"})
            payload = {"year": 2026, "table": json.dumps(changed), "override_reason": "区里通知"}
            writer.emit("calendar.loaded", None, payload)
        engine.dispose()
        await app.poll_once()
        app.screen.post_message(Tick(app.now()))
        await pilot.pause()
        deadline = one(st.path, "SELECT deadline FROM clock WHERE case_id = ? AND kind = 'handling'", case_id)
        assert deadline[0].startswith("2027-01-20 02:00")  # 2027-01-01 and now 2026-12-31 off too
        label = _label(app, "#hdr-calendar")
        assert "2027" not in label
        assert "2026" in label and "覆盖" in label


async def test_textuals_own_lines_speak_the_desks_language(tmp_path: Path) -> None:
    """Issue 15, finding 4: in Chinese the palette said "Search for commands…" and "No
    matches found", and Ctrl+C "Do you want to quit? / Press ctrl+q to quit the app"."""
    st = station(tmp_path)
    app = app_for(st)
    told = Notices()
    async with app.run_test(size=SIZE, message_hook=told) as pilot:
        await settle(app, pilot)
        await pilot.press("ctrl+c")
        await pilot.pause()
        assert any("退出调度台" in s for s in told.seen)
        assert not any("quit the app" in s for s in told.seen)
        await pilot.press("colon")
        await until(app, pilot, lambda: isinstance(app.screen, CommandPalette), "the palette")
        palette = app.screen
        field = palette.query_one(Input)
        assert field.placeholder == "搜索命令…"
        await pilot.press(*"zzqx")
        await until(app, pilot, lambda: "zzqx" in _palette_text(palette), "the no-match line")
        text = _palette_text(palette)
        assert "没有与“zzqx”匹配的命令" in text and "No matches found" not in text
        await pilot.press("escape")
        await pilot.press("colon", *"配色")  # Textual's own entries are there, in Chinese
        await until(app, pilot, lambda: "外观: 配色" in _palette_text(app.screen), "the theme entry")


def _palette_text(palette: Any) -> str:
    lists = palette.query(OptionList)
    if not lists:
        return ""
    options = lists.first(OptionList)
    return " ".join(str(options.get_option_at_index(i).prompt) for i in range(options.option_count))


async def test_at_80_columns_the_header_keeps_the_station_name_whole(tmp_path: Path) -> None:
    """Issue 15, finding 5: at 80×24 the header cut the station name; the console's own
    name gives way first (it is the same on every screen), and comes back when wide."""
    st = station(tmp_path)
    for size, title_shown in (((80, 24), False), ((120, 40), True)):
        app = app_for(st)
        async with app.run_test(size=size) as pilot:
            await settle(app, pilot)
            header = app.screen.query_one(DeskHeader)
            station_label = header.query_one("#hdr-station", Label)
            assert station_label.region.width >= cell_len("东四街道综合执法中心") + 2
            assert header.query_one("#hdr-title", Label).display is title_shown


async def test_help_on_the_board_says_how_to_read_its_tallies(tmp_path: Path) -> None:
    """Issue 15, finding 8: the board's 来 2/6 迟 0 缺 0 超 1 干 2 评 4.0（1） had no legend and
    ? listed keys only."""
    st = station(tmp_path)
    app = app_for(st)
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        await pilot.press("2")
        await until(app, pilot, lambda: app.current_mode == "board", "the board")
        await pilot.press("question_mark")
        await until(app, pilot, lambda: bool(app.screen.query("#help-legend")), "help and its legend")
        assert isinstance(app.screen, HelpScreen)
        legend = str(app.screen.query_one("#help-legend", Static).render())
        assert "迟 迟到" in legend and "缺 缺席" in legend and "评 平均评分" in legend


async def test_at_80_columns_every_view_shows_the_station_and_the_clock_whole(tmp_path: Path) -> None:
    """At 80×24 a longer operator (赵主任, with the role after the name) cut the station's name
    to 东四街道综合执法中 with no … and ran it into the operator; on 回头看 the clock lost its
    seconds. Narrow, the operator is shown without the word 操作员, and a cut would show …"""
    st = station(tmp_path)
    st.staff("赵主任")
    app = app_for(st)
    app.config.operator = "赵主任"
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(app, pilot)
        for view in VIEWS:
            await pilot.press(view.key)
            await until(app, pilot, lambda v=view: app.current_mode == v.id, view.id)  # type: ignore[misc]
            header = app.screen.query_one(DeskHeader)
            await pilot.pause()
            station_label = header.query_one("#hdr-station", Label)
            assert station_label.region.width >= cell_len("东四街道综合执法中心") + 2, view.id
            operator = str(header.query_one("#hdr-operator", Label).render())
            assert operator.startswith("赵主任（") and "操作员" not in operator
            clock = header.query_one("#hdr-clock", Label)
            assert clock.region.width >= cell_len("03-10 10:00:00") + 2, view.id


async def test_at_80_columns_a_cut_station_name_ends_with_a_whole_character_and_an_ellipsis(
    tmp_path: Path,
) -> None:
    """The case detail's header (a longer title, the case number) cut the station's name as
    东四街道综合执法 … : a blank where the next character did not fit, then the …"""
    st = station(tmp_path)
    st.staff("赵主任")
    app = app_for(st)
    app.config.operator = "赵主任"
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(app, pilot)
        app.screen.open_case(st.ids["overdue"])  # type: ignore[attr-defined]
        await until(app, pilot, lambda: getattr(app.screen, "detail", None) is not None, "detail")
        await pilot.pause()
        header = screen_lines(app)[0]
        assert "东四街道综合执法中心" in header or re.search(r"东四街道[\u4e00-\u9fff]*…", header), header
        assert " …" not in header, header
