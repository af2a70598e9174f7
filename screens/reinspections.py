"""View 4, the 回头看 schedule: due today, this week, overdue and done, by community or by
category, overdue first and red; results recorded here, and a supervisor's random draw."""

from __future__ import annotations

import secrets
from collections import Counter
from dataclasses import dataclass
from datetime import date
from typing import Any, ClassVar

from rich.style import Style
from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import BindingType
from textual.message import Message
from textual.widgets import DataTable, Static

from data.read.reinspections import Draw, ReinspectionRow, draws, operator_role, schedule
from data.write.commands.reinspections import record_result, supervised_draw
from models.enums import ReinspectionKind, Role
from models.i18n import label, t
from models.reinspection import BUCKET_ORDER, ReinspectionBucket
from screens.base import PaletteCommand, ViewScreen
from screens.bindings import action_description, bindings_for
from screens.dialogs.reinspection_forms import DrawDialog, ResultDialog
from screens.fmt import clip, column_widths
from screens.messages import Tick
from screens.widgets.keyed import cursor_key, sync_table

GROUPS = ("none", "community", "category")
GROUP_LEAST = 10
# (column, least width in terminal cells, or None to keep it whole): the columns share the
# table's width by what they hold, the result column taking what is left
COLUMNS: tuple[tuple[str, int | None], ...] = (
    ("bucket", 6),
    ("due", None),
    ("number", None),
    ("category", 8),
    ("community", 8),
    ("kind", 6),
    ("result", 6),
)


@dataclass(frozen=True)
class Loaded:
    rows: list[ReinspectionRow]
    draws: list[Draw]
    role: str | None


def load(conn: Any, today: date, now: Any, operator: str | None) -> Loaded:
    return Loaded(schedule(conn, today, now), draws(conn)[:1], operator_role(conn, operator))


def group_of(row: ReinspectionRow, grouping: str) -> str:
    return {"community": row.community, "category": row.category_name}.get(grouping, "")


def arrange(rows: list[ReinspectionRow], grouping: str) -> list[tuple[str, list[ReinspectionRow]]]:
    """Rows in groups; groups with overdue work first, then by name. Rows keep their order
    (overdue first) inside a group."""
    if grouping == "none":
        return [("", rows)]
    groups: dict[str, list[ReinspectionRow]] = {}
    for row in rows:
        groups.setdefault(group_of(row, grouping), []).append(row)
    return sorted(groups.items(), key=lambda kv: (BUCKET_ORDER.index(kv[1][0].bucket), kv[0]))


class ScheduleTable(DataTable[Any]):
    COMPONENT_CLASSES: ClassVar[set[str]] = DataTable.COMPONENT_CLASSES | {
        "schedule--overdue",
        "schedule--done",
        "schedule--group",
    }

    class Resized(Message):
        """The table's width changed: its columns share the new width."""

    def on_resize(self) -> None:
        self.post_message(self.Resized())


class ReinspectionsScreen(ViewScreen):
    VIEW_ID = "reinspections"
    CSS_PATH = "meetings.tcss"
    BINDINGS: ClassVar[list[BindingType]] = bindings_for("reinspections")

    def __init__(self) -> None:
        super().__init__()
        self.rows: list[ReinspectionRow] = []
        self.keys: list[str] = []
        self.last_draw: Draw | None = None
        self.role: str | None = None
        self.grouping = "none"
        self.loaded_day: date | None = None
        self.columns_for: str | None = None
        """The grouping the table's columns were made for."""
        self.column_widths: list[int] = []
        """The widths they were made with."""

    def compose_body(self) -> ComposeResult:
        yield Static("", id="schedule-head")
        yield ScheduleTable(id="schedule", cursor_type="row")
        yield Static("", id="schedule-detail")

    def on_mount(self) -> None:
        self.query_one("#schedule", DataTable).focus()
        super().on_mount()

    @property
    def today(self) -> date:
        return self.desk.now().astimezone(self.desk.settings.tz).date()

    # -- data ----------------------------------------------------------------------------------

    def refresh_data(self) -> None:
        self.read(load, self.today, self.desk.now(), self.desk.operator, on_done=self._loaded)

    def on_tick(self, message: Tick) -> None:
        super().on_tick(message)
        # buckets are by day: past midnight, what was due today is overdue
        if (
            self.loaded_day is not None
            and message.now.astimezone(self.desk.settings.tz).date() != self.loaded_day
        ):
            self.loaded_day = None
            self.refresh_data()

    def _loaded(self, loaded: Loaded) -> None:
        self.loaded_day = self.today
        self.rows = loaded.rows
        self.last_draw = loaded.draws[0] if loaded.draws else None
        self.role = loaded.role
        self._fill()

    def _fill(self) -> None:
        table = self.query_one("#schedule", DataTable)
        current = self.keys[table.cursor_row] if self.keys and table.cursor_row < len(self.keys) else None
        grouped = self.grouping != "none"
        today = self.today
        arranged: list[tuple[str, list[tuple[ReinspectionRow, list[str]]]]] = []
        for name, rows in arrange(self.rows, self.grouping):
            late = sum(r.bucket is ReinspectionBucket.OVERDUE for r in rows)
            caption = t("reinspect.group", name=name, n=len(rows), overdue=late)
            arranged.append((caption, [(row, list(self._cells(row, today))) for row in rows]))
        header = [t(f"reinspect.col.{name}") for name, _least in COLUMNS]
        leasts = [least for _name, least in COLUMNS]
        cells = [c for _caption, group in arranged for _row, c in group]
        if grouped:
            header.insert(0, t(f"reinspect.group_by.{self.grouping}"))
            leasts.insert(0, GROUP_LEAST)
            cells = [[caption, *c] for caption, group in arranged for _row, c in group]
        padding = 2 * table.cell_padding * len(header) + table.styles.scrollbar_size_vertical
        widths = column_widths(table.size.width - padding, header, cells, leasts)
        if (self.columns_for, self.column_widths) != (self.grouping, widths):  # new columns
            self.columns_for, self.column_widths = self.grouping, widths
            table.clear(columns=True)
            for name, width in zip(header, widths, strict=True):
                table.add_column(clip(name, width), width=width)
        self.keys = []
        shown: list[tuple[str, list[Text]]] = []
        overdue = self._style("schedule--overdue")
        muted = self._style("schedule--done")
        heading = self._style("schedule--group")
        own = widths[1:] if grouped else widths
        for caption, held in arranged:
            first = Text(clip(caption, widths[0]), style=heading)
            for index, (row, texts) in enumerate(held):
                style = overdue if row.bucket is ReinspectionBucket.OVERDUE else None
                if row.bucket is ReinspectionBucket.DONE:
                    style = muted
                line = [Text(clip(c, w), style=style or "") for c, w in zip(texts, own, strict=True)]
                if grouped:
                    line.insert(0, first if index == 0 else Text(""))
                shown.append((row.id, line))
                self.keys.append(row.id)
        # keyed and changed in place: the cursor stays on its row, the scroll where it was
        sync_table(table, shown)
        if current in self.keys and cursor_key(table) != current:
            table.move_cursor(row=self.keys.index(current))
        self._show_head()
        self._show_detail()
        self.refresh_bindings()

    def on_schedule_table_resized(self) -> None:
        if self.loaded_day is not None:  # the columns share the new width
            self._fill()

    def _style(self, name: str) -> Style:
        return self.query_one(ScheduleTable).get_component_rich_style(name, partial=True)

    def _cells(self, row: ReinspectionRow, today: date) -> tuple[str, ...]:
        bucket = label(row.bucket)
        if row.bucket is ReinspectionBucket.OVERDUE:
            bucket = t("reinspect.days_late", n=row.days_late(today))
        kind = t(f"reinspect.kind_short.{row.kind.value}")
        if row.kind is ReinspectionKind.RANDOM:  # the seed is for audit: in the row's detail
            drawn_on = row.scheduled_at.astimezone(self.desk.settings.tz).strftime("%m-%d")
            kind = t("reinspect.kind_drawn", day=drawn_on)
        result = label(row.result) if row.result else ""
        if row.relapse_case_number:
            result = t("reinspect.result_reopened", result=result, number=row.relapse_case_number)
        elif row.inspector:
            result = f"{result} {row.inspector}"
        return (
            bucket,
            row.due_on.strftime("%m-%d"),
            row.case_number,
            row.category_name,
            row.community,
            kind,
            result,
        )

    def _show_head(self) -> None:
        counts = Counter(r.bucket for r in self.rows)
        parts = [f"{label(b)} {counts.get(b, 0)}" for b in BUCKET_ORDER]
        line = (
            " · ".join(parts) + "  " + t("reinspect.grouping", name=t(f"reinspect.group_by.{self.grouping}"))
        )
        draw = self.last_draw
        if draw is not None:
            at = draw.at.astimezone(self.desk.settings.tz).strftime("%m-%d")
            line += "\n" + t(
                "reinspect.last_draw", at=at, seed=draw.seed, n=len(draw.drawn), of=len(draw.population)
            )
        head = self.query_one("#schedule-head", Static)
        head.update(line)
        head.set_class(counts.get(ReinspectionBucket.OVERDUE, 0) > 0, "-overdue")

    def _show_detail(self) -> None:
        row = self.row
        detail = self.query_one("#schedule-detail", Static)
        if row is None:
            detail.update(t("reinspect.empty") if not self.rows else "")
            return
        lines = [f"{row.case_number}  {label(row.case_status)}  {row.community} {row.address}"]
        if row.result is not None:
            lines.append(
                t(
                    "reinspect.recorded",
                    result=label(row.result),
                    inspector=row.inspector or "—",
                    notes=row.notes or "—",
                )
            )
        if row.relapse_case_number:
            lines.append(t("reinspect.reopened", number=row.relapse_case_number))
        if row.kind is ReinspectionKind.RANDOM and row.draw_seed is not None:
            drawn_at = row.scheduled_at.astimezone(self.desk.settings.tz).strftime("%Y-%m-%d %H:%M")
            lines.append(t("reinspect.draw_audit", at=drawn_at, seed=row.draw_seed))
        detail.update("\n".join(lines))

    @property
    def row(self) -> ReinspectionRow | None:
        table = self.query_one("#schedule", DataTable)
        if not self.keys or table.cursor_row >= len(self.keys):
            return None
        key = self.keys[table.cursor_row]
        return next((r for r in self.rows if r.id == key), None)

    @on(DataTable.RowHighlighted, "#schedule")
    def _moved(self) -> None:
        self._show_detail()
        self.refresh_bindings()

    @on(DataTable.RowSelected, "#schedule")
    def _selected(self) -> None:
        row = self.row
        if row is None:
            return
        if row.result is None:
            self.action_record()
        else:
            self.action_open_row_case()

    # -- actions -------------------------------------------------------------------------------

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "record":
            return self.row is not None and self.row.result is None
        if action == "open_row_case":
            return self.row is not None
        if action == "draw":
            return self.role == Role.SUPERVISOR.value
        return True

    def refusal(self, action: str, parameters: tuple[object, ...]) -> str | None:
        if action == "draw":
            return t("refuse.supervisor_only", action=action_description(action))
        if action in ("record", "open_row_case"):
            if self.row is None:
                return t("refuse.no_row")
            return t("refuse.already_recorded")
        return super().refusal(action, parameters)

    def action_record(self) -> None:
        row = self.row
        if row is None or row.result is not None:
            return
        dialog = ResultDialog(
            f"{row.case_number} {row.community}{row.address}",
            self.desk.operator or "",
            submit=lambda values, done, error: self.run_command(
                record_result, row.id, on_done=done, on_error=error, **values
            ),
        )
        self.app.push_screen(dialog, self._recorded)

    def _recorded(self, reopened: str | None) -> None:
        if reopened:
            self.notify(t("reinspect.relapse_notice"), severity="warning")
        self.refresh_data()

    def action_open_row_case(self) -> None:
        row = self.row
        if row is not None:
            self.open_case(row.relapse_case_id or row.case_id)

    def action_cycle_group(self) -> None:
        self.grouping = GROUPS[(GROUPS.index(self.grouping) + 1) % len(GROUPS)]
        self._fill()

    def action_draw(self) -> None:
        """The draw's seed and rate, then the supervisor's passphrase for it."""
        rate = self.desk.settings.random_sample_rate

        def chosen(values: dict[str, Any] | None) -> None:
            if values:
                self.run_supervised(
                    t("cmd.reinspect_draw"),
                    supervised_draw,
                    on_done=lambda drawn: self._drawn((values["seed"], drawn)),
                    **values,
                )

        self.app.push_screen(DrawDialog(secrets.randbelow(2**31), rate), chosen)

    def _drawn(self, result: tuple[int, list[str]] | None) -> None:
        if result:
            seed, chosen = result
            self.notify(t("reinspect.drawn", seed=seed, n=len(chosen)))
            self.refresh_data()

    def palette_commands(self) -> list[PaletteCommand]:
        commands: list[PaletteCommand] = [
            (t("cmd.reinspect_group"), t("key.reinspect_group"), self.action_cycle_group)
        ]
        if self.role == Role.SUPERVISOR.value:
            commands.append((t("cmd.reinspect_draw"), t("key.reinspect_draw"), self.action_draw))
        return commands
