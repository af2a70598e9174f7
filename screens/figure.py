"""The records behind one figure of view 5: check-ins (a department's, or a community's or a
category's summons) or cases (received, whistled, relapsed). Enter opens the case and its 留痕."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Sequence
from datetime import datetime
from typing import Any, ClassVar

from textual import on
from textual.app import ComposeResult
from textual.binding import BindingType
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import DataTable, Static

from data.read.areas import CaseLine
from data.read.assessment import Summons
from data.read.reinspections import category_name
from models.enums import CaseStatus
from models.i18n import label, t
from screens.bindings import bindings_for
from screens.messages import CaseSelected

SUMMONS_HEADERS = (
    "reports.f.case",
    "reports.f.blown",
    "reports.f.deadline",
    "reports.f.arrived",
    "reports.f.rating",
)
CASE_HEADERS = (
    "reports.f.case",
    "reports.f.received",
    "reports.f.category",
    "reports.f.community",
    "reports.f.status",
)


NEAR = 20
"""The next page is read when the cursor comes this near the last row listed."""
Rows = Sequence[Summons | CaseLine]
More = Callable[[], Awaitable[tuple[Rows, bool]]]
"""Reads the next page: its rows, and whether it was the last."""


class FigureScreen(ModalScreen[None]):
    """The check-ins or cases behind one figure; Enter opens the case and its 留痕. A long list
    comes a page at a time: the first opens the screen, the next is read as the cursor nears the
    end of what is listed."""

    CSS_PATH = "dialogs/dialogs.tcss"
    BINDINGS: ClassVar[list[BindingType]] = bindings_for("figure")

    def __init__(
        self,
        title: str,
        rows: Rows,
        tz: Any,
        departments: dict[str, str] | None = None,
        *,
        cases: bool | None = None,
        more: More | None = None,
    ) -> None:
        """``departments`` (code → name): the summons of a community or a category name their
        department in a column of its own. ``cases``: the rows are cases (by default: when the
        first is). ``more``: reads the next page (None: ``rows`` are all of them)."""
        super().__init__()
        self.title_text = title
        self.rows: list[Summons | CaseLine] = list(rows)
        self.tz = tz
        self.departments = departments
        self.cases = bool(rows) and isinstance(rows[0], CaseLine) if cases is None else cases
        self.more = more
        self._by_key = {self._key(r): r for r in self.rows}
        self._reading = False

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog figure-dialog"):
            yield Static(self.title_text, classes="dialog-title")
            table: DataTable[str] = DataTable(id="figure-rows", cursor_type="row")
            yield table
            yield Static(self._hint(), id="figure-hint", classes="dialog-hint")

    def _hint(self) -> str:
        if self.more is None:
            return t("reports.figure_hint", n=len(self.rows))
        return t("reports.figure_hint_more", n=len(self.rows))

    def _when(self, at: datetime | None) -> str:
        return "—" if at is None else at.astimezone(self.tz).strftime("%m-%d %H:%M")

    def _cells(self, row: Summons | CaseLine) -> tuple[str, ...]:
        if isinstance(row, CaseLine):
            return (
                row.number,
                self._when(row.received_at),
                category_name(row.category),
                row.community,
                label(CaseStatus(row.status)),
            )
        department = (
            () if self.departments is None else (self.departments.get(row.department, row.department),)
        )
        return (
            row.case_number,
            *department,
            self._when(row.blown_at),
            self._when(row.deadline),
            self._when(row.arrived_at),
            "—" if row.rating is None else str(row.rating),
        )

    @staticmethod
    def _key(row: Summons | CaseLine) -> str:
        return row.case_id if isinstance(row, CaseLine) else row.checkin_id

    def on_mount(self) -> None:
        table: DataTable[str] = self.query_one(DataTable)
        headers: tuple[str, ...] = CASE_HEADERS if self.cases else SUMMONS_HEADERS
        if not self.cases and self.departments is not None:
            headers = (headers[0], "assess.department", *headers[1:])
        for key in headers:
            table.add_column(t(key))
        for row in self.rows:
            table.add_row(*self._cells(row), key=self._key(row))
        table.focus()
        self._read_on()

    def _read_on(self) -> None:
        """Read the next page when the cursor is near the end of the rows listed (or they do
        not fill the table), unless every row is listed or a page is being read."""
        table: DataTable[str] = self.query_one(DataTable)
        if self.more is None or self._reading:
            return
        if table.row_count - table.cursor_row > max(NEAR, table.size.height):
            return
        self._reading = True
        self.run_worker(self._next_page(self.more), group="figure-page", exit_on_error=False)

    async def _next_page(self, more: More) -> None:
        try:
            rows, last = await more()
        finally:
            self._reading = False
        table: DataTable[str] = self.query_one(DataTable)
        for row in rows:
            key = self._key(row)
            if key not in self._by_key:
                self._by_key[key] = row
                self.rows.append(row)
                table.add_row(*self._cells(row), key=key)
        if last:
            self.more = None
        self.query_one("#figure-hint", Static).update(self._hint())
        self._read_on()

    @on(DataTable.RowHighlighted, "#figure-rows")
    def _moved(self, event: DataTable.RowHighlighted) -> None:
        event.stop()
        self._read_on()

    def action_open_case(self) -> None:
        table: DataTable[str] = self.query_one(DataTable)
        if not table.row_count:
            return
        row_key, _ = table.coordinate_to_cell_key(table.cursor_coordinate)
        chosen = self._by_key.get(str(row_key.value))
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
