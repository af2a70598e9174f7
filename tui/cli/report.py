"""``whistle report scorecard|rates``: the assessment for a period, printed or written to a file."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from data.exports.minutes import write
from data.exports.report import Document, ReportFormat, document, rates_table, render, scorecard_table
from data.read.assessment import scorecards, station_rates
from data.service import open_sync
from models.errors import DomainError
from models.i18n import language, t
from models.periods import Period, parse_period
from tui.cli.common import Context, add_common


def register(commands: Any) -> None:
    report = commands.add_parser("report", help=t("cli.help.report"), description=t("cli.help.report"))
    add_common(report)
    sub = report.add_subparsers(dest="report_command", metavar="scorecard|rates", required=True)
    for name, handler in (("scorecard", scorecard_cmd), ("rates", rates_cmd)):
        help_key = f"cli.help.report_{name}"
        p: argparse.ArgumentParser = sub.add_parser(name, help=t(help_key), description=t(help_key))
        add_common(p)
        p.add_argument("--period", default="month", help=t("cli.help.period"))
        p.add_argument(
            "--format",
            choices=[f.value for f in ReportFormat],
            default=ReportFormat.MD.value,
            help=t("cli.help.report_format"),
        )
        p.add_argument("--out", type=Path, default=None, help=t("cli.help.report_out"))
        p.set_defaults(handler=handler)


def _period(ctx: Context, args: argparse.Namespace) -> Period:
    today = ctx.clock.now().astimezone(ctx.settings.tz).date()
    return parse_period(args.period, today)


def _emit(ctx: Context, args: argparse.Namespace, doc: Document) -> int:
    fmt = ReportFormat(args.format)
    text = render(doc, fmt)
    if args.out is None:
        print(text, end="")
        return 0
    if fmt is ReportFormat.CSV:
        text = "\ufeff" + text
    path = write(args.out, text)
    print(t("cli.report_written", path=path))
    return 0


def _reader(ctx: Context) -> Any:
    if not ctx.db.exists():
        raise DomainError("error.not_a_database", path=str(ctx.db), detail="—")
    return open_sync(ctx.db, writer=False)


def scorecard_cmd(ctx: Context, args: argparse.Namespace) -> int:
    period = _period(ctx, args)
    now = ctx.clock.now()
    weights = ctx.settings.weights
    engine = _reader(ctx)
    try:
        with engine.connect() as conn:
            cards = scorecards(conn, period, now, ctx.settings.tz, weights, english=language() == "en")
    finally:
        engine.dispose()
    doc = document(
        t("assess.title_scorecard", period=period.key),
        ctx.settings.station_name,
        period.key,
        now,
        ctx.settings.tz,
        [f"{t('assess.weights')}: {weights.formula()}"],
        [scorecard_table(cards)],
    )
    return _emit(ctx, args, doc)


def rates_cmd(ctx: Context, args: argparse.Namespace) -> int:
    period = _period(ctx, args)
    now = ctx.clock.now()
    engine = _reader(ctx)
    try:
        with engine.connect() as conn:
            rates = station_rates(conn, period, now, ctx.settings.tz)
    finally:
        engine.dispose()
    doc = document(
        t("assess.title_rates", period=period.key),
        ctx.settings.station_name,
        period.key,
        now,
        ctx.settings.tz,
        [],
        [rates_table(rates)],
    )
    return _emit(ctx, args, doc)
