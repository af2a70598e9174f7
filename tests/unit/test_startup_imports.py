"""The console starts with what its first screen needs: not the demo, the exports or sync (they
cost start-up time and memory on every start; they are imported when a command asks)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

NOT_AT_START = (
    "data.demo",
    "data.exports",
    "data.sync",
    "openpyxl",
    "psycopg",
    "sqlalchemy.dialects.postgresql",
    # the case detail and the handover's reads (and the meetings' they lean on): when first used
    "screens.case_detail",
    "data.read.handover",
    "data.read.meetings",
    "models.agenda",
)

# the console path of ``whistle --db FILE``: parse, settle the context, build the app and
# show its first screen (the queue)
PROGRAM = """
import json, sys
from tui.cli import parse
from tui.cli.common import Context
from tui.cli.console import run_console
from tui.app import build_app
from tui.config import AppConfig
import screens.queue

args = parse(["--db", sys.argv[1], "--operator", "值班员"])
assert args.handler is None
ctx = Context.from_args(args)
app = build_app(AppConfig(ctx.db, ctx.settings, ctx.clock, ctx.operator, "zh"))
print(json.dumps(sorted(sys.modules)))
"""


def _modules_at_start(tmp_path: Path) -> set[str]:
    root = Path(__file__).resolve().parents[2]
    done = subprocess.run(
        [sys.executable, "-c", PROGRAM, str(tmp_path / "desk.db")],
        capture_output=True,
        text=True,
        cwd=root,
        env={"PYTHONPATH": str(root), "HOME": str(tmp_path)},
        check=True,
    )
    return set(json.loads(done.stdout.strip().splitlines()[-1]))


def test_the_console_starts_without_the_demo_exports_or_sync(tmp_path: Path) -> None:
    loaded = _modules_at_start(tmp_path)
    assert "tui.app" in loaded and "screens.queue" in loaded
    early = [m for m in loaded if any(m == n or m.startswith(n + ".") for n in NOT_AT_START)]
    assert early == []


def test_a_command_still_finds_its_module(tmp_path: Path) -> None:
    from tui.cli import parse

    args = parse(["demo", "--cases", "3", "--db", str(tmp_path / "x.db")])
    assert args.command == "demo" and args.cases == 3 and callable(args.handler)
    assert parse(["--db", str(tmp_path / "x.db")]).handler is None


COLLECTOR = """
import gc, json, sys
usual = gc.get_threshold()
from tui.cli import parse
from tui.cli.common import Context
from tui.app import build_app
from tui.config import AppConfig
loading = gc.get_threshold()
ctx = Context.from_args(parse(["--db", sys.argv[1], "--operator", "值班员"]))
build_app(AppConfig(ctx.db, ctx.settings, ctx.clock, ctx.operator, "zh"))
print(json.dumps([usual, loading, gc.get_threshold()]))
"""


def test_the_collector_runs_less_while_the_console_loads_and_as_usual_after(tmp_path: Path) -> None:
    """Python's cyclic collector walked the long-lived objects of every module again and again
    while the console loaded (~0.2 s of a start): it runs less often until the app is built,
    and at its usual pace from then on."""
    root = Path(__file__).resolve().parents[2]
    done = subprocess.run(
        [sys.executable, "-c", COLLECTOR, str(tmp_path / "desk.db")],
        capture_output=True,
        text=True,
        cwd=root,
        env={"PYTHONPATH": str(root), "HOME": str(tmp_path)},
        check=True,
    )
    usual, loading, after = json.loads(done.stdout.strip().splitlines()[-1])
    assert loading[0] > 10 * usual[0]
    assert after == usual
