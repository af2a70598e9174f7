"""View 5, 考核与报表: the station's rates and, for a period, every department's scorecard — or
the same period by community or by category — with their trend over the last 12 periods; every
figure opens the records behind it.

``[`` / ``]`` step to the previous / next period, ``p`` changes its kind (day, week, month,
quarter, year), ``g`` what the rows are (department, community, category), ``e`` exports the
period's report; Enter on a figure lists what makes it up, and Enter there opens the case.
With more than one station's cases here (a district hub), ``s`` steps through all stations and
each one (the scorecards, rates and trend of that station alone), and the stations are ranked
by their rates under the table.
The trend under the table is Textual's own Sparkline: a built-in widget, so no plotting
library is needed for twelve points, and it draws in any terminal.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any, ClassVar

from rich.cells import cell_len
from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import BindingType
from textual.containers import VerticalScroll
from textual.message import Message
from textual.widgets import DataTable, ProgressBar, Sparkline, Static

from data.read.areas import Area, AreaCards, area_cards
from data.read.assessment import Scorecards
from data.read.assessment import scorecards as read_scorecards
from data.read.behind import Behind
from data.read.district import StationName, StationRank, ranked_stations, stations_with_cases
from data.read.station_rates import StationRates, station_rates
from data.read.trends import Trend, trend
from models.charts import spark
from models.i18n import language, t
from models.periods import Period, PeriodKind, period_of
from screens.base import PaletteCommand, ViewScreen
from screens.bindings import bindings_for
from screens.figure import FigureScreen
from screens.fmt import clip
from screens.report_columns import (
    COLUMNS,
    NAME_LEAST,
    Column,
    ColumnPage,
    GroupBy,
    area_cells,
    card_cells,
    column_pages,
    columns_of,
    rates_table,
    station_ranking_table,
)
from screens.report_export import ReportExportFlow

__all__ = ["COLUMNS", "FigureScreen", "GroupBy", "ReportsScreen"]

KINDS = (PeriodKind.WEEK, PeriodKind.MONTH, PeriodKind.QUARTER, PeriodKind.YEAR, PeriodKind.DAY)
GROUPS = tuple(GroupBy)
TREND_COUNT = 12
PINNED = ("score", "change")
"""Columns on every page of a table too wide for the screen: what the rows are ranked by."""


@dataclass(frozen=True)
class ReportData:
    cards: Scorecards
    rates: StationRates
    trend: Trend
    areas: AreaCards | None
    """The period by community or by category, when the rows are those."""
    station: str | None = None
    """The one station the figures are of (None: every station here)."""
    stations: tuple[StationName, ...] = ()
    """The stations with cases here."""
    ranking: tuple[StationRank, ...] = ()
    """The stations ranked by their rates (when there is more than one)."""

    @property
    def period(self) -> Period:
        return self.cards.period


def read_report(
    conn: Any,
    period: Period,
    now: datetime,
    tz: Any,
    weights: Any,
    english: bool,
    by: GroupBy,
    station: str | None = None,
) -> ReportData:
    stations = tuple(stations_with_cases(conn))
    return ReportData(
        read_scorecards(conn, period, now, tz, weights, station=station, english=english),
        station_rates(conn, period, now, tz, station=station),
        trend(conn, period, now, tz, weights, count=TREND_COUNT, station=station),
        None
        if by is GroupBy.DEPARTMENT
        else area_cards(conn, period, now, tz, Area(by.value), station=station),
        station,
        stations,
        tuple(ranked_stations(conn, period, now, tz)) if len(stations) > 1 else (),
    )


def _cells_of(value: str | Text) -> int:
    return value.cell_len if isinstance(value, Text) else cell_len(value)


def _fitted(value: str | Text, width: int | None) -> str | Text:
    """A name within its column, cut with …; figures get the width they need."""
    return clip(value, width) if isinstance(value, str) and width is not None else value


class ScoreTable(DataTable[str | Text]):
    class Resized(Message):
        """The table's width changed: its columns share the new width."""

    def on_resize(self) -> None:
        self.post_message(self.Resized())


class ReportsScreen(ReportExportFlow, ViewScreen):
    VIEW_ID = "reports"
    CSS_PATH = "reports.tcss"
    BINDINGS: ClassVar[list[BindingType]] = bindings_for("reports")

    def __init__(self, name: str | None = None, id: str | None = None, classes: str | None = None) -> None:
        super().__init__(name=name, id=id, classes=classes)
        self.period: Period | None = None
        self.by = GroupBy.DEPARTMENT
        self.station: str | None = None
        """The one station shown (None: all); ``s`` steps through them at a district hub."""
        self.data: ReportData | None = None
        self.shown_by: GroupBy | None = None
        """What the table's columns are now (they change with ``by`` once its data arrives)."""
        self.shown_columns: tuple[Column, ...] = ()
        self.shown_page: tuple[GroupBy, ColumnPage] | None = None
        """The columns on screen and their widths (a narrow table shows a page of them)."""
        self.pages = 1
        self.scores_title = ""
        self.page = 0
        """Which page of columns ``>`` has brought up."""

    def compose_body(self) -> ComposeResult:
        with VerticalScroll(id="reports-body"):
            yield Static("", id="reports-period", classes="section-title")
            yield Static("", id="reports-rates")
            yield Static("", id="reports-scores-title", classes="section-title")
            yield Static("", id="reports-by", classes="dialog-hint")
            yield ScoreTable(id="reports-scores", cursor_type="cell", zebra_stripes=True)
            yield Static("", id="reports-trend-title", classes="dialog-hint")
            yield Sparkline([], id="reports-trend")
            yield Static("", id="reports-formula", classes="dialog-hint")
            yield Static("", id="reports-stations-title", classes="section-title")
            yield Static("", id="reports-stations")
        yield ProgressBar(id="reports-export-bar", show_eta=False)  # under the scroll: always seen

    def on_mount(self) -> None:
        self.query_one("#reports-export-bar", ProgressBar).display = False
        self.query_one("#reports-stations-title", Static).display = False
        self.query_one("#reports-stations", Static).display = False
        self._set_columns(GroupBy.DEPARTMENT)
        super().on_mount()
        self.query_one("#reports-scores", DataTable).focus()  # the arrows walk the figures

    def _set_columns(self, by: GroupBy) -> None:
        table: DataTable[str | Text] = self.query_one("#reports-scores", DataTable)
        table.clear(columns=True)
        for column in columns_of(by):
            table.add_column(t(column.label), key=column.key)
        self.shown_by = by
        self.shown_columns = columns_of(by)
        self.shown_page = None

    def period_shown(self) -> Period:
        return self._current()

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
        self.query_one("#reports-by", Static).update(t("reports.by_line", by=t(f"area.{self.by.value}")))
        self.read(
            read_report,
            period,
            self.desk.now(),
            settings.tz,
            settings.weights,
            language() == "en",
            self.by,
            self.station,
            on_done=self._show,
        )

    def _show(self, data: ReportData) -> None:
        if data.period != self.period or _grouping(data) is not self.by or data.station != self.station:
            return  # an older read finished after the period, the grouping or the station changed
        self.data = data
        self._show_stations(data)
        self.query_one("#reports-rates", Static).update(rates_table(data.rates, data.trend.rates))
        if data.areas is None:
            empty = not data.cards.cards
            title = t("assess.title_scorecard", period=data.period.key)
        else:
            empty = not data.areas.cards
            title = t(f"area.title.{data.areas.area.value}", period=data.period.key)
        self.scores_title = t("assess.none") if empty else title
        self.query_one("#reports-formula", Static).update(
            f"{t('assess.weights')}: {data.cards.weights.formula()}"
        )
        self._fill(data)
        self._show_trend()

    def _rows(self, data: ReportData) -> list[tuple[str, dict[str, str | Text]]]:
        if data.areas is None:
            return [(c.department, card_cells(c)) for c in data.cards.cards]
        return [(c.key, area_cells(c)) for c in data.areas.cards]

    def _page(self, data: ReportData, rows: list[tuple[str, dict[str, str | Text]]]) -> ColumnPage:
        """The columns that fit the table's width whole (a name cut with …); when they do not
        all fit, the page of them ``>`` has brought up."""
        table = self.query_one("#reports-scores", DataTable)
        columns = columns_of(self.by)
        wants = [
            max([cell_len(t(c.label)), *(_cells_of(cells[c.key]) for _, cells in rows)]) for c in columns
        ]
        room = table.size.width - table.styles.scrollbar_size_vertical
        fixed = 2 if self.by is GroupBy.DEPARTMENT else 1
        heading = cell_len(t(columns[fixed - 1].label))  # the name's header stays whole
        pinned = tuple(i for i, c in enumerate(columns) if c.key in PINNED)
        pages = column_pages(wants, fixed, room, 2 * table.cell_padding, max(NAME_LEAST, heading), pinned)
        self.pages = len(pages)
        self.page %= self.pages
        return pages[self.page]

    def _fill(self, data: ReportData) -> None:
        """Keyed by department (community, category): cells change in place, rows come and go,
        the cursor stays."""
        table: DataTable[str | Text] = self.query_one("#reports-scores", DataTable)
        rows = self._rows(data)
        page = self._page(data, rows)
        every = columns_of(self.by)
        columns = tuple(every[i] for i in page.indices)
        width = dict(zip((c.key for c in columns), page.widths, strict=True))
        rows = [(key, {k: _fitted(v, width.get(k)) for k, v in cells.items()}) for key, cells in rows]
        if self.shown_page != (self.by, page):
            keep, at = self._selected_key(), table.cursor_column
            table.clear(columns=True)
            for c, cells_wide in zip(columns, page.widths, strict=True):
                table.add_column(clip(t(c.label), cells_wide), key=c.key, width=cells_wide)
            self.shown_by, self.shown_columns, self.shown_page = self.by, columns, (self.by, page)
            for key, cells in rows:
                table.add_row(*(cells[c.key] for c in columns), key=key)
            if keep is not None and keep in table.rows:
                table.move_cursor(row=table.get_row_index(keep), column=min(at, len(columns) - 1))
        self._show_pages()
        wanted = [key for key, _ in rows]
        for stale in [k for k in table.rows if k.value not in wanted]:
            table.remove_row(stale)
        for key, cells in rows:
            if key in table.rows:
                for column in columns:
                    table.update_cell(key, column.key, cells[column.key])
            else:
                table.add_row(*(cells[c.key] for c in columns), key=key)
        if [k.value for k in table.rows] != wanted:
            self._rebuild(table, rows, columns)

    def _rebuild(
        self,
        table: DataTable[str | Text],
        rows: list[tuple[str, dict[str, str | Text]]],
        columns: tuple[Column, ...],
    ) -> None:
        """New order (the ranking moved): refill, keeping the cursor on the same row."""
        keep = self._selected_key()
        column = table.cursor_column
        table.clear()
        for key, cells in rows:
            table.add_row(*(cells[c.key] for c in columns), key=key)
        if keep is not None and keep in table.rows:
            table.move_cursor(row=table.get_row_index(keep), column=column)

    def _selected_key(self) -> str | None:
        table: DataTable[str | Text] = self.query_one("#reports-scores", DataTable)
        if not table.row_count:
            return None
        row_key, _ = table.coordinate_to_cell_key(table.cursor_coordinate)
        return None if row_key.value is None else str(row_key.value)

    def _show_trend(self) -> None:
        data = self.data
        code = self._selected_key()
        sparkline = self.query_one("#reports-trend", Sparkline)
        title = self.query_one("#reports-trend-title", Static)
        shown = data is not None and code is not None and data.areas is None
        sparkline.display = shown
        if data is None or code is None or not shown:
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

    def _show_pages(self) -> None:
        line = self.scores_title
        if self.pages > 1:
            line += t("reports.columns_page", page=self.page + 1, pages=self.pages)
        self.query_one("#reports-scores-title", Static).update(line)
        self.refresh_bindings()

    @on(ScoreTable.Resized)
    def _resized(self) -> None:
        data = self.data
        # the columns share the new width; figures of the grouping before ``g`` wait for theirs
        if data is not None and _grouping(data) is self.by:
            self._fill(data)

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "next_columns":
            return True if self.pages > 1 else None
        return True

    def refusal(self, action: str, parameters: tuple[object, ...]) -> str | None:
        if action == "next_columns":
            return t("refuse.all_columns_shown")
        return super().refusal(action, parameters)

    def action_next_columns(self) -> None:
        self.page = (self.page + 1) % self.pages
        if self.data is not None:
            self._fill(self.data)

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

    def _show_stations(self, data: ReportData) -> None:
        title = self.query_one("#reports-stations-title", Static)
        body = self.query_one("#reports-stations", Static)
        several = len(data.stations) > 1
        title.display = body.display = several  # a station's own desk: no such section
        if not several:
            return
        shown = next((s for s in data.stations if s.id == data.station), None)
        which = t("district.all_stations") if shown is None else f"{shown.id} {shown.name}"
        title.update(t("district.ranking_title", period=data.period.key, station=which))
        body.update(station_ranking_table(data.ranking))

    def action_cycle_station(self) -> None:
        """All stations, then each station with cases here, in turn (a district hub)."""
        stations: list[str | None] = [None, *(s.id for s in self.data.stations)] if self.data else [None]
        if len(stations) <= 2:
            self.notify(t("district.one_station"), severity="warning")
            return
        at = stations.index(self.station) if self.station in stations else 0
        self.station = stations[(at + 1) % len(stations)]
        self.refresh_data()

    def action_cycle_group(self) -> None:
        self.by = GROUPS[(GROUPS.index(self.by) + 1) % len(GROUPS)]
        self.refresh_data()

    def palette_commands(self) -> list[PaletteCommand]:
        return [
            (t("cmd.report_export"), t("key.report_export"), self.action_export),
            (t("cmd.report_by"), t("key.report_by"), self.action_cycle_group),
        ]

    def _row_name(self, key: str) -> str:
        data = self.data
        if data is None:
            return key
        if data.areas is not None:
            return next((c.name for c in data.areas.cards if c.key == key), key)
        return next((c.name for c in data.cards.cards if c.department == key), key)

    def action_open_figure(self) -> None:
        table: DataTable[str | Text] = self.query_one("#reports-scores", DataTable)
        service = self.service
        data = self.data
        if service is None or not table.row_count or data is None or self.shown_by is None:
            return
        key = self._selected_key()
        column = self.shown_columns[table.cursor_column]
        if key is None or column.figure is None:
            self.notify(t("reports.no_figure"), severity="warning")
            return
        period, figure, name = data.period, column.figure, self._row_name(key)
        tz = service.settings.tz

        names = None if data.areas is None else {c.department: c.name for c in data.cards.cards}
        now, station = self.desk.now(), data.station
        if data.areas is None:
            behind = Behind(period, now, tz, figure, department=key, station=station)
        else:
            behind = Behind(period, now, tz, figure, area=data.areas.area, key=key, station=station)

        async def more() -> tuple[Any, bool]:
            rows = await service.db.run_read(behind.page)
            return rows, behind.done

        def opened(rows: Any) -> None:
            title = t("reports.figure_title", name=name, figure=t(column.label), period=period.key)
            following = None if behind.done else more
            self.app.push_screen(FigureScreen(title, rows, tz, names, cases=behind.of_cases, more=following))

        self.read(behind.page, on_done=opened, group="read-behind")


def _grouping(data: ReportData) -> GroupBy:
    """What ``data``'s figures are grouped by."""
    return GroupBy.DEPARTMENT if data.areas is None else GroupBy(data.areas.area.value)
