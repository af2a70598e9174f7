"""Agenda and minutes exports: Markdown checked line by line, HTML printable and escaped."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest

from data.exports.minutes import Format, Stage, format_for, md_escape, render, write
from data.read.meetings import meeting_view
from data.service import SyncService
from data.write.commands import meetings as mt
from models.clock import FrozenClock
from models.enums import AgendaReason, MeetingKind
from models.errors import DomainError
from models.i18n import set_language
from tests.unit.meetings_support import open_case
from tests.unit.support import one


def _meeting(service: SyncService, clock: FrozenClock, db_path: Path) -> tuple[str, str]:
    case_id = open_case(service)
    number = one(db_path, "SELECT number FROM case_file WHERE id = ?", case_id)["number"]
    meeting = service.run(
        mt.create_meeting,
        kind=MeetingKind.WEEKLY,
        scheduled_at=clock.now(),
        facilitator="赵主任",
        invited=["CGZF", "GA", "SCJG"],
        title="3月10日周例会",
    )
    first = service.run(mt.add_item, meeting, reason=AgendaReason.MANUAL, topic="背街小巷<script>整治")
    second = service.run(
        mt.add_item,
        meeting,
        reason=AgendaReason.LONG_OPEN,
        case_id=case_id,
        reason_detail="已受理 9 天仍未办结",
    )
    service.run(mt.set_timebox, second, 15)
    service.run(mt.reorder, meeting, [second, first])
    return meeting, number


def _view(service: SyncService, meeting: str):  # type: ignore[no-untyped-def]
    with service.engine.connect() as conn:
        return meeting_view(conn, meeting)


def test_agenda_markdown_lists_each_item_in_order_with_its_reason(
    sync_service: SyncService, clock: FrozenClock, db_path: Path
) -> None:
    meeting, number = _meeting(sync_service, clock, db_path)
    text = render(_view(sync_service, meeting), Format.MD, sync_service.rules.settings.tz)
    assert text.splitlines() == [
        "# 3月10日周例会 议程",
        "",
        "- **会议类型**：周例会",
        "- **时间**：2026-03-10 10:00",
        "- **主持人**：赵主任",
        "- **受邀部门**：城管执法队、公安派出所、市场监管所",
        "- **议题**：共 2 项，计划 25 分钟",
        "",
        f"## 1. {number} 东四社区东四北大街 12 号",
        "",
        "- **上会事由**：久拖未结 — 已受理 9 天仍未办结",
        "- **案件状态**：处置中",
        "- **时长**：15 分钟",
        "",
        "## 2. 背街小巷\\<script\\>整治",
        "",
        "- **上会事由**：临时增加",
        "- **时长**：10 分钟",
    ]


def test_minutes_markdown_carries_attendance_and_decisions(
    sync_service: SyncService, clock: FrozenClock, db_path: Path
) -> None:
    meeting, number = _meeting(sync_service, clock, db_path)
    view = _view(sync_service, meeting)
    sync_service.run(mt.start, meeting)
    sync_service.run(mt.attendance, meeting, "CGZF", present=True)
    sync_service.run(mt.attendance, meeting, "GA", present=False)
    due = clock.now().date() + timedelta(days=7)
    sync_service.run(
        mt.decide, view.items[0].id, decision="城管牵头，一周内拆除", lead_department="CGZF", due_on=due
    )
    clock.advance(minutes=40)
    sync_service.run(mt.end, meeting)
    text = render(_view(sync_service, meeting), Format.MD, sync_service.rules.settings.tz)
    lines = text.splitlines()
    assert lines[0] == "# 3月10日周例会 会议纪要"
    assert "- **实际召开**：2026-03-10 10:00 – 10:40" in lines
    attendance = lines.index("## 出席情况")
    assert lines[attendance + 2 : attendance + 5] == [
        "- **出席**：城管执法队",
        "- **缺席**：公安派出所",
        "- **未登记**：市场监管所",
    ]
    first = lines.index(f"## 1. {number} 东四社区东四北大街 12 号")
    assert lines[first + 5 : first + 9] == [
        "- **结论**：城管牵头，一周内拆除",
        "- **牵头部门**：城管执法队",
        f"- **完成期限**：{due.isoformat()}",
        "- **跟踪**：跟踪中",
    ]
    second = lines.index("## 2. 背街小巷\\<script\\>整治")
    assert lines[second + 4] == "- **结论**：（未形成结论）"
    assert attendance < first < second


def test_html_is_a_standalone_printable_page_with_text_escaped(
    sync_service: SyncService, clock: FrozenClock, db_path: Path
) -> None:
    meeting, number = _meeting(sync_service, clock, db_path)
    page = render(_view(sync_service, meeting), Format.HTML, sync_service.rules.settings.tz, Stage.AGENDA)
    assert page.startswith("<!DOCTYPE html>")
    assert '<meta charset="utf-8">' in page and "<style>" in page and "@media print" in page
    assert "<script>" not in page and "背街小巷&lt;script&gt;整治" in page
    assert "<link" not in page and "src=" not in page  # nothing fetched from elsewhere
    assert page.index(number) < page.index("背街小巷")


def test_english_export(sync_service: SyncService, clock: FrozenClock, db_path: Path) -> None:
    meeting, _number = _meeting(sync_service, clock, db_path)
    set_language("en")
    text = render(_view(sync_service, meeting), Format.MD, sync_service.rules.settings.tz)
    assert "- **Why**: Open too long — 已受理 9 天仍未办结" in text.splitlines()


def test_markdown_escape_and_format_from_suffix() -> None:
    assert md_escape("a*b* [x](y) #1 |") == "a\\*b\\* \\[x\\](y) \\#1 \\|"
    assert md_escape("两行\n文字") == "两行 文字"
    assert format_for(Path("纪要.HTML")) is Format.HTML
    assert format_for(Path("a.md")) is Format.MD
    assert format_for(Path("a.txt")) is Format.MD


def test_write_refuses_a_missing_folder_and_an_existing_file_when_asked(tmp_path: Path) -> None:
    target = tmp_path / "议程.md"
    write(target, "一")
    assert target.read_text(encoding="utf-8") == "一"
    with pytest.raises(DomainError):
        write(target, "二", overwrite=False)
    assert target.read_text(encoding="utf-8") == "一"
    with pytest.raises(DomainError):
        write(tmp_path / "无此目录" / "a.md", "三")
    assert [p.name for p in tmp_path.iterdir()] == ["议程.md"]
