"""View 2, the check-in board (报到看板): by department, where it is summoned, who arrived, who
is acting, who is overdue, who was released today; and today's 来没来 / 干没干 / 干得好不好."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any, ClassVar

from rich.cells import cell_len
from textual import on
from textual.app import ComposeResult
from textual.binding import BindingType
from textual.widgets import Label, ListItem, ListView, Static

from data.read import board as boards
from data.read.board import Board, BoardDepartment, Summons
from models.enums import CheckInStatus as C
from models.i18n import label, minutes_text, t
from screens.base import PaletteCommand
from screens.bindings import bindings_for
from screens.checkin_actions import CHECKIN_ACTIONS, CheckinActions
from screens.dialogs.checkin import CheckinTarget
from screens.fmt import ALL_LIGHT_CLASSES, Flex, clip, clock_text, light_class, local, pad, share
from screens.messages import Tick
from screens.widgets.keyed import Keyed, sync_children


class DeptItem(Keyed, ListItem):
    def __init__(self, dept: BoardDepartment) -> None:
        super().__init__(Label(tally_line(dept)), classes="dept-item")
        self.dept = dept
        self.row_key = dept_key(dept)
        self.drawn = ""

    def renew(self, record: Any) -> bool:
        self.dept = record  # its line is drawn by the screen, in the board's columns
        return True

    def draw(self, columns: BoardColumns) -> None:
        line = tally_line(self.dept, columns)
        if line != self.drawn:
            self.drawn = line
            self.query_one(Label).update(line)


class SummonsItem(Keyed, ListItem):
    def __init__(self, summons: Summons) -> None:
        super().__init__(Label(""), classes="summons-item")
        self.summons = summons
        self.row_key = summons.checkin_id

    def renew(self, record: Any) -> bool:
        self.summons = record  # its line is drawn by the screen's tick
        return True


def dept_key(dept: BoardDepartment) -> str:
    return f"dept:{dept.code}"


def tally_text(dept: BoardDepartment) -> str:
    tally = dept.tally
    mean = f"{tally.mean_rating:.1f}" if tally.mean_rating is not None else "—"
    line = t(
        "board.tally",
        arrived=tally.arrived,
        summoned=tally.summoned,
        late=tally.late,
        no_show=tally.no_show,
        overdue=tally.overdue,
        acted=tally.acted,
        mean=mean,
        rated=tally.rated,
    )
    if tally.withdrawn:  # 撤回召集: counted apart, neither came nor absent
        line += "  " + t("board.withdrawn", n=tally.withdrawn)
    return line


def status_text(s: Summons) -> str:
    """The status column: 缺席 for a summons the escalation ladder marked absent."""
    return t("mark.absent") if s.absent else label(s.status)


def tally_line(dept: BoardDepartment, columns: BoardColumns | None = None) -> str:
    """The department's name and today's tally, in the board's columns (cut with …)."""
    if columns is None:
        return f"{dept.name} {tally_text(dept)}"
    return pad(dept.name, columns.name) + clip(tally_text(dept), columns.tally)


@dataclass(frozen=True)
class BoardColumns:
    """Widths in cells (each with its blank after it) of the board's two kinds of line: a
    department's name and tally; a summons' number, community, grade, status and the rest."""

    name: int
    tally: int
    number: int
    community: int
    grade: int
    status: int
    tail: int

    @classmethod
    def for_width(
        cls, width: int, departments: Sequence[BoardDepartment], tails: Sequence[str]
    ) -> BoardColumns:
        """The columns of a board ``width`` cells wide: each as wide as what it holds when
        there is room, shared by what they hold (with minimums) when not."""
        summons = [s for d in departments for s in d.summons]

        def widest(texts: Iterable[str]) -> int:
            return max((cell_len(x) for x in texts), default=0) + 1

        tally = widest(tally_text(d) for d in departments)
        name, tally = share(
            width,
            [
                Flex(widest(d.name for d in departments), NAME_LEAST),
                # the tally whole before the name, which is known by its start
                Flex(tally, tally, grows=True, floor=TALLY_LEAST),
            ],
            gap=0,
        )
        number, community, grade, status, tail = share(
            width - INDENT,
            [
                Flex(widest(s.case_number for s in summons)),
                Flex(widest(s.community for s in summons), COMMUNITY_LEAST),
                Flex(widest(label(s.grade) for s in summons)),
                Flex(widest(status_text(s) for s in summons), STATUS_LEAST),
                Flex(widest(tails), TAIL_LEAST, grows=True),
            ],
            gap=0,
        )
        return cls(name, tally, number, community, grade, status, tail)


INDENT = 2
"""A summons line is set in under its department."""
NAME_LEAST, TALLY_LEAST, COMMUNITY_LEAST, STATUS_LEAST, TAIL_LEAST = 16, 24, 7, 7, 12


def _item_for(record: BoardDepartment | Summons) -> ListItem:
    return DeptItem(record) if isinstance(record, BoardDepartment) else SummonsItem(record)


class BoardScreen(CheckinActions):
    VIEW_ID = "board"
    CSS_PATH = "dispatch.tcss"
    BINDINGS: ClassVar[list[BindingType]] = bindings_for("board")

    def __init__(self) -> None:
        super().__init__()
        self.board: Board | None = None

    def compose_body(self) -> ComposeResult:
        yield Static("", id="board-summary")
        yield ListView(id="board-list")

    def on_mount(self) -> None:
        super().on_mount()
        self.query_one("#board-list").focus()

    def refresh_data(self) -> None:
        service = self.service
        if service is not None:
            self.read(boards.board, self.desk.now(), service.settings.tz, on_done=self._loaded)

    def _loaded(self, board: Board) -> None:
        self.call_later(self._show, board)

    async def _show(self, board: Board) -> None:
        self.board = board
        # keyed and changed in place: the cursor and the scroll stay where the operator left them
        listing = self.query_one("#board-list", ListView)
        records: list[tuple[str, BoardDepartment | Summons]] = []
        for dept in board.departments:
            records.append((dept_key(dept), dept))
            records.extend((s.checkin_id, s) for s in dept.summons)
        kept = await sync_children(listing, records, _item_for)
        if not kept:
            first = next((i for i, (_, r) in enumerate(records) if isinstance(r, Summons)), None)
            listing.index = first if first is not None else (0 if records else None)
        summoned = sum(d.tally.summoned for d in board.departments)
        arrived = sum(d.tally.arrived for d in board.departments)
        self.query_one("#board-summary", Static).update(
            t("board.summary", day=board.day.isoformat(), summoned=summoned, arrived=arrived)
        )
        self._tick()
        self.refresh_bindings()

    def on_tick(self, message: Tick) -> None:
        super().on_tick(message)
        self._tick()

    def _tick(self) -> None:
        service = self.service
        if service is None:
            return
        now, cal, tz = self.desk.now(), service.rules.calendar, service.settings.tz
        items = list(self.query(SummonsItem))
        drawn: list[tuple[SummonsItem, Any, str]] = []
        for item in items:
            s = item.summons
            state = s.clock.state(now, cal, tz)
            if s.status is C.SUMMONED:
                tail = clock_text(state)
                if s.alarmed_at is not None:  # 升级: the second alarm has rung
                    tail += " " + t("mark.alarm")
            elif s.absent:
                tail = local(s.absent_at, tz)
            elif s.status is C.RELEASED:
                tail = local(s.released_at, tz, "%H:%M")
            else:
                late = (
                    t("case.late", late=minutes_text(s.late_minutes)) if s.late_minutes else t("case.on_time")
                )
                tail = f"{s.arrived_person or ''} {late}"
            if s.after_absence:
                tail += " " + t("mark.after_absence")
            if s.entered_late:
                tail += " " + t("mark.late_entry")
            drawn.append((item, state, tail))
        # the columns share the board's width by what they hold; a cut shows …
        width = self.query_one("#board-list", ListView).scrollable_content_region.width
        departments = self.board.departments if self.board is not None else ()
        columns = BoardColumns.for_width(width, departments, [tail for _, _, tail in drawn])
        for dept_item in self.query(DeptItem):
            dept_item.draw(columns)
        for item, state, tail in drawn:
            s = item.summons
            where = (
                f"{' ' * INDENT}{pad(s.case_number, columns.number)}{pad(s.community, columns.community)}"
                f"{pad(label(s.grade), columns.grade)}{pad(status_text(s), columns.status)}"
            )
            item.query_one(Label).update(where + clip(tail, columns.tail))
            item.remove_class(*ALL_LIGHT_CLASSES)
            item.add_class("-overdue" if s.absent else light_class(state))

    def on_resize(self) -> None:
        self._tick()

    # -- selection and actions ------------------------------------------------------------

    def _selected(self) -> Summons | None:
        if not self.is_mounted:
            return None
        item = self.query_one("#board-list", ListView).highlighted_child
        return item.summons if isinstance(item, SummonsItem) else None

    def selected_checkin(self) -> CheckinTarget | None:
        s = self._selected()
        if s is None:
            return None
        return CheckinTarget(
            id=s.checkin_id,
            department=s.clock.department or "",
            case_number=s.case_number,
            status=s.status,
            deadline=s.clock.deadline,
            clock_id=s.clock.id,
            clock_paused=s.clock.paused,
            clock_stopped=s.clock.stopped,
            absent=s.absent,
        )

    def can_write(self) -> bool:
        # the board lists this station's cases and copies from others; the command refuses
        # a copy with its own message
        return self.service is not None

    @on(ListView.Highlighted, "#board-list")
    def _highlighted(self) -> None:
        self.refresh_bindings()

    @on(ListView.Selected, "#board-list")
    def _selected_row(self) -> None:
        self.action_open_selected()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "open_selected":
            return self._selected() is not None
        if action in CHECKIN_ACTIONS:
            return self.checkin_action_allowed(action)
        return True

    def action_open_selected(self) -> None:
        s = self._selected()
        if s is not None:
            self.open_case(s.case_id)

    def palette_commands(self) -> list[PaletteCommand]:
        s = self._selected()
        if s is None:
            return []
        return [
            (t("cmd.case_open", number=s.case_number), t("cmd.case_open_help"), self.action_open_selected)
        ]
