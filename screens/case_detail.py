"""Case detail (``enter`` on a case): every field, every clock live, the whistles with their
check-ins, and the full event timeline (留痕). Keys for what the case's state allows."""

from __future__ import annotations

from collections.abc import Callable
from functools import partial
from typing import Any, ClassVar

from rich.cells import cell_len
from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import BindingType
from textual.containers import Vertical, VerticalScroll
from textual.widgets import Label, ListItem, ListView, Static

from data.read import cases as repo
from data.read.cases import CaseDetail, CheckInView, ClockView
from data.write.commands.cases import blow_whistle, transition
from models.enums import Grade, grade_for
from models.i18n import joined, label, t
from models.lifecycle import TRANSITIONS, Action
from screens.base import PaletteCommand
from screens.bindings import REGISTRY, action_description, bindings_for, effective_keys, spec_by_id
from screens.case_render import CheckinColumns, checkin_line, detail_fields, stages_line, timeline_rich
from screens.checkin_actions import CHECKIN_ACTIONS, CheckinActions
from screens.dialogs.checkin import CheckinTarget
from screens.dialogs.confirm import ConfirmDialog
from screens.dialogs.reason import feedback_prompt, park_prompt, reason_prompt
from screens.dialogs.whistle import WhistleDialog
from screens.fmt import ALL_LIGHT_CLASSES, clock_text, light_class, local, pad
from screens.messages import Tick
from screens.widgets.keyed import Keyed, sync_children

# Which lifecycle action each binding needs to be allowed.
CLOCK_NAME_MOST = 40
"""The widest a clock's name column grows (a longer name is cut with …)."""

_NEEDS = {
    "whistle": Action.WHISTLE,
    "rewhistle": Action.WHISTLE,
    "feedback": Action.FEEDBACK,
    "close_case": Action.CLOSE,
    "reject": Action.REJECT,
    "park": Action.PARK,
}


class ClockLine(Keyed, Static):
    def __init__(self, clock: ClockView) -> None:
        super().__init__("", classes="clock-line")
        self.clock = clock
        self.row_key = clock.id

    def renew(self, record: Any) -> bool:
        self.clock = record
        return True


class CheckinItem(Keyed, ListItem):
    def __init__(self, checkin: CheckInView) -> None:
        super().__init__(Label("", classes="checkin-label"), classes="checkin-item")
        self.checkin = checkin
        self.row_key = checkin.id

    def renew(self, record: Any) -> bool:
        self.checkin = record
        return True


class CaseDetailScreen(CheckinActions):
    CSS_PATH = "dispatch.tcss"
    BINDINGS: ClassVar[list[BindingType]] = bindings_for("case")

    def __init__(self, case_id: str) -> None:
        super().__init__()
        self.case_id = case_id
        self.detail: CaseDetail | None = None
        self.timeline_shown = ""

    @property
    def view_title(self) -> str:
        return self.detail.number if self.detail else t("thing.case")

    @property
    def case_station(self) -> str | None:
        """The station that owns the case shown (only it may change the case)."""
        return self.detail.station_id if self.detail else None

    def compose_body(self) -> ComposeResult:
        with VerticalScroll(id="case-body"):
            yield Static(t("case.loading"), id="case-title")
            yield Static("", id="case-fields")
            yield Static(t("case.checkins"), classes="section-title")
            yield ListView(id="case-checkins")
            yield Static(t("case.clocks"), classes="section-title")
            yield Vertical(id="case-clocks")
            yield Static(t("case.timeline"), classes="section-title")
            yield Static("", id="case-timeline")

    # -- data -----------------------------------------------------------------------------

    def refresh_data(self) -> None:
        service = self.service
        if service is not None:
            self.read(repo.case_detail, self.case_id, service.settings.tz, on_done=self._loaded)

    def _loaded(self, detail: CaseDetail) -> None:
        self.call_later(self._show, detail)

    async def _show(self, detail: CaseDetail) -> None:
        service = self.service
        if service is None:
            return
        tz = service.settings.tz
        self.detail = detail
        title = f"{detail.number}  {label(detail.status)}  {detail.category_name}"
        self.query_one("#case-title", Static).update(title)
        self.query_one("#case-fields", Static).update(
            "\n".join([*detail_fields(detail, tz, self._link_key()), stages_line(detail, tz)])
        )
        # keyed and changed in place: the cursor and the scroll stay where the operator left them
        clocks = self.query_one("#case-clocks", Vertical)
        await sync_children(clocks, [(c.id, c) for c in detail.clocks], ClockLine)
        listing = self.query_one("#case-checkins", ListView)
        kept = await sync_children(listing, [(c.id, c) for c in detail.checkins], CheckinItem)
        ids = [c.id for c in detail.checkins]
        if not kept:
            listing.index = 0 if ids else None
        listing.display = bool(ids)
        timeline = self.query_one("#case-timeline", Static)
        rendered = timeline_rich(detail, tz) if detail.timeline else Text(t("case.no_events"))
        if rendered.markup != self.timeline_shown:  # the log only grows at its end
            self.timeline_shown = rendered.markup
            timeline.update(rendered)
        self._tick()
        self.update_header()
        if not listing.has_focus and ids:
            # no scrolling on focus: the page opens at its top, the same way every time
            listing.focus(scroll_visible=False)
        self.refresh_bindings()

    def _link_key(self) -> str:
        """The key that opens a linked case, as the keymap has it (for the hint beside it)."""
        return self._key_of("case.linked", "g")

    def _key_of(self, binding_id: str, default: str) -> str:
        """A binding's key as the keymap has it (for a hint that names it)."""
        spec, service = spec_by_id(binding_id), self.service
        if spec is None or service is None:
            return default
        key = effective_keys(spec, service.settings.keymap).split(",")[0].strip()
        return (spec.key_display or key) if key == spec.keys else key

    def on_tick(self, message: Tick) -> None:
        super().on_tick(message)
        self._tick()

    def _tick(self) -> None:
        service = self.service
        if service is None or self.detail is None:
            return
        now, cal, tz = self.desk.now(), service.rules.calendar, service.settings.tz
        lines = list(self.query(ClockLine))
        # the clock's name as wide as the case's widest (whole in English too), up to a bound
        named = min(max((cell_len(line.clock.label()) for line in lines), default=20) + 1, CLOCK_NAME_MOST)
        for line in lines:
            state = line.clock.state(now, cal, tz)
            deadline = local(line.clock.deadline, tz)
            extras = t("case.extended", n=line.clock.extensions) if line.clock.extensions else ""
            text = f"{pad(line.clock.label(), named)} {pad(deadline, 12)} {clock_text(state)}{extras}"
            line.update(text)
            line.remove_class(*ALL_LIGHT_CLASSES)
            line.add_class(light_class(state))
        rewhistle = self._key_of("case.rewhistle", "W")
        items = list(self.query(CheckinItem))
        columns = CheckinColumns.of(item.checkin for item in items)
        for item in items:
            state = item.checkin.clock.state(now, cal, tz)
            item.query_one(Label).update(checkin_line(item.checkin, state, tz, rewhistle, columns))
            item.remove_class(*ALL_LIGHT_CLASSES)
            item.add_class("-overdue" if item.checkin.absent else light_class(state))

    # -- selection ------------------------------------------------------------------------

    def selected_checkin(self) -> CheckinTarget | None:
        if self.detail is None or not self.is_mounted:
            return None
        listing = self.query_one("#case-checkins", ListView)
        item = listing.highlighted_child
        if not isinstance(item, CheckinItem):
            return None
        c = item.checkin
        return CheckinTarget(
            id=c.id,
            department=c.department,
            case_number=self.detail.number,
            status=c.status,
            deadline=c.deadline,
            clock_id=c.clock.id,
            clock_paused=c.clock.paused,
            clock_stopped=c.clock.stopped,
            absent=c.absent,
        )

    @on(ListView.Highlighted, "#case-checkins")
    def _highlighted(self) -> None:
        self.refresh_bindings()

    def can_write(self) -> bool:
        service = self.service
        return (
            service is not None and self.detail is not None and self.detail.station_id == service.station_id
        )

    def correction_case(self) -> tuple[str, str] | None:
        return (self.case_id, self.detail.number) if self.detail is not None else None

    def _allows(self, action: Action) -> bool:
        return self.detail is not None and self.can_write() and (self.detail.status, action) in TRANSITIONS

    def _needed_action(self, action: str, parameters: tuple[object, ...]) -> Action | None:
        if action == "case" and parameters:
            return Action(str(parameters[0]))
        return _NEEDS.get(action)

    def refusal(self, action: str, parameters: tuple[object, ...]) -> str | None:
        detail = self.detail
        if detail is None:
            return None
        if action == "open_linked":
            return t("case.no_links")
        if action == "rewhistle":
            if not self.can_write():
                return t("refuse.read_only", number=detail.number)
            if self._absent_selected() is None:
                return t("refuse.rewhistle_needs_absent")
        step = self._needed_action(action, parameters)
        if (step is not None or action in CHECKIN_ACTIONS or action == "correct") and not self.can_write():
            return t("refuse.read_only", number=detail.number)
        if step is None:
            return super().refusal(action, parameters)
        states = [state for (state, a) in TRANSITIONS if a is step]
        return t(
            "refuse.case_state",
            number=detail.number,
            state=label(detail.status),
            action=action_description(action, parameters),
            needed=t("refuse.or").join(dict.fromkeys(label(s) for s in states)),
        )

    def no_checkin_reason(self, action: str) -> str:
        if self.detail is not None and not self.detail.checkins:
            return t("refuse.not_whistled", action=action_description(action))
        return super().no_checkin_reason(action)

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "case" and parameters:
            return self._allows(Action(str(parameters[0])))
        if action == "rewhistle":
            return self._absent_selected() is not None and self._allows(Action.WHISTLE)
        if action in _NEEDS:
            return self._allows(_NEEDS[action])
        if action in CHECKIN_ACTIONS:
            return self.checkin_action_allowed(action)
        if action == "correct":
            return self.can_write()
        if action == "open_linked":
            return self.detail is not None and bool(self.detail.links)
        return True

    def action_open_linked(self, case_id: str | None = None) -> None:
        """Go to the linked case: the earlier one of a relapse, else the relapse it opened."""
        if self.detail is not None and self.detail.links:
            self.open_case(case_id or self.detail.links[0][0])

    # -- case actions ---------------------------------------------------------------------

    def action_case(self, action: str) -> None:
        """A lifecycle step cannot be undone: one key asks, a second (y or enter) does it."""
        if self.detail is None:
            return
        step = Action(action)

        def answered(yes: bool | None) -> None:
            if yes:
                self.run_command(transition, self.case_id, step)

        message = t("case.step_confirm", number=self.detail.number, action=label(step))
        self.app.push_screen(ConfirmDialog(label(step), message), answered)

    def _transition_submit(self, action: Action) -> Any:
        def submit(values: dict[str, Any], done: Any, fail: Any) -> None:
            self.run_command(transition, self.case_id, action, **values, on_done=done, on_error=fail)

        return submit

    def action_feedback(self) -> None:
        self.app.push_screen(feedback_prompt(submit=self._transition_submit(Action.FEEDBACK)))

    def action_reject(self) -> None:
        dialog = reason_prompt(
            t("dialog.reject"), submit=self._transition_submit(Action.REJECT), hint=t("confirm.cannot_undo")
        )
        self.app.push_screen(dialog)

    def _awaited(self) -> str:
        """The departments still awaited on this case, named for the confirmation ("" if none)."""
        if self.detail is None:
            return ""
        return joined(c.department for c in self.detail.checkins if c.waiting)

    def action_park(self) -> None:
        service = self.service
        if service is not None:
            today = self.desk.now().astimezone(service.settings.tz).date()
            awaited = self._awaited()
            hint = t("dialog.withdraw_list", names=awaited) if awaited else ""
            self.app.push_screen(park_prompt(today, submit=self._transition_submit(Action.PARK), hint=hint))

    def action_close_case(self) -> None:
        if self.detail is None:
            return
        awaited = self._awaited()
        if awaited:  # each awaited summons is withdrawn with a trace: say whose, and ask why
            dialog = reason_prompt(
                t("case.close_title"),
                submit=self._transition_submit(Action.CLOSE),
                hint=t("dialog.withdraw_list", names=awaited),
                label=t("field.withdraw_reason"),
            )
            self.app.push_screen(dialog)
            return

        def answered(yes: bool | None) -> None:
            if yes:
                self.run_command(transition, self.case_id, Action.CLOSE)

        message = t("case.close_confirm", number=self.detail.number)
        self.app.push_screen(ConfirmDialog(t("case.close_title"), message), answered)

    def action_whistle(self) -> None:
        self.read(repo.departments, on_done=self._whistle_with, group="whistle-departments")

    def _absent_selected(self) -> CheckInView | None:
        """The selected check-in when it is marked 缺席 (what a re-whistle follows)."""
        target = self.selected_checkin()
        if target is None or not target.absent or self.detail is None:
            return None
        return next((c for c in self.detail.checkins if c.id == target.id), None)

    def action_rewhistle(self) -> None:
        """再吹哨 after a department was marked 缺席: the whistle dialog with that department
        proposed (another unit can be chosen instead), the new summons linked to the absent one."""
        absent = self._absent_selected()
        if absent is None:
            return
        self.read(
            repo.departments,
            on_done=partial(self._whistle_with, follows=absent),
            group="whistle-departments",
        )

    def _whistle_with(
        self, departments: tuple[repo.DepartmentRef, ...], follows: CheckInView | None = None
    ) -> None:
        service, detail = self.service, self.detail
        if service is None or detail is None:
            return
        category = next((c for c in repo.categories(service.settings) if c.code == detail.category), None)
        extra = {"follows": follows.id} if follows is not None else {}

        def submit(values: dict[str, Any], done: Any, fail: Any) -> None:
            self.run_command(blow_whistle, self.case_id, **values, **extra, on_done=done, on_error=fail)

        proposed = category.departments if category else ()
        if follows is not None:
            proposed = (follows.department_code,)
        dialog = WhistleDialog(
            case_number=detail.number,
            grade=self._grade_of(follows) if follows is not None else grade_for(detail.priority),
            departments=departments,
            proposed=proposed,
            engaged=detail.summoned_codes,
            rules=service.rules,
            now=self.desk.now,
            submit=submit,
            title=t("dialog.rewhistle", department=follows.department) if follows is not None else None,
        )
        self.app.push_screen(dialog)

    def _grade_of(self, checkin: CheckInView) -> Grade:
        """A re-whistle is blown at the grade of the whistle it follows."""
        detail = self.detail
        whistles = detail.whistles if detail is not None else ()
        return next((w.grade for w in whistles if w.id == checkin.whistle_id), Grade.URGENT)

    def palette_commands(self) -> list[PaletteCommand]:
        commands: list[PaletteCommand] = []
        ns = t("ns.case")
        for spec in REGISTRY["case"]:
            name, _, rest = spec.action.partition("(")
            params = (rest.rstrip(")").strip("'"),) if rest else ()
            if self.check_action(name, params):
                callback = getattr(self, f"action_{name}")
                run = (lambda cb=callback, p=params: cb(*p)) if params else callback
                commands.append((f"{ns}: {t(spec.description)}", t("key.hint", key=spec.keys), run))
        for case_id, number in self.detail.links if self.detail else ():
            go: Callable[[], None] = partial(self.action_open_linked, case_id)
            commands.append((t("cmd.case_linked", number=number), t("cmd.case_open_help"), go))
        return commands
