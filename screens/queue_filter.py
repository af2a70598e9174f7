"""The queue's filter dialog (``f``): status, category, community, department, source, grade,
and at a district hub (more than one station's cases) the station."""

from __future__ import annotations

from typing import Any, ClassVar

from textual import events, on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Checkbox, Label, Select, Static

from data.catalogue import CATEGORIES, DEPARTMENTS, SOURCES
from data.read.queue import QueueFilter
from models.enums import OPEN_STATUSES, CaseStatus, Grade
from models.i18n import label, language, t

FIELDS = ("status", "category", "community", "department", "source", "grade", "station")
ALL_STATUSES = "all"
"""The status choice that shows every case, closed ones too."""
# Closed states follow the open ones in the status list, in the order a case reaches them.
CLOSED_CHOICES = (CaseStatus.CLOSED, CaseStatus.VERIFIED, CaseStatus.RELAPSED, CaseStatus.REJECTED)


def _name(spec: Any) -> str:
    return str(spec.name if language() == "zh" else spec.name_en)


def options(field: str, communities: list[str], stations: list[str] | None = None) -> list[tuple[str, str]]:
    if field == "status":
        shown = [(label(s), s.value) for s in CaseStatus if s in OPEN_STATUSES]
        shown += [(label(s), s.value) for s in CLOSED_CHOICES]
        return [*shown, (t("queue.filter.all_statuses"), ALL_STATUSES)]
    if field == "category":
        return [(_name(c), c.code) for c in CATEGORIES]
    if field == "community":
        return [(c, c) for c in communities]
    if field == "station":
        return [(s, s) for s in stations or []]
    if field == "department":
        return [(_name(d), d.code) for d in DEPARTMENTS]
    if field == "source":
        return [(_name(s), s.code) for s in SOURCES]
    return [(label(g), g.value) for g in Grade]


def describe(flt: QueueFilter, communities: list[str] | None = None) -> str:
    """The active filters, for the line above the queue."""
    parts = []
    for field in FIELDS:
        value = getattr(flt, field)
        if value:
            shown = dict((v, k) for k, v in options(field, communities or [value], [value]))
            parts.append(f"{t(f'queue.filter.{field}')}={shown.get(value, value)}")
    if flt.closed:
        parts.append(t("queue.filter.with_closed"))
    if flt.search:
        parts.append(f"{t('queue.filter.search')}={flt.search}")
    return " ".join(parts)


class FilterDialog(ModalScreen[QueueFilter | None]):
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "cancel", show=False),
        Binding("ctrl+s", "apply", show=False),
    ]

    SHORT = 34
    """Below this many rows the fields are drawn compact (one line each): the buttons and the
    hint stay on screen (at 80×24 they were below its edge)."""

    def __init__(
        self, current: QueueFilter, communities: list[str], stations: list[str] | None = None
    ) -> None:
        super().__init__()
        self.current = current
        self.communities = communities
        self.stations = stations or []
        several = len(self.stations) > 1 or current.station is not None
        self.fields = FIELDS if several else tuple(f for f in FIELDS if f != "station")

    def compose(self) -> ComposeResult:
        with Vertical(id="filter-dialog", classes="dialog"):
            yield Static(t("queue.filter.title"), classes="dialog-title")
            for field in self.fields:
                with Horizontal(classes="filter-row"):
                    yield Label(t(f"queue.filter.{field}"), classes="filter-label")
                    value = getattr(self.current, field)
                    if field == "status" and self.current.closed and not value:
                        value = ALL_STATUSES
                    yield Select(
                        options(field, self.communities, self.stations),
                        value=value if value else Select.NULL,
                        prompt=t("queue.filter.any"),
                        id=f"filter-{field}",
                    )
            yield Checkbox(t("queue.filter.closed"), self.current.closed, id="filter-closed")
            with Horizontal(classes="dialog-buttons"):
                yield Button(t("queue.filter.apply"), variant="primary", id="filter-apply")
                yield Button(t("queue.filter.clear"), id="filter-clear")
            yield Static(t("queue.filter.hint"), classes="dialog-hint")

    def on_mount(self) -> None:
        self._fit(self.app.size.height)

    def on_resize(self, event: events.Resize) -> None:
        self._fit(event.size.height)

    def _fit(self, rows: int) -> None:
        short = rows < self.SHORT
        self.set_class(short, "-short")
        for select in self.query(Select):
            select.compact = short
        self.query_one("#filter-closed", Checkbox).compact = short

    def chosen(self) -> QueueFilter:
        values: dict[str, str | None] = {}
        for field in self.fields:
            value = self.query_one(f"#filter-{field}", Select).value
            values[field] = None if value is Select.NULL else str(value)
        closed = self.query_one("#filter-closed", Checkbox).value
        if values["status"] == ALL_STATUSES:
            values["status"], closed = None, True
        return QueueFilter(search=self.current.search, closed=closed, **values)

    @on(Button.Pressed, "#filter-apply")
    def action_apply(self) -> None:
        self.dismiss(self.chosen())

    @on(Button.Pressed, "#filter-clear")
    def _clear(self) -> None:
        self.dismiss(QueueFilter(search=self.current.search))

    def action_cancel(self) -> None:
        self.dismiss(None)
