"""Batch intake of hotline work orders (12345 工单) from CSV.

The file is UTF-8 (with or without BOM) or GB18030, the two encodings spreadsheets here save.
Columns are named in Chinese or by field code (``来源`` or ``source`` …); source, category and
priority take the Chinese name, the English name or the code. Every row is checked before
anything is kept: all rows go through ``receive_case`` inside one transaction, each in its own
savepoint, and unless every row passed (or ``skip_bad`` was asked for) the whole transaction is
refused, so the file is written entirely or not at all.
"""

from __future__ import annotations

import csv
import io
import re
import stat
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import select

from data.catalogue import CATEGORIES, SOURCES
from data.store.tables import CASE
from data.write.commands.cases import receive_case
from data.write.commands.common import Ctx
from models.enums import Priority
from models.errors import DomainError, ValidationError
from models.i18n import joined, os_reason, t
from models.strings import CATALOGUE

FIELDS = (
    "source",
    "category",
    "subcategory",
    "community",
    "address",
    "description",
    "reporter_name",
    "reporter_phone",
    "priority",
)
REQUIRED = ("category", "community", "address", "description")
DEFAULT_SOURCE = "hotline"
ENCODINGS = ("utf-8-sig", "gb18030")
SHOWN_COLUMNS = 5
MAX_FILE_BYTES = 64 * 1024 * 1024
"""One intake file at most: some 200,000 work orders, far more than a day's batch."""
SHOWN_NAME = 30
_UNPRINTABLE = re.compile(r"[\x00-\x1f\x7f-\x9f]")


class CsvError(DomainError):
    """The file as a whole cannot be read (encoding, header)."""


@dataclass(frozen=True)
class RowError:
    line: int
    field: str | None
    message: str

    def __str__(self) -> str:
        return t("csv.line", line=self.line, message=self.message)


@dataclass(frozen=True)
class IntakeRow:
    line: int
    """Line of the file where the row starts (the header is line 1)."""
    fields: dict[str, str]


@dataclass(frozen=True)
class ParsedFile:
    rows: tuple[IntakeRow, ...]
    errors: tuple[RowError, ...]
    """Rows whose values could not even be mapped (unknown category name …)."""

    @property
    def total(self) -> int:
        return len(self.rows) + len(self.errors)


class IntakeRefused(DomainError):
    """Some rows failed and ``skip_bad`` was not given: nothing was written."""

    def __init__(self, errors: tuple[RowError, ...], total: int) -> None:
        super().__init__("csv.refused", bad=len(errors), total=total)
        self.errors = errors


@dataclass(frozen=True)
class ImportResult:
    case_ids: tuple[str, ...]
    numbers: tuple[str, ...]
    errors: tuple[RowError, ...]


def decode(data: bytes, path: str = "") -> str:
    for encoding in ENCODINGS:
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise CsvError("csv.error.encoding", path=path)


def _header_names() -> dict[str, str]:
    names: dict[str, str] = {}
    for field in FIELDS:
        names[field] = field
        for lang in (0, 1):
            names[CATALOGUE[f"csv.column.{field}"][lang].lower()] = field
    return names


def _vocabulary() -> dict[str, dict[str, str]]:
    def of(items: list[tuple[str, ...]]) -> dict[str, str]:
        return {name.strip().lower(): code for code, *names in items for name in (code, *names)}

    return {
        "source": of([(s.code, s.name, s.name_en) for s in SOURCES]),
        "category": of([(c.code, c.name, c.name_en) for c in CATEGORIES]),
        "priority": of([(p.value, *CATALOGUE[f"Priority.{p.value}"]) for p in Priority]),
    }


def _shown(name: str) -> str:
    """A column name as it can be shown on one line: no control characters, not too long."""
    text = _UNPRINTABLE.sub("?", name)
    return text if len(text) <= SHOWN_NAME else text[: SHOWN_NAME - 1] + "…"


def _columns(header: list[str]) -> list[str]:
    names = _header_names()
    columns: list[str] = []
    unknown = []
    for raw in header:
        name = raw.strip().lower()
        if name not in names:
            unknown.append(raw.strip())
            continue
        field = names[name]
        if field in columns:
            raise CsvError("csv.error.duplicate_column", column=_shown(raw.strip()))
        columns.append(field)
    if unknown:
        raise CsvError(
            "csv.error.unknown_columns", columns=joined(_shown(u) for u in unknown[:SHOWN_COLUMNS])
        )
    missing = [f for f in REQUIRED if f not in columns]
    if missing:
        raise CsvError("csv.error.missing_columns", columns=joined(t(f"csv.column.{f}") for f in missing))
    return columns


def _map_row(line: int, values: dict[str, str], vocab: dict[str, dict[str, str]]) -> IntakeRow:
    fields = {k: v.strip() for k, v in values.items()}
    fields["source"] = fields.get("source") or DEFAULT_SOURCE
    fields["priority"] = fields.get("priority") or Priority.NORMAL.value
    for name, error in (
        ("source", "error.unknown_source"),
        ("category", "error.unknown_category"),
        ("priority", "error.bad_priority"),
    ):
        value = fields.get(name, "")
        if not value and name == "category":
            raise ValidationError("error.required", field=name, name=t(f"field.{name}"))
        code = vocab[name].get(value.lower())
        if code is None:
            raise ValidationError(error, field=name, value=_shown(value))
        fields[name] = code
    return IntakeRow(line, fields)


def _records(reader: Iterator[list[str]], line: Callable[[], int]) -> Iterator[list[str]]:
    """The reader's records; a field past the csv module's limit (131,072 characters) or a
    malformed line refuses the file in one line instead of a traceback."""
    while True:
        try:
            record = next(reader)
        except StopIteration:
            return
        except csv.Error as exc:
            if "field limit" in str(exc):
                raise CsvError(
                    "csv.error.field_too_long", line=line(), limit=csv.field_size_limit()
                ) from None
            raise CsvError("csv.error.malformed", line=line(), detail=str(exc)) from None
        yield record


def parse(text: str) -> ParsedFile:
    """Map every row to receive_case's fields; rows that cannot be mapped become errors."""
    reader = csv.reader(io.StringIO(text, newline=""))
    records = _records(reader, lambda: reader.line_num)
    try:
        header = next(records)
    except StopIteration:
        raise CsvError("csv.error.empty", path="") from None
    columns = _columns(header)
    vocab = _vocabulary()
    rows: list[IntakeRow] = []
    errors: list[RowError] = []
    next_line = reader.line_num + 1
    for record in records:
        line, next_line = next_line, reader.line_num + 1
        if not any(cell.strip() for cell in record):
            continue
        if len(record) != len(columns):
            message = t("csv.error.row_width", found=len(record), expected=len(columns))
            errors.append(RowError(line, None, message))
            continue
        try:
            rows.append(_map_row(line, dict(zip(columns, record, strict=True)), vocab))
        except ValidationError as err:
            errors.append(RowError(line, err.field, str(err)))
    return ParsedFile(tuple(rows), tuple(errors))


def read_file(path: Path) -> ParsedFile:
    """Read and parse ``path``; anything but a regular file of a sensible size is refused
    in one line before it is read."""
    try:
        info = path.stat()
        if not stat.S_ISREG(info.st_mode):
            raise CsvError("csv.error.not_a_file", path=str(path))
        if info.st_size > MAX_FILE_BYTES:
            raise CsvError("csv.error.too_big", path=str(path), size=info.st_size, limit=MAX_FILE_BYTES)
        data = path.read_bytes()
    except OSError as exc:
        raise CsvError("csv.error.read", path=str(path), detail=os_reason(exc)) from exc
    text = decode(data, str(path))
    if not text.strip():
        raise CsvError("csv.error.empty", path=str(path))
    return parse(text)


def import_rows(ctx: Ctx, parsed: ParsedFile, *, skip_bad: bool = False) -> ImportResult:
    """A command: receive every row as a case, or none of them.

    Each row runs in a savepoint so a refused row leaves no trace and the others can still be
    checked; the report therefore names every bad line, not only the first.
    """
    errors = list(parsed.errors)
    case_ids: list[str] = []
    for row in parsed.rows:
        savepoint = ctx.conn.begin_nested()
        try:
            case_ids.append(receive_case(ctx, **row.fields))
        except DomainError as err:
            savepoint.rollback()
            ctx.w.reset_head()
            errors.append(RowError(row.line, getattr(err, "field", None), str(err)))
            continue
        savepoint.commit()
    errors.sort(key=lambda e: e.line)
    if errors and not skip_bad:
        raise IntakeRefused(tuple(errors), parsed.total)
    numbers = tuple(
        ctx.conn.execute(select(CASE.c.number).where(CASE.c.id == case_id)).scalar_one()
        for case_id in case_ids
    )
    return ImportResult(tuple(case_ids), numbers, tuple(errors))


def columns_help() -> str:
    """The documented columns, in the interface language, for --help and the README."""
    return ",".join(t(f"csv.column.{f}") for f in FIELDS)


__all__ = [
    "CsvError",
    "ImportResult",
    "IntakeRefused",
    "IntakeRow",
    "ParsedFile",
    "RowError",
    "columns_help",
    "decode",
    "import_rows",
    "parse",
    "read_file",
]
