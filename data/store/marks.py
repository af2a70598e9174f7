"""verify's marks: per station, the latest head signed by itself that a passing verify
found on the chain, kept beside the file so that ``verify --since`` checks only what came
after."""

from __future__ import annotations

import json
from pathlib import Path

from sqlalchemy import Connection, select

from data.store.files import write_text
from data.store.tables import EVENT, SIGNED_HEAD

Marks = dict[str, tuple[int, str]]
"""Per station, the (seq, hash) of the last signed head a verify found sound."""


def signed_marks(conn: Connection) -> Marks:
    """Per station, its latest head signed by itself that lies on the chain held here (heads
    whose signatures the check of heads has just found sound)."""
    marks: Marks = {}
    rows = conn.execute(
        select(SIGNED_HEAD.c.station_id, SIGNED_HEAD.c.seq, SIGNED_HEAD.c.hash)
        .join(
            EVENT,
            (EVENT.c.station_id == SIGNED_HEAD.c.station_id)
            & (EVENT.c.seq == SIGNED_HEAD.c.seq)
            & (EVENT.c.hash == SIGNED_HEAD.c.hash),
        )
        .where(SIGNED_HEAD.c.via_station == SIGNED_HEAD.c.station_id)
        .order_by(SIGNED_HEAD.c.station_id, SIGNED_HEAD.c.seq)
    )
    for station, seq, hash_ in rows:
        marks[station] = (seq, hash_)
    return marks


def marks_path(db_path: Path) -> Path:
    return db_path.with_name(db_path.name + ".verified")


def load_marks(path: Path) -> Marks:
    """The marks a verify left beside the file; none (a check from the start) when there are
    none or they do not read as marks."""
    try:
        raw = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError, RecursionError):
        return {}
    if not isinstance(raw, dict):
        return {}
    marks: Marks = {}
    for station, mark in raw.items():
        if (
            isinstance(mark, list)
            and len(mark) == 2
            and isinstance(mark[0], int)
            and not isinstance(mark[0], bool)
            and mark[0] > 0
            and isinstance(mark[1], str)
        ):
            marks[str(station)] = (mark[0], mark[1])
    return marks


def save_marks(path: Path, marks: Marks) -> None:
    write_text(path, json.dumps({k: list(v) for k, v in sorted(marks.items())}))
