"""A new station file's schema, made once per test process and copied for each test."""

from __future__ import annotations

import atexit
import os
import shutil
import tempfile
from pathlib import Path

from data.store.db import FILE_MODE, prepare

_MADE: list[Path] = []


def fresh_file(path: Path) -> Path:
    """``path`` as ``prepare`` leaves a new file (every schema step, the totals filled), when no
    file is there yet; a file that is there is left alone. ``prepare`` runs on a new file once
    per test process and the closed result is copied (a few KB) for each test: the same file,
    without running every step again (about half of opening a new station). The tests of making
    and upgrading a file itself (test_schema, test_storage, the command line's init) make their
    files as the program does; this is for fixtures that only want a new, empty station."""
    if path.exists():
        return path
    if not _MADE:
        folder = Path(tempfile.mkdtemp(prefix="whistle-schema-"))
        atexit.register(shutil.rmtree, folder, True)
        prepare(folder / "new.db")
        _MADE.append(folder / "new.db")
    path.parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(_MADE[0], path)
    os.chmod(path, FILE_MODE)
    return path
