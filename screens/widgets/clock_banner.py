"""A red line under the header while the computer's clock reads earlier than the record: it
names both times, and says writes are refused until the clock is right."""

from __future__ import annotations

from textual.widgets import Static


class ClockBanner(Static):
    def on_mount(self) -> None:
        self.display = False

    def show(self, text: str | None) -> None:
        """The warning to show, or None to hide the line."""
        if text is None:
            self.display = False
            return
        self.update(text)
        self.display = True
