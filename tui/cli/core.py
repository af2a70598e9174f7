"""init, demo, verify, calendar, operator."""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path
from typing import Any

from data.demo import DemoOptions, generate
from data.service import DEFAULT_OPERATOR, SyncService, local_station, open_sync, verify
from data.write.commands.reference import add_operator, load_calendar_year
from models.calendar import CalendarTableError, parse_year_table
from models.enums import Role
from models.errors import DomainError
from models.i18n import label, t
from tui.cli.common import Context, add_common


def register(commands: Any) -> None:
    def command(name: str, help_key: str) -> argparse.ArgumentParser:
        parser: argparse.ArgumentParser = commands.add_parser(name, help=t(help_key), description=t(help_key))
        add_common(parser)
        return parser

    p = command("init", "cli.help.init")
    p.add_argument("--station-id", help=t("cli.help.station_id"))
    p.add_argument("--station-name", help=t("cli.help.station_name"))
    p.set_defaults(handler=init)

    p = command("demo", "cli.help.demo")
    p.add_argument("--cases", type=int, default=300, help=t("cli.help.cases"))
    p.add_argument("--seed", type=int, default=2026, help=t("cli.help.seed"))
    p.set_defaults(handler=demo)

    p = command("verify", "cli.help.verify")
    p.add_argument("--quick", action="store_true", help=t("cli.help.quick"))
    p.set_defaults(handler=verify_cmd)

    p = command("calendar", "cli.help.calendar")
    p.add_argument("file", type=Path, help=t("cli.help.calendar_file"))
    p.set_defaults(handler=calendar)

    p = command("operator", "cli.help.operator_cmd")
    p.add_argument("name")
    p.add_argument(
        "--role",
        choices=[r.value for r in Role],
        default=Role.OPERATOR.value,
        help=t("cli.help.role"),
    )
    p.set_defaults(handler=operator)


def _open(ctx: Context, role: Role | None = None, name: str | None = None) -> SyncService:
    return SyncService.open(ctx.db, ctx.settings, ctx.clock, name or ctx.operator or DEFAULT_OPERATOR, role)


def init(ctx: Context, args: argparse.Namespace) -> int:
    existed = ctx.db.exists()
    if args.station_id:
        ctx.settings.station_id = args.station_id
    if args.station_name:
        ctx.settings.station_name = args.station_name
    if existed:
        engine = open_sync(ctx.db)
        with engine.connect() as conn:
            station = local_station(conn)
        engine.dispose()
        if station is not None:
            print(t("cli.init.exists", path=ctx.db, station=station))
            return 0
    service = _open(ctx)
    print(t("cli.init.done", path=ctx.db, station=service.station_id))
    service.close()
    return 0


def demo(ctx: Context, args: argparse.Namespace) -> int:
    service = _open(ctx)
    started = time.perf_counter()
    try:
        summary = generate(service, DemoOptions(cases=args.cases, seed=args.seed), progress=sys.stderr)
    finally:
        service.close()
    print(
        t(
            "cli.demo.done",
            path=ctx.db,
            cases=summary.cases,
            events=summary.events,
            seconds=time.perf_counter() - started,
        )
    )
    return 0


def verify_cmd(ctx: Context, args: argparse.Namespace) -> int:
    if not ctx.db.exists():
        raise DomainError("error.not_a_database", path=str(ctx.db), detail="—")
    engine = open_sync(ctx.db, writer=False)
    try:
        report = verify(engine, replay=not args.quick)
    finally:
        engine.dispose()
    if report.ok:
        print(t("cli.verify.ok", events=report.events, stations=report.stations))
        return 0
    for problem in report.problems:
        print(t("cli.verify.bad", detail=problem), file=sys.stderr)
    return 1


def calendar(ctx: Context, args: argparse.Namespace) -> int:
    try:
        table = parse_year_table(args.file.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, CalendarTableError) as exc:
        raise DomainError("error.calendar_table", detail=str(exc)) from exc
    service = _open(ctx)
    try:
        service.run(load_calendar_year, table)
    finally:
        service.close()
    print(t("cli.calendar.done", year=table.year))
    return 0


def operator(ctx: Context, args: argparse.Namespace) -> int:
    role = Role(args.role)
    service = _open(ctx)
    try:
        service.run(add_operator, name=args.name, role=role)
    finally:
        service.close()
    print(t("cli.operator.done", name=args.name, role=label(role)))
    return 0
