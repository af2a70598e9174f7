"""The desk's failure log: an unexpected error's traceback, kept under the platform's log
folder (``~/.local/state/whistle/log`` on Linux) so that the operator sees one line and
whoever looks after the desk finds the whole story."""

from __future__ import annotations

import os
import traceback
from datetime import UTC, datetime
from pathlib import Path

import platformdirs

from data.settings import APP_NAME

LOG_NAME = "whistle.log"
LOG_ENV = "WHISTLE_LOG_DIR"
"""Where the log goes instead of the platform's folder (tests, a desk with a read-only home)."""


def log_path() -> Path:
    folder = os.environ.get(LOG_ENV) or platformdirs.user_log_dir(APP_NAME)
    return Path(folder) / LOG_NAME


def log_failure(what: str, exc: BaseException, now: datetime | None = None) -> Path:
    """Append ``exc``'s traceback under a dated heading naming ``what`` failed; returns the
    log's path. Never raises: a log that cannot be written must not hide the failure itself
    (the path is still returned for the one line the operator sees)."""
    path = log_path()
    stamp = (now or datetime.now(UTC)).isoformat(timespec="seconds")
    text = "".join(traceback.format_exception(exc))
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        with path.open("a", encoding="utf-8") as log:
            log.write(f"--- {stamp} {what}\n{text}\n")
    except OSError:
        pass
    return path
