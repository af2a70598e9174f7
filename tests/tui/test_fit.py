"""Issue 15, text that fits: the case footer keeps help and the palette on screen, the board's
columns share the width, the agenda keeps its decision column (at 80 and 120 columns, in
both languages)."""

from __future__ import annotations

from itertools import pairwise
from pathlib import Path
from typing import Any

import pytest
from rich.cells import cell_len
from sqlalchemy import select
from textual.coordinate import Coordinate
from textual.widgets import DataTable, Label

from data.store.tables import AGENDA
from data.write.commands import meetings as mt
from models.enums import MeetingKind
from models.i18n import set_language, t
from screens.board import BoardScreen, DeptItem, SummonsItem
from screens.meetings import MeetingsScreen
from screens.report_columns import COLUMNS, card_cells
from screens.reports import ReportsScreen
from tests.tui.desk_support import app_for, settle, station
from tests.tui.dispatch_support import until
from tests.tui.meetings_support import app_as, meeting_station, wait
from tests.tui.screen_text import footer_line

SIZES = [(80, 24), (120, 40)]
LANGS = ["zh", "en"]


@pytest.fixture
def lang(request: pytest.FixtureRequest) -> Any:
    """The language the test's app is built in (``app_in``); Chinese again afterwards."""
    yield request.param
    set_language("zh")


def app_in(st: Any, lang: str) -> Any:
    app = app_for(st)
    set_language(lang)  # the app takes its configured language when built
    return app


def footer_keys(app: Any) -> set[str]:
    """The footer's keys the operator can see, each followed by what it does."""
    words = footer_line(app).split()
    return {key for key, _word in pairwise(words)}


@pytest.mark.parametrize("size", SIZES, ids=["80x24", "120x40"])
@pytest.mark.parametrize("lang", LANGS, indirect=True)
async def test_the_case_footer_keeps_help_and_the_palette_in_sight(
    tmp_path: Path, size: tuple[int, int], lang: str
) -> None:
    st = station(tmp_path)
    app = app_in(st, lang)
    async with app.run_test(size=size) as pilot:
        await settle(app, pilot)
        app.screen.open_case(st.ids["soon"])  # type: ignore[attr-defined]
        await until(app, pilot, lambda: getattr(app.screen, "detail", None) is not None, "detail")
        await until(app, pilot, lambda: "w" in footer_keys(app), "the case's keys in the footer")
        seen = footer_keys(app)
        assert "?" in seen and ":" in seen, seen
        assert "w" in seen  # the case's own keys are still there


def board_lines(app: Any) -> dict[str, str]:
    """Every line of the board as shown, keyed by the department code or the check-in id."""
    lines = {item.dept.code: str(item.query_one(Label).render()) for item in app.screen.query(DeptItem)}
    for item in app.screen.query(SummonsItem):
        lines[item.summons.checkin_id] = str(item.query_one(Label).render())
    return lines


@pytest.mark.parametrize("size", SIZES, ids=["80x24", "120x40"])
@pytest.mark.parametrize("lang", LANGS, indirect=True)
async def test_the_board_shares_its_width_and_a_cut_shows_an_ellipsis(
    tmp_path: Path, size: tuple[int, int], lang: str
) -> None:
    """Department names were cut at a fixed 14 cells (``Urban manage…`` with room to spare)."""
    st = station(tmp_path)
    app = app_in(st, lang)
    async with app.run_test(size=size) as pilot:
        await settle(app, pilot)
        await pilot.press("2")
        await until(app, pilot, lambda: isinstance(app.screen, BoardScreen) and app.screen.board is not None)
        app.tick()
        await pilot.pause()
        width = app.screen.query_one("#board-list").scrollable_content_region.width
        lines = board_lines(app)
        names = {d.code: d.name for d in app.screen.board.departments}
        for line in lines.values():
            assert cell_len(line) <= width, line
        for code, name in names.items():
            shown = lines[code]
            assert shown.startswith(name) or "…" in shown.split("  ")[0], shown
            assert shown.rstrip().endswith(")") or shown.rstrip().endswith("）"), shown  # the tally whole
        if size[0] >= 120 or lang == "zh":
            assert all(lines[code].startswith(name + " ") for code, name in names.items())
        else:
            assert lines["CGZF"].startswith("Urban management")


LONG_DECISION = "明确城管执法队牵头，会同市场监管所一周内拆除违建加层并回访居民"


@pytest.mark.parametrize("size", SIZES, ids=["80x24", "120x40"])
@pytest.mark.parametrize("lang", LANGS, indirect=True)
async def test_the_agenda_keeps_its_decision_column_in_sight(
    tmp_path: Path, size: tuple[int, int], lang: str
) -> None:
    """At 80×24 the agenda of a meeting being run lost its 结论 column off the right edge, and
    a long decision was cut at the edge without an ellipsis."""
    st = meeting_station(tmp_path)
    meeting = st.run(
        mt.create_with_agenda,
        kind=MeetingKind.WEEKLY,
        scheduled_at=st.clock.now(),
        facilitator="赵主任",
        invited=["CGZF", "GA"],
        title="3月10日周例会",
    )
    st.run(mt.start, meeting)
    first = st.run(
        lambda ctx: (
            ctx.conn.execute(
                select(AGENDA.c.id).where(AGENDA.c.meeting_id == meeting).order_by(AGENDA.c.position)
            )
            .scalars()
            .first()
        )
    )
    st.run(mt.decide, first, decision=LONG_DECISION, tracked=False)
    app = app_as(st, "赵主任")
    set_language(lang)
    async with app.run_test(size=size) as pilot:
        await wait(app, pilot)
        await pilot.press("3")
        await wait(app, pilot)
        screen = app.screen
        assert isinstance(screen, MeetingsScreen) and screen.view is not None
        table = screen.query_one("#agenda", DataTable)
        await until(app, pilot, lambda: table.row_count == len(screen.view.items), "the agenda")
        assert table.virtual_size.width <= table.scrollable_content_region.width  # nothing off the edge
        header = [str(c.label) for c in table.ordered_columns]
        assert header[-1] == t("meetings.col.decision")
        decision = str(table.get_row_at(0)[-1])
        width = table.ordered_columns[-1].width
        assert width >= 10
        assert decision == LONG_DECISION or (
            decision.endswith("…") and LONG_DECISION.startswith(decision[:-1])
        )
        assert cell_len(decision) <= width
        for row in range(table.row_count):
            for cell, column in zip(table.get_row_at(row), table.ordered_columns, strict=True):
                assert cell_len(str(cell)) <= column.width, cell


@pytest.mark.parametrize("lang", LANGS, indirect=True)
async def test_the_case_shows_each_summoned_department_and_clock_by_its_whole_name(
    tmp_path: Path, lang: str
) -> None:
    """At 120 columns the case's check-ins and clocks were cut at fixed widths while the rest
    of the line stood empty (Fire and res… Summon…): the columns are as wide as the case's
    widest name now."""
    from screens.case_detail import CheckinItem, ClockLine

    st = station(tmp_path)
    app = app_in(st, lang)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(app, pilot)
        app.screen.open_case(st.ids["soon"])  # type: ignore[attr-defined]
        await until(app, pilot, lambda: bool(app.screen.query(CheckinItem)), "the check-ins")
        app.tick()
        await pilot.pause()
        for item in app.screen.query(CheckinItem):
            shown = str(item.query_one(Label).render())
            assert shown.startswith(item.checkin.department), shown
            assert "…" not in shown.split("\n")[0], shown
        for line in app.screen.query(ClockLine):
            shown = str(line.render())
            assert shown.startswith(line.clock.label()) and "…" not in shown, shown


@pytest.mark.parametrize("size", SIZES, ids=["80x24", "120x40"])
@pytest.mark.parametrize("lang", LANGS, indirect=True)
async def test_the_assessment_table_fits_its_width_and_cuts_no_figure(
    tmp_path: Path, size: tuple[int, int], lang: str
) -> None:
    """View 5's scorecard scrolled sideways (21 columns wider than the screen): its columns now
    fit whole, a name cut with …, the score on every page, and ``>`` brings up the columns that
    did not fit."""
    st = station(tmp_path)
    app = app_in(st, lang)
    async with app.run_test(size=size) as pilot:
        await settle(app, pilot)
        await pilot.press("5")
        await until(app, pilot, lambda: isinstance(app.screen, ReportsScreen) and app.screen.data is not None)
        await settle(app, pilot)
        screen = app.screen
        assert isinstance(screen, ReportsScreen) and screen.data is not None
        table = screen.query_one("#reports-scores", DataTable)
        cards = {c.department: card_cells(c) for c in screen.data.cards.cards}
        seen: set[str] = set()
        for _ in range(len(COLUMNS)):
            assert table.virtual_size.width <= table.scrollable_content_region.width, screen.page
            assert table.max_scroll_x == 0
            assert "score" in {str(c.key.value) for c in table.ordered_columns}  # what ranks them, always
            for index, column in enumerate(table.ordered_columns):
                key = str(column.key.value)
                seen.add(key)
                for row in table.ordered_rows:
                    shown = str(table.get_cell_at(Coordinate(table.get_row_index(row.key), index)))
                    whole = str(cards[str(row.key.value)][key])
                    if key == "department":
                        assert shown == whole or (shown.endswith("…") and whole.startswith(shown[:-1]))
                    else:
                        assert shown == whole  # a figure is never cut
            if screen.pages == 1:
                break
            await pilot.press("greater_than_sign")
            await pilot.pause()
        assert seen == {c.key for c in COLUMNS}
