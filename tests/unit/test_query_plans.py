"""The hot statements use the index they were written for (``EXPLAIN QUERY PLAN``), so a schema
change that loses one fails here, without timing anything. Each statement is caught as the
read or the apply runs it, then explained with the same parameters."""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import Connection, event
from sqlalchemy.dialects.sqlite import dialect as sqlite_dialect

from data.read.areas import Area, AreaFigure, area_cards, behind_area
from data.read.assessment import Figure, behind_figure, clock_history, scorecards
from data.read.behind import Behind
from data.read.board import board
from data.read.escalation import reached_steps
from data.read.periodic import periodic_facts
from data.read.queue import QueueFilter, queue_counts, queue_window
from data.read.station_rates import station_rates
from data.read.summons import summonses
from data.read.totals import totals_usable
from data.read.trends import trend
from data.service import SyncService
from data.store.apply.cases import _case_clocks
from data.store.eventlog import LINE_PAGE, SEALED_PAGE
from data.store.schema import SCHEMA_VERSION, STEPS, upgrade
from data.store.schema_steps_assess import V16_ASSESSMENT_INDEXES
from data.store.schema_steps_desk import V14_SCALE_INDEXES
from data.store.verify import Report, check_chain
from data.sync.export import export_bundle
from data.sync.importer import import_bundle
from data.write.commands.cases import blow_whistle, transition
from data.write.commands.checkins import arrive
from data.write.commands.district import is_district
from models.clock import FrozenClock
from models.enums import CaseStatus as S
from models.enums import Grade
from models.lifecycle import Action
from models.periods import Period, PeriodKind
from tests.unit.support import SECRET, as_supervisor, case_in, paged
from tests.unit.sync_support import new_case, open_station, trust_each_other
from tests.unit.test_sync_roundtrip import NOW, busy_case

SH = ZoneInfo("Asia/Shanghai")
SAME_DAYS = ZoneInfo("Etc/GMT-8")  # Shanghai's days under another name: read from the rows


@contextmanager
def caught(sync_service: SyncService) -> Iterator[list[tuple[str, Any]]]:
    statements: list[tuple[str, Any]] = []

    def keep(conn: Any, cursor: Any, statement: str, parameters: Any, context: Any, many: bool) -> None:
        statements.append((statement, parameters))

    event.listen(sync_service.engine, "before_cursor_execute", keep)
    try:
        yield statements
    finally:
        event.remove(sync_service.engine, "before_cursor_execute", keep)


def plans(db_path: Path, statements: list[tuple[str, Any]], *needles: str) -> list[str]:
    """The query plans (one string each) of the caught statements that contain all ``needles``."""
    out = []
    with sqlite3.connect(db_path) as conn:
        for statement, parameters in statements:
            if all(n in statement for n in needles):
                rows = conn.execute("EXPLAIN QUERY PLAN " + statement, parameters).fetchall()
                out.append(" | ".join(str(r[3]) for r in rows))
    assert out, f"no statement with {needles}"
    return out


def read(sync_service: SyncService, fn: Callable[[Connection], Any]) -> list[tuple[str, Any]]:
    with caught(sync_service) as statements, sync_service.engine.connect() as conn:
        fn(conn)
    return statements


def _cases(sync_service: SyncService) -> str:
    run = sync_service.run
    case_in(run, S.TRIAGE)
    case_id = case_in(run, S.TRIAGE, address="东四北大街 12 号")
    run(blow_whistle, case_id, grade=Grade.URGENT, departments=["XF", "GA"])
    return case_id


def test_the_queue_window_and_counts_walk_the_queue_indexes(sync_service, clock, db_path) -> None:  # type: ignore[no-untyped-def]
    _cases(sync_service)
    clock.advance(hours=2)  # the urgent whistle's check-ins overdue: both segments are read
    now = clock.now()

    def window(conn: Connection) -> None:
        counts = queue_counts(conn, now, QueueFilter())
        queue_window(conn, now, QueueFilter(), 0, 50, counts)

    statements = read(sync_service, window)
    counts = plans(db_path, statements, "count(*)", "queue_key")
    assert all("COVERING INDEX ix_queue_" in p and "(open=? AND next_checkin" in p for p in counts), counts
    ordered = plans(db_path, statements, "FROM queue_key", "ORDER BY")
    assert any("ix_queue_checkin" in p for p in ordered), ordered  # the overdue segment
    assert any("ix_queue_rest" in p for p in ordered), ordered  # the rest
    assert all("TEMP B-TREE" not in p for p in ordered), ordered  # no sort: the index's order


def test_the_queue_rows_read_the_windows_cases_by_their_own_indexes(sync_service, clock, db_path) -> None:  # type: ignore[no-untyped-def]
    """A window's 40 rows are read by their cases' ids: the handling clocks were read with
    their kind in the condition, and SQLite walked every handling clock of the file for each
    window (a second a key at a million cases)."""
    _cases(sync_service)
    now = clock.now()
    statements = read(sync_service, lambda conn: queue_window(conn, now, QueueFilter(), 0, 50))
    by_case = plans(db_path, statements, "IN (")
    assert all("SCAN" not in p and "ix_clock_kind" not in p for p in by_case), by_case
    clocks = plans(db_path, statements, "FROM clock", "IN (")
    assert all("(case_id=?" in p for p in clocks), clocks


def test_a_windows_handling_clocks_are_read_by_the_open_clock_index(sync_service, clock, db_path) -> None:  # type: ignore[no-untyped-def]
    """Only the running clocks of a window's cases are read, by (case_id, stopped_at): every
    clock of each case was read and the stopped ones (half of them at a million cases) thrown
    away in Python."""
    _cases(sync_service)
    now = clock.now()
    statements = read(sync_service, lambda conn: queue_window(conn, now, QueueFilter(), 0, 50))
    clocks = plans(db_path, statements, "FROM clock", "IN (")
    assert clocks and all("ix_clock_open (case_id=? AND stopped_at=?)" in p for p in clocks), clocks


def test_a_search_reads_the_full_text_index_by_rowid(sync_service, clock, db_path) -> None:  # type: ignore[no-untyped-def]
    _cases(sync_service)
    now = clock.now()
    statements = read(sync_service, lambda conn: queue_window(conn, now, QueueFilter(search="号"), 0, 50))
    found = plans(db_path, statements, "MATCH")
    assert all("VIRTUAL TABLE INDEX" in p for p in found), found  # case_search by its FTS index
    assert all("SCAN case_search_key" not in p for p in found), found  # its key by rowid


def test_a_search_of_the_open_queue_asks_the_open_cases_index_only(sync_service, clock, db_path) -> None:  # type: ignore[no-untyped-def]
    """However many cases of the history match (号: every address), the live queue's search
    reads the open cases' index; with the closed cases shown it reads every case's."""
    _cases(sync_service)
    now = clock.now()
    statements = read(sync_service, lambda conn: queue_window(conn, now, QueueFilter(search="号"), 0, 50))
    found = plans(db_path, statements, "MATCH")
    assert all("SCAN open_search VIRTUAL TABLE INDEX" in p for p in found), found
    assert not any("case_search VIRTUAL" in p for p in found), found
    statements = read(
        sync_service, lambda conn: queue_window(conn, now, QueueFilter(search="号", closed=True), 0, 50)
    )
    found = plans(db_path, statements, "MATCH")
    assert all("open_search" not in p for p in found), found


def test_the_board_reads_by_its_three_indexes(sync_service, clock, db_path) -> None:  # type: ignore[no-untyped-def]
    _cases(sync_service)
    statements = read(sync_service, lambda conn: board(conn, clock.now(), SH))
    (plan,) = plans(db_path, statements, "FROM checkin", "UNION")
    for index in ("ix_checkin_status", "ix_checkin_released", "ix_whistle_blown"):
        assert index in plan, plan


def test_ending_a_case_updates_its_check_ins_by_the_case_index(db_path, settings, clock) -> None:  # type: ignore[no-untyped-def]
    """no_show / withdrawn / the clocks on a case's end: by the case, never by walking every
    summoned check-in of the station through ix_checkin_status."""
    SyncService.open(db_path, settings, clock, "值班员").close()
    values = {"case": "c", "at": "2026-01-01 00:00:00.000000", "reason": "r"}
    with sqlite3.connect(db_path) as conn:
        for name, statement in _case_clocks().items():
            compiled = statement.compile(dialect=sqlite_dialect())
            params = compiled.construct_params(values)
            sql = str(compiled)
            rows = conn.execute("EXPLAIN QUERY PLAN " + sql, [params[k] for k in compiled.positiontup or ()])
            plan = " | ".join(str(r[3]) for r in rows)
            expected = "ix_checkin_case_status" if "UPDATE checkin" in sql else "ix_clock_open"
            assert f"INDEX {expected} (case_id=?" in plan, (name, plan)


def test_the_assessment_reads_summonses_by_whistle_time_then_by_case(sync_service, clock, db_path) -> None:  # type: ignore[no-untyped-def]
    _cases(sync_service)
    today = clock.now().astimezone(SH).date()
    period = Period(PeriodKind.DAY, today, today + timedelta(days=1))
    statements = read(sync_service, lambda conn: summonses(conn, period, SH))
    (plan,) = plans(db_path, statements, "FROM whistle", "blown_at")
    assert "SEARCH whistle USING INDEX ix_whistle_blown" in plan, plan
    assert "SEARCH checkin USING INDEX ix_checkin_case" in plan, plan


BIG_TABLES = ("case_file", "checkin", "clock", "whistle", "event", "reinspection")


def _report(sync_service: SyncService, clock: Any) -> list[tuple[str, Any]]:
    """Every statement of view 5 and the reports: scorecards, the station's rates, the trend,
    communities and categories, and the lists behind their figures."""
    case_id = _cases(sync_service)
    clock.advance(hours=2)
    now = clock.now()
    today = now.astimezone(SH).date()
    period = Period(PeriodKind.MONTH, today.replace(day=1), today + timedelta(days=1))

    def everything(conn: Connection) -> None:
        for tz in (SH, SAME_DAYS):  # from the running totals, and from the rows
            scorecards(conn, period, now, tz)
            station_rates(conn, period, now, tz)
            trend(conn, period, now, tz, count=2)
            for figure in (Figure.ABSENT, Figure.RATED, Figure.REWORK, Figure.CORRECTED):
                behind_figure(conn, period, now, tz, "XF", figure)
                paged(conn, Behind(period, now, tz, figure, department="XF", page_size=1))
            for area in Area:
                area_cards(conn, period, now, tz, area)
            for area_figure in (
                AreaFigure.RECEIVED,
                AreaFigure.WHISTLED,
                AreaFigure.RELAPSED,
                AreaFigure.ABSENT,
            ):
                behind_area(conn, period, now, tz, Area.COMMUNITY, "东四社区", area_figure)
                behind = Behind(
                    period, now, tz, area_figure, area=Area.COMMUNITY, key="东四社区", page_size=1
                )
                paged(conn, behind)
        clock_history(conn, [case_id])

    return read(sync_service, everything)


def test_no_report_figure_walks_a_whole_table(sync_service, clock, db_path) -> None:  # type: ignore[no-untyped-def]
    """An index lost (or a new figure written without one) shows up as a SCAN of a table that
    grows with the cases; only the departments (reference data) may be read whole."""
    statements = _report(sync_service, clock)
    for plan in plans(db_path, statements, "SELECT"):
        for table in BIG_TABLES:
            assert f"SCAN {table}" not in plan, plan


def test_the_report_figures_read_by_the_indexes_they_were_written_for(sync_service, clock, db_path) -> None:  # type: ignore[no-untyped-def]
    statements = _report(sync_service, clock)
    (due,) = set(plans(db_path, statements, "FROM clock JOIN case_file", "clock.deadline >="))
    assert "SEARCH clock USING INDEX ix_clock_kind_deadline (kind=? AND deadline>? AND deadline<?)" in due
    (disposed,) = set(plans(db_path, statements, "case_file.feedback_at >="))
    assert "ix_case_feedback (feedback_at>? AND feedback_at<?)" in disposed
    received = plans(db_path, statements, "case_file.received_at >=", "GROUP BY")
    assert all("ix_case_received (received_at>? AND received_at<?)" in p for p in received), received
    history = plans(db_path, statements, "FROM event", "event.subject IN")
    assert all("ix_event_subject" in p for p in history), history


def test_the_running_totals_are_read_by_day_through_their_indexes(sync_service, clock, db_path) -> None:  # type: ignore[no-untyped-def]
    """V20_PERIOD_TOTALS: a period's totals by the day index of each table, never a whole
    table; a median and the list behind a figure by (department, outcome, day)."""
    statements = _report(sync_service, clock)
    for table in ("dept_day_total", "dept_due_total", "station_day_total"):
        found = plans(db_path, statements, f"FROM {table}", ".day >=")
        assert all(f"ix_{table}_day (day>? AND day<?)" in p for p in found), found
    figure = plans(db_path, statements, "FROM summons_day", "summons_day.department_code =")
    # every figure's list reads only the period's days, whichever outcomes it can have (a
    # figure of any outcome, rated, named none and walked the department's every summons)
    assert all(
        "INDEX ix_summons_day_figure (department_code=? AND outcome=? AND day>? AND day<?)" in p
        for p in figure
    ), figure
    today = set(plans(db_path, statements, "FROM summons_day JOIN checkin"))  # departments', places'
    assert all("ix_summons_day_outcome (outcome=? AND day>? AND day<?)" in p for p in today), today
    for plan in plans(db_path, statements, "SELECT"):
        for table in ("dept_day_total", "dept_due_total", "station_day_total", "summons_day"):
            assert f"SCAN {table}" not in plan, plan


AREA_FIGURES = (
    AreaFigure.RECEIVED,
    AreaFigure.WHISTLED,
    AreaFigure.SUMMONED,
    AreaFigure.LATE,
    AreaFigure.ABSENT,
    AreaFigure.ARRIVED,
    AreaFigure.RELAPSED,
)


def _places(sync_service: SyncService, clock: Any, db_path: Path) -> list[tuple[str, Any]]:
    """Every statement of the figures by community and by category and the lists behind them
    (V22_PLACE_TOTALS): a summons arrived, one awaited and due today, absent ones."""
    run = sync_service.run
    _cases(sync_service)
    arrived = case_in(run, S.TRIAGE, community="史家社区", category="noise")
    run(blow_whistle, arrived, grade=Grade.URGENT, departments=["CGZF"])
    clock.advance(hours=2)
    with sqlite3.connect(db_path) as conn:
        (checkin,) = conn.execute("SELECT id FROM checkin WHERE case_id = ?", (arrived,)).fetchone()
    run(arrive, checkin, person="张队")
    due_today = case_in(run, S.TRIAGE)
    run(blow_whistle, due_today, grade=Grade.URGENT, departments=["GA"])
    now = clock.now()
    today = now.astimezone(SH).date()
    period = Period(PeriodKind.MONTH, today.replace(day=1), today + timedelta(days=1))

    def everything(conn: Connection) -> None:
        assert totals_usable(conn, SH)
        for area in Area:
            cards = area_cards(conn, period, now, SH, area).cards
            assert any(c.absent for c in cards) and any(c.arrived for c in cards), cards
            for card in cards:
                for figure in AREA_FIGURES:
                    behind_area(conn, period, now, SH, area, card.key, figure)
                    paged(conn, Behind(period, now, SH, figure, area=area, key=card.key, page_size=1))
        periodic_facts(conn, period, now, SH)

    return read(sync_service, everything)


PLACE_TABLES = ("place_day_total", "place_due_total", "place_pair", "summons_place")


def test_the_place_totals_are_read_through_their_indexes(sync_service, clock, db_path) -> None:  # type: ignore[no-untyped-def]
    """V22_PLACE_TOTALS: a period's figures of every community or category by (area, day); a
    median, a longest wait and the list behind a figure by (place, outcome, day); the cases a
    place received by (place, received_at); never a whole table."""
    statements = _places(sync_service, clock, db_path)
    for table in ("place_day_total", "place_due_total"):
        found = plans(db_path, statements, f"FROM {table}", ".area =")
        assert all(f"ix_{table}_day (area=? AND day>? AND day<?)" in p for p in found), found
    pairs = plans(db_path, statements, "FROM place_pair")
    assert all("ix_place_pair_day (area=? AND kind=? AND day>? AND day<?)" in p for p in pairs), pairs
    for area in ("community", "category"):
        by_place = plans(db_path, statements, "FROM summons_place", f"summons_place.{area} =")
        assert all(
            f"INDEX ix_summons_place_{area} ({area}=? AND outcome=? AND day>? AND day<?)" in p
            for p in by_place
        ), by_place
        received = plans(db_path, statements, "FROM case_file", f"case_file.{area} =", "received_at >=")
        assert all(
            f"INDEX ix_case_{area}_received ({area}=? AND received_at>? AND received_at<?)" in p
            for p in received
        ), received
    relapsed = plans(db_path, statements, "FROM reinspection", "reinspection.result =", "recorded_at >=")
    assert all(
        "ix_reinspection_recorded (result=? AND recorded_at>? AND recorded_at<?)" in p for p in relapsed
    )
    (today,) = set(plans(db_path, statements, "FROM summons_day JOIN checkin", "JOIN summons_place"))
    assert "ix_summons_day_outcome (outcome=? AND day>? AND day<?)" in today, today
    assert "SEARCH summons_place USING PRIMARY KEY" in today, today
    for plan in plans(db_path, statements, "SELECT"):
        for table in (*PLACE_TABLES, "summons_day", "case_file", "checkin", "whistle"):
            assert f"SCAN {table}" not in plan, plan


def test_an_older_file_gets_the_assessment_indexes_on_upgrade(tmp_path: Path) -> None:
    conn = sqlite3.connect(tmp_path / "old.db", isolation_level=None)
    upgrade(conn, target=STEPS.index(V16_ASSESSMENT_INDEXES))
    names = "SELECT count(*) FROM sqlite_master WHERE name IN ('ix_clock_kind_deadline', 'ix_case_feedback')"
    assert conn.execute(names).fetchone()[0] == 0
    assert upgrade(conn) == SCHEMA_VERSION
    assert conn.execute(names).fetchone()[0] == 2
    conn.close()


def test_an_older_file_gets_the_case_status_index_on_upgrade(tmp_path: Path) -> None:
    conn = sqlite3.connect(tmp_path / "old.db", isolation_level=None)
    before = STEPS.index(V14_SCALE_INDEXES)
    upgrade(conn, target=before)
    index = "SELECT count(*) FROM sqlite_master WHERE name = 'ix_checkin_case_status'"
    assert conn.execute(index).fetchone()[0] == 0
    assert upgrade(conn) == SCHEMA_VERSION
    assert conn.execute(index).fetchone()[0] == 1
    conn.close()


def test_the_chain_check_pages_each_station_by_its_seq_keyset(sync_service, db_path) -> None:  # type: ignore[no-untyped-def]
    """Each page of ``verify``'s chain check starts in the (station, seq) index where the last
    one ended: never an OR that walks from the station's first event on every page."""
    _cases(sync_service)
    report = Report()
    statements = read(sync_service, lambda conn: check_chain(conn, report))
    assert report.ok and report.events > 0
    pages = plans(db_path, statements, "FROM event", "seq >")
    assert all("(station_id=? AND seq>?)" in p for p in pages), pages
    assert all("TEMP B-TREE" not in p for p in pages), pages
    found = plans(db_path, statements, "min(event.station_id)")
    assert all("SEARCH event USING COVERING INDEX" in p for p in found), found


def test_every_statement_an_import_runs_searches_by_an_index(tmp_path: Path) -> None:
    """An import of cases that are triaged, whistled, checked in at and ended: every read and
    update on the apply path finds its rows by an index, none scans a table."""
    clock = FrozenClock(NOW)
    a, b = open_station(tmp_path, "ST-A", clock), open_station(tmp_path, "ST-B", clock)
    trust_each_other([a, b])
    busy_case(a, clock)
    ended = busy_case(a, clock)
    a.run(transition, ended, Action.PARK, reason="等待天气好转")
    a.run(transition, ended, Action.UNPARK)
    a.run(transition, new_case(a), Action.REJECT, reason="重复")
    export_bundle(a, tmp_path / "a.bundle")
    with caught(b) as statements:
        assert import_bundle(b, tmp_path / "a.bundle").applied > 0
    applying = [(s, p) for s, p in statements if " WHERE " in s and not s.startswith("INSERT")]
    assert any("UPDATE checkin" in s for s, _ in applying)
    found = plans(tmp_path / "ST-B.db", [(s, p) for s, p in applying if not isinstance(p, list)], "WHERE")
    assert all("SCAN " not in p.replace("SCAN CONSTANT ROW", "") for p in found), [
        (s, p) for (s, _), p in zip(applying, found, strict=False) if "SCAN " in p
    ]


def test_the_totals_read_a_case_by_its_own_rows(db_path, settings, clock) -> None:  # type: ignore[no-untyped-def]
    """What the running totals read of one case before and after its events (and of a batch's
    cases at its end) goes through the case's indexes: the handling clocks were read by
    ``kind``, walking every handling clock of the station for each event."""
    from sqlalchemy.dialects.sqlite import dialect as sqlite_dialect

    from data.store.totals import _fetching

    SyncService.open(db_path, settings, clock, "值班员").close()
    with sqlite3.connect(db_path) as conn:
        for many, params in ((False, {"case": "c"}), (True, {"ids": '["a", "b"]'})):
            for name, statement in _fetching(many, "sqlite").items():
                bound = statement.params(**params)
                sql = str(bound.compile(dialect=sqlite_dialect(), compile_kwargs={"literal_binds": True}))
                plan = " | ".join(str(r[3]) for r in conn.execute("EXPLAIN QUERY PLAN " + sql))
                scans = plan.replace("SCAN json_each VIRTUAL TABLE", "")  # the list of ids itself
                assert "SCAN" not in scans and ("case_id=?" in plan or "id=?" in plan), (name, plan)


def test_the_recount_reads_a_chunk_of_cases_by_their_events_subject(db_path, settings, clock) -> None:  # type: ignore[no-untyped-def]
    """The recount (verify, a demo copied in bulk, an upgrade) reads the events of a chunk of
    cases by their subject: with their types in the condition SQLite walked ix_event_type,
    every such event of the file for each chunk of 500 cases."""
    from sqlalchemy.dialects.sqlite import dialect as sqlite_dialect

    from data.store.totals import events_of_cases

    SyncService.open(db_path, settings, clock, "值班员").close()
    bound = events_of_cases().params(ids=["a", "b"])
    sql = str(bound.compile(dialect=sqlite_dialect(), compile_kwargs={"literal_binds": True}))
    with sqlite3.connect(db_path) as conn:
        plan = " | ".join(str(r[3]) for r in conn.execute("EXPLAIN QUERY PLAN " + sql))
    assert "ix_event_subject (subject=?)" in plan and "SCAN" not in plan, plan


def test_a_batch_looks_its_rows_owners_up_by_their_ids_however_many(db_path, settings, clock) -> None:  # type: ignore[no-untyped-def]
    """The ownership check of an import's batch reads the owners of every row its events touch
    in one statement per kind, the ids bound as one list (the same SQL for any number of
    them, prepared once): each row is found by its id, none scanned; only the list is."""
    from data.store.ownership import _owned, _owners_query

    SyncService.open(db_path, settings, clock, "值班员").close()
    kinds = ("case", "meeting", "agenda", "checkin", "clock", "whistle", "reinspection", "handover")
    with sqlite3.connect(db_path) as conn:
        for kind in kinds:
            ident, _query = _owned(kind)
            sql = str(_owners_query(kind, "sqlite").compile(dialect=sqlite_dialect()))
            rows = conn.execute("EXPLAIN QUERY PLAN " + sql, ('["a", "b"]',)).fetchall()
            plan = " | ".join(str(r[3]) for r in rows)
            assert f"SEARCH {ident.table.name} USING" in plan and "(id=?)" in plan, (kind, plan)
            assert "SCAN" not in plan.replace("SCAN json_each VIRTUAL TABLE", ""), (kind, plan)


def test_a_sign_in_counts_the_operators_failures_by_the_subject_index(db_path, settings, clock) -> None:  # type: ignore[no-untyped-def]
    """The wrong tries in a row are read by the operator's name (ix_event_subject): ordered by
    seq in the statement, SQLite walked the station's (station, seq) index back through every
    event it held, 20 s for a sign-in at a million cases."""
    svc = as_supervisor(db_path, settings, clock)  # made the first supervisor, then signed in
    try:
        case_in(svc.run, S.TRIAGE)
        with caught(svc) as statements:
            svc.sign_in("值班员", SECRET)
    finally:
        svc.close()
    (plan,) = plans(db_path, statements, "FROM event", "event.subject =")
    assert "SEARCH event USING INDEX ix_event_subject (subject=?)" in plan, plan


def test_a_stations_newest_registration_is_found_by_the_type_index(sync_service, db_path) -> None:  # type: ignore[no-untyped-def]
    """Whether this database is a district's is read by the event type's index (a rare type):
    ordered by seq in the statement, SQLite walked the station's (station, seq) index back
    through every event it held (``whistle district publish`` at a million cases)."""
    _cases(sync_service)
    statements = read(sync_service, is_district)
    (plan,) = plans(db_path, statements, "FROM event", "event.type =")
    assert "SEARCH event USING INDEX ix_event_type (type=?)" in plan, plan


def test_the_steps_reached_are_read_by_the_open_cases_not_every_absence(sync_service, clock, db_path) -> None:  # type: ignore[no-untyped-def]
    """Each time another desk writes, a desk reads the escalation steps reached on open cases.
    The 缺席 of the whole history (tens of thousands at a million cases) were walked by the
    status index; they are read through the open cases' summons."""
    _cases(sync_service)
    statements = read(sync_service, lambda conn: reached_steps(conn, None))
    (absent,) = plans(db_path, statements, "absent_at")
    assert "SEARCH queue_key USING COVERING INDEX ix_queue_checkin (open=?)" in absent, absent
    assert "ix_checkin_case_status (case_id=?" in absent, absent
    assert "ix_checkin_status" not in absent and "ix_checkin_absent" not in absent, absent
    (alarm,) = plans(db_path, statements, "alarmed_at")
    assert "ix_checkin_status (status=?)" in alarm, alarm  # the summons still awaited: a few


def test_the_joined_pages_are_keyset_pages_of_the_station_seq_index(sync_service, db_path, tmp_path) -> None:  # type: ignore[no-untyped-def]
    """The pages the chain check and the export read on SQLite, their bytes joined by the
    database, find their rows in the (station, seq) index from where the last page ended: no
    scan of the event table, no sort."""
    _cases(sync_service)
    report = Report()
    with caught(sync_service) as statements:
        with sync_service.engine.connect() as conn:
            check_chain(conn, report)
        export_bundle(sync_service, tmp_path / "a.bundle", since=0)
    assert report.ok and report.events > 0
    with sqlite3.connect(db_path) as conn:
        (index,) = [
            name
            for (_seq, name, *_rest) in conn.execute("PRAGMA index_list(event)")
            if [c[2] for c in conn.execute(f"PRAGMA index_info('{name}')")] == ["station_id", "seq"]
        ]
    for page, keyset in (
        (SEALED_PAGE, "(station_id=? AND seq>?)"),
        (LINE_PAGE, "(station_id=? AND seq>? AND seq<?)"),
    ):
        found = plans(db_path, [(s, p) for s, p in statements if s == page], "FROM event")
        assert all(f"SEARCH event USING INDEX {index} {keyset}" == p for p in found), found
