"""``whistle report scorecard|rates|weekly|monthly``: the assessment for a period, printed or
written to a file."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from data.exports.report import ReportFormat, render
from data.exports.report_build import Built, ReportKind, build, write_report
from data.service import database_exists, open_sync, shown
from models.errors import DomainError
from models.i18n import language, t
from models.periods import Period, parse_period
from tui.cli.common import Context, add_common


def register(commands: Any) -> None:
    report = commands.add_parser("report", help=t("cli.help.report"), description=t("cli.help.report"))
    add_common(report)
    sub = report.add_subparsers(
        dest="report_command", metavar="scorecard|rates|weekly|monthly", required=True
    )
    for kind in ReportKind:
        name = kind.value
        help_key = f"cli.help.report_{name}"
        p: argparse.ArgumentParser = sub.add_parser(name, help=t(help_key), description=t(help_key))
        add_common(p)
        p.add_argument("--period", default="week" if name == "weekly" else "month", help=t("cli.help.period"))
        p.add_argument(
            "--format",
            choices=[f.value for f in ReportFormat],
            default=ReportFormat.MD.value,
            help=t("cli.help.report_format"),
        )
        p.add_argument("--out", type=Path, default=None, help=t("cli.help.report_out"))
        p.set_defaults(handler=report_cmd)


def _period(ctx: Context, args: argparse.Namespace) -> Period:
    today = ctx.clock.now().astimezone(ctx.settings.tz).date()
    return parse_period(args.period, today)


def _emit(args: argparse.Namespace, built: Built) -> int:
    fmt = ReportFormat(args.format)
    if args.out is None:
        if fmt is ReportFormat.XLSX:
            raise DomainError("error.report_needs_out")
        print(render(built.doc, fmt, built.charts), end="")
        return 0
    path = write_report(args.out, built, fmt)
    print(t("cli.report_written", path=path))
    return 0


@contextmanager
def progress_bar(stream: Any = None) -> Iterator[Callable[[int, int], None] | None]:
    """A bar on stderr while a report is read, when stderr is a terminal (nothing otherwise:
    a redirected or piped run keeps its output clean)."""
    stream = sys.stderr if stream is None else stream
    if not stream.isatty():
        yield None
        return
    console = Console(file=stream)
    columns = (TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn())
    with Progress(*columns, console=console, transient=True) as bar:
        task = bar.add_task(t("cli.report_progress"), total=None)

        def tell(done: int, total: int) -> None:
            bar.update(task, completed=done, total=total)

        yield tell


def report_cmd(ctx: Context, args: argparse.Namespace) -> int:
    """Scorecards (with communities and categories), the station's rates, or 周报/月报: rates
    with their trend, the ranking, where problems come from, what is overdue, rework, the
    meetings' decisions and 回头看 — one document."""
    period = _period(ctx, args)
    if not database_exists(ctx.db):
        raise DomainError("error.not_a_database", path=shown(ctx.db), detail="—")
    engine = open_sync(ctx.db, writer=False)
    try:
        with engine.connect() as conn, progress_bar() as tell:
            built = build(
                conn,
                ReportKind(args.report_command),
                period,
                ctx.clock.now(),
                ctx.settings.tz,
                ctx.settings.weights,
                ctx.settings.station_name,
                english=language() == "en",
                **({"progress": tell} if tell is not None else {}),
            )
    finally:
        engine.dispose()
    return _emit(args, built)
