"""The front door for the console and the command line.

Writes: ``Service`` (async, the console) and ``SyncService`` (blocking, the command line) run
the commands of ``data.write.commands`` in one ``BEGIN IMMEDIATE`` transaction each, so every
write appends its event in the same transaction that changes the tables.
Reads: the read models of ``data.read``, one module per view, take a connection from here.
The storage internals (``data.store``) are reached only through this module.
"""

from __future__ import annotations

from pathlib import Path

from data.store.db import Database, DatabaseError, open_database, open_sync
from data.store.files import atomic_write, is_disk_full, write_text
from data.store.keys import key_path_for, load_private, public_text
from data.store.schema import SCHEMA_VERSION, SchemaTooNew
from data.store.verify import Report, load_marks, marks_path, save_marks, verify
from data.write.session import (
    DEFAULT_OPERATOR,
    Service,
    SyncService,
    bootstrap,
    catch_up,
    load_calendar,
    local_station,
    refresh_calendar,
)


def station_public_key(db_path: Path) -> str:
    """The public half of the station key kept beside the database at ``db_path``."""
    return public_text(load_private(key_path_for(db_path)))


__all__ = [
    "DEFAULT_OPERATOR",
    "SCHEMA_VERSION",
    "Database",
    "DatabaseError",
    "Report",
    "SchemaTooNew",
    "Service",
    "SyncService",
    "atomic_write",
    "bootstrap",
    "catch_up",
    "is_disk_full",
    "load_calendar",
    "load_marks",
    "local_station",
    "marks_path",
    "open_database",
    "open_sync",
    "refresh_calendar",
    "save_marks",
    "station_public_key",
    "verify",
    "write_text",
]
