"""The command line: init makes the key, key | trust add, export, import, exit codes."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest

from tui.cli import main


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main([*argv, "--lang", "en"])
    out, err = capsys.readouterr()
    return code, out, err


def test_key_trust_export_import(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    a, b = str(tmp_path / "a.db"), str(tmp_path / "b.db")
    assert run(capsys, "init", "--db", a, "--station-id", "ST-A", "--operator", "值班员")[0] == 0
    assert run(capsys, "init", "--db", b, "--station-id", "ST-B", "--operator", "值班员")[0] == 0
    key_file = Path(f"{a}.key")
    assert stat.S_IMODE(os.stat(key_file).st_mode) == 0o600
    code, out, _ = run(capsys, "key", "--db", a)
    station, public = out.split()
    assert code == 0 and station == "ST-A" and len(public) == 64

    bundle = str(tmp_path / "a1.bundle")
    code, _, err = run(capsys, "export", "--db", a, "--out", bundle)
    assert code == 0
    code, _, err = run(capsys, "import", bundle, "--db", b)
    assert code == 2 and "not trusted" in err

    assert run(capsys, "trust", "add", *out.split(), "--db", b, "--operator", "值班员")[0] == 0
    code, out, _ = run(capsys, "trust", "list", "--db", b)
    assert "ST-A" in out and public in out
    code, out, _ = run(capsys, "import", bundle, "--db", b)
    assert code == 0 and "Imported station ST-A" in out
    code, out, _ = run(capsys, "import", bundle, "--db", b)
    assert code == 0 and "nothing changed" in out

    run(capsys, "operator", "小李", "--db", a, "--operator", "值班员")
    second, third = str(tmp_path / "a2.bundle"), str(tmp_path / "a3.bundle")
    assert run(capsys, "export", "--db", a, "--out", second)[0] == 0
    run(capsys, "operator", "小张", "--db", a, "--operator", "值班员")
    assert run(capsys, "export", "--db", a, "--out", third)[0] == 0
    code, _, err = run(capsys, "import", third, "--db", b)
    assert code == 3 and "missing events" in err and "held back" in err
    code, out, _ = run(capsys, "import", second, "--db", b)
    assert code == 0 and "could now be imported" in out
    assert run(capsys, "verify", "--db", b)[0] == 0


def test_exports_for_others_from_the_command_line(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    db = str(tmp_path / "a.db")
    run(capsys, "init", "--db", db, "--operator", "值班员")
    code, out, _ = run(capsys, "export-open311", "--db", db)
    assert code == 0 and out.strip() == "[]"
    code, out, _ = run(capsys, "export-csv", "--db", db, "--out", str(tmp_path / "csv"))
    assert code == 0 and sorted(p.name for p in (tmp_path / "csv").iterdir()) == [
        "cases.csv",
        "checkins.csv",
        "reinspections.csv",
    ]
    run(capsys, "operator", "小王", "--db", db, "--operator", "值班员")
    code, _, err = run(
        capsys,
        "export-csv",
        "--db",
        db,
        "--out",
        str(tmp_path / "p"),
        "--include-personal",
        "--operator",
        "小王",
    )
    assert code == 2 and "supervisor" in err


def test_an_export_too_big_for_one_bundle_names_every_file(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    a = str(tmp_path / "a.db")
    config = tmp_path / "whistle.toml"
    config.write_text("[sync]\nbundle_events = 4\n", encoding="utf-8")
    assert run(capsys, "init", "--db", a, "--station-id", "ST-A", "--operator", "值班员")[0] == 0
    bundle = tmp_path / "a1.bundle"
    code, out, err = run(capsys, "export", "--db", a, "--config", str(config), "--out", str(bundle))
    assert code == 0, err
    assert str(bundle) in out and str(tmp_path / "a1.2.bundle") in out
    assert "One bundle could not hold it all (at most 4 events" in out
    assert (tmp_path / "a1.2.bundle").exists()
