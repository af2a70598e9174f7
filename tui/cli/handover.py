"""``whistle handover print``: a shift handover as Markdown or HTML."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from data.exports.handover import render
from data.exports.minutes import Format, write
from data.read.handover import handover, latest
from data.service import database_exists, open_sync, shown
from models.errors import DomainError
from models.i18n import t
from tui.cli.common import Context, add_common


def register(commands: Any) -> None:
    group: argparse.ArgumentParser = commands.add_parser(
        "handover", help=t("cli.help.handover"), description=t("cli.help.handover")
    )
    add_common(group)
    sub = group.add_subparsers(dest="handover_command", metavar="print", required=True)
    p: argparse.ArgumentParser = sub.add_parser(
        "print", help=t("cli.help.handover_print"), description=t("cli.help.handover_print")
    )
    add_common(p)
    p.add_argument("--id", default=None, help=t("cli.help.handover_id"))
    p.add_argument("--format", choices=[f.value for f in Format], default=Format.MD.value)
    p.add_argument("--out", type=Path, default=None, help=t("cli.help.handover_out"))
    p.set_defaults(handler=print_cmd)


def print_cmd(ctx: Context, args: argparse.Namespace) -> int:
    if not database_exists(ctx.db):
        raise DomainError("error.not_a_database", path=shown(ctx.db), detail="—")
    engine = open_sync(ctx.db, writer=False)
    try:
        with engine.connect() as conn:
            row = handover(conn, args.id) if args.id else latest(conn)
    finally:
        engine.dispose()
    if row is None:
        raise DomainError("handover.none")
    text = render(row, Format(args.format), ctx.settings.tz, ctx.settings.station_name)
    if args.out is None:
        print(text, end="")
        return 0
    print(t("handover.cli.written", path=write(args.out, text)))
    return 0
