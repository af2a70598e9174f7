"""Operators and roles that hold (issue 12, finding 6): PINs only as slow salted hashes, one
supervisor guard with the passphrase given at that moment, no self-promotion, no command
acting as a supervisor unnamed, failed sign-ins counted, slowed and on the record."""

from __future__ import annotations

import json
from datetime import timedelta
from pathlib import Path

import pytest

from data.service import SyncService
from data.settings import Settings
from data.write.commands.operators import manage_operator, require_supervisor
from models import credentials
from models.clock import FrozenClock
from models.enums import Role
from models.errors import DomainError
from tests.unit.calendar_support import complete_table_text
from tests.unit.conftest import NOW, copy_db
from tests.unit.support import SECRET, as_supervisor, event_count, one, rows
from tui.cli import main


@pytest.fixture
def desk(tmp_path: Path, settings: Settings, clock: FrozenClock) -> Path:
    """A station set up as ``whistle init --operator 赵主任`` leaves it, with 王丽 added."""
    path = tmp_path / "desk.db"
    service = as_supervisor(path, settings, clock, "赵主任")
    try:
        service.run(manage_operator, name="王丽", role=Role.OPERATOR, secret="1111")
    finally:
        service.close()
    return path


def _cli(path: Path, *args: str) -> int:
    return main([*args, "--db", str(path)])


def test_an_operator_cannot_make_themselves_supervisor(
    desk: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("WHISTLE_PASSPHRASE", "1111")
    events = event_count(desk)
    assert _cli(desk, "operator", "王丽", "--role", "supervisor", "--operator", "王丽") == 2
    assert "中心主任" in capsys.readouterr().err
    assert one(desk, "SELECT role FROM operator WHERE name = '王丽'")[0] == "operator"
    # nothing but the sign-in of that run went on the record
    assert [r[0] for r in rows(desk, "SELECT type FROM event ORDER BY seq")][events:] == [
        "operator.signed_in"
    ]


def test_a_supervisor_never_changes_their_own_role(desk: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert _cli(desk, "operator", "赵主任", "--role", "operator", "--operator", "赵主任") == 2
    assert "自己的角色" in capsys.readouterr().err
    assert one(desk, "SELECT role FROM operator WHERE name = '赵主任'")[0] == "supervisor"
    # but gives roles to others, on the record
    assert _cli(desk, "operator", "王丽", "--role", "facilitator", "--operator", "赵主任") == 0
    last = one(desk, "SELECT operator, payload FROM event WHERE type = 'operator.changed' ORDER BY seq DESC")
    assert last[0] == "赵主任" and json.loads(last[1])["role"] == "facilitator"


def test_a_name_given_on_the_command_line_never_becomes_an_operator(
    desk: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    before = one(desk, "SELECT count(*) FROM operator")[0]
    assert _cli(desk, "export-open311", "--operator", "路人甲") == 2
    assert "路人甲" in capsys.readouterr().err
    assert one(desk, "SELECT count(*) FROM operator")[0] == before


def test_the_holiday_table_needs_a_supervisor(
    desk: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    table = tmp_path / "2032.json"
    table.write_text(complete_table_text(2032), encoding="utf-8")  # a table that passes the checks
    assert _cli(desk, "calendar", str(table)) == 2  # nobody named
    assert "中心主任" in capsys.readouterr().err
    monkeypatch.setenv("WHISTLE_PASSPHRASE", "1111")
    assert _cli(desk, "calendar", str(table), "--operator", "王丽") == 2
    assert "王丽 不是中心主任" in capsys.readouterr().err
    assert one(desk, "SELECT count(*) FROM calendar_year")[0] == 0
    monkeypatch.setenv("WHISTLE_PASSPHRASE", SECRET)
    assert _cli(desk, "calendar", str(table), "--operator", "赵主任") == 0
    assert one(desk, "SELECT count(*) FROM calendar_year")[0] == 1


def test_personal_export_without_an_operator_is_refused(
    demo_db: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = copy_db(demo_db, tmp_path / "demo.db")
    out = tmp_path / "o.json"
    assert _cli(path, "export-open311", "--include-personal", "--out", str(out)) == 2
    assert "--operator" in capsys.readouterr().err
    assert not out.exists()
    assert one(path, "SELECT count(*) FROM event WHERE type = 'export.personal'")[0] == 0


def test_the_supervisor_guard_wants_the_passphrase_at_that_moment(
    desk: Path, settings: Settings, clock: FrozenClock
) -> None:
    service = SyncService.open(desk, settings, clock, "赵主任")  # named, but no passphrase given
    try:
        with pytest.raises(DomainError) as refused:
            service.run(require_supervisor)
        assert refused.value.key == "auth.needs_passphrase"
        service.proof = "not it"
        with pytest.raises(DomainError) as wrong:
            service.run(require_supervisor)
        assert wrong.value.key == "auth.wrong_secret"
        service.proof = SECRET
        service.run(require_supervisor)
    finally:
        service.close()


def test_wrong_pins_are_counted_slowed_down_and_recorded(
    desk: Path, settings: Settings, clock: FrozenClock
) -> None:
    service = SyncService.open(desk, settings, clock)
    try:
        for _ in range(credentials.FREE_TRIES):
            with pytest.raises(DomainError) as wrong:
                service.sign_in("王丽", "0000")
            assert wrong.value.key == "auth.wrong_secret"
        failed = rows(
            desk, "SELECT operator, subject, payload FROM event WHERE type = 'operator.signin_failed'"
        )
        assert [json.loads(r["payload"])["failures"] for r in failed] == [1, 2, 3]
        assert {r["subject"] for r in failed} == {"王丽"}
        events = event_count(desk)
        # now even the right PIN waits: refused with the time left, nothing written
        with pytest.raises(DomainError) as slowed:
            service.sign_in("王丽", "1111")
        assert slowed.value.key == "auth.wait" and slowed.value.params["seconds"] == 15
        assert event_count(desk) == events
        clock.advance(seconds=15)
        with pytest.raises(DomainError):
            service.sign_in("王丽", "0000")  # the fourth: the wait doubles
        clock.advance(seconds=29)
        with pytest.raises(DomainError) as slowed:
            service.sign_in("王丽", "1111")
        assert slowed.value.key == "auth.wait" and slowed.value.params["seconds"] == 1
        clock.advance(seconds=1)
        assert service.sign_in("王丽", "1111") is Role.OPERATOR
        assert service.operator == "王丽"
        # a sign-in clears the count
        with pytest.raises(DomainError) as wrong:
            service.sign_in("王丽", "0000")
        assert wrong.value.key == "auth.wrong_secret"
    finally:
        service.close()


def test_a_pin_is_kept_only_as_a_salted_scrypt_hash_never_in_an_event(
    desk: Path, tmp_path: Path, settings: Settings, clock: FrozenClock
) -> None:
    (stored,) = [r[0] for r in rows(desk, "SELECT secret_hash FROM operator_credential WHERE name = '王丽'")]
    scheme, n, r, p, salt, key = stored.split("$")
    assert (
        scheme == "scrypt"
        and int(n) >= 2**8
        and int(r) == 8
        and int(p) == 1
        and len(bytes.fromhex(salt)) == 16
    )
    assert credentials.check_secret("1111", stored) and not credentials.check_secret("1112", stored)
    assert credentials.hash_secret("1111") != credentials.hash_secret("1111")  # salted
    everything = " ".join(
        str(v)
        for row in rows(desk, "SELECT payload, personal FROM event")
        for v in tuple(row)
        if v is not None
    )
    assert "1111" not in everything and salt not in everything and key not in everything
    # nor in a bundle, even one with personal data
    bundle = tmp_path / "all.bundle"
    assert (
        main(
            [
                "export",
                "--db",
                str(desk),
                "--out",
                str(bundle),
                "--since",
                "0",
                "--include-personal",
                "--operator",
                "赵主任",
            ]
        )
        == 0
    )
    assert salt.encode() not in bundle.read_bytes() and key.encode() not in bundle.read_bytes()


def test_production_hashes_are_slow(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.undo()  # the suite's cheap hashes off: the real parameters
    stored = credentials.hash_secret("1234")
    assert stored.split("$")[1:4] == [str(2**14), "8", "1"]


def test_init_makes_the_first_supervisor_once(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "new.db"
    assert _cli(path, "init") == 2  # who is the first supervisor?
    assert "--operator" in capsys.readouterr().err
    assert _cli(path, "init", "--operator", "赵主任") == 0
    assert "赵主任" in capsys.readouterr().out
    assert _cli(path, "init", "--operator", "王丽") == 0  # already set up: left as it is
    assert one(path, "SELECT group_concat(name) FROM operator")[0] == "赵主任"
    assert main(["verify", "--db", str(path)]) == 0


def test_an_older_file_is_upgraded_and_its_supervisor_claimed_once(
    tmp_path: Path, settings: Settings, clock: FrozenClock
) -> None:
    """A file from before sign-in (no PINs): ``whistle init`` sets its first passphrase."""
    import sqlite3

    from data.store.schema import SCHEMA_VERSION, STEPS, upgrade
    from data.store.schema_steps import V11_OPERATOR_AUTH

    path = tmp_path / "old.db"
    raw = sqlite3.connect(path, isolation_level=None)
    upgrade(raw, target=STEPS.index(V11_OPERATOR_AUTH))  # the last version before sign-in
    raw.close()
    assert "operator_credential" not in {
        r[0] for r in rows(path, "SELECT name FROM sqlite_master WHERE type = 'table'")
    }
    SyncService.open(path, settings, clock).close()
    assert one(path, "PRAGMA user_version")[0] == SCHEMA_VERSION
    assert one(path, "SELECT count(*) FROM operator_credential")[0] == 0
    assert main(["init", "--db", str(path), "--operator", "老主任"]) == 0
    assert main(["init", "--db", str(path), "--operator", "冒充者"]) == 0
    assert [r[0] for r in rows(path, "SELECT name FROM operator_credential")] == ["老主任"]


def test_the_demo_prints_who_can_sign_in_and_its_supervisor_is_the_director(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "demo.db"
    assert main(["demo", "--db", str(path), "--cases", "20"]) == 0
    out = capsys.readouterr().out
    assert "赵主任  中心主任  PIN 8888" in out and "王丽  调度员  PIN 1111" in out
    assert one(path, "SELECT role FROM operator WHERE name = '赵主任'")[0] == "supervisor"
    assert one(path, "SELECT count(*) FROM operator WHERE name = '值班员'")[0] == 0


def test_a_real_station_prints_no_pins(desk: Path, settings: Settings) -> None:
    from data.read.staff import demo_staff

    service = SyncService.open(desk, settings, FrozenClock(NOW + timedelta(days=1)))
    try:
        with service.engine.connect() as conn:
            assert demo_staff(conn, service.station_id) == []  # 王丽 here has her own PIN
    finally:
        service.close()
