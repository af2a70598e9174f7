"""A queue row's marks: what needs the desk first comes first, so a narrow screen never hides
a red mark behind the ellipsis."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from rich.cells import cell_len
from rich.style import Style

from data.catalogue import DEPARTMENTS
from data.read.queue import Handling, Mark, QueueRow
from models.calendar import WorkCalendar
from models.i18n import set_language
from screens.widgets import queue_row
from screens.widgets.queue_row import (
    Columns,
    MarksWidth,
    department_short,
    mark_view,
    marks_width,
    row_clocks,
    row_segments,
)

NOW = datetime(2026, 3, 10, 2, 0, tzinfo=UTC)


def _mark(code: str, status: str, minutes_left: float) -> Mark:
    deadline = NOW + timedelta(minutes=minutes_left)
    arrived = NOW - timedelta(minutes=5) if status != "summoned" else None
    return Mark(
        checkin_id=code,
        department=code,
        status=status,
        started_at=deadline - timedelta(minutes=30),
        deadline=deadline,
        unit="minutes",
        paused_at=None,
        paused_minutes=0.0,
        stopped_at=arrived,
        arrived_at=arrived,
    )


def test_an_overdue_mark_comes_first_and_survives_a_narrow_screen() -> None:
    row = QueueRow(
        case_id="c1",
        number="SJ-2026-000286",
        grade="urgent",
        category="noise",
        community="东四社区",
        status="disposing",
        source="hotline",
        received_at=NOW - timedelta(hours=2),
        marks=(
            _mark("CGZF", "arrived", 10),
            _mark("GA", "arrived", 10),
            _mark("SCJG", "summoned", 20),
            _mark("STHJ", "summoned", -95),
        ),
    )
    styles = {name: Style() for name in ("overdue", "warning", "ok", "muted", "")}
    segs, marks = row_segments(
        row, Columns.for_width(80, [row]), NOW, WorkCalendar(), ZoneInfo("Asia/Shanghai"), styles, Style()
    )
    assert [m.tone for m in marks][:2] == ["overdue", ""]
    text = "".join(s.text for s in segs)
    assert "处置中 生态+1:35:00 市场 20:00…" in text  # at 80 columns the arrivals are cut, not the red


def test_check_in_marks_name_departments_in_words_in_english() -> None:
    """Issue 15, finding 4: English marks showed the departments' pinyin codes (CGZF, STHJ)."""
    mark = _mark("CGZF", "arrived", 10)
    tz = ZoneInfo("Asia/Shanghai")
    try:
        set_language("en")
        assert mark_view(mark, NOW, WorkCalendar(), tz).text == "Urban✓"
        assert department_short("STHJ") == "Ecology"
        assert all(not spec.short_en.isupper() for spec in DEPARTMENTS)
    finally:
        set_language("zh")
    assert mark_view(mark, NOW, WorkCalendar(), tz).text == "城管✓"


def _row(number: str, category: str, community: str, status: str, marks: tuple[Mark, ...]) -> QueueRow:
    return QueueRow(
        case_id=number,
        number=number,
        grade="urgent",
        category=category,
        community=community,
        status=status,
        source="hotline",
        received_at=NOW - timedelta(hours=2),
        marks=marks,
    )


ROWS = [
    _row("SJ-2026-000323", "street_vending", "新中街社区", "dispatched", (_mark("GA", "summoned", -64),)),
    _row(
        "SJ-2026-000324",
        "fire_hazard",
        "东四八条社区",
        "dispatched",
        (_mark("GA", "summoned", -20), _mark("ZJ", "summoned", -20), _mark("XF", "arrived", 10)),
    ),
    _row("SJ-2026-000291", "sanitation", "朝阳门社区", "disposing", (_mark("HW", "arrived", 10),)),
    _row("SJ-2026-000275", "construction_dust", "西罗圈社区", "feedback", ()),
]


def _lines(width: int) -> list[str]:
    """The rows as drawn ``width`` cells wide, the columns shared by what the rows hold."""
    tz, cal = ZoneInfo("Asia/Shanghai"), WorkCalendar()
    cols = Columns.for_width(width, ROWS, marks_width(ROWS, NOW, cal, tz))
    styles = {name: Style() for name in ("overdue", "warning", "ok", "muted", "")}
    out = [cols.header()]
    for row in ROWS:
        segs, _marks = row_segments(row, cols, NOW, cal, tz, styles, Style())
        out.append("".join(s.text for s in segs))
    assert all(cell_len(line) == width for line in out)
    return out


def test_at_120_columns_category_and_community_are_whole_and_the_marks_take_the_rest() -> None:
    """Issue 15, finding 5: the 报到 column took ~60 columns while 占道经营/流… was cut."""
    lines = _lines(120)
    assert "占道经营/流动摊贩 新中街社区" in lines[1]
    assert "渣土/工地扬尘" in lines[4] and "东四八条社区" in lines[2]
    assert "…" not in "".join(lines)


def test_at_80_columns_the_red_marks_stay_whole_and_the_cuts_show_an_ellipsis() -> None:
    lines = _lines(80)
    assert "公安+20:00 房管+20:00" in lines[2]  # both red marks of a row whole
    assert "公安+1:04:00" in lines[1]
    assert "东四八条社…" in lines[2]  # the other columns share what is left, marked as cut
    assert "占道经营/…" in lines[1]  # the longest category gives way, marked as cut


def test_english_columns_share_the_width_too() -> None:
    try:
        set_language("en")
        wide, narrow = _lines(120), _lines(80)
    finally:
        set_language("zh")
    assert "Environmental sanitation" in wide[3] and "Construction dust" in wide[4]
    assert "Dispatched Police+20:00 Housing+20:00" in wide[2]
    assert "Police+20:00…" in narrow[2]  # the first red mark whole
    assert "Environ…" in narrow[3]  # cut, and it says so
    assert narrow[0].startswith("Case           Grade   Category")


def test_a_case_without_a_whistle_shows_its_handling_countdown() -> None:
    """Issue 15, finding 5: a case with no whistle showed no clock although the queue is
    ordered by its handling deadline."""
    row = ROWS[3]
    tz, cal = ZoneInfo("Asia/Shanghai"), WorkCalendar()
    handling = Handling(
        started_at=NOW - timedelta(hours=2),
        deadline=NOW + timedelta(hours=3, minutes=5),
        unit="minutes",
        paused_at=None,
        paused_minutes=0.0,
    )
    overdue = Handling(NOW - timedelta(days=2), NOW - timedelta(minutes=90), "minutes", None, 0.0)
    styles = {name: Style(bold=name == "overdue") for name in ("overdue", "warning", "ok", "muted", "")}
    shown = ((handling, "已反馈 时限 3:05:00", False), (overdue, "已反馈 时限+1:30:00", True))
    for clock, text, bold in shown:
        segs, _marks = row_segments(
            replace(row, handling=clock), Columns.for_width(120, ROWS), NOW, cal, tz, styles, Style()
        )
        assert text in "".join(s.text for s in segs)
        assert any(s.text.startswith("时限") and bool(s.style and s.style.bold) == bold for s in segs)


def test_the_marks_width_from_their_texts_is_the_width_drawn() -> None:
    """``marks_width`` counts the marks from their texts alone (no working-time reckoning): for
    every kind of mark (running, overdue, missed, arrived, released, withdrawn, paused,
    stopped late, in working days), the handling countdown and a review date, it is the width
    of the marks ``row_clocks`` draws, whole and red."""
    tz, cal = ZoneInfo("Asia/Shanghai"), WorkCalendar()
    paused = replace(_mark("SCJG", "summoned", 30), paused_at=NOW - timedelta(minutes=3))
    stopped_late = replace(_mark("XF", "summoned", -5), stopped_at=NOW - timedelta(minutes=1))
    workdays = replace(_mark("ZJ", "summoned", 60 * 50), unit="working_days")
    handling = Handling(NOW - timedelta(days=2), NOW - timedelta(minutes=90), "minutes", None, 0.0)
    rows = [
        *ROWS,
        _row("SJ-2026-000400", "noise", "东四社区", "dispatched", (paused, stopped_late, workdays)),
        _row(
            "SJ-2026-000401",
            "noise",
            "东四社区",
            "dispatched",
            (_mark("GA", "no_show", -3), _mark("CGZF", "released", 1), _mark("HW", "withdrawn", 1)),
        ),
        replace(ROWS[3], handling=handling),
        replace(ROWS[2], handling=replace(handling, paused_at=NOW), review_on=NOW.date()),
    ]
    drawn = [v.text for v in row_clocks(rows[4], NOW, cal, tz)]
    assert sorted(drawn) == sorted(["市场‖", "消防+04:00", "房管 2d 02:00"])  # as of the stop: 4 minutes late
    for now in (NOW, NOW + timedelta(hours=30)):
        for row in rows:
            views = row_clocks(row, now, cal, tz)
            whole = cell_len(" ".join(v.text for v in views))
            red = cell_len(" ".join(v.text for v in views if v.tone == "overdue"))
            assert marks_width([row], now, cal, tz) == MarksWidth(whole, red), (row.number, views)
        assert marks_width(rows, now, cal, tz).red > 0


def test_a_running_clocks_light_is_counted_again_only_when_it_may_have_changed(monkeypatch) -> None:  # type: ignore[no-untyped-def]
    """Drawn every second, a countdown's light (working time through the calendar) is counted
    once and held until its ``light_until``: the same tones as counting every time, fewer
    counts. A mark 30 minutes long, read with 20 left: green until 6 minutes left."""
    counted: list[datetime] = []
    real = queue_row.clock_state

    def clock_state(**kwargs):  # type: ignore[no-untyped-def]
        counted.append(kwargs["now"])
        return real(**kwargs)

    monkeypatch.setattr(queue_row, "clock_state", clock_state)
    mark = _mark("SCJG", "summoned", 20)
    cal, tz = WorkCalendar(), ZoneInfo("Asia/Shanghai")
    tones = queue_row.Tones()
    seconds = [NOW + timedelta(seconds=s) for s in range(0, 30 * 60, 7)]
    held = [mark_view(mark, at, cal, tz, tones).tone for at in seconds]
    assert len(counted) == 3  # green, yellow from 6 minutes left, red after the deadline
    counted.clear()
    assert held == [mark_view(mark, at, cal, tz).tone for at in seconds]
    assert len(counted) == len(seconds)
    assert held[0] == "" and "warning" in held and held[-1] == "overdue"
