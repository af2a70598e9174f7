"""The desk header: station, operator, station-time clock and the overdue check-in count."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from textual.app import ComposeResult
from textual.containers import Horizontal
from textual.widgets import Label

from models.i18n import t


class DeskHeader(Horizontal):
    def compose(self) -> ComposeResult:
        yield Label(t("app.title"), id="hdr-title")
        yield Label("", id="hdr-view")
        yield Label("", id="hdr-station")
        yield Label("", id="hdr-operator")
        yield Label("", id="hdr-overdue")
        yield Label("", id="hdr-clock")

    def on_mount(self) -> None:
        self.update_from_app()

    def update_from_app(self, now: datetime | None = None) -> None:
        app: Any = self.app
        settings = app.settings
        now = now or app.now()
        view = getattr(self.screen, "view_title", "")
        self.query_one("#hdr-view", Label).update(view)
        self.query_one("#hdr-station", Label).update(settings.station_name)
        self.query_one("#hdr-operator", Label).update(t("app.operator", name=app.operator or "—"))
        self.query_one("#hdr-clock", Label).update(now.astimezone(settings.tz).strftime("%m-%d %H:%M:%S"))
        overdue = self.query_one("#hdr-overdue", Label)
        overdue.update(t("app.overdue_count", n=app.overdue_count))
        overdue.set_class(app.overdue_count > 0, "-overdue")
