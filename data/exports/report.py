"""The assessment as documents: scorecards and station rates as tables, rendered as Markdown,
CSV (with BOM) or a printable HTML page. Every document carries its station, period, the time it
was generated and the score's formula with its weights."""

from __future__ import annotations

import csv
import html
import io
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from fractions import Fraction
from typing import IO, Any
from zoneinfo import ZoneInfo

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font

from data.exports.csv import neutralise
from data.exports.xlsx import typed_cell
from data.read.assessment import Scorecards
from data.read.periodic import AreaRow, PeriodicFacts
from data.read.station_rates import StationRates
from data.read.trends import Trend
from models.assessment import Ratio, hmm
from models.charts import svg_line
from models.i18n import t


class ReportFormat(StrEnum):
    MD = "md"
    CSV = "csv"
    HTML = "html"
    XLSX = "xlsx"


@dataclass(frozen=True)
class Pct:
    """A rate shown as its percentage alone (its numerator/denominator stand in another column)."""

    ratio: Ratio


Cell = str | int | float | Ratio | Pct | None
"""Text, a number, a rate (stored as a percentage in the workbook) or nothing (—)."""


def text(cell: Cell) -> str:
    if cell is None:
        return "—"
    if isinstance(cell, Ratio):
        return f"{cell.pct()} ({cell.num}/{cell.den})"
    if isinstance(cell, Pct):
        return cell.ratio.pct()
    if isinstance(cell, float):
        return f"{cell:.1f}"
    return str(cell)


@dataclass
class Table:
    title: str
    headers: list[str]
    rows: list[list[Cell]] = field(default_factory=list)
    numeric: set[int] = field(default_factory=set)
    """Columns that hold figures (right-aligned)."""


@dataclass
class Document:
    title: str
    station: str
    period: str
    generated: str
    notes: list[str]
    tables: list[Table]


def _change(value: Fraction | None) -> str:
    return "—" if value is None else f"{float(value):+.1f}"


def scorecard_table(cards: Scorecards) -> Table:
    headers = [
        t("assess.rank"),
        t("assess.department"),
        t("assess.summoned"),
        t("assess.on_time"),
        t("assess.late"),
        t("assess.absent"),
        t("assess.withdrawn"),
        t("assess.pending"),
        t("assess.on_time_rate"),
        t("assess.arrival_rate"),
        t("assess.mean_arrive"),
        t("assess.median_arrive"),
        t("assess.acted"),
        t("assess.rating"),
        t("assess.ratings"),
        t("assess.rework"),
        t("assess.pauses"),
        t("assess.paused_time"),
        t("assess.extensions"),
        t("assess.extended_time"),
        t("assess.corrections"),
        t("assess.entered_late"),
        t("assess.extended_late"),
        t("assess.score"),
        t("assess.change"),
        t("assess.previous_rank"),
    ]
    table = Table(
        t("assess.title_scorecard", period=cards.period.key), headers, numeric=set(range(2, len(headers)))
    )
    for c in cards.cards:
        name = c.name + ("" if c.active else t("assess.inactive"))
        table.rows.append(
            [
                c.rank,
                name,
                c.summoned,
                c.on_time,
                c.late,
                c.absent,
                c.withdrawn,
                c.pending,
                c.on_time_rate,
                c.arrival_rate,
                hmm(c.mean_minutes),
                hmm(c.median_minutes),
                c.action_rate,
                None if c.mean_rating is None else round(float(c.mean_rating), 2),
                len(c.ratings),
                c.rework,
                c.pauses,
                hmm(c.paused_minutes) if c.pauses else None,
                c.extensions,
                hmm(c.extended_minutes) if c.extensions else None,
                c.corrections,
                c.entered_late,
                c.extended_late,
                None if c.score is None else round(float(c.score), 1),
                _change(c.change),
                c.previous_rank,
            ]
        )
    return table


def rates_table(rates: StationRates) -> Table:
    table = Table(
        t("assess.title_rates", period=rates.period.key),
        [t("assess.rate"), t("assess.value"), t("assess.num_den"), t("assess.definition")],
        numeric={1, 2},
    )
    for key, ratio in (
        ("closure", rates.closure),
        ("on_time_closure", rates.on_time_closure),
        ("rework", rates.rework),
        ("disposal", rates.disposal),
        ("whistle", rates.whistle),
        ("on_time", rates.on_time),
        ("arrival", rates.arrival),
    ):
        name = {
            "rework": "assess.rework_rate",
            "whistle": "assess.whistle_rate",
            "on_time": "assess.on_time_rate",
            "arrival": "assess.arrival_rate",
        }.get(key, f"assess.{key}")
        table.rows.append([t(name), Pct(ratio), f"{ratio.num}/{ratio.den}", t(f"assess.definition.{key}")])
    table.rows.append([t("assess.mean_arrive"), hmm(rates.mean_minutes_to_arrive), "", ""])
    table.rows.append([t("assess.received"), rates.received, "", ""])
    table.rows.append([t("assess.whistled"), rates.whistled, "", ""])
    table.rows.append([t("assess.withdrawn_count"), rates.withdrawn, "", ""])
    return table


def document(
    title: str,
    station: str,
    period: str,
    generated: datetime,
    tz: ZoneInfo,
    notes: list[str],
    tables: list[Table],
) -> Document:
    return Document(
        title, station, period, generated.astimezone(tz).strftime("%Y-%m-%d %H:%M"), notes, tables
    )


def _meta(doc: Document) -> list[tuple[str, str]]:
    return [
        (t("assess.station"), doc.station),
        (t("assess.period"), doc.period),
        (t("assess.generated"), doc.generated),
    ]


def _md_cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def render_md(doc: Document) -> str:
    out = [f"# {doc.title}", ""]
    out += [f"- {k}: {v}" for k, v in _meta(doc)]
    out += [f"- {note}" for note in doc.notes]
    for table in doc.tables:
        out += ["", f"## {table.title}", ""]
        if not table.rows:
            out.append(t("assess.none"))
            continue
        out.append("| " + " | ".join(_md_cell(h) for h in table.headers) + " |")
        out.append(
            "|" + "|".join("---:" if i in table.numeric else "---" for i in range(len(table.headers))) + "|"
        )
        out += ["| " + " | ".join(_md_cell(text(c)) for c in row) + " |" for row in table.rows]
    return "\n".join(out) + "\n"


def render_csv(doc: Document) -> str:
    """One CSV file: the document's facts, then each table under its title, a blank line apart.
    Written with a BOM by the caller so spreadsheet programs read it as UTF-8."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    for key, value in _meta(doc):
        writer.writerow([key, value])
    for note in doc.notes:
        writer.writerow([note])
    for table in doc.tables:
        writer.writerow([])
        writer.writerow([table.title])
        writer.writerow(table.headers)
        writer.writerows(
            [neutralise(text(c)) if isinstance(c, str) else text(c) for c in row] for row in table.rows
        )
    return buffer.getvalue()


PAGE_CSS = """
@page { size: A4 landscape; margin: 12mm; }
body { font-family: "Noto Sans CJK SC", "Microsoft YaHei", sans-serif; font-size: 10pt; }
h1 { font-size: 15pt; margin: 0 0 4pt; }
h2 { font-size: 12pt; margin: 14pt 0 4pt; }
ul.meta { list-style: none; padding: 0; margin: 0 0 6pt; color: #333; }
table { border-collapse: collapse; width: 100%; page-break-inside: auto; }
tr { page-break-inside: avoid; }
th, td { border: 0.5pt solid #999; padding: 2pt 4pt; }
th { background: #eee; }
td.n { text-align: right; font-variant-numeric: tabular-nums; }
.charts { display: flex; flex-wrap: wrap; gap: 6pt; }
figure.chart { margin: 0; break-inside: avoid; }
figure.chart figcaption { font-size: 9pt; }
"""


def render_html(doc: Document, charts: list[str] | None = None) -> str:
    esc = html.escape
    out = [
        "<!DOCTYPE html>",
        '<html lang="zh-CN"><head><meta charset="utf-8">',
        f"<title>{esc(doc.title)}</title><style>{PAGE_CSS}</style></head><body>",
        f"<h1>{esc(doc.title)}</h1>",
        '<ul class="meta">',
    ]
    out += [f"<li>{esc(k)}: {esc(v)}</li>" for k, v in _meta(doc)]
    out += [f"<li>{esc(note)}</li>" for note in doc.notes]
    out.append("</ul>")
    if charts:
        out.append('<div class="charts">')
        out += charts
        out.append("</div>")
    for table in doc.tables:
        out.append(f"<h2>{esc(table.title)}</h2>")
        if not table.rows:
            out.append(f"<p>{esc(t('assess.none'))}</p>")
            continue
        out.append(
            "<table><thead><tr>"
            + "".join(f"<th>{esc(h)}</th>" for h in table.headers)
            + "</tr></thead><tbody>"
        )
        for row in table.rows:
            cells = "".join(
                f'<td class="n">{esc(text(c))}</td>' if i in table.numeric else f"<td>{esc(text(c))}</td>"
                for i, c in enumerate(row)
            )
            out.append(f"<tr>{cells}</tr>")
        out.append("</tbody></table>")
    out.append("</body></html>")
    return "\n".join(out) + "\n"


PERCENT = "0.0%"
SHEET_TITLE_MOST = 31  # what a spreadsheet allows
SHEET_TITLE_BAD = str.maketrans({c: " " for c in "[]:*?/\\"})


def write_xlsx(handle: IO[bytes], doc: Document) -> None:
    """The document as a workbook: a first sheet with its facts, then a sheet per table;
    counts are numbers, rates are percentages, text is text."""
    book = Workbook(write_only=True)
    book.properties.creator = "Whistle Desk"
    bold = Font(bold=True)
    facts = book.create_sheet(doc.title.translate(SHEET_TITLE_BAD)[:SHEET_TITLE_MOST])
    for key, value in _meta(doc):
        facts.append([key, value])
    for note in doc.notes:
        facts.append([note])
    used: set[str] = set()
    for number, table in enumerate(doc.tables, start=1):
        title = table.title.translate(SHEET_TITLE_BAD)[:SHEET_TITLE_MOST]
        if title in used:
            title = f"{number} {title}"[:SHEET_TITLE_MOST]
        used.add(title)
        sheet = book.create_sheet(title)
        sheet.freeze_panes = "A2"
        headings = []
        for heading in table.headers:
            cell = WriteOnlyCell(sheet, value=heading)
            cell.font = bold
            headings.append(cell)
        sheet.append(headings)
        for row in table.rows:
            sheet.append([_workbook_cell(sheet, c) for c in row])
    buffer = io.BytesIO()
    book.save(buffer)
    handle.write(buffer.getbuffer())


def _workbook_cell(sheet: Any, cell: Cell) -> Any:
    if isinstance(cell, Ratio | Pct):
        ratio = cell if isinstance(cell, Ratio) else cell.ratio
        value = ratio.value
        out = WriteOnlyCell(sheet, value=None if value is None else float(value))
        out.number_format = PERCENT
        return out
    if isinstance(cell, float):
        return WriteOnlyCell(sheet, value=cell)
    return typed_cell(sheet, cell)


def render(doc: Document, fmt: ReportFormat, charts: list[str] | None = None) -> str:
    """``charts`` (inline SVG) go into the printable page only."""
    if fmt is ReportFormat.MD:
        return render_md(doc)
    if fmt is ReportFormat.CSV:
        return render_csv(doc)
    return render_html(doc, charts)


# -- 周报/月报 ------------------------------------------------------------------------------------


def _when(at: datetime | None, tz: ZoneInfo) -> str:
    return "—" if at is None else at.astimezone(tz).strftime("%Y-%m-%d %H:%M")


def trend_table(history: Trend) -> Table:
    headers = [t("assess.rate"), *(p.key for p in history.periods)]
    table = Table(t("reports.trend", n=len(history.periods)), headers, numeric=set(range(1, len(headers))))
    for label_key, name in TREND_RATES:
        table.rows.append([t(label_key), *(Pct(getattr(r, name)) for r in history.rates)])
    return table


TREND_RATES = (
    ("assess.closure", "closure"),
    ("assess.on_time_closure", "on_time_closure"),
    ("assess.rework_rate", "rework"),
    ("assess.whistle_rate", "whistle"),
    ("assess.on_time_rate", "on_time"),
    ("assess.arrival_rate", "arrival"),
)


def trend_charts(history: Trend) -> list[str]:
    labels = [p.key for p in history.periods]
    return [
        svg_line([getattr(r, name).value for r in history.rates], labels, t(label_key), low=0.0, high=1.0)
        for label_key, name in TREND_RATES
    ]


def periodic_tables(facts: PeriodicFacts, tz: ZoneInfo, category_name: Callable[[str], str]) -> list[Table]:
    def area_table(title_key: str, rows: list[AreaRow], name: Callable[[str], str]) -> Table:
        table = Table(
            t(title_key),
            [t("report.area"), t("assess.received"), t("assess.whistled"), t("assess.rework")],
            numeric={1, 2, 3},
        )
        table.rows = [[name(r.key), str(r.received), str(r.whistled), str(r.relapses)] for r in rows]
        return table

    overdue = Table(
        t("report.overdue", shown=len(facts.overdue), total=facts.overdue_total),
        [
            t("reports.f.case"),
            t("report.category"),
            t("report.community"),
            t("report.deadline"),
            t("report.over"),
        ],
        numeric={4},
    )
    overdue.rows = [
        [o.number, category_name(o.category), o.community, _when(o.deadline, tz), hmm(o.minutes_over)]
        for o in facts.overdue
    ]
    rework = Table(
        t("report.relapses"),
        [t("reports.f.case"), t("report.category"), t("report.community"), t("report.charged")],
    )
    rework.rows = [
        [r.number, category_name(r.category), r.community, "、".join(r.departments)] for r in facts.relapses
    ]
    decisions = Table(
        t("report.decisions", n=facts.meetings_held),
        [
            t("report.meeting"),
            t("report.subject"),
            t("report.decision"),
            t("report.lead"),
            t("report.due"),
            t("report.followup"),
        ],
    )
    decisions.rows = [
        [
            d.meeting_title or _when(d.meeting_at, tz),
            d.subject,
            d.decision,
            d.lead or "—",
            "—" if d.due_on is None else d.due_on.isoformat(),
            "—" if d.followup is None else t(f"FollowUp.{d.followup}"),
        ]
        for d in facts.decisions
    ]
    results = Table(t("report.reinspections"), [t("report.result"), t("report.count")], numeric={1})
    results.rows = [
        [t(f"ReinspectionResult.{k}"), str(v)] for k, v in sorted(facts.reinspection_results.items())
    ]
    return [
        area_table("report.top_communities", facts.communities, lambda k: k),
        area_table("report.top_categories", facts.categories, category_name),
        overdue,
        rework,
        decisions,
        results,
    ]
