"""The one factory: the command line and the tests build the app the same way."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from data.settings import Settings
from models.clock import Clock
from models.i18n import set_language

if TYPE_CHECKING:
    from tui.app import WhistleApp


@dataclass
class AppConfig:
    db_path: Path
    settings: Settings
    clock: Clock
    operator: str | None
    language: str


def build_app(config: AppConfig) -> WhistleApp:
    from tui.app import WhistleApp

    set_language(config.language)
    return WhistleApp(config)
