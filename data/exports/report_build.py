"""One report, read and laid out: the same document for ``whistle report`` and for the export
from view 5. ``progress(done, total)`` is told after each step, so a caller can draw a bar."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import Connection

from data.exports.report import Document, ReportFormat, Table, document, render, write_xlsx
from data.exports.report_tables import (
    area_tables,
    periodic_tables,
    rates_table,
    scorecard_table,
    trend_charts,
    trend_table,
)
from data.read.areas import Area, area_cards
from data.read.assessment import scorecards
from data.read.periodic import periodic_facts
from data.read.reinspections import category_name
from data.read.station_rates import station_rates
from data.read.trends import trend
from data.store.files import atomic_write, write_text
from models.assessment import Weights
from models.i18n import t
from models.periods import Period

TREND_COUNT = 12


class ReportKind(StrEnum):
    SCORECARD = "scorecard"
    RATES = "rates"
    WEEKLY = "weekly"
    MONTHLY = "monthly"


@dataclass(frozen=True)
class Built:
    doc: Document
    charts: list[str]
    """Inline SVG for the printable page (weekly and monthly reports)."""


Progress = Callable[[int, int], None]


def _quiet(done: int, total: int) -> None:
    return None


STEPS: dict[ReportKind, int] = {
    ReportKind.SCORECARD: 3,
    ReportKind.RATES: 1,
    ReportKind.WEEKLY: 6,
    ReportKind.MONTHLY: 6,
}
"""How many reads each report makes (the steps of its progress bar, before writing)."""


def build(
    conn: Connection,
    kind: ReportKind,
    period: Period,
    now: datetime,
    tz: ZoneInfo,
    weights: Weights,
    station_name: str,
    *,
    english: bool = False,
    progress: Progress = _quiet,
) -> Built:
    total = STEPS[kind]
    done = 0

    def step(value: Any) -> Any:
        nonlocal done
        done += 1
        progress(done, total)
        return value

    formula = [f"{t('assess.weights')}: {weights.formula()}"]
    tables: list[Table]
    charts: list[str] = []
    if kind is ReportKind.RATES:
        title = t("assess.title_rates", period=period.key)
        tables = [rates_table(step(station_rates(conn, period, now, tz)))]
        formula = []
    else:
        cards = step(scorecards(conn, period, now, tz, weights, english=english))
        areas = area_tables(
            step(area_cards(conn, period, now, tz, Area.COMMUNITY)),
            step(area_cards(conn, period, now, tz, Area.CATEGORY)),
        )
        if kind is ReportKind.SCORECARD:
            title = t("assess.title_scorecard", period=period.key)
            tables = [scorecard_table(cards), *areas]
        else:
            rates = step(station_rates(conn, period, now, tz))
            history = step(trend(conn, period, now, tz, weights, count=TREND_COUNT))
            facts = step(periodic_facts(conn, period, now, tz))
            title = t("report.weekly" if kind is ReportKind.WEEKLY else "report.monthly", period=period.key)
            tables = [
                rates_table(rates),
                trend_table(history),
                scorecard_table(cards),
                *areas,
                *periodic_tables(facts, tz, category_name),
            ]
            charts = trend_charts(history)
    return Built(document(title, station_name, period.key, now, tz, formula, tables), charts)


def write_report(path: Path, built: Built, fmt: ReportFormat) -> Path:
    """The document to ``path``, whole or not at all (a CSV with a BOM, so spreadsheet programs
    read it as UTF-8); a full disk or a folder that cannot be written is a ``DomainError``."""
    if fmt is ReportFormat.XLSX:
        with atomic_write(path) as handle:
            write_xlsx(handle, built.doc)
        return path
    text = render(built.doc, fmt, built.charts)
    return write_text(path, "\ufeff" + text if fmt is ReportFormat.CSV else text)
