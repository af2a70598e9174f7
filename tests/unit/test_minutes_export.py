"""Agenda and minutes exports: Markdown checked line by line, HTML printable and escaped."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest

from data.exports.minutes import Format, Stage, format_for, md_escape, render, write
from data.read.meetings import meeting_view, statuses_at
from data.service import SyncService, verify
from data.write.commands import meetings as mt
from data.write.commands.cases import transition
from models.clock import FrozenClock
from models.enums import AgendaReason, CaseStatus, MeetingKind
from models.errors import DomainError, ValidationError
from models.i18n import set_language
from models.lifecycle import Action
from models.limits import NAME_CHARS
from tests.unit.meetings_support import open_case
from tests.unit.support import event_count, one


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
    assert lines[first + 7 : first + 11] == [
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


def test_minutes_freeze_case_status_at_the_end_and_say_what_the_problem_is(
    sync_service: SyncService, clock: FrozenClock, db_path: Path
) -> None:
    """The minutes of a meeting print each case as the meeting saw it when it ended, not as it
    is on the day of export; each item names its category and the problem in one line; the
    note-taker is named and the paper ends with a signature line."""
    meeting, number = _meeting(sync_service, clock, db_path)
    case_id = one(db_path, "SELECT id FROM case_file WHERE number = ?", number)["id"]
    sync_service.run(mt.start, meeting)
    clock.advance(minutes=30)
    sync_service.run(mt.end, meeting)
    clock.advance(days=1)  # the next day the case is handled further and closed
    sync_service.run(transition, case_id, Action.FEEDBACK, result="已整改")
    sync_service.run(transition, case_id, Action.CLOSE, reason="已处置完毕")
    assert one(db_path, "SELECT status FROM case_file WHERE id = ?", case_id)["status"] == "closed"
    lines = render(_view(sync_service, meeting), Format.MD, sync_service.rules.settings.tz).splitlines()
    first = lines.index(f"## 1. {number} 东四社区东四北大街 12 号")
    assert "- **案件状态**：处置中" in lines[first:]
    assert "- **案件状态**：已结案" not in lines
    assert lines[first + 2].startswith("- **问题类别**：")
    assert lines[first + 3].startswith("- **问题描述**：")
    assert "- **案件状态**：均为散会时（2026-03-10 10:30）的状态" in lines
    operator = one(db_path, "SELECT operator FROM event WHERE type = 'meeting.ended'")["operator"]
    assert f"- **记录人**：{operator}" in lines
    signatures = lines.index("## 签字")
    assert lines[signatures + 2 :] == [
        "- **主持人（赵主任）签字**：" + "\\_" * 16,
        f"- **记录人（{operator}）签字**：" + "\\_" * 16,
        "- **日期**：" + "\\_" * 16,
    ]


def test_minutes_of_a_meeting_ended_before_the_snapshot_read_the_status_from_the_log(
    sync_service: SyncService, clock: FrozenClock, db_path: Path
) -> None:
    """Minutes of a meeting whose end event carries no snapshot (written before it did) still
    print the status of its cases at the end, from the event log."""
    meeting, number = _meeting(sync_service, clock, db_path)
    case_id = one(db_path, "SELECT id FROM case_file WHERE number = ?", number)["id"]
    sync_service.run(mt.start, meeting)
    sync_service.run(mt.end, meeting)
    clock.advance(days=1)
    sync_service.run(transition, case_id, Action.FEEDBACK, result="已整改")
    sync_service.run(transition, case_id, Action.CLOSE, reason="已处置完毕")
    with sync_service.engine.connect() as conn:
        row = meeting_view(conn, meeting).meeting
        assert statuses_at(conn, {case_id}, row.ended_at) == {case_id: CaseStatus.DISPOSING}
        assert statuses_at(conn, {case_id}, clock.now()) == {case_id: CaseStatus.CLOSED}


def test_english_minutes_name_category_note_taker_and_signatures(
    sync_service: SyncService, clock: FrozenClock, db_path: Path
) -> None:
    meeting, _number = _meeting(sync_service, clock, db_path)
    sync_service.run(mt.start, meeting)
    sync_service.run(mt.end, meeting)
    set_language("en")
    text = render(_view(sync_service, meeting), Format.MD, sync_service.rules.settings.tz)
    assert "- **Category**: " in text and "- **Problem**: " in text
    assert "- **Note-taker**: " in text and "## Signatures" in text


def test_minutes_name_the_people_present_with_their_departments(
    sync_service: SyncService, clock: FrozenClock, db_path: Path
) -> None:
    """Issue 15: the minutes named departments only. 出席登记 records who came from each
    department; the minutes print them beside the note-taker and the signature block, and a
    replay of the record agrees."""
    meeting, _number = _meeting(sync_service, clock, db_path)
    sync_service.run(mt.start, meeting)
    sync_service.run(
        mt.record_attendance,
        meeting,
        {"CGZF": True, "GA": False, "SCJG": False},
        {"CGZF": ["张队长", " 李明 ", "张队长"], "SCJG": ["王所长"]},
    )
    view = _view(sync_service, meeting)
    assert [(a.code, a.present, a.people) for a in view.attendance] == [
        ("CGZF", True, ("张队长", "李明")),
        ("GA", False, ()),
        ("SCJG", True, ("王所长",)),  # a department with someone named came
    ]
    sync_service.run(mt.end, meeting)
    text = render(_view(sync_service, meeting), Format.MD, sync_service.rules.settings.tz)
    assert "- **出席人员**：城管执法队：张队长、李明；市场监管所：王所长" in text.splitlines()
    assert "- **出席**：城管执法队、市场监管所" in text.splitlines()
    assert "记录人" in text and "签字" in text
    html = render(_view(sync_service, meeting), Format.HTML, sync_service.rules.settings.tz)
    assert "城管执法队：张队长、李明" in html
    report = verify(sync_service.engine)
    assert report.ok, report.problems


def test_an_attendee_name_too_long_is_refused_and_changes_nothing(
    sync_service: SyncService, clock: FrozenClock, db_path: Path
) -> None:
    meeting, _number = _meeting(sync_service, clock, db_path)
    sync_service.run(mt.start, meeting)
    before = event_count(db_path)
    with pytest.raises(ValidationError):
        sync_service.run(mt.record_attendance, meeting, {"CGZF": True}, {"CGZF": ["名" * (NAME_CHARS + 1)]})
    assert event_count(db_path) == before
