"""Moving a database between a file and a server (``whistle migrate --from A --to B``).

The source is verified first (a source that fails verify is refused); the target must hold no
events. Then, in one transaction on the target: who the source is (its local station row) and
whom it trusts, every event in the order it was written, each applied by the same apply
function as a live write, an import and a replay (so every table is rebuilt from the events,
never copied), and the few local rows that are not history (operators' PIN hashes, bundles
held back). The station's key goes with it. Last, still inside that transaction, the target
is verified as a whole; any refusal leaves the target as it was (a new file is removed again).
"""

from __future__ import annotations

import shutil
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, Engine, func, select, text

from data.store.apply import apply_event
from data.store.db import Location, open_sync
from data.store.dialect import insertion
from data.store.eventlog import record_from_row, store
from data.store.keys import FILE_MODE, key_path_for
from data.store.server import is_server, shown
from data.store.tables import CREDENTIAL, EVENT, PENDING, STATION, TRUST
from data.store.verify import Report, verify, verify_connection
from models.errors import DomainError

PAGE = 2000


class MigrateRefused(DomainError):
    pass


@dataclass(frozen=True)
class Migrated:
    events: int
    stations: int


def _exists(where: Location) -> bool:
    return is_server(where) or Path(where).exists()


def _pages(conn: Connection) -> Iterator[Sequence[Any]]:
    """The source's events in the order they were written, a page at a time."""
    written = insertion(conn)
    last = 0
    while True:
        rows = conn.execute(
            select(EVENT, text(f"{written} AS rid")).where(text(f"{written} > :r").bindparams(r=last))
            .order_by(text(written)).limit(PAGE)
        ).all()  # fmt: skip
        if not rows:
            return
        yield rows
        last = rows[-1].rid


def _copy_rows(src: Connection, dst: Connection, tbl: Any) -> None:
    rows = [dict(r) for r in src.execute(select(tbl)).mappings()]
    if rows:
        dst.execute(tbl.insert(), rows)


def _copy(src: Connection, dst: Connection) -> None:
    local = src.execute(select(STATION).where(STATION.c.is_local.is_(True))).mappings().first()
    if local is not None:  # ranked below every event: station.registered fills it in
        dst.execute(STATION.insert().values({**local, "event_id": ""}))
    _copy_rows(src, dst, TRUST)
    for page in _pages(src):
        records = [record_from_row(row) for row in page]
        for record in records:
            store(dst, record)
            apply_event(dst, record)
    _copy_rows(src, dst, CREDENTIAL)
    _copy_rows(src, dst, PENDING)


def _key(source: Location, target: Location) -> Path | None:
    """Copy the station key beside the target; the path written (None if none was)."""
    mine, theirs = key_path_for(source), key_path_for(target)
    if not mine.exists():
        return None
    if theirs.exists():
        if theirs.read_bytes() != mine.read_bytes():
            raise MigrateRefused("migrate.key_differs", path=str(theirs))
        return None
    theirs.parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(mine, theirs)
    theirs.chmod(FILE_MODE)
    return theirs


def migrate(source: Location, target: Location) -> Migrated:
    """Move ``source``'s history into the empty ``target`` (see the module's note)."""
    if str(source) == str(target):
        raise MigrateRefused("migrate.same", path=shown(source))
    if not _exists(source):
        raise MigrateRefused("migrate.no_source", path=shown(source))
    engine = open_sync(source, writer=False)
    try:
        report = verify(engine)
        if not report.ok:
            raise MigrateRefused("migrate.source_bad", path=shown(source), detail=report.problems[0])
        _migrate_into(engine, source, target, report)
    finally:
        engine.dispose()
    return Migrated(report.events, report.stations)


def _migrate_into(source_engine: Engine, source: Location, target: Location, report: Report) -> None:
    new_file = not is_server(target) and not Path(target).exists()
    if not new_file and not is_server(target) and Path(target).stat().st_size == 0:
        new_file = True
    written_key: Path | None = None
    target_engine: Engine | None = None
    try:
        target_engine = open_sync(target)
        with target_engine.connect() as conn:
            held = conn.execute(select(func.count()).select_from(EVENT)).scalar() or 0
        if held:
            raise MigrateRefused("migrate.target_not_empty", path=shown(target), events=held)
        written_key = _key(source, target)
        with source_engine.connect() as src, target_engine.begin() as dst:
            _copy(src, dst)
            after = verify_connection(dst)  # before the commit: a target that fails keeps nothing
            if not after.ok or after.events != report.events:
                detail = after.problems[0] if after.problems else f"{after.events} ≠ {report.events}"
                raise MigrateRefused("migrate.target_bad", path=shown(target), detail=detail)
    except BaseException:
        if target_engine is not None:
            target_engine.dispose()
            target_engine = None
        if written_key is not None:
            written_key.unlink(missing_ok=True)
        if new_file:
            _remove_file(Path(target))
        raise
    finally:
        if target_engine is not None:
            target_engine.dispose()


def _remove_file(path: Path) -> None:
    for leftover in (path, Path(f"{path}-wal"), Path(f"{path}-shm"), Path(f"{path}-journal")):
        leftover.unlink(missing_ok=True)
