"""The desk header: station, operator, station-time clock, the overdue check-in count and a
warning while deadlines are counted without a holiday table or a year's table overrides the
official calendar.

It is told what to show: the screen sets its reactive values (``ViewScreen.update_header``)
and the header redraws only the labels whose text changed."""

from __future__ import annotations

from datetime import datetime

from textual import events
from textual.app import ComposeResult, RenderResult
from textual.containers import Horizontal
from textual.reactive import reactive
from textual.widgets import Label

from models.enums import Role
from models.i18n import joined, label, t
from screens.fmt import clip


class FittedLabel(Label):
    """One line cut with … at its width, whole characters only (CSS text-overflow left a blank
    cell before the … where a Chinese character did not fit: 街道综合执法 …)."""

    def render(self) -> RenderResult:
        return clip(str(self.content), self.content_size.width)


class DeskHeader(Horizontal):
    view_title: reactive[str] = reactive("")
    station: reactive[str] = reactive("")
    operator: reactive[str | None] = reactive(None)
    role: reactive[Role | None] = reactive(None)
    clock: reactive[datetime | None] = reactive(None, repaint=False)
    """Station-local time. Its label repaints itself (``_set``): repainting the header for it
    drew the whole line again every second."""
    overdue: reactive[int] = reactive(0)
    fallback_years: reactive[tuple[int, ...]] = reactive(())
    """Years whose deadlines were counted Monday–Friday for lack of a holiday table."""
    overridden_years: reactive[tuple[int, ...]] = reactive(())
    """Years whose loaded holiday table overrides the official calendar (a supervisor's call)."""

    def __init__(self) -> None:
        super().__init__()
        self._shown: dict[str, str] = {}
        self._ready = False

    def compose(self) -> ComposeResult:
        yield Label(t("app.title"), id="hdr-title")
        yield Label("", id="hdr-view")
        yield FittedLabel("", id="hdr-station")
        yield Label("", id="hdr-operator")
        yield Label("", id="hdr-overdue")
        yield Label("", id="hdr-calendar")
        yield Label("", id="hdr-clock")

    NARROW = 100
    """Below this many columns the console's own name is left out (the station's stays)."""

    def on_mount(self) -> None:
        self._ready = True
        self._show()

    def on_resize(self, event: events.Resize) -> None:
        narrow = event.size.width < self.NARROW
        if narrow != self.has_class("-narrow"):
            self.set_class(narrow, "-narrow")
            self._show()

    def _show(self) -> None:
        if not self._ready:
            return  # values set before the labels exist are shown on mount
        self._set("view", self.view_title)
        self._set("station", self.station)
        # narrow: the name and role without the word 操作员 and a shorter count, so the
        # station's name has room
        narrow = self.has_class("-narrow")
        self._set("operator", operator_text(self.operator, self.role, short=narrow))
        self._set("clock", self._clock_text())
        self._set("overdue", t("app.overdue_count_short" if narrow else "app.overdue_count", n=self.overdue))
        self.query_one("#hdr-overdue", Label).set_class(self.overdue > 0, "-overdue")
        badges = []
        if self.fallback_years:
            badges.append(t("calendar.badge", years=joined(self.fallback_years)))
        if self.overridden_years:
            badges.append(t("calendar.override_badge", years=joined(self.overridden_years)))
        self._set("calendar", "  ".join(badges))
        self.query_one("#hdr-calendar", Label).display = bool(badges)

    watch_view_title = watch_station = watch_operator = _show
    watch_overdue = watch_fallback_years = watch_overridden_years = watch_role = _show

    def watch_clock(self) -> None:
        """The clock alone, every second: the other labels (each found in the header and its
        text put together again) are shown when their own values change."""
        if self._ready:
            self._set("clock", self._clock_text())

    def _clock_text(self) -> str:
        return self.clock.strftime("%m-%d %H:%M:%S") if self.clock else ""

    def _set(self, name: str, text: str) -> None:
        """Only a changed label is redrawn, and only a changed width asks for a new layout:
        the clock changes every second and must not re-lay-out the screen."""
        before = self._shown.get(name)
        if before == text:
            return
        self._shown[name] = text
        same_width = before is not None and len(before) == len(text)
        self.query_one(f"#hdr-{name}", Label).update(text, layout=not same_width)


def operator_text(name: str | None, role: Role | None, *, short: bool = False) -> str:
    """Who is signed in, and as what (中心主任 / 调度员 …); ``short`` leaves out the word
    操作员 (a narrow header)."""
    if not name:
        return t("app.nobody")
    shown = t("app.operator_role", name=name, role=label(role)) if role else name
    return shown if short else t("app.operator", name=shown)
