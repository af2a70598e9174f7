"""Working time that stays right (issue 14): holiday tables checked before they are loaded,
deadlines counted by the Monday–Friday fallback counted again when the year's table arrives,
and working hours from the settings file, recorded on each clock."""

from __future__ import annotations

import json
from datetime import datetime, time
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from data.read.cases import case_detail
from data.service import SyncService
from data.settings import Settings, load_settings
from data.store.db import open_sync
from data.store.eventlog import EventWriter
from data.store.verify import verify
from data.write.commands.cases import blow_whistle, receive_case, transition
from data.write.commands.checkins import arrive
from data.write.commands.operators import manage_operator
from data.write.commands.sync import trust_station
from data.write.commands.working_time import load_calendar_year
from models.calendar import YearTable, official_table, parse_year_table, year_table_to_json
from models.clock import FrozenClock
from models.deadlines import Limit, parse_limit
from models.enums import Grade, Role
from models.errors import DomainError
from models.lifecycle import Action
from tests.unit.calendar_support import HOLIDAYS_2027, TABLE_2027, TABLE_2027_TEXT, table_text
from tests.unit.support import CASE, as_supervisor, event_count, one, rows
from tui.cli import main

SH = ZoneInfo("Asia/Shanghai")
CATEGORY = CASE["category"]


def sh(y: int, mo: int, d: int, h: int = 0, mi: int = 0) -> datetime:
    return datetime(y, mo, d, h, mi, tzinfo=SH)


def _settings(**limits: Limit) -> Settings:
    settings = Settings(station_id="ST-TIME")
    settings.handling_limits[CATEGORY] = limits.get("handling", Limit.working_days(15))
    if "regular" in limits:
        settings.regular_limit = limits["regular"]
    return settings


def _open(
    path: Path, clock: FrozenClock, settings: Settings | None = None, who: str = "赵主任"
) -> SyncService:
    """The station's supervisor ``who`` (the first one on a new file), signed in with the
    passphrase: loading a holiday table is a supervisor's command."""
    service: SyncService = as_supervisor(path, settings or _settings(), clock, who)
    return service


def _desk(path: Path, clock: FrozenClock) -> SyncService:
    """An operator who is no supervisor, signed in with a PIN the supervisor gave."""
    supervisor = _open(path, clock)
    try:
        supervisor.run(manage_operator, name="值班员", role=Role.OPERATOR, secret="2468")
    finally:
        supervisor.close()
    desk = SyncService.open(path, _settings(), clock)
    desk.sign_in("值班员", "2468")
    return desk


def _handling(path: Path, case_id: str) -> dict[str, object]:
    row = one(path, "SELECT * FROM clock WHERE case_id = ? AND kind = 'handling'", case_id)
    return dict(row)


def _local(stored: object) -> str:
    return datetime.fromisoformat(f"{stored}+00:00").astimezone(SH).strftime("%Y-%m-%d %H:%M")


# --- finding 2 and 3: a table is checked before it is loaded ---------------------------


@pytest.mark.parametrize(
    ("text", "named"),
    [
        (table_text(2026, [], []), "2026"),  # finding 2: would make 2026-10-01 a working day
        (table_text(2027, [], []), "2027"),  # finding 3: an empty table made 2027 "known"
        (table_text(2027, ["2027-01-02", "2027-01-03"], []), "2027-01-02"),  # weekends only
        (table_text(2027, ["2027-01-01"], []), "2027-02-06"),  # 春节 missing
        (table_text(2027, [d for d in HOLIDAYS_2027 if d[5:7] != "10"], []), "2027-10-01"),  # 国庆
    ],
)
def test_a_bad_table_is_refused_naming_the_date_and_nothing_changes(
    db_path: Path, text: str, named: str
) -> None:
    service = _open(db_path, FrozenClock(sh(2026, 12, 28, 10)))
    try:
        before = event_count(db_path)
        with pytest.raises(DomainError) as refused:
            service.run(load_calendar_year, parse_year_table(text))
        assert named in str(refused.value)
        assert event_count(db_path) == before
        assert one(db_path, "SELECT count(*) FROM calendar_year")[0] == 0
        # and the official calendar still counts: National Day 2026 is no working day
        after = service.rules.deadline(sh(2026, 9, 30, 10), Limit.working_days(1))
        assert _local(after.replace(tzinfo=None)) == "2026-10-08 10:00"
    finally:
        service.close()


def _official_2026() -> YearTable:
    table = official_table(2026)
    assert table is not None
    return table


def _official_2026_with(extra_holiday: str) -> str:
    official = _official_2026()
    text = json.loads(year_table_to_json(official))
    text["holidays"] = sorted({*text["holidays"], extra_holiday})
    return json.dumps(text)


def test_a_table_contradicting_the_official_calendar_needs_a_supervisors_reason(db_path: Path) -> None:
    clock = FrozenClock(sh(2026, 3, 1, 10))
    text = _official_2026_with("2026-03-02")  # a Monday made a holiday
    desk = _desk(db_path, clock)
    try:
        before = event_count(db_path)
        with pytest.raises(DomainError) as refused:
            desk.run(load_calendar_year, parse_year_table(text))
        assert "2026-03-02" in str(refused.value)
        with pytest.raises(DomainError) as not_supervisor:
            desk.run(load_calendar_year, parse_year_table(text), override_reason="区里通知停工一天")
        assert "值班员" in str(not_supervisor.value) and "主任" in str(not_supervisor.value)
        assert event_count(db_path) == before
    finally:
        desk.close()
    supervisor = _open(db_path, clock, who="赵主任")
    try:
        supervisor.run(load_calendar_year, parse_year_table(text), override_reason="区里通知停工一天")
        assert supervisor.rules.overrides == {2026: "区里通知停工一天"}
        assert not supervisor.rules.calendar.is_workday(datetime(2026, 3, 2).date())
    finally:
        supervisor.close()
    loaded = one(db_path, "SELECT payload FROM event WHERE type = 'calendar.loaded'")
    assert json.loads(loaded[0])["override_reason"] == "区里通知停工一天"
    # a desk opened afterwards knows the override is in force (the header shows it)
    desk = SyncService.open(db_path, _settings(), clock)
    try:
        assert desk.rules.overrides == {2026: "区里通知停工一天"}
    finally:
        desk.close()
    # a table that agrees with the official one ends the override
    supervisor = _open(db_path, clock, who="赵主任")
    try:
        supervisor.run(load_calendar_year, parse_year_table(year_table_to_json(_official_2026())))
        assert supervisor.rules.overrides == {}
    finally:
        supervisor.close()


def test_an_override_reason_for_a_table_that_agrees_is_refused(db_path: Path) -> None:
    service = _open(db_path, FrozenClock(sh(2026, 3, 1, 10)))
    try:
        with pytest.raises(DomainError, match="2027"):
            service.run(load_calendar_year, TABLE_2027, override_reason="没必要")
    finally:
        service.close()


# --- finding 4: fallback deadlines are counted again ----------------------------------


def test_a_fallback_deadline_is_recomputed_when_the_table_arrives(db_path: Path) -> None:
    """15 working days from 2026-12-28 10:00: 2027-01-18 counted Monday–Friday (1 January a
    working Friday), 2027-01-19 once the 2027 table says 1 January is a holiday."""
    clock = FrozenClock(sh(2026, 12, 28, 10))
    service = _open(db_path, clock)
    try:
        case_id = service.run(receive_case, **CASE)
        stored = _handling(db_path, case_id)
        assert _local(stored["deadline"]) == "2027-01-18 10:00"
        assert json.loads(str(stored["calendar_basis"])) == {"2026": "official", "2027": "fallback"}
        assert 2027 in service.rules.fallback_years
        clock.advance(hours=2)
        recounted = service.run(load_calendar_year, TABLE_2027)
        assert recounted == 1
        again = _handling(db_path, case_id)
        assert _local(again["deadline"]) == "2027-01-19 10:00"
        assert json.loads(str(again["calendar_basis"])) == {"2026": "official", "2027": "local"}
        assert 2027 not in service.rules.fallback_years
        event = one(db_path, "SELECT payload FROM event WHERE type = 'clock.recomputed'")
        payload = json.loads(event[0])
        assert payload["from"].startswith("2027-01-18T02:00") and payload["years"] == [2027]
        with service.engine.connect() as conn:
            detail = case_detail(conn, case_id)
        assert any("01-18 10:00 → 01-19 10:00" in entry.text for entry in detail.timeline)
        assert verify(service.engine).ok
    finally:
        service.close()


def test_a_table_loaded_while_a_station_was_closed_is_caught_up_on_opening(tmp_path: Path) -> None:
    """Another desk (or a sync bundle from the district) brings the table; this station
    recounts its clocks the next time it opens or writes."""
    path = tmp_path / "desk.db"
    clock = FrozenClock(sh(2026, 12, 28, 10))
    service = _open(path, clock)
    try:
        case_id = service.run(receive_case, **CASE)
        # a table counts here only from this station or its district (issue 11)
        service.run(trust_station, "ST-DISTRICT", "ab" * 32, district=True)
    finally:
        service.close()
    # the table arrives as an event alone (as a bundle from elsewhere brings it)
    engine = open_sync(path)
    with engine.begin() as conn:
        writer = EventWriter(conn, "ST-DISTRICT", "区平台", clock)
        writer.emit("calendar.loaded", None, {"year": 2027, "table": TABLE_2027_TEXT, "origin": "local"})
    engine.dispose()
    assert _local(_handling(path, case_id)["deadline"]) == "2027-01-18 10:00"
    reopened = _open(path, clock)
    try:
        assert _local(_handling(path, case_id)["deadline"]) == "2027-01-19 10:00"
        assert one(path, "SELECT count(*) FROM event WHERE type = 'clock.recomputed'")[0] == 1
        assert 2027 not in reopened.rules.fallback_years
        assert verify(reopened.engine).ok
    finally:
        reopened.close()


def test_an_overdue_check_in_stays_late_when_its_deadline_is_recomputed(db_path: Path) -> None:
    """Two working days from Wednesday 2026-12-30 10:00 is Friday 1 January by the fallback;
    the table makes it Monday 4 January, but the check-in was overdue already at 12:00."""
    clock = FrozenClock(sh(2026, 12, 30, 10))
    service = _open(db_path, clock, _settings(regular=parse_limit("2wd")))
    try:
        case_id = service.run(receive_case, **CASE)
        service.run(transition, case_id, Action.TRIAGE)
        service.run(blow_whistle, case_id, grade=Grade.REGULAR, departments=["CGZF"])
        checkin = one(db_path, "SELECT id, deadline FROM checkin WHERE case_id = ?", case_id)
        assert _local(checkin["deadline"]) == "2027-01-01 10:00"
        clock.set(sh(2027, 1, 1, 12))
        service.run(load_calendar_year, TABLE_2027)
        kept = one(db_path, "SELECT deadline FROM checkin WHERE id = ?", checkin["id"])
        assert _local(kept["deadline"]) == "2027-01-01 10:00"
        query = "SELECT payload FROM event WHERE type = 'clock.recomputed'"
        recomputed = [json.loads(r[0]) for r in rows(db_path, query)]
        late = next(p for p in recomputed if p["late_kept"])
        assert late["computed"].startswith("2027-01-04T02:00")
        clock.set(sh(2027, 1, 1, 13))
        assert service.run(arrive, checkin["id"], person="李队") == 180
        assert verify(service.engine).ok
    finally:
        service.close()


def test_the_fallback_warning_covers_open_clocks_after_a_restart(tmp_path: Path) -> None:
    path = tmp_path / "desk.db"
    clock = FrozenClock(sh(2026, 12, 28, 10))
    service = _open(path, clock)
    try:
        service.run(receive_case, **CASE)
    finally:
        service.close()
    reopened = _open(path, clock)
    try:
        assert 2027 in reopened.rules.fallback_years
    finally:
        reopened.close()


# --- finding 5: working hours from the settings file ---------------------------------

SUMMER = """
[hours]
default = ["09:00-12:00", "13:30-17:30"]
friday = ["09:00-12:00", "13:30-16:30"]

[[hours.season]]
name = "夏季作息"
from = "05-01"
to = "09-30"
default = ["09:00-12:00", "14:00-18:00"]
"""


def test_working_hours_come_from_the_settings_file_and_stay_with_the_clock(tmp_path: Path) -> None:
    config = tmp_path / "config.toml"
    config.write_text(SUMMER, encoding="utf-8")
    settings = load_settings(config)
    settings.station_id = "ST-HOURS"
    settings.handling_limits[CATEGORY] = parse_limit("4wh")
    path = tmp_path / "desk.db"
    clock = FrozenClock(sh(2026, 6, 1, 9))  # a Monday in summer
    service = SyncService.open(path, settings, clock)
    try:
        summer = service.run(receive_case, **CASE)
        clock.set(sh(2026, 11, 6, 9))  # a Friday in winter
        friday = service.run(receive_case, **CASE)
    finally:
        service.close()
    assert _local(_handling(path, summer)["deadline"]) == "2026-06-01 15:00"  # 3h + 14:00–15:00
    assert _local(_handling(path, friday)["deadline"]) == "2026-11-06 14:30"
    recorded = json.loads(str(_handling(path, summer)["work_hours"]))
    assert recorded["name"] == "夏季作息"
    assert recorded["days"][0] == [["09:00", "12:00"], ["14:00", "18:00"]]
    # another station with the default settings reads the same clock the same way
    default = SyncService.open(path, Settings(station_id="ST-HOURS"), FrozenClock(sh(2026, 6, 1, 14, 30)))
    try:
        with default.engine.connect() as conn:
            clock_view = next(c for c in case_detail(conn, summer).clocks if c.kind == "handling")
        state = clock_view.state(sh(2026, 6, 1, 14, 30), default.rules.calendar, SH)
        assert state.fraction == (3 * 60 + 30) / (4 * 60)  # 13:30–14:00 is no working time in summer
        assert verify(default.engine).ok
    finally:
        default.close()


@pytest.mark.parametrize(
    ("text", "where"),
    [
        ('[hours]\ndefault = ["09:00-12:00", "11:00-17:00"]', "hours"),
        ('[hours]\ndefault = ["9-12"]', "hours"),
        ('[hours]\nfriyday = ["09:00-12:00"]', "hours.friyday"),
        ('[[hours.season]]\nfrom = "05-01"\nto = "13-01"\ndefault = ["09:00-12:00"]', "hours.season[1]"),
    ],
)
def test_bad_working_hours_in_the_settings_are_named(tmp_path: Path, text: str, where: str) -> None:
    config = tmp_path / "config.toml"
    config.write_text(text, encoding="utf-8")
    with pytest.raises(DomainError) as refused:
        load_settings(config)
    assert where in str(refused.value)


# --- the command line ------------------------------------------------------------------


def test_the_command_line_refuses_an_empty_table_in_one_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "desk.db"
    assert main(["init", "--db", str(path), "--operator", "赵主任"]) == 0
    capsys.readouterr()
    before = event_count(path)
    table = tmp_path / "2027.json"
    table.write_text(table_text(2027, [], []), encoding="utf-8")
    assert main(["calendar", str(table), "--db", str(path), "--operator", "赵主任"]) != 0
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "2027" in err[0] and "Traceback" not in err[0]
    # nothing but the supervisor's sign-in is recorded
    added = rows(path, "SELECT type FROM event ORDER BY rowid LIMIT -1 OFFSET ?", before)
    assert [r[0] for r in added] == ["operator.signed_in"]


def test_the_command_line_overrides_the_official_calendar_for_a_supervisor(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "desk.db"
    assert main(["init", "--db", str(path), "--operator", "赵主任"]) == 0
    assert main(["operator", "值班员", "--role", "operator", "--db", str(path), "--operator", "赵主任"]) == 0
    table = tmp_path / "2026.json"
    table.write_text(_official_2026_with("2026-03-02"), encoding="utf-8")
    capsys.readouterr()
    assert main(["calendar", str(table), "--db", str(path), "--operator", "值班员"]) != 0
    assert "2026-03-02" in capsys.readouterr().err
    args = ["calendar", str(table), "--db", str(path), "--operator", "值班员", "--override", "停工"]
    assert main(args) != 0
    assert one(path, "SELECT count(*) FROM calendar_year")[0] == 0
    args = ["calendar", str(table), "--db", str(path), "--operator", "赵主任", "--override", "停工"]
    assert main(args) == 0
    assert "停工" in capsys.readouterr().out
    assert one(path, "SELECT override_reason FROM calendar_year WHERE year = 2026")[0] == "停工"


def test_the_readme_example_of_summer_hours_is_a_valid_settings_file(tmp_path: Path) -> None:
    readme = (Path(__file__).parents[2] / "README.md").read_text(encoding="utf-8")
    section = readme.split("### Working hours", 1)[1]
    example = section.split("```toml", 1)[1].split("```", 1)[0]
    config = tmp_path / "config.toml"
    config.write_text(example, encoding="utf-8")
    hours = load_settings(config).hours
    assert hours.in_force(datetime(2026, 7, 1).date()).periods(2)[1] == (time(14, 0), time(18, 0))
    assert hours.in_force(datetime(2026, 11, 6).date()).periods(4)[1] == (time(13, 30), time(16, 30))
