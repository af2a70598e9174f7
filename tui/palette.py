"""The command palette (``:`` or ctrl+p): namespaced commands that apply now.

The app offers its own (视图: …, 帮助); the screen the palette was opened on adds its
commands through ``palette_commands()`` (see ``screens/base.py``), so a command appears only
where and when it can run.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from typing import Any

from textual.command import DiscoveryHit, Hit, Hits, Provider

from screens.base import desk_of
from screens.readonly import palette_guard

PaletteCommand = tuple[str, str, Callable[[], Any]]


class DeskCommands(Provider):
    def _commands(self) -> list[PaletteCommand]:
        found: list[PaletteCommand] = []
        read_only = desk_of(self.app).read_only
        for source in (self.screen, self.app):
            offer = getattr(source, "palette_commands", None)
            if not callable(offer):
                continue
            commands: list[PaletteCommand] = offer()
            if read_only and source is self.screen:
                # the projector: a screen's command runs only if it is known to read
                commands = [(name, text, palette_guard(self.app, cb)) for name, text, cb in commands]
            found.extend(commands)
        return found

    async def discover(self) -> Hits:
        for name, help_text, callback in self._commands():
            yield DiscoveryHit(name, callback, help=help_text)

    async def search(self, query: str) -> AsyncIterator[Hit]:
        matcher = self.matcher(query)
        for name, help_text, callback in self._commands():
            score = matcher.match(name)
            if score > 0:
                yield Hit(score, matcher.highlight(name), callback, help=help_text)
