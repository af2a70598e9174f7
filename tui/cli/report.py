"""``whistle report scorecard|rates``: the assessment for a period, printed or written to a file."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from data.exports.report import (
    Document,
    ReportFormat,
    document,
    periodic_tables,
    rates_table,
    render,
    scorecard_table,
    trend_charts,
    trend_table,
    write_xlsx,
)
from data.read.assessment import scorecards, station_rates, trend
from data.read.periodic import periodic_facts
from data.read.reinspections import category_name
from data.service import atomic_write, database_exists, open_sync, shown, write_text
from models.errors import DomainError
from models.i18n import language, t
from models.periods import Period, parse_period
from tui.cli.common import Context, add_common

TREND_COUNT = 12


def register(commands: Any) -> None:
    report = commands.add_parser("report", help=t("cli.help.report"), description=t("cli.help.report"))
    add_common(report)
    sub = report.add_subparsers(
        dest="report_command", metavar="scorecard|rates|weekly|monthly", required=True
    )
    for name, handler in (
        ("scorecard", scorecard_cmd),
        ("rates", rates_cmd),
        ("weekly", periodic_cmd),
        ("monthly", periodic_cmd),
    ):
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
        p.set_defaults(handler=handler)


def _period(ctx: Context, args: argparse.Namespace) -> Period:
    today = ctx.clock.now().astimezone(ctx.settings.tz).date()
    return parse_period(args.period, today)


def _emit(ctx: Context, args: argparse.Namespace, doc: Document, charts: list[str] | None = None) -> int:
    fmt = ReportFormat(args.format)
    if fmt is ReportFormat.XLSX:
        if args.out is None:
            raise DomainError("error.report_needs_out")
        with atomic_write(args.out) as handle:
            write_xlsx(handle, doc)
        print(t("cli.report_written", path=args.out))
        return 0
    text = render(doc, fmt, charts)
    if args.out is None:
        print(text, end="")
        return 0
    if fmt is ReportFormat.CSV:
        text = "\ufeff" + text
    path = write_text(args.out, text)
    print(t("cli.report_written", path=path))
    return 0


def _reader(ctx: Context) -> Any:
    if not database_exists(ctx.db):
        raise DomainError("error.not_a_database", path=shown(ctx.db), detail="—")
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


def periodic_cmd(ctx: Context, args: argparse.Namespace) -> int:
    """周报/月报: rates with their trend, the ranking, where problems come from, what is overdue,
    rework, the meetings' decisions and 回头看 — one document."""
    period = _period(ctx, args)
    now = ctx.clock.now()
    tz = ctx.settings.tz
    weights = ctx.settings.weights
    english = language() == "en"
    engine = _reader(ctx)
    try:
        with engine.connect() as conn:
            cards = scorecards(conn, period, now, tz, weights, english=english)
            rates = station_rates(conn, period, now, tz)
            history = trend(conn, period, now, tz, weights, count=TREND_COUNT)
            facts = periodic_facts(conn, period, now, tz)
    finally:
        engine.dispose()
    title = t("report.weekly" if args.report_command == "weekly" else "report.monthly", period=period.key)
    doc = document(
        title,
        ctx.settings.station_name,
        period.key,
        now,
        tz,
        [f"{t('assess.weights')}: {weights.formula()}"],
        [
            rates_table(rates),
            trend_table(history),
            scorecard_table(cards),
            *periodic_tables(facts, tz, category_name),
        ],
    )
    return _emit(ctx, args, doc, trend_charts(history))
