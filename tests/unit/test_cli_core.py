"""The command line: help everywhere in both languages; init, calendar, operator, demo."""

from __future__ import annotations

import argparse
import json
import re
import stat
from datetime import datetime
from pathlib import Path

import pytest

from data.catalogue import DEPARTMENTS
from data.service import SyncService
from data.settings import Settings
from models.calendar import WorkCalendar
from models.clock import FrozenClock
from models.deadlines import Limit
from models.i18n import set_language
from models.strings import CATALOGUE
from tests.unit.calendar_support import complete_table_text
from tests.unit.conftest import NOW, copy_db
from tests.unit.support import event_count, one, rows
from tui.cli import build_parser, main

CJK = re.compile(r"[\u3400-\u9fff]")
# Chinese that English strings quote on purpose (e.g. 事不完、人不撤)
QUOTED_CJK = {ch for _zh, en in CATALOGUE.values() for ch in CJK.findall(en)}


@pytest.fixture(autouse=True)
def _no_user_files(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "config"))
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))
    monkeypatch.delenv("WHISTLE_DB", raising=False)
    monkeypatch.delenv("WHISTLE_OPERATOR", raising=False)


def _commands(parser: argparse.ArgumentParser, path: tuple[str, ...] = ()) -> list[tuple[str, ...]]:
    found = [path]
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            for name, sub in action.choices.items():
                found += _commands(sub, (*path, name))
    return found


COMMANDS = _commands(build_parser())


def _help(capsys: pytest.CaptureFixture[str], *argv: str) -> str:
    with pytest.raises(SystemExit) as done:
        main([*argv, "--help"])
    assert done.value.code == 0
    return capsys.readouterr().out


def test_the_core_commands_are_all_there() -> None:
    assert {("init",), ("demo",), ("verify",), ("calendar",), ("operator",)} <= set(COMMANDS)


@pytest.mark.parametrize("command", COMMANDS, ids=lambda c: " ".join(c) or "whistle")
def test_help_of_every_command_in_both_languages(
    capsys: pytest.CaptureFixture[str], command: tuple[str, ...]
) -> None:
    zh = _help(capsys, *command)
    set_language("zh")
    en = _help(capsys, "--lang", "en", *command)
    assert CJK.search(zh), zh
    assert zh != en
    stray = set(CJK.findall(en)) - QUOTED_CJK
    assert not stray, f"untranslated text in the English help: {en}"
    for option in ("--db", "--lang"):
        assert option in zh and option in en


def test_init_creates_the_station_with_its_catalogue(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "new" / "desk.db"
    station = ["--station-id", "ST-DONGSI", "--station-name", "东四街道综合执法中心"]
    code = main(["init", "--db", str(path), *station, "--operator", "值班员"])
    assert code == 0
    assert "ST-DONGSI" in capsys.readouterr().out
    station = one(path, "SELECT * FROM station WHERE is_local = 1")
    assert (station["id"], station["name"]) == ("ST-DONGSI", "东四街道综合执法中心")
    codes = {r[0] for r in rows(path, "SELECT code FROM department")}
    assert codes == {d.code for d in DEPARTMENTS}
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    events = event_count(path)
    # a second init leaves the file as it is
    assert main(["init", "--db", str(path), "--station-id", "ST-OTHER"]) == 0
    assert "ST-DONGSI" in capsys.readouterr().out
    assert event_count(path) == events
    assert one(path, "SELECT count(*) FROM station")[0] == 1


def _table(year: int) -> str:
    return complete_table_text(year, holidays=(f"{year}-01-01", f"{year}-01-02"))


def test_calendar_loads_a_year_and_the_fallback_warning_goes(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "desk.db"
    assert main(["init", "--db", str(path), "--operator", "值班员"]) == 0
    start = datetime(2031, 12, 31, 10, 0, tzinfo=Settings().tz)  # a Wednesday
    svc = SyncService.open(path, Settings(), FrozenClock(NOW))
    assert not WorkCalendar().is_known_year(2032)
    fallback = svc.rules.deadline(start, Limit.working_days(1))
    assert 2032 in svc.rules.fallback_years
    svc.close()

    table = tmp_path / "2032.json"
    table.write_text(_table(2032), encoding="utf-8")
    assert main(["calendar", str(table), "--db", str(path), "--operator", "值班员"]) == 0
    assert "2032" in capsys.readouterr().out
    assert one(path, "SELECT count(*) FROM calendar_year WHERE year = 2032")[0] == 1

    svc = SyncService.open(path, Settings(), FrozenClock(NOW))
    try:
        assert svc.rules.calendar.is_known_year(2032)
        loaded = svc.rules.deadline(start, Limit.working_days(1))
        assert 2032 not in svc.rules.fallback_years
    finally:
        svc.close()
    assert fallback.date().isoformat() == "2032-01-01"
    assert (
        loaded.astimezone(Settings().tz).date().isoformat() == "2032-01-05"
    )  # skips 1-2 Jan and the weekend


@pytest.mark.parametrize(
    "content",
    [
        "not json at all",
        json.dumps({"year": 2032, "holidays": ["2032-13-01"], "workdays": []}),
        json.dumps({"year": 2032, "holidays": [], "workdays": ["2032-01-05"]}),  # a Monday
        json.dumps({"holidays": [], "workdays": []}),
        None,
    ],
)
def test_calendar_refuses_a_bad_file_clearly(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], content: str | None
) -> None:
    path = tmp_path / "desk.db"
    assert main(["init", "--db", str(path), "--operator", "值班员"]) == 0
    capsys.readouterr()
    events = event_count(path)
    table = tmp_path / "bad.json"
    if content is not None:
        table.write_text(content, encoding="utf-8")
    assert main(["calendar", str(table), "--db", str(path), "--operator", "值班员"]) == 2
    err = capsys.readouterr().err
    assert "节假日表有误" in err or "bad.json" in err
    assert "Traceback" not in err
    assert event_count(path) == events
    assert one(path, "SELECT count(*) FROM calendar_year")[0] == 0


def test_operator_with_a_role(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "desk.db"
    assert main(["init", "--db", str(path), "--operator", "赵主任"]) == 0
    assert one(path, "SELECT role FROM operator WHERE name = '赵主任'")[0] == "supervisor"
    as_supervisor = ["--db", str(path), "--operator", "赵主任"]
    assert main(["operator", "王丽", "--role", "facilitator", *as_supervisor]) == 0
    assert "王丽" in capsys.readouterr().out
    assert one(path, "SELECT role FROM operator WHERE name = '王丽'")[0] == "facilitator"
    assert main([*as_supervisor, "operator", "王丽", "--role", "operator"]) == 0
    assert one(path, "SELECT role FROM operator WHERE name = '王丽'")[0] == "operator"
    kinds = [
        r[0]
        for r in rows(
            path, "SELECT type FROM event WHERE type IN ('operator.added', 'operator.changed') ORDER BY seq"
        )
    ]
    assert kinds[-2:] == ["operator.added", "operator.changed"]
    with pytest.raises(SystemExit) as bad:
        main(["operator", "钱", "--role", "boss", *as_supervisor])
    assert bad.value.code == 2


def test_demo_refuses_a_database_with_cases(
    demo_db: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = copy_db(demo_db, tmp_path / "copy.db")
    events = event_count(path)
    assert main(["demo", "--db", str(path), "--cases", "3"]) == 2
    assert "已有案件" in capsys.readouterr().err
    assert event_count(path) - events <= 2  # opening may record this operator and nothing else
    assert one(path, "SELECT count(*) FROM case_file")[0] == one(demo_db, "SELECT count(*) FROM case_file")[0]


@pytest.mark.parametrize("cases", ["-5", "0", "lots"])
def test_demo_refuses_a_count_of_cases_below_one_and_writes_nothing(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], cases: str
) -> None:
    path = tmp_path / "demo.db"
    with pytest.raises(SystemExit) as bad:
        main(["--lang", "en", "demo", "--db", str(path), f"--cases={cases}"])
    assert bad.value.code == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert err[-1] == f"whistle demo: error: argument --cases: invalid value: '{cases}'"
    assert not path.exists()


def test_the_db_option_and_variable_choose_the_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    by_env = tmp_path / "env.db"
    monkeypatch.setenv("WHISTLE_DB", str(by_env))
    assert main(["init", "--operator", "值班员"]) == 0
    assert by_env.exists()
    by_option = tmp_path / "option.db"
    assert main(["init", "--db", str(by_option), "--operator", "值班员"]) == 0
    assert by_option.exists()
    monkeypatch.delenv("WHISTLE_DB")
    assert main(["init", "--operator", "值班员"]) == 0
    assert (tmp_path / "data" / "whistle-desk" / "whistle.db").exists()
