"""A queue row's marks: what needs the desk first comes first, so a narrow screen never hides
a red mark behind the ellipsis."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from rich.style import Style

from data.catalogue import DEPARTMENTS
from data.read.queue import Mark, QueueRow
from models.calendar import WorkCalendar
from models.i18n import set_language
from screens.widgets.queue_row import Columns, department_short, mark_view, row_segments

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
        row, Columns.for_width(80), NOW, WorkCalendar(), ZoneInfo("Asia/Shanghai"), styles, Style()
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
