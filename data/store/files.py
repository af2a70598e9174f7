"""Files written for people: whole or not at all, and private when they hold personal data.

``atomic_write`` is the one way every export reaches the disk (CSV, xlsx, Open311 JSON,
meeting minutes, sync bundles): the content goes to a temporary name in the target's own
folder, is flushed and fsynced, and only then renamed over the target, so an existing file
is never replaced by a partial one. Whatever goes wrong on the way — a full disk, an error
while the rows are produced — the temporary file is removed and the target is untouched.

Personal data (``personal=True``) is written 0600 into a folder only its owner can open:
a folder the command creates is made 0700, and an existing folder that others can open is
refused (not merely warned about: a warning scrolls past, and the file would already be
there; a clear refusal with the ``chmod 700`` that fixes it costs the supervisor one line).
Other exports follow the user's umask, like any file the user writes.
"""

from __future__ import annotations

import errno
import os
import secrets
import sqlite3
import stat
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from pathlib import Path
from typing import IO, Any

from models.errors import DomainError
from models.i18n import os_reason

PRIVATE_FILE = 0o600
PRIVATE_FOLDER = 0o700
SHARED_FILE = 0o666  # less the umask, as for any file the user writes
_FULL_ERRNOS = frozenset({errno.ENOSPC, errno.EDQUOT, errno.EFBIG})


def is_disk_full(exc: BaseException | None) -> bool:
    """Whether ``exc`` (or what caused it) says the disk or the database is full."""
    seen = 0
    while exc is not None and seen < 10:
        if isinstance(exc, OSError) and exc.errno in _FULL_ERRNOS:
            return True
        if isinstance(exc, sqlite3.Error) and getattr(exc, "sqlite_errorcode", None) == sqlite3.SQLITE_FULL:
            return True
        exc = getattr(exc, "orig", None) or exc.__cause__ or exc.__context__
        seen += 1
    return False


def prepare_folder(folder: Path, *, personal: bool) -> None:
    """Make ``folder`` if it is missing (0700 for personal data); refuse an existing folder
    others can open when the file will hold personal data."""
    if folder.exists() and not folder.is_dir():
        raise DomainError("error.not_a_folder", path=str(folder))
    if not folder.exists():
        try:
            folder.mkdir(parents=True, mode=PRIVATE_FOLDER if personal else 0o777)
            if personal:
                os.chmod(folder, PRIVATE_FOLDER)  # whatever the umask
        except OSError as exc:
            raise _refusal(exc, folder) from exc
        return
    if personal:
        mode = stat.S_IMODE(folder.stat().st_mode)
        if mode & 0o077:
            raise DomainError("error.folder_not_private", path=str(folder), mode=f"{mode:04o}")


def _refusal(exc: OSError, path: Path) -> DomainError:
    if is_disk_full(exc):
        return DomainError("error.disk_full", path=str(path))
    return DomainError("error.export_failed", path=str(path), detail=os_reason(exc))


def _fsync_folder(folder: Path) -> None:
    """Make the rename itself durable; a file system that cannot sync a folder is left be."""
    with suppress(OSError):
        fd = os.open(folder, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)


@contextmanager
def atomic_write(
    path: Path,
    *,
    personal: bool = False,
    owner_only: bool = False,
    encoding: str | None = None,
    newline: str | None = None,
) -> Iterator[IO[Any]]:
    """A file object to write ``path`` through: binary, or text when ``encoding`` is given.
    ``owner_only`` makes the file 0600 without asking for a private folder (sync bundles:
    they name the operators, but hold no reporter's data unless ``personal``).

    The target appears, complete and fsynced, only when the block ends without an error;
    an ``OSError`` becomes a one-line ``DomainError`` (``error.disk_full`` on a full disk).
    """
    path = path.expanduser()
    folder = path.parent
    prepare_folder(folder, personal=personal)
    temp = folder / f".{path.name}.{secrets.token_hex(4)}.tmp"
    try:
        mode = PRIVATE_FILE if personal or owner_only else SHARED_FILE
        fd = os.open(temp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, mode)
    except OSError as exc:
        raise _refusal(exc, path) from exc
    try:
        if encoding is None:
            handle: IO[Any] = os.fdopen(fd, "wb")
        else:
            handle = os.fdopen(fd, "w", encoding=encoding, newline=newline)
        with handle:
            yield handle
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(temp, path)
    except BaseException as exc:
        with suppress(OSError):
            temp.unlink()
        if isinstance(exc, OSError):
            raise _refusal(exc, path) from exc
        raise
    _fsync_folder(folder)


def write_bytes(path: Path, data: bytes, *, personal: bool = False, owner_only: bool = False) -> Path:
    with atomic_write(path, personal=personal, owner_only=owner_only) as handle:
        handle.write(data)
    return path


def write_text(path: Path, text: str, *, personal: bool = False, encoding: str = "utf-8") -> Path:
    with atomic_write(path, personal=personal, encoding=encoding, newline="") as handle:
        handle.write(text)
    return path


__all__ = [
    "PRIVATE_FILE",
    "PRIVATE_FOLDER",
    "atomic_write",
    "is_disk_full",
    "prepare_folder",
    "write_bytes",
    "write_text",
]
