"""A new station file's schema, made once per test process and copied for each test."""

from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path
from typing import TypeVar

from data.store.db import FILE_MODE, prepare

Location = TypeVar("Location", Path, str)

_MADE: list[Path] = []


def fresh_file(path: Location) -> Location:
    """``path`` as ``prepare`` leaves a new file (every schema step, the totals filled), when no
    file is there yet; a file that is there is left alone. ``prepare`` runs on a new file once
    per test process and the closed result is copied (a few KB) for each test: the same file,
    without running every step again (about half of opening a new station). The tests of making
    and upgrading a file itself (test_schema, test_storage, the command line's init) make their
    files as the program does; this is for fixtures that only want a new, empty station."""
    if not isinstance(path, Path) or path.exists():
        return path  # (a server's URL, a str, is left as it is too)
    if not _MADE:
        folder = Path(tempfile.mkdtemp(prefix="whistle-schema-"))
        prepare(folder / "new.db")
        _MADE.append(folder / "new.db")
    path.parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(_MADE[0], path)
    os.chmod(path, FILE_MODE)
    return path


def remove_made() -> None:
    """Remove the file made once (the suite's conftest calls this when the session ends)."""
    while _MADE:
        shutil.rmtree(_MADE.pop().parent, ignore_errors=True)
