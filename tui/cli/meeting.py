"""``whistle meeting list|export`` and ``whistle reinspect draw``."""

from __future__ import annotations

import argparse
import secrets
from pathlib import Path
from typing import Any

from data.exports.minutes import Format, Stage, render, write
from data.read.meetings import list_meetings, meeting_view
from data.read.reinspections import case_numbers
from data.service import database_exists, open_sync, shown
from data.write.commands.reinspections import supervised_draw
from models.errors import DomainError
from models.i18n import label, t
from tui.cli.common import Context, add_common, open_service

SEED_LIMIT = 2**31


def register(commands: Any) -> None:
    def group(name: str, help_key: str, metavar: str) -> Any:
        parser: argparse.ArgumentParser = commands.add_parser(name, help=t(help_key), description=t(help_key))
        add_common(parser)
        return parser.add_subparsers(dest=f"{name}_command", metavar=metavar, required=True)

    def command(sub: Any, name: str, help_key: str) -> argparse.ArgumentParser:
        parser: argparse.ArgumentParser = sub.add_parser(name, help=t(help_key), description=t(help_key))
        add_common(parser)
        return parser

    meeting = group("meeting", "cli.help.meeting", "list|export")
    command(meeting, "list", "cli.help.meeting_list").set_defaults(handler=list_cmd)
    p = command(meeting, "export", "cli.help.meeting_export")
    p.add_argument("id", help=t("cli.help.meeting_id"))
    p.add_argument("--format", choices=[f.value for f in Format], default=Format.MD.value)
    p.add_argument("--stage", choices=[s.value for s in Stage], default=None, help=t("cli.help.stage"))
    p.add_argument("--out", type=Path, required=True, help=t("cli.help.out_file"))
    p.set_defaults(handler=export_cmd)

    reinspect = group("reinspect", "cli.help.reinspect", "draw")
    p = command(reinspect, "draw", "cli.help.reinspect_draw")
    p.add_argument("--seed", type=int, default=None, help=t("cli.help.draw_seed"))
    p.add_argument("--rate", type=float, default=None, help=t("cli.help.draw_rate"))
    p.set_defaults(handler=draw_cmd)


def _reader(ctx: Context) -> Any:
    if not database_exists(ctx.db):
        raise DomainError("error.not_a_database", path=shown(ctx.db), detail="—")
    return open_sync(ctx.db, writer=False)


def list_cmd(ctx: Context, args: argparse.Namespace) -> int:
    engine = _reader(ctx)
    try:
        with engine.connect() as conn:
            meetings = list_meetings(conn)
    finally:
        engine.dispose()
    tz = ctx.settings.tz
    for m in meetings:
        when = m.scheduled_at.astimezone(tz).strftime("%Y-%m-%d %H:%M")
        print(
            "\t".join(
                (
                    m.id,
                    when,
                    label(m.kind),
                    label(m.status),
                    m.facilitator,
                    t("cli.meeting.items", n=m.items, decided=m.decided),
                    m.title,
                )
            ).rstrip()
        )
    return 0


def export_cmd(ctx: Context, args: argparse.Namespace) -> int:
    engine = _reader(ctx)
    try:
        with engine.connect() as conn:
            view = meeting_view(conn, args.id)
    finally:
        engine.dispose()
    stage = Stage(args.stage) if args.stage else None
    path = write(args.out, render(view, Format(args.format), ctx.settings.tz, stage))
    print(t("cli.meeting.exported", path=path))
    return 0


def draw_cmd(ctx: Context, args: argparse.Namespace) -> int:
    seed = args.seed if args.seed is not None else secrets.randbelow(SEED_LIMIT)
    service = open_service(ctx)
    try:
        chosen = service.run(supervised_draw, seed=seed, rate=args.rate)
        with service.engine.connect() as conn:
            numbers = case_numbers(conn, chosen)
    finally:
        service.close()
    print(t("cli.reinspect.drawn", seed=seed, n=len(chosen)))
    for case_id in chosen:
        print(numbers.get(case_id, case_id))
    return 0
