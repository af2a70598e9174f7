"""What view 5's table shows: its columns (and the figure Enter opens in each) and their cells,
for departments, communities or categories, and the station's rates above it."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from rich.table import Table
from rich.text import Text

from data.read.areas import AreaCard, AreaFigure
from data.read.assessment import Figure, Scorecard
from data.read.district import StationRank
from data.read.station_rates import StationRates
from models.assessment import Ratio, hmm
from models.charts import spark
from models.i18n import t


class GroupBy(StrEnum):
    """What the table's rows are: g steps through them."""

    DEPARTMENT = "department"
    COMMUNITY = "community"
    CATEGORY = "category"


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
"""The department scorecard."""


def area_columns(by: GroupBy) -> tuple[Column, ...]:
    """A community's or a category's row: where whistles come from, how long they waited,
    what relapsed."""
    return (
        Column("name", f"area.{by.value}", AreaFigure.RECEIVED),
        Column("received", "area.received", AreaFigure.RECEIVED),
        Column("whistled", "area.whistled", AreaFigure.WHISTLED),
        Column("summoned", "assess.summoned", AreaFigure.SUMMONED),
        Column("late", "assess.late", AreaFigure.LATE),
        Column("absent", "assess.absent", AreaFigure.ABSENT),
        Column("on_time_rate", "assess.on_time_rate", AreaFigure.SUMMONED),
        Column("mean_wait", "area.mean_wait", AreaFigure.ARRIVED),
        Column("median_wait", "area.median_wait", AreaFigure.ARRIVED),
        Column("longest_wait", "area.longest_wait", AreaFigure.ARRIVED),
        Column("relapsed", "area.relapsed", AreaFigure.RELAPSED),
    )


def columns_of(by: GroupBy) -> tuple[Column, ...]:
    return COLUMNS if by is GroupBy.DEPARTMENT else area_columns(by)


def ratio_cell(r: Ratio) -> str:
    return f"{r.pct()} {r.num}/{r.den}" if r.den else "—"


def card_cells(c: Scorecard) -> dict[str, str | Text]:
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
        "on_time_rate": ratio_cell(c.on_time_rate),
        "arrival_rate": ratio_cell(c.arrival_rate),
        "mean": hmm(c.mean_minutes),
        "acted": ratio_cell(c.action_rate),
        "rating": "—" if c.mean_rating is None else f"{float(c.mean_rating):.2f} ({c.rating_count})",
        "rework": str(c.rework),
        "pauses": str(c.pauses),
        "extensions": str(c.extensions),
        "corrections": str(c.corrections),
        "entered_late": str(c.entered_late),
        "extended_late": str(c.extended_late),
        "score": score,
        "change": change_text,
    }


def area_cells(c: AreaCard) -> dict[str, str | Text]:
    return {
        "name": c.name,
        "received": str(c.received),
        "whistled": str(c.whistled),
        "summoned": str(c.summoned),
        "late": str(c.late),
        "absent": str(c.absent),
        "on_time_rate": ratio_cell(c.on_time_rate),
        "mean_wait": hmm(c.mean_wait),
        "median_wait": hmm(c.median_wait),
        "longest_wait": hmm(c.longest_wait),
        "relapsed": str(c.relapses),
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


# the rates stations are ranked by, in that order (data/read/district.ranked_stations)
RANKED_RATES = (
    ("assess.on_time_closure", "on_time_closure"),
    ("assess.on_time_rate", "on_time"),
    ("assess.closure", "closure"),
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


def station_ranking_table(ranking: tuple[StationRank, ...]) -> Table:
    """The stations ranked by their rates (a district hub): each rate as value and num/den."""
    table = Table(box=None, header_style="bold", pad_edge=False)
    table.add_column(t("district.rank"), justify="right")
    table.add_column(t("district.station"))
    for label_key, _name in RANKED_RATES:
        table.add_column(t(label_key), justify="right")
    table.add_column(t("district.received"), justify="right")
    for r in ranking:
        cells = [str(getattr(r.rates, name)) for _label, name in RANKED_RATES]
        table.add_row(str(r.rank), f"{r.station.id} {r.station.name}", *cells, str(r.rates.received))
    return table


NAME_LEAST = 8
"""Cells a row's name keeps when the columns do not all fit (cut with …)."""


@dataclass(frozen=True)
class ColumnPage:
    """Columns of the table shown together: their indices and content widths."""

    indices: tuple[int, ...]
    widths: tuple[int, ...]


def column_pages(
    wants: list[int],
    fixed: int,
    room: int,
    padding: int,
    name_least: int = NAME_LEAST,
    pinned: tuple[int, ...] = (),
) -> list[ColumnPage]:
    """The table's columns in pages that each fit ``room`` cells: all of them when they fit,
    else the first ``fixed`` on every page (the last of them, the name, cut down to
    ``name_least`` and given what the page leaves), then as many of the others as fit whole
    (a figure is never cut), then the ``pinned`` ones (the score: on every page).
    ``wants``: cells each column's header and cells need; ``padding``: cells around each."""
    if room <= 0 or sum(want + padding for want in wants) <= room:
        return [ColumnPage(tuple(range(len(wants))), tuple(wants))]
    name = fixed - 1
    fixed_widths = [*wants[:name], min(wants[name], name_least)]
    left = room - sum(width + padding for width in fixed_widths) - sum(wants[i] + padding for i in pinned)
    pages: list[list[int]] = [[]]
    used = 0
    for index in (i for i in range(fixed, len(wants)) if i not in pinned):
        need = wants[index] + padding
        if pages[-1] and used + need > left:
            pages.append([])
            used = 0
        pages[-1].append(index)
        used += need
    shown: list[ColumnPage] = []
    for page in pages:
        spare = left - sum(wants[i] + padding for i in page)
        widths = [*fixed_widths[:name], min(wants[name], fixed_widths[name] + max(spare, 0))]
        page += pinned
        shown.append(ColumnPage((*range(fixed), *page), (*widths, *(wants[i] for i in page))))
    return shown
