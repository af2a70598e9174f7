"""The assessment as documents: tables rendered as Markdown, CSV (with BOM), a printable HTML
page or an Excel workbook. Every document carries its station, period, the time it
was generated and the score's formula with its weights."""

from __future__ import annotations

import csv
import html
import io
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from typing import IO, Any
from zoneinfo import ZoneInfo

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font

from data.exports.csv import neutralise
from data.exports.xlsx import typed_cell
from models.assessment import Ratio
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
