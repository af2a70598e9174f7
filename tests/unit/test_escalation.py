"""升级: the escalation ladder of a summons not reported in — its timing (urgent in wall minutes,
regular in working time), its events written once whoever writes them, 缺席 as the assessment's
absent, an arrival after it kept, the re-whistle and the weekly meeting."""

from __future__ import annotations

import string
from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import select

from data.read.agenda import agenda_inputs
from data.read.assessment import behind_figure, scorecards
from data.read.cases import case_detail
from data.read.escalation import reached_steps, scan
from data.read.station_rates import station_rates
from data.read.summons import Figure
from data.service import SyncService, verify
from data.settings import Settings, SettingsError, default_config_text, load_settings
from data.store.tables import CHECKIN, WHISTLE
from data.sync.export import export_bundle
from data.sync.importer import import_bundle
from data.write.commands import escalation as escalation_command
from data.write.commands.cases import blow_whistle
from data.write.commands.checkins import arrive, extend_clock
from data.write.commands.escalation import escalate
from models.agenda import build_agenda
from models.calendar import WorkCalendar
from models.clock import FrozenClock
from models.deadlines import Limit
from models.enums import AgendaReason, CaseStatus, CheckInStatus, Grade
from models.errors import ValidationError
from models.escalation import Ladder, Step, default_ladders, step_event_id, step_times
from models.i18n import set_language, t
from models.periods import month_period
from models.strings import escalation as escalation_strings
from tests.unit.conftest import NOW, STATION
from tests.unit.support import case_in, rows
from tests.unit.sync_support import open_station, trust_each_other
from tui.cli import main

TZ = ZoneInfo("Asia/Shanghai")
ESCALATED = (
    "SELECT id, json_extract(payload, '$.step') AS step, json_extract(payload, '$.due_at') AS due_at"
    " FROM event WHERE type = 'checkin.escalated' ORDER BY seq"
)


def _local(*args: int) -> datetime:
    return datetime(*args, tzinfo=TZ)


def _checkin(path: Path) -> dict[str, object]:
    return dict(rows(path, "SELECT * FROM checkin ORDER BY rowid")[0])


def _whistled(svc: SyncService, grade: Grade = Grade.URGENT) -> str:
    case_id = case_in(svc.run, CaseStatus.TRIAGE)
    svc.run(blow_whistle, case_id, grade=grade, departments=["CGZF"])
    return case_id


# -- timing -------------------------------------------------------------------------------------


def test_urgent_steps_fall_in_wall_minutes_after_the_deadline(
    sync_service: SyncService, db_path: Path, clock: FrozenClock
) -> None:
    """Urgent (deadline 30 min): second alarm at +15 min, 缺席 at +60 min, each written when
    the clock reaches it and not a minute before."""
    _whistled(sync_service)
    deadline = NOW + timedelta(minutes=30)
    clock.set(deadline + timedelta(minutes=14, seconds=59))
    assert sync_service.run(escalate) == []
    clock.set(deadline + timedelta(minutes=15))
    assert [d.step for p in sync_service.run(escalate) for d in p.due] == [Step.ALARM]
    clock.set(deadline + timedelta(minutes=59))
    assert sync_service.run(escalate) == []
    assert _checkin(db_path)["status"] == CheckInStatus.SUMMONED
    clock.set(deadline + timedelta(minutes=60))
    sync_service.run(escalate)
    found = rows(db_path, ESCALATED)
    assert [(r["step"], r["due_at"]) for r in found] == [
        ("alarm", "2026-03-10T02:45:00.000000Z"),
        ("absent", "2026-03-10T03:30:00.000000Z"),
    ]
    checkin = _checkin(db_path)
    assert checkin["status"] == CheckInStatus.NO_SHOW and checkin["absent_at"].startswith("2026-03-10 03:30")
    clock_row = rows(db_path, "SELECT stopped_at FROM clock WHERE id = ?", checkin["clock_id"])[0]
    assert clock_row["stopped_at"].startswith("2026-03-10 03:30")  # no longer counted as overdue


def test_a_desk_that_was_closed_writes_every_step_due_in_ladder_order(
    sync_service: SyncService, db_path: Path, clock: FrozenClock
) -> None:
    _whistled(sync_service)
    clock.advance(hours=8)
    sync_service.run(escalate)
    assert [r["step"] for r in rows(db_path, ESCALATED)] == ["alarm", "absent"]
    assert verify(sync_service.engine).ok


def test_regular_steps_count_working_time_across_a_weekend_and_a_holiday() -> None:
    """Regular: +2 working hours and +1 working day, by the clock's working hours and the
    statutory calendar (May Day 2026: 05-01 to 05-05 off)."""
    cal = WorkCalendar()
    hours = cal.hours
    ladder = default_ladders()["regular"]
    friday = _local(2026, 3, 13, 16, 30)
    alarm, absent = step_times(ladder, friday, cal, TZ, hours)
    assert alarm.due_at == _local(2026, 3, 16, 10, 0)  # 1 h on Friday, 1 h on Monday morning
    assert absent.due_at == _local(2026, 3, 16, 16, 30)  # the next working day, same time
    before_may_day = _local(2026, 4, 30, 17, 0)
    alarm, absent = step_times(ladder, before_may_day, cal, TZ, hours)
    assert alarm.due_at == _local(2026, 5, 6, 10, 30)  # 30 min on 04-30, then 05-06 from 09:00
    assert absent.due_at == _local(2026, 5, 6, 17, 0)
    urgent = default_ladders()["urgent"]
    assert [s.due_at for s in step_times(urgent, friday, cal, TZ, hours)] == [
        friday + timedelta(minutes=15),
        friday + timedelta(minutes=60),
    ]


def test_a_regular_summons_is_escalated_by_the_command_in_working_time(
    sync_service: SyncService, db_path: Path, clock: FrozenClock
) -> None:
    """A regular whistle on Friday 16:00 (deadline Saturday 16:00, 24 h): the alarm waits for
    two working hours on Monday, not two hours of the weekend."""
    clock.set(_local(2026, 3, 13, 16, 0).astimezone(UTC))
    _whistled(sync_service, Grade.REGULAR)
    clock.set(_local(2026, 3, 15, 23, 0).astimezone(UTC))  # Sunday night: a day past the deadline
    assert sync_service.run(escalate) == []
    clock.set(_local(2026, 3, 16, 11, 0).astimezone(UTC))
    sync_service.run(escalate)
    assert [(r["step"], r["due_at"]) for r in rows(db_path, ESCALATED)] == [
        ("alarm", "2026-03-16T03:00:00.000000Z")  # Monday 11:00: 09:00 + 2 working hours
    ]


def test_an_extension_granted_before_the_deadline_moves_the_ladder(
    sync_service: SyncService, db_path: Path, clock: FrozenClock
) -> None:
    _whistled(sync_service)
    checkin = _checkin(db_path)
    sync_service.run(extend_clock, checkin["clock_id"], by=Limit.minutes(30), reason="路远")
    clock.advance(minutes=30 + 15)
    assert sync_service.run(escalate) == []  # the deadline is now +60 min
    clock.advance(minutes=30)
    sync_service.run(escalate)
    assert [r["due_at"] for r in rows(db_path, ESCALATED)] == ["2026-03-10T03:15:00.000000Z"]


# -- written once ------------------------------------------------------------------------------


def test_a_step_has_one_id_and_is_written_once_by_two_desks(
    db_path: Path, settings: Settings, clock: FrozenClock, monkeypatch: pytest.MonkeyPatch
) -> None:
    one = SyncService.open(db_path, settings, clock, "值班员")
    two = SyncService.open(db_path, settings, clock, "张三")
    try:
        _whistled(one)
        checkin_id = str(_checkin(db_path)["id"])
        clock.advance(minutes=50)
        with two.engine.connect() as conn:  # the other desk looked before the first one wrote
            stale = scan(conn, clock.now(), settings.ladders, two.rules.calendar, settings.tz)
        assert len(stale.pending) == 1
        assert len(one.run(escalate)) == 1
        assert two.run(escalate) == []  # found on the record
        monkeypatch.setattr(escalation_command, "scan", lambda *_args: stale)
        two.run(escalate)  # still sure it is due: the step's id is on the record already
        (event,) = rows(db_path, ESCALATED)
        assert event["id"] == step_event_id(checkin_id, Step.ALARM)
        assert event["id"] == step_event_id(checkin_id, Step("alarm"))  # the same whoever makes it
        assert verify(one.engine).ok
    finally:
        one.close()
        two.close()


def test_steps_imported_from_a_bundle_arrive_once_and_replay_agrees(tmp_path: Path) -> None:
    clock = FrozenClock(NOW)
    a, b = open_station(tmp_path, "ST-A", clock), open_station(tmp_path, "ST-B", clock)
    try:
        trust_each_other([a, b])
        case_id = _whistled(a)
        clock.advance(hours=2)
        a.run(escalate)
        export_bundle(a, tmp_path / "a.bundle")
        import_bundle(b, tmp_path / "a.bundle")
        import_bundle(b, tmp_path / "a.bundle")
        b_path = tmp_path / "ST-B.db"
        assert [r["step"] for r in rows(b_path, ESCALATED)] == ["alarm", "absent"]
        assert rows(b_path, "SELECT id FROM event WHERE type = 'checkin.escalated' ORDER BY seq") == rows(
            tmp_path / "ST-A.db", "SELECT id FROM event WHERE type = 'checkin.escalated' ORDER BY seq"
        )
        # the copy's desk writes no step of a case it does not own
        assert b.run(escalate) == []
        with b.engine.connect() as conn:
            marked = conn.execute(select(CHECKIN.c.absent_at).where(CHECKIN.c.case_id == case_id)).scalar()
        assert marked is not None
        assert verify(a.engine).ok and verify(b.engine).ok
    finally:
        a.close()
        b.close()


# -- 缺席 in the assessment; an arrival after it -------------------------------------------------


def _absent_then_arrived(svc: SyncService, db_path: Path, clock: FrozenClock) -> tuple[str, str]:
    case_id = _whistled(svc)
    checkin_id = str(_checkin(db_path)["id"])
    clock.advance(minutes=95)
    svc.run(escalate)
    clock.advance(minutes=10)
    late = svc.run(arrive, checkin_id, person="李队长")
    assert late == 75
    return case_id, checkin_id


def test_an_arrival_after_absence_is_recorded_and_the_mark_kept(
    sync_service: SyncService, db_path: Path, clock: FrozenClock
) -> None:
    case_id, _checkin_id = _absent_then_arrived(sync_service, db_path, clock)
    checkin = _checkin(db_path)
    assert checkin["status"] == CheckInStatus.ARRIVED
    assert checkin["absent_at"].startswith("2026-03-10 03:30") and checkin["late_minutes"] == 75
    with sync_service.engine.connect() as conn:
        detail = case_detail(conn, case_id, TZ)
    (view,) = detail.checkins
    assert view.after_absence and not view.absent
    texts = [e.text for e in detail.timeline]
    assert any("标记缺席" in x for x in texts)
    assert any("到场" in x and "缺席后到场（03-10 11:30 已标记缺席）" in x for x in texts)
    assert verify(sync_service.engine).ok


def test_the_assessment_counts_a_summons_marked_absent_as_absent_even_if_it_came_later(
    sync_service: SyncService, db_path: Path, clock: FrozenClock
) -> None:
    """Scorecard, station rates and the lists behind a figure agree: absent, not arrived."""
    _absent_then_arrived(sync_service, db_path, clock)
    period = month_period(NOW.astimezone(TZ).date())
    now = clock.now()
    with sync_service.engine.connect() as conn:
        cards = scorecards(conn, period, now, TZ)
        (card,) = [c for c in cards.cards if c.department == "CGZF"]
        assert (card.summoned, card.on_time, card.late, card.absent) == (1, 0, 0, 1)
        assert card.after_absence == 1 and card.arrived == 0 and card.arrived_us == 0
        assert [s.department for s in behind_figure(conn, period, now, TZ, "CGZF", Figure.ABSENT)] == ["CGZF"]
        assert behind_figure(conn, period, now, TZ, "CGZF", Figure.ARRIVED) == []
        assert len(behind_figure(conn, period, now, TZ, "CGZF", Figure.AFTER_ABSENCE)) == 1
        rates = station_rates(conn, period, now, TZ)
        assert (rates.arrival.num, rates.arrival.den) == (0, 1)
        assert rates.mean_minutes_to_arrive is None


def test_a_summons_marked_absent_is_absent_before_anyone_comes(
    sync_service: SyncService, db_path: Path, clock: FrozenClock
) -> None:
    _whistled(sync_service)
    clock.advance(minutes=95)
    sync_service.run(escalate)
    period = month_period(NOW.astimezone(TZ).date())
    with sync_service.engine.connect() as conn:
        (card,) = [c for c in scorecards(conn, period, clock.now(), TZ).cards if c.department == "CGZF"]
    assert (card.absent, card.after_absence) == (1, 0)


# -- re-whistle and the weekly meeting ----------------------------------------------------------


def test_a_re_whistle_makes_a_new_summons_linked_to_the_absent_one(
    sync_service: SyncService, db_path: Path, clock: FrozenClock
) -> None:
    case_id = _whistled(sync_service)
    absent_id = str(_checkin(db_path)["id"])
    with pytest.raises(ValidationError):  # not absent yet: refused, nothing written
        sync_service.run(blow_whistle, case_id, grade=Grade.URGENT, departments=["CGZF"], follows=absent_id)
    clock.advance(minutes=95)
    sync_service.run(escalate)
    whistle_id = sync_service.run(
        blow_whistle, case_id, grade=Grade.URGENT, departments=["CGZF"], follows=absent_id
    )
    with sync_service.engine.connect() as conn:
        assert conn.execute(select(WHISTLE.c.follows).where(WHISTLE.c.id == whistle_id)).scalar() == absent_id
        new = conn.execute(select(CHECKIN).where(CHECKIN.c.whistle_id == whistle_id)).one()
        detail = case_detail(conn, case_id, TZ)
    assert new.status == CheckInStatus.SUMMONED and new.deadline == clock.now() + timedelta(minutes=30)
    first, second = detail.checkins
    assert first.absent and second.rewhistle_of == "城管执法队" and second.waiting
    assert any("再吹哨，接续 城管执法队 缺席" in e.text for e in detail.timeline)
    assert verify(sync_service.engine).ok


def test_a_case_with_a_summons_marked_absent_is_proposed_for_the_weekly_meeting(
    sync_service: SyncService, settings: Settings, clock: FrozenClock
) -> None:
    case_id = _whistled(sync_service)
    clock.advance(minutes=95)
    with sync_service.engine.connect() as conn:
        before = build_agenda(
            agenda_inputs(conn, settings, STATION, clock.now() + timedelta(days=1), clock.now())
        )
    assert [p.reason for p in before if p.case_id == case_id] == [AgendaReason.NO_SHOW]
    sync_service.run(escalate)
    with sync_service.engine.connect() as conn:
        after = build_agenda(
            agenda_inputs(conn, settings, STATION, clock.now() + timedelta(days=1), clock.now())
        )
    (item,) = [p for p in after if p.case_id == case_id]
    assert item.reason is AgendaReason.ABSENT and item.reasons == (AgendaReason.ABSENT,)
    assert "城管执法队 超时未到，已标记缺席" in item.detail


def test_the_desk_tells_of_the_steps_reached(sync_service: SyncService, clock: FrozenClock) -> None:
    _whistled(sync_service)
    clock.advance(minutes=50)
    sync_service.run(escalate)
    with sync_service.engine.connect() as conn:
        assert [r.step for r in reached_steps(conn, None)] == [Step.ALARM]
    clock.advance(minutes=50)
    sync_service.run(escalate)
    with sync_service.engine.connect() as conn:
        assert [r.step for r in reached_steps(conn, None)] == [Step.ABSENT]  # the alarm is past


def test_the_command_line_records_the_steps_due(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """``whistle escalate``: what a desk's poller does, for a station whose desks are closed
    (the computer's clock reads long after this whistle of March)."""
    path = tmp_path / "desk.db"
    assert main(["init", "--db", str(path), "--operator", "值班员"]) == 0
    svc = SyncService.open(path, Settings(), FrozenClock(NOW), "值班员")
    svc.ordered = False  # a whistle of March, written after the station was set up today
    try:
        _whistled(svc)
    finally:
        svc.close()
    capsys.readouterr()
    assert main(["escalate", "--db", str(path), "--operator", "值班员"]) == 0
    assert "升级：记录 2 项" in capsys.readouterr().out
    assert [r["step"] for r in rows(path, ESCALATED)] == ["alarm", "absent"]
    assert main(["escalate", "--db", str(path), "--operator", "值班员"]) == 0
    assert "升级：记录 0 项" in capsys.readouterr().out
    assert len(rows(path, ESCALATED)) == 2


# -- settings and strings -------------------------------------------------------------------


def _settings(tmp_path: Path, text: str) -> Settings:
    path = tmp_path / "config.toml"
    path.write_text(text, encoding="utf-8")
    return load_settings(path)


def test_the_ladders_come_from_the_settings_file(tmp_path: Path) -> None:
    assert Settings().ladders == default_ladders()
    loaded = _settings(tmp_path, '[escalation.urgent]\nalarm = "10m"\nabsent = "off"\n')
    assert loaded.ladders["urgent"] == Ladder(Limit.minutes(10), None)
    assert loaded.ladders["regular"] == default_ladders()["regular"]
    assert _settings(tmp_path, default_config_text()).ladders == default_ladders()


@pytest.mark.parametrize(
    ("text", "where"),
    [
        ('[escalation.urgent]\nalarm = "60m"\nabsent = "15m"\n', "escalation.urgent"),
        ('[escalation.urgent]\nalarm = "soon"\n', "escalation.urgent.alarm"),
        ('[escalation.urgent]\nsiren = "5m"\n', "escalation.urgent.siren"),
        ('[escalation.fast]\nalarm = "5m"\n', "escalation.fast"),
        ('[escalation]\nurgent = "5m"\n', "escalation.urgent"),
    ],
)
def test_a_bad_ladder_is_refused_in_one_line(tmp_path: Path, text: str, where: str) -> None:
    with pytest.raises(SettingsError) as refused:
        _settings(tmp_path, text)
    message = str(refused.value)
    assert where in message and "\n" not in message


def test_the_ladder_strings_are_in_both_languages() -> None:
    for key, (zh, en) in escalation_strings.STRINGS.items():
        assert zh and en, key
        fields = {f for _, f, _, _ in string.Formatter().parse(zh) if f}
        assert fields == {f for _, f, _, _ in string.Formatter().parse(en) if f}, key
    set_language("en")
    try:
        assert t("mark.absent") == "Absent" and t("Step.alarm") == "Second alarm"
    finally:
        set_language("zh")
    assert t("mark.absent") == "缺席" and t("AgendaReason.absent") == "部门缺席"


def test_the_notices_name_the_department_in_the_desks_language(
    sync_service: SyncService, clock: FrozenClock
) -> None:
    """With --lang en the overdue and 缺席 notices named 城管执法队: the overdue check-ins and
    the steps reached are read with the department's English name in English."""
    from data.read.poll import poll

    _whistled(sync_service)
    names = (("zh", "城管执法队"), ("en", "Urban management enforcement"))
    try:
        clock.advance(minutes=40)  # overdue, before any step of the ladder
        for lang, expected in names:
            set_language(lang)
            with sync_service.engine.connect() as conn:
                overdue = poll(conn, clock.now(), None, frozenset()).newly_overdue
            assert [row.department for row in overdue] == [expected]
        clock.advance(minutes=60)
        sync_service.run(escalate)
        for lang, expected in names:
            set_language(lang)
            with sync_service.engine.connect() as conn:
                assert [r.department for r in reached_steps(conn, None)] == [expected]
    finally:
        set_language("zh")


def test_a_ladder_out_of_order_is_refused_in_the_desks_language(tmp_path: Path) -> None:
    """The refusal said 设置 … 的升级阶梯不对：alarm (60m) must come before absent (15m) on a
    Chinese desk: the reason is in the catalogue too."""
    text = '[escalation.urgent]\nalarm = "60m"\nabsent = "15m"\n'
    with pytest.raises(SettingsError) as refused:
        _settings(tmp_path, text)
    assert "须早于标记缺席" in str(refused.value) and "must" not in str(refused.value)
    set_language("en")
    try:
        with pytest.raises(SettingsError) as refused:
            _settings(tmp_path, text)
        assert "alarm (1h) must come before absent (15m)" in str(refused.value)
    finally:
        set_language("zh")


@pytest.mark.parametrize(("lang", "shown"), [("zh", "系统"), ("en", "system")])
def test_a_step_written_with_nobody_signed_in_names_the_system(
    db_path: Path, settings: Settings, clock: FrozenClock, lang: str, shown: str
) -> None:
    """The poller and ``whistle escalate`` write before anyone signs in: the timeline showed an
    empty operator beside 二次报警 and 缺席; it says the system wrote them."""
    desk = SyncService.open(db_path, settings, clock, "值班员")
    try:
        case_id = _whistled(desk)
    finally:
        desk.close()
    clock.advance(hours=2)
    nobody = SyncService.open(db_path, settings, clock)
    try:
        nobody.run(escalate)
        set_language(lang)
        with nobody.engine.connect() as conn:
            timeline = case_detail(conn, case_id).timeline
    finally:
        set_language("zh")
        nobody.close()
    steps = [e for e in timeline if e.type == "checkin.escalated"]
    assert len(steps) == 2 and {e.operator for e in steps} == {shown}
    assert all(e.operator for e in timeline)
    assert {e.operator for e in timeline if e.type != "checkin.escalated"} == {"值班员"}
