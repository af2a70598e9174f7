"""``whistle meeting list|export`` and ``whistle reinspect draw`` through the real entry point."""

from __future__ import annotations

from pathlib import Path

import pytest

from data.service import SyncService
from data.write.commands import meetings as mt
from models.clock import FrozenClock
from models.enums import AgendaReason, MeetingKind
from tests.unit.meetings_support import handled_and_closed
from tests.unit.support import SECRET
from tui.cli import main


def _meeting(service: SyncService, clock: FrozenClock, title: str) -> str:
    meeting: str = service.run(
        mt.create_meeting,
        kind=MeetingKind.SPECIAL,
        scheduled_at=clock.now(),
        facilitator="赵主任",
        invited=["CGZF"],
        title=title,
    )
    service.run(mt.add_item, meeting, reason=AgendaReason.MANUAL, topic="违建拆除方案")
    return meeting


def test_list_prints_one_meeting_per_line_id_first(
    sync_service: SyncService, db_path: Path, clock: FrozenClock, capsys: pytest.CaptureFixture[str]
) -> None:
    first = _meeting(sync_service, clock, "甲")
    clock.advance(days=1)
    second = _meeting(sync_service, clock, "乙")
    assert main(["meeting", "list", "--db", str(db_path)]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert [line.split("\t")[0] for line in lines] == [second, first]
    assert lines[0].split("\t")[2:] == ["难题会诊", "未开始", "赵主任", "1 项议题，0 项已决", "乙"]


@pytest.mark.parametrize("fmt", ["md", "html"])
def test_export_writes_the_agenda(
    sync_service: SyncService, db_path: Path, clock: FrozenClock, tmp_path: Path, fmt: str
) -> None:
    meeting = _meeting(sync_service, clock, "专题会")
    out = tmp_path / f"agenda.{fmt}"
    assert main(["meeting", "export", meeting, "--format", fmt, "--out", str(out), "--db", str(db_path)]) == 0
    text = out.read_text(encoding="utf-8")
    assert "专题会 议程" in text and "违建拆除方案" in text
    assert text.startswith("<!DOCTYPE html>") == (fmt == "html")


def test_export_of_an_unknown_meeting_fails_cleanly(
    sync_service: SyncService, db_path: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "x.md"
    assert main(["meeting", "export", "nope", "--out", str(out), "--db", str(db_path)]) == 2
    assert "找不到会议" in capsys.readouterr().err and not out.exists()


def test_draw_needs_a_supervisor_and_prints_its_seed(
    sync_service: SyncService,
    db_path: Path,
    clock: FrozenClock,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr("tui.cli.common.SystemClock", lambda: clock)
    sync_service.set_up("值班员", SECRET)  # whistle init --operator 值班员
    sync_service.operator = ""
    for _ in range(3):
        handled_and_closed(sync_service, db_path, came=["CGZF"], absent=[])
    assert main(["reinspect", "draw", "--seed", "9", "--db", str(db_path), "--operator", "小李"]) == 2
    assert "中心主任" in capsys.readouterr().err
    # the station's supervisor, with their passphrase (WHISTLE_PASSPHRASE)
    assert main(["reinspect", "draw", "--seed", "9", "--db", str(db_path), "--operator", "值班员"]) == 0
    out = capsys.readouterr().out.splitlines()
    assert out[0] == "种子 9：抽中 1 件" and out[1].startswith("SJ-")
