"""The assessment's figures, built through the real commands and recounted by plain SQL."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from fractions import Fraction
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from data.read.assessment import Figure, behind_figure, scorecards
from data.read.station_rates import station_rates
from data.service import SyncService
from data.write.commands.cases import transition
from data.write.commands.checkins import act, arrive, extend_clock, pause, rate, release
from data.write.commands.reference import upsert_department
from data.write.commands.reinspections import record_result
from models.assessment import Ratio, Weights, composite, hmm, ranked
from models.clock import FrozenClock
from models.deadlines import parse_limit
from models.enums import CheckInStatus, ReinspectionResult
from models.errors import ValidationError
from models.lifecycle import Action
from models.periods import PeriodKind, day_period, month_period, parse_period, week_period
from tests.unit.support import ACTION_ARGS, new_case, rows, whistle

TZ = ZoneInfo("Asia/Shanghai")


def checkins_of(path: Path, case_id: str) -> dict[str, str]:
    return {
        r["department_code"]: r["id"] for r in rows(path, "SELECT * FROM checkin WHERE case_id = ?", case_id)
    }


def clock_of(path: Path, checkin_id: str) -> str:
    return str(rows(path, "SELECT clock_id FROM checkin WHERE id = ?", checkin_id)[0][0])


# -- periods --------------------------------------------------------------------------------------


def test_periods_parse_and_step() -> None:
    today = date(2026, 12, 1)
    assert parse_period("2026-11", today) == month_period(date(2026, 11, 1))
    assert parse_period("2026-W48", today) == week_period(date(2026, 11, 23))
    assert parse_period("2026-Q4", today).first == date(2026, 10, 1)
    assert parse_period("2026-Q4", today).after == date(2027, 1, 1)
    assert parse_period("2026", today).days == 365
    assert parse_period("month", today).key == "2026-12"
    assert parse_period("2026-11-01..2026-11-15", today).days == 15
    assert month_period(date(2026, 1, 9)).previous().key == "2025-12"
    assert week_period(date(2026, 1, 1)).key == "2026-W01"
    assert [p.key for p in month_period(date(2026, 2, 1)).trail(3)] == ["2025-12", "2026-01", "2026-02"]
    assert parse_period("2026-11-01..2026-11-15", today).next().first == date(2026, 11, 16)
    for bad in ("2026-13", "november", "2026-11-15..2026-11-01", "2026-W60"):
        with pytest.raises(ValidationError):
            parse_period(bad, today)


def test_period_bounds_are_the_station_days() -> None:
    start, end = month_period(date(2026, 11, 1)).bounds(TZ)
    assert start == datetime(2026, 10, 31, 16, 0, tzinfo=UTC)
    assert end == datetime(2026, 11, 30, 16, 0, tzinfo=UTC)
    assert day_period(date(2026, 11, 30)).kind is PeriodKind.DAY


# -- the arithmetic ---------------------------------------------------------------------------------


def test_ratio_of_nothing_is_a_dash_never_zero() -> None:
    assert Ratio(0, 0).pct() == "—"
    assert Ratio(0, 0).value is None
    assert Ratio(1, 3).pct() == "33.3%"
    assert str(Ratio(2, 4)) == "2/4 50.0%"


def test_composite_leaves_out_a_part_with_no_data_and_deducts_rework() -> None:
    w = Weights()
    assert composite(Fraction(1), Fraction(1), Fraction(1), 0, w) == 100
    # no ratings: 来没来 and 干没干 scaled to 100
    assert composite(Fraction(1), Fraction(0), None, 0, w) == Fraction(40 * 100, 70)
    assert composite(Fraction(1), Fraction(1), Fraction(1), 3, w) == 94
    assert composite(None, None, None, 0, w) is None
    assert composite(Fraction(0), Fraction(0), Fraction(0), 5, w) == 0
    assert "40×来没来" in w.formula()
    assert "0.5×迟到" in w.formula()


def test_ranks_share_equal_scores() -> None:
    assert ranked({"A": Fraction(90), "B": Fraction(95), "C": Fraction(90), "D": None}) == {
        "B": 1,
        "A": 2,
        "C": 2,
    }


def test_minutes_as_hours_and_minutes() -> None:
    assert hmm(626) == "10:26"
    assert hmm(5.4) == "0:05"
    assert hmm(None) == "—"


# -- scorecards from a database made through the commands -----------------------------------------

# 2026-11-30 10:00 in Shanghai, a Monday
MON = datetime(2026, 11, 30, 2, 0, tzinfo=UTC)


@pytest.fixture
def svc(db_path: Path, settings: object, clock: FrozenClock) -> object:
    clock.set(MON)
    service = SyncService.open(db_path, settings, clock)  # type: ignore[arg-type]
    yield service
    service.close()


def stored(at: datetime) -> str:
    """A time as the tables keep it: naive UTC text."""
    return at.astimezone(UTC).replace(tzinfo=None).isoformat(sep=" ")


def recount(path: Path, department: str, start: datetime, end: datetime, now: datetime) -> dict[str, int]:
    """The same figures by hand, from the raw tables."""
    found = rows(
        path,
        "SELECT ci.* FROM checkin ci JOIN whistle w ON w.id = ci.whistle_id "
        "WHERE ci.department_code = ? AND w.blown_at >= ? AND w.blown_at < ?",
        department,
        stored(start),
        stored(end),
    )
    figures = {"summoned": len(found), "on_time": 0, "late": 0, "absent": 0, "withdrawn": 0, "pending": 0}
    for r in found:
        if r["status"] == CheckInStatus.WITHDRAWN.value:
            figures["withdrawn"] += 1
        elif r["arrived_at"] is not None:
            figures["late" if r["late_minutes"] else "on_time"] += 1
        elif r["deadline"] <= stored(now):
            figures["absent"] += 1
        else:
            figures["pending"] += 1
    return figures


def test_scorecard_counts_every_outcome_and_matches_a_recount(
    svc: SyncService, clock: FrozenClock, db_path: Path
) -> None:
    run = svc.run
    # on time, acted, rated 5
    a = new_case(run)
    run(transition, a, Action.TRIAGE)
    whistle(run, a, ["CGZF", "SCJG"])
    ci = checkins_of(db_path, a)
    clock.advance(minutes=10)
    run(arrive, ci["CGZF"], person="张队")
    run(act, ci["CGZF"], action="劝离摊贩", result="已清理")
    run(rate, ci["CGZF"], rating=5, reason="及时")
    # SCJG late: arrives 40 minutes after the whistle on a 30-minute urgent deadline
    clock.advance(minutes=30)
    run(arrive, ci["SCJG"], person="李所")
    run(act, ci["SCJG"], action="检查证照", result="已立案")
    run(rate, ci["SCJG"], rating=3, reason="迟到")
    # XF arrives on time and records nothing: 干没干 counts it
    d = new_case(run)
    run(transition, d, Action.TRIAGE)
    whistle(run, d, ["XF"])
    clock.advance(minutes=3)
    run(arrive, checkins_of(db_path, d)["XF"], person="消防")
    # an absent one: GA never arrives and its deadline passes
    b = new_case(run)
    run(transition, b, Action.TRIAGE)
    whistle(run, b, ["GA"])
    clock.advance(minutes=45)
    # a pending one: summoned now, still within its deadline
    c = new_case(run)
    run(transition, c, Action.TRIAGE)
    whistle(run, c, ["GA"])
    now = clock.now()
    period = month_period(date(2026, 11, 1))
    with svc.engine.connect() as conn:
        result = scorecards(conn, period, now, TZ)
    cards = {card.department: card for card in result.cards}
    start, end = period.bounds(TZ)
    for code in ("CGZF", "SCJG", "GA", "XF"):
        card = cards[code]
        expected = recount(db_path, code, start, end, now)
        got = {k: getattr(card, k) for k in expected}
        assert got == expected, code
    assert cards["CGZF"].on_time_rate == Ratio(1, 1)
    assert cards["SCJG"].late == 1 and cards["SCJG"].on_time_rate == Ratio(0, 1)
    # a summons not yet due counts in neither part
    assert cards["GA"].absent == 1 and cards["GA"].pending == 1
    assert cards["GA"].on_time_rate == Ratio(0, 1)
    assert cards["CGZF"].action_rate == Ratio(1, 1)
    assert cards["SCJG"].action_rate == Ratio(1, 1)
    assert cards["XF"].action_rate == Ratio(0, 1)
    assert cards["SCJG"].mean_rating == 3
    assert cards["CGZF"].mean_minutes == 10
    assert cards["CGZF"].score == 100
    assert cards["GA"].score == 0
    assert result.cards[0].rank == 1
    # every figure opens the check-ins behind it
    with svc.engine.connect() as conn:
        late = behind_figure(conn, period, now, TZ, "SCJG", Figure.LATE)
        absent = behind_figure(conn, period, now, TZ, "GA", Figure.ABSENT)
        pending = behind_figure(conn, period, now, TZ, "GA", Figure.PENDING)
    assert [s.checkin_id for s in late] == [ci["SCJG"]]
    assert [s.case_id for s in absent] == [b]
    assert [s.case_id for s in pending] == [c]


def test_withdrawn_summons_are_apart_and_not_counted_against(
    svc: SyncService, clock: FrozenClock, db_path: Path
) -> None:
    run = svc.run
    a = new_case(run)
    run(transition, a, Action.TRIAGE)
    whistle(run, a, ["CGZF", "SCJG"])
    ci = checkins_of(db_path, a)
    clock.advance(minutes=5)
    run(arrive, ci["CGZF"], person="张队")
    run(act, ci["CGZF"], action="劝离", result="已清理")
    run(release, ci["CGZF"])
    run(transition, a, Action.DISPOSE)
    run(transition, a, Action.FEEDBACK, **ACTION_ARGS)
    run(transition, a, Action.CLOSE, reason="已办结，不再需要到场")
    now = clock.now()
    period = month_period(date(2026, 11, 1))
    with svc.engine.connect() as conn:
        cards = {card.department: card for card in scorecards(conn, period, now, TZ).cards}
        rates = station_rates(conn, period, now, TZ)
    assert cards["SCJG"].withdrawn == 1
    assert cards["SCJG"].absent == 0
    assert cards["SCJG"].on_time_rate == Ratio(0, 0)
    assert cards["SCJG"].score is None and cards["SCJG"].rank is None
    assert rates.withdrawn == 1
    assert rates.on_time == Ratio(1, 1)


def test_a_check_in_late_in_the_evening_belongs_to_its_station_day(
    svc: SyncService, clock: FrozenClock, db_path: Path
) -> None:
    # 2026-11-30 23:30 in Shanghai is 15:30 UTC, still November there
    clock.set(datetime(2026, 11, 30, 15, 30, tzinfo=UTC))
    run = svc.run
    a = new_case(run)
    run(transition, a, Action.TRIAGE)
    whistle(run, a, ["CGZF"])
    now = clock.now() + timedelta(hours=2)
    with svc.engine.connect() as conn:
        november = scorecards(conn, month_period(date(2026, 11, 1)), now, TZ).cards
        december = scorecards(conn, month_period(date(2026, 12, 1)), now, TZ).cards
    assert [c.summoned for c in november if c.department == "CGZF"] == [1]
    assert all(c.department != "CGZF" for c in december)


def test_an_empty_period_shows_dashes(svc: SyncService, clock: FrozenClock) -> None:
    with svc.engine.connect() as conn:
        result = scorecards(conn, month_period(date(2025, 1, 1)), clock.now(), TZ)
        rates = station_rates(conn, month_period(date(2025, 1, 1)), clock.now(), TZ)
    assert result.cards == []
    for ratio in (rates.closure, rates.on_time_closure, rates.rework, rates.whistle, rates.on_time):
        assert ratio.pct() == "—"


def test_pauses_and_extensions_are_counted_with_their_time(
    svc: SyncService, clock: FrozenClock, db_path: Path
) -> None:
    run = svc.run
    a = new_case(run)
    run(transition, a, Action.TRIAGE)
    whistle(run, a, ["CGZF"])
    ci = checkins_of(db_path, a)
    clock_id = clock_of(db_path, ci["CGZF"])
    clock.advance(minutes=5)
    run(extend_clock, clock_id, by=parse_limit("30m"), reason="路远")
    run(pause, clock_id, reason="等待审批")
    now = clock.now()
    with svc.engine.connect() as conn:
        card = next(c for c in scorecards(conn, month_period(date(2026, 11, 1)), now, TZ).cards)
    assert card.extensions == 1
    assert card.extended_minutes == 30
    assert card.pauses == 1


def test_rework_is_charged_to_every_department_that_handled_the_case(
    svc: SyncService, clock: FrozenClock, db_path: Path
) -> None:
    run = svc.run
    a = new_case(run)
    run(transition, a, Action.TRIAGE)
    whistle(run, a, ["CGZF", "SCJG", "GA"])
    ci = checkins_of(db_path, a)
    clock.advance(minutes=5)
    for code in ("CGZF", "SCJG"):
        run(arrive, ci[code], person="某人")
        run(act, ci[code], action="处置", result="完成")
        run(release, ci[code])
    clock.advance(minutes=40)  # GA never came: it is not charged with the rework
    run(transition, a, Action.DISPOSE)
    run(transition, a, Action.FEEDBACK, **ACTION_ARGS)
    run(transition, a, Action.CLOSE, reason="已办结，不再需要到场")
    item = rows(db_path, "SELECT id FROM reinspection WHERE case_id = ?", a)[0][0]
    clock.advance(hours=2)
    run(record_result, item, result=ReinspectionResult.RELAPSE, inspector="王")
    now = clock.now()
    period = month_period(date(2026, 11, 1))
    with svc.engine.connect() as conn:
        cards = {c.department: c for c in scorecards(conn, period, now, TZ).cards}
        rates = station_rates(conn, period, now, TZ)
        behind = behind_figure(conn, period, now, TZ, "SCJG", Figure.REWORK)
    assert cards["CGZF"].rework == 1 and cards["SCJG"].rework == 1
    assert cards["GA"].rework == 0
    assert cards["CGZF"].score == 100 - 2
    assert rates.rework == Ratio(1, 1)
    assert [s.case_id for s in behind] == [a]


def test_a_department_made_inactive_mid_period_keeps_its_record(
    svc: SyncService, clock: FrozenClock, db_path: Path
) -> None:
    run = svc.run
    a = new_case(run)
    run(transition, a, Action.TRIAGE)
    whistle(run, a, ["SCJG"])
    ci = checkins_of(db_path, a)
    clock.advance(minutes=5)
    run(arrive, ci["SCJG"], person="李所")
    dept = rows(db_path, "SELECT * FROM department WHERE code = 'SCJG'")[0]
    run(
        upsert_department,
        code="SCJG",
        name=dept["name"],
        name_en=dept["name_en"],
        mode=dept["mode"],
        active=False,
    )
    with svc.engine.connect() as conn:
        card = next(c for c in scorecards(conn, month_period(date(2026, 11, 1)), clock.now(), TZ).cards)
    assert card.department == "SCJG" and card.on_time == 1 and not card.active


def test_station_rates_keep_open_overdue_cases_in_the_denominator(
    svc: SyncService, clock: FrozenClock, db_path: Path
) -> None:
    run = svc.run
    closed = new_case(run)
    run(transition, closed, Action.TRIAGE)
    run(transition, closed, Action.DISPATCH)
    run(transition, closed, Action.FEEDBACK, **ACTION_ARGS)
    run(transition, closed, Action.CLOSE)
    still_open = new_case(run)
    run(transition, still_open, Action.TRIAGE)
    # street_vending is handled within a short limit: move past both deadlines
    deadlines = {
        r["case_id"]: r["deadline"] for r in rows(db_path, "SELECT * FROM clock WHERE kind = 'handling'")
    }
    assert set(deadlines) == {closed, still_open}
    clock.set(
        max(datetime.fromisoformat(d).replace(tzinfo=UTC) for d in deadlines.values()) + timedelta(minutes=1)
    )
    period = parse_period("2026-11-30..2026-12-31", date(2026, 12, 1))
    with svc.engine.connect() as conn:
        rates = station_rates(conn, period, clock.now(), TZ)
    assert rates.closure == Ratio(1, 2)
    assert rates.on_time_closure == Ratio(1, 2)
    assert rates.received == 2


# -- the command line and the settings -------------------------------------------------------------


def test_report_commands_print_and_write_every_format(
    demo_db: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from tui.cli import main

    assert main(["--db", str(demo_db), "report", "scorecard", "--period", "2026-03"]) == 0
    out = capsys.readouterr().out
    assert "# 部门考核 2026-03" in out and "40×来没来" in out and "| 1 |" in out
    target = tmp_path / "rates.csv"
    assert (
        main(
            [
                "--db",
                str(demo_db),
                "report",
                "rates",
                "--period",
                "2026-Q1",
                "--format",
                "csv",
                "--out",
                str(target),
            ]
        )
        == 0
    )
    data = target.read_bytes()
    assert data.startswith("\ufeff".encode())
    assert "按期结案率" in data.decode("utf-8-sig")
    page = tmp_path / "scores.html"
    assert (
        main(
            [
                "--db",
                str(demo_db),
                "--lang",
                "en",
                "report",
                "scorecard",
                "--period",
                "2026-03",
                "--format",
                "html",
                "--out",
                str(page),
            ]
        )
        == 0
    )
    assert "<table>" in page.read_text(encoding="utf-8") and "@page" in page.read_text(encoding="utf-8")


def test_a_bad_period_is_one_line_and_writes_nothing(
    demo_db: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from tui.cli import main

    target = tmp_path / "x.md"
    assert (
        main(["--db", str(demo_db), "report", "scorecard", "--period", "2026-13", "--out", str(target)]) == 2
    )
    err = capsys.readouterr().err
    assert "2026-13" in err and len(err.strip().splitlines()) == 1
    assert not target.exists()


def test_weights_come_from_the_settings_file(tmp_path: Path) -> None:
    from data.settings import SettingsError, load_settings

    path = tmp_path / "config.toml"
    path.write_text(
        "[assessment]\ncame = 50\nacted = 25\nquality = 25\nlate_credit = 0.25\nrework_points = 3\n"
    )
    weights = load_settings(path).weights
    assert (weights.came, weights.acted, weights.quality) == (50, 25, 25)
    assert weights.late_credit == Fraction(1, 4) and weights.rework_points == 3
    assert "50×来没来" in weights.formula()
    path.write_text("[assessment]\nlate_credit = 2\n")
    with pytest.raises(SettingsError):
        load_settings(path)
    path.write_text("[assessment]\ncame = 0\nacted = 0\nquality = 0\n")
    with pytest.raises(SettingsError):
        load_settings(path)


def test_the_monthly_report_holds_every_section_and_its_charts(
    demo_db: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from tui.cli import main

    page = tmp_path / "monthly.html"
    assert (
        main(
            [
                "--db",
                str(demo_db),
                "report",
                "monthly",
                "--period",
                "2026-02",
                "--format",
                "html",
                "--out",
                str(page),
            ]
        )
        == 0
    )
    text = page.read_text(encoding="utf-8")
    for title in (
        "月报 2026-02",
        "本站指标",
        "近 12 期走势",
        "部门考核",
        "问题来源社区",
        "问题类别",
        "超期未结",
        "返工",
        "会商决定",
        "回头看结果",
    ):
        assert title in text, title
    assert text.count("<svg") == 6
    assert main(["--db", str(demo_db), "--lang", "en", "report", "weekly", "--period", "2026-W09"]) == 0
    out = capsys.readouterr().out
    assert "# Weekly report 2026-W09" in out and "Relapses found at re-inspection" in out


def test_the_scorecard_workbook_keeps_numbers_as_numbers_and_rates_as_percentages(
    demo_db: Path, tmp_path: Path
) -> None:
    from openpyxl import load_workbook

    from tui.cli import main

    book_path = tmp_path / "scores.xlsx"
    assert (
        main(
            [
                "--db",
                str(demo_db),
                "report",
                "monthly",
                "--period",
                "2026-03",
                "--format",
                "xlsx",
                "--out",
                str(book_path),
            ]
        )
        == 0
    )
    book = load_workbook(book_path)
    scores = next(book[name] for name in book.sheetnames if name.startswith("部门考核"))
    header = [c.value for c in scores[1]]
    first = [c for c in scores[2]]
    summoned = first[header.index("召集")]
    rate = first[header.index("报到及时率")]
    assert isinstance(summoned.value, int) and summoned.value > 0
    # a number (100% reads back as the whole number 1), shown as a percentage
    assert isinstance(rate.value, int | float) and 0 <= rate.value <= 1 and rate.number_format == "0.0%"
    rates = next(book[name] for name in book.sheetnames if name.startswith("本站指标"))
    values = {row[0].value: row[1] for row in rates.iter_rows(min_row=2)}
    assert values["按期结案率"].number_format == "0.0%"
    assert main(["--db", str(demo_db), "report", "rates", "--format", "xlsx"]) == 2
