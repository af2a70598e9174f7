"""The front door for the console and the command line.

Writes: ``Service`` (async, the console) and ``SyncService`` (blocking, the command line) run
the commands of ``data.write.commands`` in one ``BEGIN IMMEDIATE`` transaction each, so every
write appends its event in the same transaction that changes the tables.
Reads: the read models of ``data.read``, one module per view, take a connection from here.
The storage internals (``data.store``) are reached only through this module.
"""

from __future__ import annotations

from pathlib import Path

from data.store.db import Database, DatabaseError, Location, location_of, open_database, open_sync
from data.store.files import atomic_write, is_disk_full, write_text
from data.store.keys import key_path_for, load_private, public_text
from data.store.marks import load_marks, marks_path, save_marks
from data.store.migrate import Migrated, MigrateRefused, migrate
from data.store.schema import SCHEMA_VERSION, SchemaTooNew
from data.store.server import is_server, shown
from data.store.verify import Report, verify
from data.write.commands.escalation import escalate
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


def location(value: str) -> Location:
    """What ``--db`` / ``WHISTLE_DB`` name: a server URL as it is, else a file path."""
    return value if is_server(value) else Path(value)


def database_exists(where: Location) -> bool:
    """A file that exists; a server database always may (opening it says if it cannot be)."""
    return is_server(where) or Path(where).exists()


def station_public_key(db_path: Location) -> str:
    """The public half of the station key kept beside the database at ``db_path``."""
    return public_text(load_private(key_path_for(db_path)))


__all__ = [
    "DEFAULT_OPERATOR",
    "SCHEMA_VERSION",
    "Database",
    "DatabaseError",
    "Location",
    "MigrateRefused",
    "Migrated",
    "Report",
    "SchemaTooNew",
    "Service",
    "SyncService",
    "atomic_write",
    "bootstrap",
    "catch_up",
    "database_exists",
    "escalate",
    "is_disk_full",
    "is_server",
    "load_calendar",
    "load_marks",
    "local_station",
    "location",
    "location_of",
    "marks_path",
    "migrate",
    "open_database",
    "open_sync",
    "refresh_calendar",
    "save_marks",
    "shown",
    "station_public_key",
    "verify",
    "write_text",
]
