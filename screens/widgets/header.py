"""The desk header: station, operator, station-time clock, the overdue check-in count and a
warning while deadlines are counted without a holiday table."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from textual.app import ComposeResult
from textual.containers import Horizontal
from textual.widgets import Label

from models.enums import Role
from models.i18n import label, t


class DeskHeader(Horizontal):
    def compose(self) -> ComposeResult:
        yield Label(t("app.title"), id="hdr-title")
        yield Label("", id="hdr-view")
        yield Label("", id="hdr-station")
        yield Label("", id="hdr-operator")
        yield Label("", id="hdr-overdue")
        yield Label("", id="hdr-calendar")
        yield Label("", id="hdr-clock")

    def on_mount(self) -> None:
        self._shown: dict[str, str] = {}
        self.update_from_app()

    def _set(self, name: str, text: str) -> None:
        """Only a changed label is redrawn, and only a changed width asks for a new layout:
        the clock changes every second and must not re-lay-out the screen."""
        before = self._shown.get(name)
        if before == text:
            return
        self._shown[name] = text
        same_width = before is not None and len(before) == len(text)
        self.query_one(f"#hdr-{name}", Label).update(text, layout=not same_width)

    def update_from_app(self, now: datetime | None = None) -> None:
        app: Any = self.app
        settings = app.settings
        now = now or app.now()
        self._set("view", getattr(self.screen, "view_title", ""))
        self._set("station", settings.station_name)
        self._set("operator", operator_text(app.operator, getattr(app, "role", None)))
        self._set("clock", now.astimezone(settings.tz).strftime("%m-%d %H:%M:%S"))
        self._set("overdue", t("app.overdue_count", n=app.overdue_count))
        self.query_one("#hdr-overdue", Label).set_class(app.overdue_count > 0, "-overdue")
        years = fallback_years(app)
        self._set("calendar", t("calendar.badge", years="、".join(map(str, years))) if years else "")
        self.query_one("#hdr-calendar", Label).display = bool(years)


def operator_text(name: str | None, role: Role | None) -> str:
    """Who is signed in, and as what (中心主任 / 调度员 …)."""
    if not name:
        return t("app.nobody")
    shown = t("app.operator_role", name=name, role=label(role)) if role else name
    return t("app.operator", name=shown)


def fallback_years(app: Any) -> list[int]:
    """Years this session counted Monday–Friday for lack of a holiday table."""
    service = getattr(app, "service", None)
    return sorted(service.rules.fallback_years) if service is not None else []
