"""What the CSV and Open311 exports share: names from the catalogue, local times."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import Connection, select

from data.catalogue import CATEGORY_BY_CODE, SOURCE_BY_CODE
from data.store.db import location_of, open_sync
from data.store.tables import DEPARTMENT
from data.write.session import SyncService
from models.i18n import language


def named(spec: Any, code: str) -> str:
    """A catalogue entry's name in the current language; the code when unknown."""
    if spec is None:
        return code
    return str(spec.name if language() == "zh" or not spec.name_en else spec.name_en)


def category_name(code: str) -> str:
    return named(CATEGORY_BY_CODE.get(code), code)


def source_name(code: str) -> str:
    return named(SOURCE_BY_CODE.get(code), code)


def department_names(conn: Connection) -> dict[str, str]:
    rows = conn.execute(select(DEPARTMENT.c.code, DEPARTMENT.c.name, DEPARTMENT.c.name_en)).all()
    zh = language() == "zh"
    return {r.code: (r.name if zh or not r.name_en else r.name_en) for r in rows}


def local_iso(value: datetime | None, tz: ZoneInfo) -> str | None:
    """ISO 8601 with the station's zone offset, e.g. 2026-03-02T09:15:00+08:00."""
    return value.astimezone(tz).isoformat(timespec="seconds") if value else None


def local_text(value: datetime | None, tz: ZoneInfo) -> str:
    """What a spreadsheet reads as a date and time: local, without an offset."""
    return value.astimezone(tz).strftime("%Y-%m-%d %H:%M:%S") if value else ""


@contextmanager
def read_connection(service: SyncService) -> Iterator[Connection]:
    """A read-only connection on the service's file, so a long export never holds the
    write lock the desks need."""
    engine = open_sync(location_of(service.engine), writer=False)
    try:
        with engine.connect() as conn:
            yield conn
    finally:
        engine.dispose()
