"""hub try: a local district hub for trying it, in one command (data/demo/hub.py)."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from data.demo.hub import DISTRICT_ID, DISTRICT_NAME, try_hub
from models.i18n import t
from tui.cli.common import Context, add_common


def register(commands: Any) -> None:
    p = commands.add_parser("hub", help=t("cli.help.hub"), description=t("cli.help.hub"))
    add_common(p)
    sub = p.add_subparsers(dest="hub_command", metavar="try", required=True)
    trying = sub.add_parser("try", help=t("cli.help.hub_try"), description=t("cli.help.hub_try"))
    add_common(trying)
    trying.add_argument("--dir", type=Path, default=Path("hub"), help=t("cli.help.hub_dir"))
    trying.add_argument("--no-console", action="store_true", help=t("cli.help.hub_no_console"))
    trying.set_defaults(handler=hub_try)


def hub_try(ctx: Context, args: argparse.Namespace) -> int:
    def progress(step: str) -> None:
        print(t("cli.hub.step", step=step), file=sys.stderr, flush=True)

    hub = try_hub(args.dir, ctx.clock, progress)
    print(t("cli.hub.made" if hub.made else "cli.hub.started", folder=str(hub.folder)))
    print(t("cli.hub.ready", url=hub.url, operator=hub.operator, passphrase=hub.passphrase))
    print(t("cli.hub.stop", command=hub.stop_command()))
    if args.no_console:
        return 0
    from tui.cli.console import run_console  # the console only when it is opened

    ctx.db, ctx.operator = hub.url, hub.operator
    ctx.settings.station_id, ctx.settings.station_name = DISTRICT_ID, DISTRICT_NAME  # the header's name
    return run_console(ctx, demo=False)
