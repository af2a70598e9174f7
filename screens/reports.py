"""View 5, 考核与报表: the station's rates and every department's scorecard for a period, with
their trend over the last 12 periods; every figure opens the check-ins behind it.

``[`` / ``]`` step to the previous / next period, ``p`` changes its kind (day, week, month,
quarter, year); Enter on a figure lists what makes it up, and Enter there opens the case.
The trend under the table is Textual's own Sparkline: a built-in widget, so no plotting
library is needed for twelve points, and it draws in any terminal.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any, ClassVar

from rich.table import Table
from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import BindingType
from textual.containers import Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import DataTable, Sparkline, Static

from data.read.assessment import Figure, Scorecard, Scorecards, Summons, behind_figure
from data.read.assessment import scorecards as read_scorecards
from data.read.station_rates import StationRates, station_rates
from data.read.trends import Trend, trend
from models.assessment import Ratio, hmm
from models.charts import spark
from models.i18n import language, t
from models.periods import Period, PeriodKind, period_of
from screens.base import ViewScreen
from screens.bindings import bindings_for
from screens.messages import CaseSelected

KINDS = (PeriodKind.WEEK, PeriodKind.MONTH, PeriodKind.QUARTER, PeriodKind.YEAR, PeriodKind.DAY)
TREND_COUNT = 12


@dataclass(frozen=True)
class Column:
    key: str
    label: str
    figure: str | None
    """The figure Enter opens in this column (None: the column is a name or a rate of rates)."""


COLUMNS = (
    Column("rank", "assess.rank", None),
    Column("department", "assess.department", Figure.SUMMONED),
    Column("summoned", "assess.summoned", Figure.SUMMONED),
    Column("on_time", "assess.on_time", Figure.ON_TIME),
    Column("late", "assess.late", Figure.LATE),
    Column("absent", "assess.absent", Figure.ABSENT),
    Column("withdrawn", "assess.withdrawn", Figure.WITHDRAWN),
    Column("pending", "assess.pending", Figure.PENDING),
    Column("on_time_rate", "assess.on_time_rate", Figure.ON_TIME),
    Column("arrival_rate", "assess.arrival_rate", Figure.ARRIVED),
    Column("mean", "assess.mean_arrive", Figure.ARRIVED),
    Column("acted", "assess.acted", Figure.ACTED),
    Column("rating", "assess.rating", Figure.RATED),
    Column("rework", "assess.rework", Figure.REWORK),
    Column("pauses", "assess.pauses", Figure.PAUSED),
    Column("extensions", "assess.extensions", Figure.EXTENDED),
    Column("corrections", "assess.corrections", Figure.CORRECTED),
    Column("entered_late", "assess.entered_late", Figure.ENTERED_LATE),
    Column("extended_late", "assess.extended_late", Figure.EXTENDED_LATE),
    Column("score", "assess.score", None),
    Column("change", "assess.change", None),
)


def _ratio(r: Ratio) -> str:
    return f"{r.pct()} {r.num}/{r.den}" if r.den else "—"


def _cells(c: Scorecard) -> dict[str, str | Text]:
    score = "—" if c.score is None else f"{float(c.score):.1f}"
    change = c.change
    change_text = Text("—") if change is None else Text(f"{float(change):+.1f}")
    if change is not None and change < 0:
        change_text.stylize("bold")
    return {
        "rank": "—" if c.rank is None else str(c.rank),
        "department": c.name + ("" if c.active else t("assess.inactive")),
        "summoned": str(c.summoned),
        "on_time": str(c.on_time),
        "late": str(c.late),
        "absent": str(c.absent),
        "withdrawn": str(c.withdrawn),
        "pending": str(c.pending),
        "on_time_rate": _ratio(c.on_time_rate),
        "arrival_rate": _ratio(c.arrival_rate),
        "mean": hmm(c.mean_minutes),
        "acted": _ratio(c.action_rate),
        "rating": "—" if c.mean_rating is None else f"{float(c.mean_rating):.2f} ({len(c.ratings)})",
        "rework": str(c.rework),
        "pauses": str(c.pauses),
        "extensions": str(c.extensions),
        "corrections": str(c.corrections),
        "entered_late": str(c.entered_late),
        "extended_late": str(c.extended_late),
        "score": score,
        "change": change_text,
    }


RATE_ROWS = (
    ("assess.closure", "closure"),
    ("assess.on_time_closure", "on_time_closure"),
    ("assess.rework_rate", "rework"),
    ("assess.disposal", "disposal"),
    ("assess.whistle_rate", "whistle"),
    ("assess.on_time_rate", "on_time"),
    ("assess.arrival_rate", "arrival"),
)


def rates_table(rates: StationRates, history: list[StationRates]) -> Table:
    table = Table(box=None, header_style="bold", pad_edge=False)
    table.add_column(t("assess.rate"))
    table.add_column(t("assess.value"), justify="right")
    table.add_column(t("assess.num_den"), justify="right")
    table.add_column(t("reports.trend", n=len(history)))
    for label_key, name in RATE_ROWS:
        ratio: Ratio = getattr(rates, name)
        series = [getattr(h, name).value for h in history]
        table.add_row(t(label_key), ratio.pct(), f"{ratio.num}/{ratio.den}", spark(series, 0.0, 1.0))
    table.add_row(t("assess.mean_arrive"), hmm(rates.mean_minutes_to_arrive), "", "")
    return table


@dataclass(frozen=True)
class ReportData:
    cards: Scorecards
    rates: StationRates
    trend: Trend


def read_report(conn: Any, period: Period, now: datetime, tz: Any, weights: Any, english: bool) -> ReportData:
    return ReportData(
        read_scorecards(conn, period, now, tz, weights, english=english),
        station_rates(conn, period, now, tz),
        trend(conn, period, now, tz, weights, count=TREND_COUNT),
    )


class ReportsScreen(ViewScreen):
    VIEW_ID = "reports"
    BINDINGS: ClassVar[list[BindingType]] = bindings_for("reports")

    def __init__(self, name: str | None = None, id: str | None = None, classes: str | None = None) -> None:
        super().__init__(name=name, id=id, classes=classes)
        self.period: Period | None = None
        self.data: ReportData | None = None

    def compose_body(self) -> ComposeResult:
        with VerticalScroll(id="reports-body"):
            yield Static("", id="reports-period", classes="section-title")
            yield Static("", id="reports-rates")
            yield Static("", id="reports-scores-title", classes="section-title")
            table: DataTable[str | Text] = DataTable(
                id="reports-scores", cursor_type="cell", zebra_stripes=True
            )
            yield table
            yield Static("", id="reports-trend-title", classes="dialog-hint")
            yield Sparkline([], id="reports-trend")
            yield Static("", id="reports-formula", classes="dialog-hint")

    def on_mount(self) -> None:
        table = self.query_one("#reports-scores", DataTable)
        for column in COLUMNS:
            table.add_column(t(column.label), key=column.key)
        super().on_mount()

    def _current(self) -> Period:
        if self.period is None:
            self.period = period_of(
                PeriodKind.MONTH, self.desk.now().astimezone(self.desk.settings.tz).date()
            )
        return self.period

    def refresh_data(self) -> None:
        service = self.service
        if service is None:
            return
        period = self._current()
        settings = service.settings
        self.query_one("#reports-period", Static).update(
            t("reports.period_line", period=period.key, kind=t(f"reports.kind.{period.kind.value}"))
        )
        self.read(
            read_report,
            period,
            self.desk.now(),
            settings.tz,
            settings.weights,
            language() == "en",
            on_done=self._show,
        )

    def _show(self, data: ReportData) -> None:
        if data.cards.period != self.period:
            return  # an older read finished after the period changed
        self.data = data
        history = data.trend.rates
        self.query_one("#reports-rates", Static).update(rates_table(data.rates, history))
        self.query_one("#reports-scores-title", Static).update(
            t("assess.title_scorecard", period=data.cards.period.key)
            if data.cards.cards
            else t("assess.none")
        )
        self.query_one("#reports-formula", Static).update(
            f"{t('assess.weights')}: {data.cards.weights.formula()}"
        )
        self._fill(data.cards.cards)
        self._show_trend()

    def _fill(self, cards: list[Scorecard]) -> None:
        """Keyed by department: cells change in place, rows come and go, the cursor stays."""
        table: DataTable[str | Text] = self.query_one("#reports-scores", DataTable)
        wanted = [c.department for c in cards]
        for key in [k for k in table.rows if k.value not in wanted]:
            table.remove_row(key)
        for card in cards:
            cells = _cells(card)
            if card.department in table.rows:
                for column in COLUMNS:
                    table.update_cell(card.department, column.key, cells[column.key])
            else:
                table.add_row(*(cells[c.key] for c in COLUMNS), key=card.department)
        if [k.value for k in table.rows] != wanted:
            self._rebuild(table, cards)

    def _rebuild(self, table: DataTable[str | Text], cards: list[Scorecard]) -> None:
        """New order (the ranking moved): refill, keeping the cursor on the same department."""
        keep = self._selected_department()
        column = table.cursor_column
        table.clear()
        for card in cards:
            cells = _cells(card)
            table.add_row(*(cells[c.key] for c in COLUMNS), key=card.department)
        if keep is not None and keep in table.rows:
            table.move_cursor(row=table.get_row_index(keep), column=column)

    def _selected_department(self) -> str | None:
        table: DataTable[str | Text] = self.query_one("#reports-scores", DataTable)
        if not table.row_count:
            return None
        row_key, _ = table.coordinate_to_cell_key(table.cursor_coordinate)
        return None if row_key.value is None else str(row_key.value)

    def _show_trend(self) -> None:
        data = self.data
        code = self._selected_department()
        sparkline = self.query_one("#reports-trend", Sparkline)
        title = self.query_one("#reports-trend-title", Static)
        if data is None or code is None:
            sparkline.data = []
            title.update("")
            return
        series = data.trend.scores.get(code, [])
        sparkline.data = [float(v) for v in series if v is not None]  # no score is no point, not 0
        name = next((c.name for c in data.cards.cards if c.department == code), code)
        first, last = data.trend.periods[0].key, data.trend.periods[-1].key
        title.update(
            t("reports.score_trend", name=name, first=first, last=last, line=spark(series, 0.0, 100.0))
        )

    @on(DataTable.CellHighlighted, "#reports-scores")
    def _highlighted(self, _event: DataTable.CellHighlighted) -> None:
        self._show_trend()

    @on(DataTable.CellSelected, "#reports-scores")
    def _selected(self, event: DataTable.CellSelected) -> None:
        event.stop()
        self.action_open_figure()

    # -- actions -----------------------------------------------------------------------------

    def action_refresh(self) -> None:
        self.refresh_data()

    def action_step(self, steps: int) -> None:
        self.period = self._current().shifted(steps)
        self.refresh_data()

    def action_cycle_kind(self) -> None:
        current = self._current()
        kind = (
            KINDS[(KINDS.index(current.kind) + 1) % len(KINDS)] if current.kind in KINDS else PeriodKind.MONTH
        )
        self.period = period_of(kind, current.first)
        self.refresh_data()

    def action_open_figure(self) -> None:
        table: DataTable[str | Text] = self.query_one("#reports-scores", DataTable)
        service = self.service
        if service is None or not table.row_count or self.period is None:
            return
        code = self._selected_department()
        column = COLUMNS[table.cursor_column]
        if code is None or column.figure is None:
            self.notify(t("reports.no_figure"), severity="warning")
            return
        period, figure = self.period, column.figure
        name = (
            next((c.name for c in self.data.cards.cards if c.department == code), code) if self.data else code
        )

        def opened(rows: list[Summons]) -> None:
            self.app.push_screen(
                FigureScreen(
                    t("reports.figure_title", name=name, figure=t(column.label), period=period.key),
                    rows,
                    self.desk.settings.tz,
                )
            )

        self.read(behind_figure, period, self.desk.now(), service.settings.tz, code, figure, on_done=opened)


class FigureScreen(ModalScreen[None]):
    """The check-ins behind one figure; Enter opens the case and its 留痕."""

    CSS_PATH = "dialogs/dialogs.tcss"
    BINDINGS: ClassVar[list[BindingType]] = bindings_for("figure")

    def __init__(self, title: str, rows: list[Summons], tz: Any) -> None:
        super().__init__()
        self.title_text = title
        self.rows = rows
        self.tz = tz

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog figure-dialog"):
            yield Static(self.title_text, classes="dialog-title")
            table: DataTable[str] = DataTable(id="figure-rows", cursor_type="row")
            yield table
            yield Static(t("reports.figure_hint", n=len(self.rows)), classes="dialog-hint")

    def on_mount(self) -> None:
        table: DataTable[str] = self.query_one(DataTable)
        for key in (
            "reports.f.case",
            "reports.f.blown",
            "reports.f.deadline",
            "reports.f.arrived",
            "reports.f.rating",
        ):
            table.add_column(t(key))

        def when(at: datetime | None) -> str:
            return "—" if at is None else at.astimezone(self.tz).strftime("%m-%d %H:%M")

        for s in self.rows:
            table.add_row(
                s.case_number,
                when(s.blown_at),
                when(s.deadline),
                when(s.arrived_at),
                "—" if s.rating is None else str(s.rating),
                key=s.checkin_id,
            )
        table.focus()

    def action_open_case(self) -> None:
        table: DataTable[str] = self.query_one(DataTable)
        if not table.row_count:
            return
        row_key, _ = table.coordinate_to_cell_key(table.cursor_coordinate)
        chosen = next((s for s in self.rows if s.checkin_id == row_key.value), None)
        if chosen is None:
            return
        beneath = self.app.screen_stack[-2]
        self.dismiss(None)
        beneath.post_message(CaseSelected(chosen.case_id))

    @on(DataTable.RowSelected, "#figure-rows")
    def _row_selected(self, event: DataTable.RowSelected) -> None:
        event.stop()
        self.action_open_case()

    def action_close(self) -> None:
        self.dismiss(None)
