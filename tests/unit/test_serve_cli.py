"""``whistle serve``: loopback by default, a warning for any other host, read-only unless a
signed-in operator of the station allows control. The server itself is not started here
(tests/tui/test_projector_page.py loads the real page in a browser)."""

from __future__ import annotations

import shlex
from pathlib import Path
from typing import Any

import pytest

from data.settings import Settings
from models.clock import FrozenClock
from tests.unit.conftest import NOW
from tests.unit.support import as_supervisor
from tui.cli import build_parser, main
from tui.cli import serve as serve_cli


@pytest.fixture(autouse=True)
def _no_user_files(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "config"))
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))
    monkeypatch.delenv("WHISTLE_DB", raising=False)
    monkeypatch.delenv("WHISTLE_OPERATOR", raising=False)


@pytest.fixture
def served(monkeypatch: pytest.MonkeyPatch) -> list[Any]:
    """What would have been served: the server objects, instead of serving them."""
    started: list[Any] = []
    monkeypatch.setattr(serve_cli.ProjectorServer, "serve", lambda self, debug=False: started.append(self))
    return started


@pytest.fixture
def db(tmp_path: Path) -> Path:
    path = tmp_path / "desk.db"
    as_supervisor(path, Settings(), FrozenClock(NOW), "值班员").close()
    return path


def test_host_defaults_to_loopback() -> None:
    args = build_parser().parse_args(["serve"])
    assert args.host == "127.0.0.1" and args.port == 8000 and not args.allow_control
    assert all(serve_cli.is_loopback(h) for h in ("127.0.0.1", "localhost", "::1", "127.0.0.2"))
    assert not any(serve_cli.is_loopback(h) for h in ("0.0.0.0", "192.168.1.20", "desk.example", "::"))


def test_serve_binds_loopback_without_a_word_and_read_only(
    db: Path, served: list[Any], capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["--db", str(db), "--operator", "值班员", "serve", "--view", "meetings"]) == 0
    (server,) = served
    assert (server.host, server.port) == ("127.0.0.1", 8000)
    assert capsys.readouterr().err == ""
    argv = shlex.split(server.command)
    assert argv[argv.index("serve") :] == ["serve", "--child", "--view", "meetings"]
    assert "街道综合执法中心" in server.title


def test_any_other_host_only_when_given_and_with_a_warning_line(
    db: Path, served: list[Any], capsys: pytest.CaptureFixture[str]
) -> None:
    argv = ["--db", str(db), "--lang", "en", "--operator", "值班员", "serve", "--host", "0.0.0.0"]
    assert main([*argv, "--port", "8123"]) == 0
    (server,) = served
    assert (server.host, server.port) == ("0.0.0.0", 8123)
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and err.startswith("Warning: bound to 0.0.0.0")


@pytest.mark.parametrize("control", [[], ["--allow-control"]])
@pytest.mark.parametrize(
    ("operator", "expected"),
    [
        ([], "The projector needs a signed-in operator"),
        (["--operator", "陌生人"], "This station has no operator “陌生人”"),
    ],
)
def test_the_projector_needs_a_signed_in_operator_of_the_station(
    db: Path,
    served: list[Any],
    capsys: pytest.CaptureFixture[str],
    operator: list[str],
    expected: str,
    control: list[str],
) -> None:
    """Opening the page never adds an operator: the one it is opened as must exist."""
    assert main(["--db", str(db), "--lang", "en", *operator, "serve", *control]) == 2
    assert served == []
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and expected in err


def test_control_by_a_signed_in_operator_is_passed_to_the_served_desk(db: Path, served: list[Any]) -> None:
    assert main(["--db", str(db), "--operator", "值班员", "serve", "--allow-control"]) == 0
    argv = shlex.split(served[0].command)
    assert argv[argv.index("--operator") + 1] == "值班员"
    assert argv[-1] == "--allow-control"


def test_a_port_out_of_range_is_one_line(
    db: Path, served: list[Any], capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["--db", str(db), "--lang", "en", "--operator", "值班员", "serve", "--port", "70000"]) == 2
    assert served == []
    assert capsys.readouterr().err.count("\n") == 1
