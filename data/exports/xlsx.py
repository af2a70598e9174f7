"""One Excel workbook (openpyxl, streaming write-only mode), a sheet per table.

Text is stored as text — never as a formula, whatever it begins with — so phone numbers
and codes keep their leading zeros; dates and times are dates with a date format; whole
numbers are numbers. It opens the same in Excel, WPS and LibreOffice with no dialog.
"""

from __future__ import annotations

import io
from collections.abc import Callable, Iterable
from datetime import date, datetime
from typing import IO, Any

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

from data.exports.tables import Cell, Table
from models.i18n import t

DATETIME_FORMAT = "yyyy-mm-dd hh:mm:ss"
DATE_FORMAT = "yyyy-mm-dd"
CELL_MAX = 32767  # the most characters a spreadsheet cell holds
WIDE = {"description": 60, "address": 30, "notes": 40, "action": 30, "result": 30, "rating_reason": 30}


def _text(value: str) -> str:
    value = ILLEGAL_CHARACTERS_RE.sub("", value)
    return value if len(value) <= CELL_MAX else value[: CELL_MAX - 1] + "…"


def _cell(sheet: Any, value: Cell) -> WriteOnlyCell:
    if isinstance(value, str):
        cell = WriteOnlyCell(sheet, value=_text(value))
        cell.data_type = "s"  # text, even when it begins with "="
        return cell
    cell = WriteOnlyCell(sheet, value=value)
    if isinstance(value, datetime):
        cell.number_format = DATETIME_FORMAT
    elif isinstance(value, date):
        cell.number_format = DATE_FORMAT
    return cell


def _width(column: str) -> float:
    if column in WIDE:
        return WIDE[column]
    return 20 if column.endswith(("_at", "deadline")) else 14


def write_workbook(
    handle: IO[bytes], tables: Iterable[Table], header: Callable[[Table], list[str]]
) -> dict[str, int]:
    book = Workbook(write_only=True)
    book.properties.creator = "Whistle Desk"
    counts = {}
    bold = Font(bold=True)
    for table in tables:
        sheet = book.create_sheet(t(f"export.sheet.{table.name}"))
        sheet.freeze_panes = "A2"
        for index, column in enumerate(table.columns, start=1):
            sheet.column_dimensions[get_column_letter(index)].width = _width(column)
        titles = []
        for title in header(table):
            cell = WriteOnlyCell(sheet, value=title)
            cell.font = bold
            titles.append(cell)
        sheet.append(titles)
        count = 0
        for row in table.rows():
            sheet.append([_cell(sheet, value) for value in row])
            count += 1
        counts[table.name] = count
    # The archive is finished in memory (it is compressed: some 100 bytes a case) and then
    # written in one go, so a write that fails leaves no half-closed archive behind.
    buffer = io.BytesIO()
    book.save(buffer)
    handle.write(buffer.getbuffer())
    return counts


typed_cell = _cell
"""A cell of a write-only sheet stored as its own type (text as text, dates as dates)."""

__all__ = ["typed_cell", "write_workbook"]
