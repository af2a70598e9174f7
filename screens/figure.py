"""The records behind one figure of view 5: check-ins (a department's, or a community's or a
category's summons) or cases (received, whistled, relapsed). Enter opens the case and its 留痕."""

from __future__ import annotations

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


class FigureScreen(ModalScreen[None]):
    """The check-ins or cases behind one figure; Enter opens the case and its 留痕."""

    CSS_PATH = "dialogs/dialogs.tcss"
    BINDINGS: ClassVar[list[BindingType]] = bindings_for("figure")

    def __init__(
        self,
        title: str,
        rows: list[Summons] | list[CaseLine],
        tz: Any,
        departments: dict[str, str] | None = None,
    ) -> None:
        """``departments`` (code → name): the summons of a community or a category name their
        department in a column of its own."""
        super().__init__()
        self.title_text = title
        self.rows = rows
        self.tz = tz
        self.departments = departments

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog figure-dialog"):
            yield Static(self.title_text, classes="dialog-title")
            table: DataTable[str] = DataTable(id="figure-rows", cursor_type="row")
            yield table
            yield Static(t("reports.figure_hint", n=len(self.rows)), classes="dialog-hint")

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
        cases = bool(self.rows) and isinstance(self.rows[0], CaseLine)
        headers: tuple[str, ...] = CASE_HEADERS if cases else SUMMONS_HEADERS
        if not cases and self.departments is not None:
            headers = (headers[0], "assess.department", *headers[1:])
        for key in headers:
            table.add_column(t(key))
        for row in self.rows:
            table.add_row(*self._cells(row), key=self._key(row))
        table.focus()

    def action_open_case(self) -> None:
        table: DataTable[str] = self.query_one(DataTable)
        if not table.row_count:
            return
        row_key, _ = table.coordinate_to_cell_key(table.cursor_coordinate)
        chosen = next((r for r in self.rows if self._key(r) == row_key.value), None)
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
