"""``whistle correct``: a supervisor corrects from the command line; a reason is required; an
operator is refused with nothing changed; a replay agrees afterwards."""

from __future__ import annotations

from pathlib import Path

import pytest

from data.service import SyncService
from data.write.commands import checkins
from data.write.commands.operators import manage_operator
from models.clock import FrozenClock
from models.enums import CaseStatus, Role
from tests.unit.conftest import snapshot_of
from tests.unit.support import SECRET, case_in, one, whistle
from tui.cli import main


@pytest.fixture(autouse=True)
def _frozen(clock: FrozenClock, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("tui.cli.common.SystemClock", lambda: clock)
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "config"))
    monkeypatch.delenv("WHISTLE_OPERATOR", raising=False)


def test_correct_an_arrival_from_the_command_line(
    sync_service: SyncService,
    db_path: Path,
    clock: FrozenClock,
    capsys: pytest.CaptureFixture[str],
) -> None:
    # 值班员 is the station's supervisor; 小王 an operator with a PIN of their own
    sync_service.set_up("值班员", SECRET)
    sync_service.run(manage_operator, name="小王", role=Role.OPERATOR, secret=SECRET)
    case_id = case_in(sync_service.run, CaseStatus.TRIAGE)
    whistle(sync_service.run, case_id, ["CGZF"])  # urgent: report by 10:30
    checkin = one(db_path, "SELECT id FROM checkin WHERE case_id = ?", case_id)["id"]
    clock.advance(minutes=45)
    sync_service.run(checkins.arrive, checkin, person="李队长")
    number = one(db_path, "SELECT number FROM case_file WHERE id = ?", case_id)["number"]
    sync_service.close()
    base = ["--db", str(db_path), "--operator", "值班员"]

    # no reason: argparse refuses before anything is opened
    with pytest.raises(SystemExit):
        main(["correct", "arrival", number, "--department", "CGZF", "--at", "10:20", *base])
    assert "--reason" in capsys.readouterr().err

    before = snapshot_of(db_path)
    refused = ["correct", "arrival", number, "--department", "CGZF", "--at", "10:20", "--reason", "记错"]
    assert main([*refused, "--db", str(db_path), "--operator", "小王"]) == 2
    assert "中心主任" in capsys.readouterr().err
    after_clerk = snapshot_of(db_path)  # 小王's sign-in is on the record, and nothing else changed
    assert {k: v for k, v in after_clerk.items() if k != "event"} == {
        k: v for k, v in before.items() if k != "event"
    }
    assert "case.corrected" not in str(after_clerk["event"])

    assert (
        main(["correct", "arrival", number, "--department", "CGZF", "--at", "9:99", "--reason", "x", *base])
        == 2
    )
    assert "HH:MM" in capsys.readouterr().err

    args = [
        "correct",
        "arrival",
        number,
        "--department",
        "CGZF",
        "--at",
        "10:20",
        "--reason",
        "电话报到时间记错",
    ]
    assert main([*args, *base]) == 0
    assert number in capsys.readouterr().out
    row = one(db_path, "SELECT late_minutes FROM checkin WHERE id = ?", checkin)
    assert row["late_minutes"] == 0
    added = [r[5] for r in snapshot_of(db_path)["event"] if r not in after_clerk["event"]]
    assert sorted(added) == ["case.corrected", "operator.signed_in"]  # the sign-in, then one correction

    assert (
        main(["correct", "case", number, "--set", "address=东四北大街 14 号", "--reason", "门牌", *base]) == 0
    )
    assert (
        one(db_path, "SELECT address FROM case_file WHERE id = ?", case_id)["address"] == "东四北大街 14 号"
    )
    assert main(["verify", "--db", str(db_path)]) == 0
