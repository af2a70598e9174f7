"""init, demo, verify, calendar, operator."""

from __future__ import annotations

import argparse
import sys
import time
from contextlib import suppress
from pathlib import Path
from typing import Any

from data.demo import DemoOptions, demo_staff, generate
from data.service import (
    SyncService,
    database_exists,
    escalate,
    is_server,
    load_marks,
    local_station,
    location,
    marks_path,
    migrate,
    open_sync,
    save_marks,
    shown,
    verify,
)
from data.write.commands.operators import (
    has_credentials,
    manage_operator,
    require_supervisor,
    role_of_operator,
)
from data.write.commands.working_time import load_calendar_year
from models.calendar import CalendarTableError, parse_year_table
from models.enums import Role
from models.errors import DomainError
from models.i18n import label, t
from tui.cli.common import (
    NEW_SECRET_ENV,
    PASSPHRASE_ENV,
    Context,
    add_common,
    open_service,
    positive,
    print_staff,
    read_secret,
)


def register(commands: Any) -> None:
    def command(name: str, help_key: str) -> argparse.ArgumentParser:
        parser: argparse.ArgumentParser = commands.add_parser(name, help=t(help_key), description=t(help_key))
        add_common(parser)
        return parser

    p = command("init", "cli.help.init")
    p.add_argument("--station-id", help=t("cli.help.station_id"))
    p.add_argument("--station-name", help=t("cli.help.station_name"))
    p.add_argument("--district", action="store_true", help=t("cli.help.init_district"))
    p.set_defaults(handler=init)

    p = command("demo", "cli.help.demo")
    p.add_argument("--cases", type=positive, default=300, help=t("cli.help.cases"))
    p.add_argument("--seed", type=int, default=2026, help=t("cli.help.seed"))
    p.set_defaults(handler=demo)

    p = command("escalate", "cli.escalate.help")
    p.set_defaults(handler=escalate_cmd)

    p = command("verify", "cli.help.verify")
    p.add_argument("--quick", action="store_true", help=t("cli.help.quick"))
    p.add_argument("--since", action="store_true", help=t("cli.help.verify_since"))
    p.set_defaults(handler=verify_cmd)

    p = command("migrate", "cli.help.migrate")
    p.add_argument("--from", dest="source", type=location, required=True, help=t("cli.help.migrate_from"))
    p.add_argument("--to", dest="target", type=location, required=True, help=t("cli.help.migrate_to"))
    p.set_defaults(handler=migrate_cmd)

    p = command("calendar", "cli.help.calendar")
    p.add_argument("file", type=Path, help=t("cli.help.calendar_file"))
    p.add_argument("--override", metavar="REASON", default="", help=t("cli.help.calendar_override"))
    p.set_defaults(handler=calendar)

    p = command("operator", "cli.help.operator_cmd")
    p.add_argument("name")
    p.add_argument("--role", choices=[r.value for r in Role], default=None, help=t("cli.help.role"))
    p.add_argument("--set-pin", action="store_true", help=t("cli.help.set_pin", env=NEW_SECRET_ENV))
    p.set_defaults(handler=operator)


def _open(ctx: Context) -> SyncService:
    return open_service(ctx)


def init(ctx: Context, args: argparse.Namespace) -> int:
    existed = database_exists(ctx.db)
    if args.station_id:
        ctx.settings.station_id = args.station_id
    if args.station_name:
        ctx.settings.station_name = args.station_name
    ctx.settings.district = args.district
    if existed:
        engine = open_sync(ctx.db)
        with engine.connect() as conn:
            station = local_station(conn)
            set_up = station is not None and has_credentials(conn, station)
        engine.dispose()
        if set_up:
            print(t("cli.init.exists", path=shown(ctx.db), station=station))
            return 0
    if not ctx.operator:
        raise DomainError("auth.init_needs_name")
    secret = read_secret(PASSPHRASE_ENV, t("auth.prompt_new", name=ctx.operator), confirm=True)
    service = SyncService.open(ctx.db, ctx.settings, ctx.clock)
    try:
        service.set_up(ctx.operator, secret)
        print(t("cli.init.done", path=shown(ctx.db), station=service.station_id))
        print(t("cli.init.supervisor", name=ctx.operator, role=label(Role.SUPERVISOR)))
        if args.district:
            print(t("cli.init.district", station=service.station_id))
    finally:
        service.close()
    return 0


def demo(ctx: Context, args: argparse.Namespace) -> int:
    service = SyncService.open(ctx.db, ctx.settings, ctx.clock)
    started = time.perf_counter()
    try:
        summary = generate(service, DemoOptions(cases=args.cases, seed=args.seed), progress=sys.stderr)
        with service.engine.connect() as conn:
            staff = demo_staff(conn, service.station_id)
    finally:
        service.close()
    print(
        t(
            "cli.demo.done",
            path=shown(ctx.db),
            cases=summary.cases,
            events=summary.events,
            seconds=time.perf_counter() - started,
        )
    )
    print_staff(staff)
    return 0


def verify_cmd(ctx: Context, args: argparse.Namespace) -> int:
    if not database_exists(ctx.db):
        raise DomainError("error.not_a_database", path=shown(ctx.db), detail="—")
    engine = open_sync(ctx.db, writer=False)
    try:
        local = None if isinstance(ctx.db, str) else ctx.db  # marks are kept beside a file only
        since = load_marks(marks_path(local)) if args.since and local is not None else None
        report = verify(engine, replay=not args.quick, since=since)
    finally:
        engine.dispose()
    if report.ok:
        if local is not None:  # a folder it cannot write to: the next --since checks more
            with suppress(DomainError):
                save_marks(marks_path(local), report.marks)
        if args.since:
            done = "cli.verify.since_ok"
        else:
            done = "cli.verify.ok_server" if is_server(ctx.db) else "cli.verify.ok"
        print(t(done, events=report.events, stations=report.stations))
        return 0
    for problem in report.problems:
        print(t("cli.verify.bad", detail=problem), file=sys.stderr)
    return 1


def migrate_cmd(ctx: Context, args: argparse.Namespace) -> int:
    moved = migrate(args.source, args.target)
    print(
        t(
            "cli.migrate.done",
            source=shown(args.source),
            target=shown(args.target),
            events=moved.events,
            stations=moved.stations,
        )
    )
    return 0


def escalate_cmd(ctx: Context, args: argparse.Namespace) -> int:
    """升级: record the steps of the escalation ladder now due, as a desk's poller does (for a
    station whose desks are all closed, e.g. from a timer)."""
    service = _open(ctx)
    try:
        reached = service.run(escalate)
    finally:
        service.close()
    print(t("cli.escalate.done", n=sum(len(p.due) for p in reached)))
    return 0


def calendar(ctx: Context, args: argparse.Namespace) -> int:
    try:
        table = parse_year_table(args.file.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, CalendarTableError) as exc:
        raise DomainError("error.calendar_table", detail=str(exc)) from exc
    service = _open(ctx)
    try:
        recounted = service.run(load_calendar_year, table, override_reason=args.override)
    finally:
        service.close()
    if args.override.strip():
        print(t("cli.calendar.overridden", year=table.year, reason=args.override.strip()))
    else:
        print(t("cli.calendar.done", year=table.year))
    if recounted:
        print(t("cli.calendar.recomputed", n=recounted))
    return 0


def operator(ctx: Context, args: argparse.Namespace) -> int:
    """A supervisor adds an operator (asked for their PIN), changes a role or resets a PIN."""
    role = Role(args.role) if args.role else None
    service = _open(ctx)
    try:
        service.run(require_supervisor)  # before asking for the new PIN
        known = service.run(role_of_operator, args.name)
        secret = None
        if known is None or args.set_pin:
            secret = read_secret(NEW_SECRET_ENV, t("auth.prompt_new", name=args.name), confirm=True)
        service.run(manage_operator, name=args.name, role=role, secret=secret)
        now = service.run(role_of_operator, args.name)
    finally:
        service.close()
    print(t("cli.operator.done", name=args.name, role=label(now or Role.OPERATOR)))
    return 0
