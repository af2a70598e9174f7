"""交接班 (issue 15): what a handover gathers, its two events, its refusals, its timeline line."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime, time, timedelta
from pathlib import Path
from typing import Any

import pytest

from data.read.handover import awaiting, gather, handover, handovers
from data.read.timeline import fetch_timeline_rows, render_timeline
from data.service import SyncService, verify
from data.settings import Settings
from data.write.commands import meetings as mt
from data.write.commands.cases import transition
from data.write.commands.handover import acknowledge_handover, open_handover
from data.write.commands.reference import add_operator
from models.clock import FrozenClock
from models.enums import AgendaReason, CaseStatus, MeetingKind, Role
from models.errors import DomainError
from models.i18n import set_language
from models.lifecycle import Action
from models.shifts import DEFAULT_SHIFTS, next_shift, parse_shifts
from tests.unit.conftest import NOW, snapshot_of
from tests.unit.support import case_in, whistle
from tui.cli import main


@pytest.fixture
def svc(db_path: Path, settings: Settings, clock: FrozenClock) -> Iterator[SyncService]:
    service = SyncService.open(db_path, settings, clock, "值班员")
    service.run(add_operator, name="值班员", role=Role.OPERATOR)
    service.run(add_operator, name="王丽", role=Role.OPERATOR)
    yield service
    service.close()


def _cases(svc: SyncService, clock: FrozenClock) -> dict[str, str]:
    """A case waiting for its summons, one overdue, one parked for review tomorrow, one parked
    for next week, one received (its handling clock runs)."""
    waiting = case_in(svc.run, CaseStatus.TRIAGE)
    late = case_in(svc.run, CaseStatus.TRIAGE)
    whistle(svc.run, late, ["GA"])
    clock.advance(hours=3)  # GA's summons at ``late`` is overdue now
    whistle(svc.run, waiting, ["CGZF"])
    soon = case_in(svc.run, CaseStatus.TRIAGE)
    svc.run(transition, soon, Action.PARK, reason="待拆迁", review_on=(NOW + timedelta(hours=20)).date())
    later = case_in(svc.run, CaseStatus.TRIAGE)
    svc.run(transition, later, Action.PARK, reason="待拆迁", review_on=(NOW + timedelta(days=9)).date())
    received = case_in(svc.run, CaseStatus.RECEIVED)
    return {"waiting": waiting, "late": late, "soon": soon, "later": later, "received": received}


def _whys(items: Any, case_id: str) -> set[str]:
    return {i.why for i in items if i.case_id == case_id}


def test_a_handover_gathers_running_clocks_overdue_awaited_and_parked_cases(
    svc: SyncService, clock: FrozenClock, settings: Settings
) -> None:
    ids = _cases(svc, clock)
    with svc.engine.connect() as conn:
        got = gather(conn, clock.now(), settings.tz)
    assert "overdue" in _whys(got.items, ids["late"]) and "summons" not in _whys(got.items, ids["late"])
    assert "summons" in _whys(got.items, ids["waiting"]) and "overdue" not in _whys(got.items, ids["waiting"])
    assert _whys(got.items, ids["soon"]) == {"parked"}  # its review falls inside the next shift
    assert _whys(got.items, ids["later"]) == set()  # parked, reviewed next week: not handed over
    assert "clock" in _whys(got.items, ids["received"])
    assert "GA" in " ".join(i.detail for i in got.of("overdue")) or got.of("overdue")[0].detail


def test_open_then_another_operator_acknowledges_and_replay_agrees(
    svc: SyncService, clock: FrozenClock, settings: Settings
) -> None:
    ids = _cases(svc, clock)
    handover_id = svc.run(open_handover, note="东四路口明早复查")
    with svc.engine.connect() as conn:
        opened = handover(conn, handover_id)
        assert awaiting(conn) == opened
    assert opened.opened_by == "值班员" and opened.note == "东四路口明早复查" and not opened.acknowledged
    assert {i.case_id for i in opened.of("parked")} == {ids["soon"]}
    clock.advance(minutes=5)
    svc.operator = "王丽"
    svc.run(acknowledge_handover, handover_id)
    with svc.engine.connect() as conn:
        done = handovers(conn)[0]
        assert awaiting(conn) is None
    assert done.acknowledged_by == "王丽" and done.acknowledged_at == clock.now()
    report = verify(svc.engine)
    assert report.ok, report.problems


def _refused(svc: SyncService, path: Path, key: str, command: Any, *args: Any, **kwargs: Any) -> None:
    before = snapshot_of(path)
    with pytest.raises(DomainError) as caught:
        svc.run(command, *args, **kwargs)
    assert caught.value.key == key
    assert "\n" not in str(caught.value)
    assert snapshot_of(path) == before


def test_refusals_change_nothing(svc: SyncService, db_path: Path, clock: FrozenClock) -> None:
    svc.operator = ""  # nobody signed in
    _refused(svc, db_path, "error.handover_needs_operator", open_handover, note="")
    svc.operator = "路人甲"  # not an operator of this station
    _refused(svc, db_path, "error.handover_needs_operator", open_handover, note="")
    svc.operator = "值班员"
    _refused(
        svc,
        db_path,
        "error.handover_bad_shift_end",
        open_handover,
        shift_ends=clock.now() + timedelta(days=2),
    )
    handover_id = svc.run(open_handover, note="")
    _refused(svc, db_path, "error.handover_pending", open_handover, note="again")
    _refused(svc, db_path, "error.handover_same_operator", acknowledge_handover, handover_id)
    _refused(svc, db_path, "error.not_found", acknowledge_handover, "no-such-handover")
    svc.operator = ""
    _refused(svc, db_path, "error.handover_needs_incoming", acknowledge_handover, handover_id)
    svc.operator = "王丽"
    svc.run(acknowledge_handover, handover_id)
    _refused(svc, db_path, "error.handover_acknowledged", acknowledge_handover, handover_id)


def test_the_timeline_of_a_named_case_shows_the_handover(svc: SyncService, clock: FrozenClock) -> None:
    ids = _cases(svc, clock)
    handover_id = svc.run(open_handover, note="")
    svc.operator = "王丽"
    svc.run(acknowledge_handover, handover_id)
    with svc.engine.connect() as conn:
        named = render_timeline(fetch_timeline_rows(conn, ids["soon"]), {}, {})
        other = render_timeline(fetch_timeline_rows(conn, ids["later"]), {}, {})
    texts = [e.text for e in named]
    assert "交接班：值班员 交班（挂账到期复查）" in texts
    assert "交接班：王丽 已签收" in texts
    assert not any(e.text.startswith("交接班") for e in other)


@pytest.mark.parametrize("fmt", ["md", "html"])
def test_handover_print_writes_the_latest_or_the_one_named(
    svc: SyncService, db_path: Path, clock: FrozenClock, tmp_path: Path, fmt: str
) -> None:
    ids = _cases(svc, clock)
    first = svc.run(open_handover, note="东四路口<明早>复查")
    svc.operator = "王丽"
    svc.run(acknowledge_handover, first)
    clock.advance(hours=8)
    second = svc.run(open_handover, note="夜班无事")
    out = tmp_path / f"handover.{fmt}"
    assert main(["handover", "print", "--format", fmt, "--out", str(out), "--db", str(db_path)]) == 0
    latest_text = out.read_text(encoding="utf-8")
    assert "夜班无事" in latest_text and "尚未签收" in latest_text and second
    assert (
        main(["handover", "print", "--id", first, "--format", fmt, "--out", str(out), "--db", str(db_path)])
        == 0
    )
    text = out.read_text(encoding="utf-8")
    with svc.engine.connect() as conn:
        soon = handover(conn, first).of("parked")[0].number
    assert "挂账到期复查（1）" in text and soon in text and "王丽" in text
    assert text.startswith("<!DOCTYPE html>") == (fmt == "html")
    assert ("&lt;明早&gt;" in text) == (fmt == "html")
    assert ids


def test_handover_print_of_nothing_or_an_unknown_id_says_so_in_one_line(
    svc: SyncService, db_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["handover", "print", "--db", str(db_path)]) == 2
    assert "还没有交接班记录" in capsys.readouterr().err
    assert main(["handover", "print", "--id", "nope", "--db", str(db_path)]) == 2
    err = capsys.readouterr().err
    assert "nope" in err and err.count("\n") == 1


def test_meeting_follow_ups_due_by_the_end_of_the_next_shift_are_handed_over(
    svc: SyncService, clock: FrozenClock, settings: Settings
) -> None:
    today = clock.now().astimezone(settings.tz).date()
    meeting = svc.run(
        mt.create_meeting,
        kind=MeetingKind.WEEKLY,
        scheduled_at=clock.now(),
        facilitator="赵主任",
        invited=["CGZF"],
    )
    svc.run(mt.start, meeting)
    soon = svc.run(mt.add_item, meeting, reason=AgendaReason.MANUAL, topic="东四路口占道")
    later = svc.run(mt.add_item, meeting, reason=AgendaReason.MANUAL, topic="南门违建")
    svc.run(mt.decide, soon, decision="明早联合清理", lead_department="CGZF", due_on=today)
    svc.run(mt.decide, later, decision="限期拆除", lead_department="CGZF", due_on=today + timedelta(days=9))
    svc.run(mt.end, meeting)
    clock.advance(hours=1)
    with svc.engine.connect() as conn:
        followups = gather(conn, clock.now(), settings.tz).of("followup")
    assert [(f.number, f.case_id) for f in followups] == [("东四路口占道", None)]
    assert "明早联合清理" in followups[0].detail


def test_the_next_shift_is_the_one_the_settings_name(
    svc: SyncService, clock: FrozenClock, settings: Settings
) -> None:
    """Issue 15: "the next shift" was a fixed 12 h after the handover. With one 24-hour shift
    from 08:00, a handover at 10:00 hands over what is due until 08:00 tomorrow."""
    tomorrow = case_in(svc.run, CaseStatus.TRIAGE)
    svc.run(transition, tomorrow, Action.PARK, reason="待拆迁", review_on=(NOW + timedelta(days=1)).date())
    after = case_in(svc.run, CaseStatus.TRIAGE)
    svc.run(transition, after, Action.PARK, reason="待拆迁", review_on=(NOW + timedelta(days=2)).date())
    with svc.engine.connect() as conn:  # NOW is 10:00 in Shanghai; two 12-hour shifts by default
        day_shift = gather(conn, clock.now(), settings.tz, shifts=settings.shift_starts)
        whole_day = gather(conn, clock.now(), settings.tz, shifts=parse_shifts(["08:00"]))
    assert day_shift.next_shift_ends == datetime(2026, 3, 10, 20, 0, tzinfo=settings.tz)
    assert _whys(day_shift.items, tomorrow) == set()
    assert whole_day.next_shift_ends == datetime(2026, 3, 11, 8, 0, tzinfo=settings.tz)
    assert _whys(whole_day.items, tomorrow) == {"parked"} and _whys(whole_day.items, after) == set()
    settings.shift_starts = parse_shifts(["08:00"])  # the handover itself reads the settings
    opened = svc.run(open_handover, note="")
    with svc.engine.connect() as conn:
        assert {i.case_id for i in handover(conn, opened).of("parked")} == {tomorrow}


@pytest.mark.parametrize(
    ("given", "starts"),
    [("08:00", "08:00 20:00"), ("10:00", "08:00 20:00"), ("19:50", "20:00 08:00"), ("20:30", "20:00 08:00")],
)
def test_the_shift_taking_over_is_the_one_starting_nearest_the_handover(given: str, starts: str) -> None:
    tz = Settings().tz
    at = datetime.combine(NOW.astimezone(tz).date(), time.fromisoformat(given), tzinfo=tz)
    begin, end = next_shift(at, DEFAULT_SHIFTS, tz)
    assert (begin.strftime("%H:%M"), end.strftime("%H:%M")) == tuple(starts.split())
    assert timedelta(hours=12) == end - begin


def test_shifts_are_read_from_the_settings_file(tmp_path: Path) -> None:
    from data.settings import SettingsError, load_settings

    path = tmp_path / "config.toml"
    path.write_text('[desk]\nshifts = ["19:00", "07:00"]\n', encoding="utf-8")
    assert load_settings(path).shift_starts == (time(7, 0), time(19, 0))
    assert Settings().shift_starts == (time(8, 0), time(20, 0))
    path.write_text('[desk]\nshifts = ["25:00"]\n', encoding="utf-8")
    with pytest.raises(SettingsError):
        load_settings(path)


def test_in_english_a_handover_names_the_departments_in_english(
    svc: SyncService, clock: FrozenClock, settings: Settings
) -> None:
    """The overdue and awaited summons were named 公安派出所 / 城管执法队 in English too."""
    _cases(svc, clock)
    set_language("en")
    try:
        with svc.engine.connect() as conn:
            got = gather(conn, clock.now(), settings.tz)
    finally:
        set_language("zh")
    assert got.of("overdue")[0].detail.startswith("Police station ")
    assert got.of("summons")[0].detail.startswith("Urban management enforcement ")


def test_a_handover_written_in_chinese_reads_in_english(
    svc: SyncService, clock: FrozenClock, db_path: Path
) -> None:
    """A handover kept its details as the writing desk said them: an English desk reread
    公安派出所 2026-03-10 … ; now the departments are kept by code and named by the reader."""
    _cases(svc, clock)
    handover_id = svc.run(open_handover, note="")
    set_language("en")
    try:
        with svc.engine.connect() as conn:
            english = handover(conn, handover_id)
    finally:
        set_language("zh")
    assert english.of("overdue")[0].detail.startswith("Police station ")
    assert english.of("summons")[0].detail.startswith("Urban management enforcement ")
    with svc.engine.connect() as conn:
        assert handover(conn, handover_id).of("overdue")[0].detail.startswith("公安派出所 ")
    assert verify(svc.engine).ok
