"""A holiday table loaded by one process is used by every desk already running (SPEC §2a)."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from data.service import SyncService
from data.settings import Settings
from data.write.commands.cases import receive_case
from data.write.commands.working_time import load_calendar_year
from models.calendar import parse_year_table
from models.clock import FrozenClock
from tests.unit.calendar_support import TABLE_2027_TEXT as TABLE_2027
from tests.unit.support import CASE, as_supervisor, one

START = datetime(2027, 9, 30, 10, 0, tzinfo=ZoneInfo("Asia/Shanghai"))


def _deadline(service: SyncService, path: Path) -> str:
    case_id = service.run(receive_case, **{**CASE, "category": "illegal_construction"})
    row = one(path, "SELECT deadline FROM clock WHERE case_id = ? AND kind = 'handling'", case_id)
    return str(row["deadline"])


def test_a_desk_already_open_uses_a_year_loaded_elsewhere(db_path: Path) -> None:
    settings = Settings(station_id="ST-CAL")
    desk = SyncService.open(db_path, settings, FrozenClock(START), "值班员")
    try:
        before = _deadline(desk, db_path)
        assert 2027 in desk.rules.fallback_years
        supervisor = as_supervisor(db_path, settings, FrozenClock(START), "赵主任")
        try:
            supervisor.run(load_calendar_year, parse_year_table(TABLE_2027))
            expected = _deadline(supervisor, db_path)
        finally:
            supervisor.close()
        after = _deadline(desk, db_path)
    finally:
        desk.close()
    assert after == expected != before  # National Day 2027 now counted as holidays
    assert 2027 not in desk.rules.fallback_years
