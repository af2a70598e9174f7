"""The tables for spreadsheets, as CSV (one file per table) or as one Excel workbook.

CSV is UTF-8 with a byte-order mark. Excel and WPS (what most offices here open a CSV
with, by double-click) take a file without a BOM for the legacy code page (GBK) and garble
every Chinese character; with the BOM they read it as UTF-8. LibreOffice Calc does not
look at the BOM when it opens a CSV with its defaults: it asks in its Text Import dialog,
where "Unicode (UTF-8)" must be chosen. A CSV also cannot say that ``000123`` is text or
that a column holds dates, so each program guesses. The workbook (``fmt="xlsx"``) says
all of that itself and opens right everywhere with no dialog: it is the recommended format.

Every text cell that a spreadsheet program would take for a formula — one that begins
with ``=``, ``+``, ``-``, ``@``, a tab or a line break — is written with a leading
apostrophe (the OWASP rule for CSV injection), and every text cell is quoted; numbers
stay numbers. In the workbook, text is stored as text and is never a formula.
"""

from __future__ import annotations

import csv
from contextlib import ExitStack
from datetime import date, datetime
from enum import StrEnum
from pathlib import Path
from typing import IO, Any
from zoneinfo import ZoneInfo

from sqlalchemy import Connection

from data.exports.common import read_connection
from data.exports.tables import TABLE_NAMES, Cell, Table, tables
from data.exports.xlsx import write_workbook
from data.store.files import atomic_write
from data.write.commands.sync import record_personal_export, require_supervisor
from data.write.session import SyncService
from models.i18n import t

FILES = TABLE_NAMES
WORKBOOK = "whistle-export.xlsx"
FORMULA_START = ("=", "+", "-", "@", "\t", "\r", "\n")


class TableFormat(StrEnum):
    CSV = "csv"
    XLSX = "xlsx"


def neutralise(text: str) -> str:
    """A text cell a spreadsheet will show as text, never run as a formula."""
    return "'" + text if text.startswith(FORMULA_START) else text


def spell(cell: Cell) -> str | int:
    if cell is None:
        return ""
    if isinstance(cell, datetime):
        return cell.strftime("%Y-%m-%d %H:%M:%S")
    if isinstance(cell, date):
        return cell.isoformat()
    if isinstance(cell, int):
        return cell
    return neutralise(cell)


def header(table: Table) -> list[str]:
    return [t(f"export.column.{c}") for c in table.columns]


def _write_csv(handle: IO[Any], table: Table) -> int:
    writer = csv.writer(handle, quoting=csv.QUOTE_NONNUMERIC)
    writer.writerow(header(table))
    count = 0
    for row in table.rows():
        writer.writerow([spell(cell) for cell in row])
        count += 1
    return count


def write_csv(conn: Connection, out_dir: Path, tz: ZoneInfo, *, include_personal: bool) -> dict[str, int]:
    """The three files in ``out_dir``; returns the number of rows written to each. All three
    are written to temporary names first and renamed only when every one is complete."""
    counts = {}
    with ExitStack() as files:
        for table in tables(conn, tz, include_personal=include_personal):
            handle = files.enter_context(
                atomic_write(
                    out_dir / f"{table.name}.csv", personal=include_personal, encoding="utf-8-sig", newline=""
                )
            )
            counts[table.name] = _write_csv(handle, table)
    return counts


def write_xlsx(conn: Connection, out_dir: Path, tz: ZoneInfo, *, include_personal: bool) -> dict[str, int]:
    """One workbook in ``out_dir``, a sheet per table; returns the rows of each sheet."""
    with atomic_write(out_dir / WORKBOOK, personal=include_personal) as handle:
        return write_workbook(handle, tables(conn, tz, include_personal=include_personal), header)


def output_path(out_dir: Path, fmt: TableFormat) -> Path:
    return out_dir / WORKBOOK if fmt is TableFormat.XLSX else out_dir


def export_csv(
    service: SyncService,
    out_dir: Path,
    *,
    include_personal: bool = False,
    fmt: TableFormat = TableFormat.CSV,
) -> dict[str, int]:
    """Cases, check-ins and re-inspections for a spreadsheet; the rows of each table."""
    if include_personal:
        service.run(require_supervisor)
    write = write_xlsx if fmt is TableFormat.XLSX else write_csv
    with read_connection(service) as conn:
        counts = write(conn, out_dir, service.rules.settings.tz, include_personal=include_personal)
    if include_personal:
        service.run(record_personal_export, fmt.value, counts["cases"])
    return counts


__all__ = ["FILES", "WORKBOOK", "TableFormat", "export_csv", "neutralise", "output_path", "write_csv"]
