"""View 5, reports: the figures the data already holds (today, this week, 30 days).

Department scorecards and exports come with a later issue; nothing here is estimated.
"""

from __future__ import annotations

from typing import ClassVar

from rich.table import Table
from textual.app import ComposeResult
from textual.binding import BindingType
from textual.containers import VerticalScroll
from textual.widgets import Static

from data.read.stats import DeskStats, PeriodStats, desk_stats
from models.enums import CaseStatus
from models.i18n import label, t
from screens.base import ViewScreen
from screens.bindings import KeySpec, for_scope

REPORT_KEYS = [KeySpec("reports.refresh", "r", "refresh", "key.refresh")]


def _pct(value: float | None) -> str:
    return "—" if value is None else f"{value:.0%}"


def _period_table(periods: list[PeriodStats]) -> Table:
    table = Table(box=None, header_style="bold", pad_edge=False)
    table.add_column(t("reports.period"))
    for key in (
        "reports.received",
        "reports.whistled",
        "reports.whistle_rate",
        "reports.summoned",
        "reports.on_time_rate",
        "reports.arrival_rate",
        "reports.mean_arrive",
        "reports.closed",
        "reports.withdrawn",
        "reports.late_entries",
        "reports.extended_late",
    ):
        table.add_column(t(key), justify="right")
    for p in periods:
        mean = (
            "—"
            if p.mean_minutes_to_arrive is None
            else t("reports.minutes", n=round(p.mean_minutes_to_arrive))
        )
        table.add_row(
            t(f"reports.{p.key}"),
            str(p.received),
            str(p.whistled),
            _pct(p.whistle_rate),
            str(p.summoned),
            _pct(p.on_time_rate),
            _pct(p.arrival_rate),
            mean,
            str(p.closed),
            str(p.withdrawn),
            str(p.entered_late),
            str(p.extended_late),
        )
    return table


def _status_table(open_by_status: dict[str, int]) -> Table:
    table = Table(box=None, header_style="bold", pad_edge=False)
    shown = [s for s in CaseStatus if s.value in open_by_status]
    for status in shown:
        table.add_column(label(status), justify="right")
    table.add_row(*(str(open_by_status[s.value]) for s in shown))
    return table


class ReportsScreen(ViewScreen):
    VIEW_ID = "reports"
    BINDINGS: ClassVar[list[BindingType]] = for_scope("reports", REPORT_KEYS)

    def compose_body(self) -> ComposeResult:
        with VerticalScroll(id="reports-body"):
            yield Static(t("reports.title_periods"), classes="section-title")
            yield Static("", id="reports-periods")
            yield Static(t("reports.title_open"), classes="section-title")
            yield Static("", id="reports-open")
            yield Static(t("reports.note"), classes="dialog-hint")

    def refresh_data(self) -> None:
        service = self.service
        if service is not None:
            self.read(desk_stats, self.desk.now(), service.settings.tz, on_done=self._show)

    def _show(self, stats: DeskStats) -> None:
        self.query_one("#reports-periods", Static).update(_period_table(stats.periods))
        self.query_one("#reports-open", Static).update(_status_table(stats.open_by_status))

    def action_refresh(self) -> None:
        self.refresh_data()
