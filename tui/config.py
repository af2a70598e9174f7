"""What the one factory (``tui.app.build_app``) is given: the command line and the tests build
the app the same way, from this."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from data.settings import Settings
from models.clock import Clock


@dataclass
class AppConfig:
    db_path: Path | str
    settings: Settings
    clock: Clock
    operator: str | None
    language: str
    read_only: bool = False
    """The projector (``whistle serve`` without ``--allow-control``): every write is refused."""
    start_view: str = "queue"
