"""The command palette (``:`` or ctrl+p): namespaced commands that apply now.

The app offers its own (视图: …, 帮助); the screen the palette was opened on adds its
commands through ``palette_commands()`` (see ``screens/base.py``), so a command appears only
where and when it can run.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from typing import Any

from textual.command import DiscoveryHit, Hit, Hits, Provider

from models.i18n import t
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
        # Textual's own entries (theme, quit), in the desk's language: this provider is the
        # palette's only one, so that its "no match" line is the desk's too
        for command in self.app.get_system_commands(self.screen):
            found.append((command.title, command.help, command.callback))
        return found

    async def discover(self) -> Hits:
        for name, help_text, callback in self._commands():
            yield DiscoveryHit(name, callback, help=help_text)

    async def search(self, query: str) -> AsyncIterator[Hit]:
        matcher = self.matcher(query)
        found = False
        for name, help_text, callback in self._commands():
            score = matcher.match(name)
            if score > 0:
                found = True
                yield Hit(score, matcher.highlight(name), callback, help=help_text)
        if not found:  # said in the desk's language (Textual's own line is English only)
            yield Hit(0.0, t("palette.no_match", query=query), _nothing, help=t("palette.no_match_help"))


def _nothing() -> None:
    """Choosing the "no match" line only closes the palette."""
