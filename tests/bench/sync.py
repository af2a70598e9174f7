"""One sync or verify step on a demo database, measured in this process (a child of the
bench run, so its peak memory is its own): prints one JSON line with wall and CPU ms, peak
RSS in MB, and the events it went through.

    python -m tests.bench.sync export  SOURCE.db WORK_DIR
    python -m tests.bench.sync import  SOURCE.db WORK_DIR   (after export)
    python -m tests.bench.sync import-pg SOURCE.db WORK_DIR  (after export; needs PostgreSQL)
    python -m tests.bench.sync raw     SOURCE.db WORK_DIR   (after export)
    python -m tests.bench.sync verify  SOURCE.db WORK_DIR   (--mode quick | since | full | chain)

``export`` works on a copy of SOURCE (an export signs a head and records itself); ``import``
reads that bundle into a new station that trusts the source; ``import-pg`` does the same into
a fresh database of a throwaway PostgreSQL cluster (tests/pg_cluster.py: initdb on a temporary
folder and port, stopped and removed afterwards; its start-up is not timed, and the figures
are this process's: the server's own work shows in the wall time); ``raw`` is the yardstick: the
same event rows read from the same bundle and upserted with ``sqlite3`` (executemany, one
transaction per batch) into a new file of the same schema. ``verify --mode chain`` is the chain
check alone (every station's hash chain, as ``verify --quick`` makes it after SQLite's
integrity check), so its events per second are the chain's own.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import sqlite3
import time
import zipfile
from pathlib import Path
from typing import Any

from data.service import SyncService
from data.settings import Settings
from data.store.db import open_sync
from data.store.keys import key_path_for, load_private, public_text
from data.store.marks import load_marks, marks_path, save_marks
from data.store.schema import upgrade
from data.store.verify import Report, check_chain, verify
from data.sync.export import export_bundle
from data.sync.importer import import_bundle
from data.write.commands.sync import trust_station
from models.clock import SystemClock
from tests.pg_cluster import start_cluster
from tests.unit.support import as_supervisor

OPERATOR = "值班员"
BUNDLE = "bench.bundle"
UPSERT = (
    "INSERT INTO event (id, station_id, seq, operator, at, type, subject, payload, personal,"
    " personal_digest, prev_hash, hash) VALUES (?,?,?,?,?,?,?,?,?,?,?,?)"
    " ON CONFLICT (id) DO UPDATE SET seq = excluded.seq, hash = excluded.hash"
)
RAW_BATCH = 1000


def _copy(source: Path, target: Path) -> None:
    """A consistent copy (the WAL folded in) with its key file beside it."""
    target.unlink(missing_ok=True)
    with sqlite3.connect(source) as src, sqlite3.connect(target) as dst:
        src.backup(dst)
    shutil.copy(key_path_for(source), key_path_for(target))


def do_export(source: Path, work: Path) -> int:
    db = work / "export.db"
    _copy(source, db)
    service = SyncService.open(db, Settings(), SystemClock(), OPERATOR)
    try:
        started = _start()
        result = export_bundle(service, work / BUNDLE, since=0)
        _report("export", started, result.count)
    finally:
        service.close()
    return result.count


def do_import(source: Path, work: Path) -> None:
    db = work / "import.db"
    for path in work.glob("import.db*"):
        path.unlink()
    settings = Settings(station_id="ST-BENCH", station_name="bench", case_prefix="B")
    service = as_supervisor(db, settings, SystemClock(), OPERATOR)
    try:
        station = sqlite3.connect(source).execute("SELECT id FROM station WHERE is_local").fetchone()[0]
        public = public_text(load_private(key_path_for(source)))
        service.run(trust_station, station, public)
        started = _start()
        result = import_bundle(service, work / BUNDLE)
        _report("import", started, result.applied)
    finally:
        service.close()


def do_import_pg(source: Path, work: Path) -> None:
    cluster = start_cluster()
    os.environ["WHISTLE_KEY_DIR"] = str(work / "pg-keys")  # the district's key, off the server
    try:
        url = cluster.url(cluster.fresh_database())
        settings = Settings(station_id="ST-BENCH", station_name="bench", case_prefix="B")
        service = as_supervisor(url, settings, SystemClock(), OPERATOR)
        try:
            station = sqlite3.connect(source).execute("SELECT id FROM station WHERE is_local").fetchone()[0]
            service.run(trust_station, station, public_text(load_private(key_path_for(source))))
            started = _start()
            result = import_bundle(service, work / BUNDLE)
            _report("import-pg", started, result.applied)
        finally:
            service.close()
    finally:
        cluster.stop()


def do_raw(work: Path) -> None:
    db = work / "raw.db"
    for path in work.glob("raw.db*"):
        path.unlink()
    conn = sqlite3.connect(db, isolation_level=None)
    upgrade(conn)
    conn.execute("PRAGMA journal_mode=WAL")
    conn.execute("PRAGMA synchronous=NORMAL")
    started = _start()
    count = 0
    with zipfile.ZipFile(work / BUNDLE) as archive, archive.open("events.jsonl") as stream:
        batch: list[tuple[Any, ...]] = []
        for line in stream:
            d = json.loads(line)
            batch.append(
                (
                    d["id"], d["station"], d["seq"], d["operator"], d["at"].replace("T", " ").rstrip("Z"),
                    d["type"], d["subject"], json.dumps(d["payload"], ensure_ascii=False, sort_keys=True),
                    None, d["personal_digest"], d["prev"], d["hash"],
                )
            )  # fmt: skip
            if len(batch) == RAW_BATCH:
                conn.execute("BEGIN")
                conn.executemany(UPSERT, batch)
                conn.execute("COMMIT")
                count += len(batch)
                batch = []
        if batch:
            conn.execute("BEGIN")
            conn.executemany(UPSERT, batch)
            conn.execute("COMMIT")
            count += len(batch)
    _report("raw", started, count)
    conn.close()


def do_verify(source: Path, work: Path, mode: str) -> None:
    db = work / "export.db"  # the copy the export signed a head in
    engine = open_sync(db, writer=False)
    if mode == "chain":
        try:
            with engine.connect() as conn:
                started = _start()
                found = Report()
                check_chain(conn, found)
                if not found.ok:
                    raise SystemExit(f"the chain check found: {found.problems}")
                _report("verify chain", started, found.events)
        finally:
            engine.dispose()
        return
    try:
        started = _start()
        since = load_marks(marks_path(db)) if mode == "since" else None
        report = verify(engine, replay=mode == "full", since=since)
        if not report.ok:
            raise SystemExit(f"verify found: {report.problems}")
        save_marks(marks_path(db), report.marks)  # as the command does
        _report(f"verify {mode}", started, report.events)
    finally:
        engine.dispose()


def _start() -> tuple[float, float]:
    return time.perf_counter(), time.process_time()


def _report(step: str, started: tuple[float, float], events: int) -> None:
    wall = (time.perf_counter() - started[0]) * 1000
    cpu = (time.process_time() - started[1]) * 1000
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(json.dumps({"step": step, "wall": wall, "cpu": cpu, "rss_mb": rss, "events": events}), flush=True)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("step", choices=["export", "import", "import-pg", "raw", "verify"])
    parser.add_argument("source", type=Path)
    parser.add_argument("work", type=Path)
    parser.add_argument("--mode", choices=["quick", "since", "full", "chain"], default="quick")
    args = parser.parse_args()
    args.work.mkdir(parents=True, exist_ok=True)
    if args.step == "export":
        do_export(args.source, args.work)
    elif args.step == "import":
        do_import(args.source, args.work)
    elif args.step == "import-pg":
        do_import_pg(args.source, args.work)
    elif args.step == "raw":
        do_raw(args.work)
    else:
        do_verify(args.source, args.work, args.mode)


if __name__ == "__main__":
    main()
