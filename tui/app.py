"""The desk application: thin. It opens the service, keeps the one clock tick and the change
poller, and switches between the five main views; screens do the rest."""

from __future__ import annotations

import asyncio
import gc
import importlib
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any, ClassVar

from textual import events, on, work
from textual.actions import ActionParseResult, parse
from textual.app import App, ScreenStackError, SystemCommand
from textual.command import CommandPalette, Provider
from textual.dom import DOMNode
from textual.message import Message
from textual.screen import ModalScreen, Screen

from data.read import escalation as ladder
from data.read import poll as queries
from data.read.staff import demo_candidates, demo_pins_hold
from data.service import Service, catch_up, escalate, refresh_calendar
from data.settings import Settings
from models.clock import Clock
from models.enums import Role
from models.errors import DomainError
from models.escalation import Step
from models.i18n import joined, set_language, t
from screens.base import Desk, ViewScreen
from screens.bindings import APP_SCOPE, bindings_for, declared_bindings, help_rows
from screens.commands import CommandQueue
from screens.help import HelpScreen
from screens.messages import CaseSelected, DataChanged, ServiceReady, Tick
from screens.readonly import foreign_case_write, is_write_action, refuse_write
from screens.signin import SignInScreen
from screens.theme import DESK_THEME, THEME, meaning_variables
from screens.widgets.queue_view import QueueView
from tui import loaded
from tui.config import AppConfig
from tui.palette import DeskCommands
from tui.watch import ChangeWatch

if TYPE_CHECKING:
    from data.read.handover import HandoverRow

POLL_SECONDS = 1.0
QUIET_ROUNDS = 10
"""A poll round that would find nothing new is passed over (``_poll_due``), but never more
than this many in a row."""
CHANGE_SECONDS = 0.1
"""Between polls the desk looks this often whether the database file changed (two stats, no
query), so another desk's write shows within a tenth of a second and a poll, not a second."""
WHILE_LOCKED = frozenset({"quit", "focus_next", "focus_previous"})


@dataclass(frozen=True)
class View:
    id: str
    key: str
    screen: str
    """``module:Class`` of the screen, imported when the view is first shown."""
    title: str
    """Catalogue key of the view's name."""


VIEWS: tuple[View, ...] = (
    View("queue", "1", "screens.queue:QueueScreen", "view.queue"),
    View("board", "2", "screens.board:BoardScreen", "view.board"),
    View("meetings", "3", "screens.meetings:MeetingsScreen", "view.meetings"),
    View("reinspections", "4", "screens.reinspections:ReinspectionsScreen", "view.reinspections"),
    View("reports", "5", "screens.reports:ReportsScreen", "view.reports"),
    View("handover", "6", "screens.handover:HandoverScreen", "view.handover"),
)


CASE_DETAIL = "screens.case_detail:CaseDetailScreen"
HANDOVER_AWAITING = "data.read.handover:awaiting"


def _loaded(spec: str) -> Any:
    """``module:name``, imported when first used, for start-up cost: what the first screen
    does not show (the other views, the case detail, the handover's reads and the meetings'
    they lean on) is not loaded at start (test_startup_imports)."""
    module_name, _, name = spec.partition(":")
    return getattr(importlib.import_module(module_name), name)


def _view_factory(view: View) -> Callable[[], Screen[None]]:
    """Views are imported when first shown, so start-up loads only the queue."""

    def make() -> Screen[None]:
        screen: Screen[None] = _loaded(view.screen)()
        return screen

    return make


class WhistleApp(App[None]):
    CSS_PATH = "app.tcss"
    TITLE = "Whistle Desk"
    BINDINGS = bindings_for(APP_SCOPE)
    COMMANDS: ClassVar[set[type[Provider] | Callable[[], type[Provider]]]] = {DeskCommands}
    """The desk's palette: its own commands and Textual's (theme, quit), in its language."""

    async def run_action(
        self,
        action: str | ActionParseResult,
        default_namespace: DOMNode | None = None,
        namespaces: Mapping[str, DOMNode] | None = None,
    ) -> bool:
        """Every key and click runs its action here. On the read-only projector a write is
        refused; a key a view refuses now says why in one notice instead of nothing."""
        if self.read_only and is_write_action(action):
            refuse_write(self)
            return True
        owner = getattr(self.screen, "case_station", None)
        local = self.service.station_id if self.service is not None else None
        foreign = foreign_case_write(action, owner, local)
        if foreign is not None:
            self.notify(foreign, severity="warning")
            return True
        if await super().run_action(action, default_namespace, namespaces):
            return True
        if not isinstance(default_namespace, ViewScreen):
            return False
        target, name, parameters = parse(action) if isinstance(action, str) else action
        why = None if target else default_namespace.refusal(name, parameters)
        if why is None:
            return False
        self.notify(why, severity="warning")
        return True

    def get_theme_variable_defaults(self) -> dict[str, str]:
        """The desk's colours ($overdue, $caution, $ok, $muted …), from the current theme."""
        return meaning_variables(self.current_theme)

    def __init__(self, config: AppConfig) -> None:
        super().__init__()
        self.register_theme(THEME)
        self.theme = DESK_THEME
        self.config = config
        self.clock: Clock = config.clock
        self.settings: Settings = config.settings
        self.operator: str | None = None
        self.role: Role | None = None
        self.read_only = config.read_only
        self.service: Service | None = None
        self.commands = CommandQueue(self, self.poll_once)
        """Every write of the console, in order (screens/commands.py)."""
        self.last_input: datetime = self.clock.now()
        """When the operator last pressed a key or clicked (the idle lock counts from it)."""
        self.overdue_count = 0
        self.last_event = -1
        self.announced: set[str] = set()
        self.calendar_warned: set[int] = set()
        self._announce_since: datetime | None = None
        self._ladder_next: datetime | None = None
        """When the next step of the escalation ladder falls (the poller looks again then)."""
        self._ladder_overdue = -1
        self._polling = False
        self._poll_again = False
        self._change_mark: queries.ChangeMark | None = None
        """The database file as the last poll found it (``_look_for_changes``)."""
        self._next_deadline: datetime | None = None
        """The first running check-in deadline after the last poll (``_poll_due``)."""
        self._passed_over = 0
        self._changes: ChangeWatch | None = None
        self._demo_waits: SignInScreen | None = None
        """A sign-in whose demo PINs are checked once the queue has drawn (``_check_demo``)."""
        self.heap_frozen = False
        """This desk froze the objects of the start-up out of the garbage collector's rounds
        (``_freeze_heap``) and gives them back when it ends."""
        self._freeze_asked = False
        self.latest: datetime | None = None
        """The latest time this desk has seen, on the clock or in the record: it never goes back."""
        self._last_reading: datetime | None = None
        self.title = t("app.title")
        for view in VIEWS:
            self.add_mode(view.id, _view_factory(view))

    @property
    def db_path(self) -> Path | str:
        return self.config.db_path

    def now(self) -> datetime:
        """The latest time the record has seen: the clock, never behind what was seen before,
        so a clock set back un-breaches nothing (the overdue count, every traffic light)."""
        reading = self.clock.now()
        self._see(reading)
        return self.latest or reading

    def _see(self, at: datetime | None) -> None:
        if at is not None and (self.latest is None or at > self.latest):
            self.latest = at
            if self.service is not None:
                self.service.floor = at  # no write is stamped earlier than what the desk showed

    def clock_warning(self) -> str | None:
        """The banner text while the computer's clock reads behind the record, else None."""
        reading = self.clock.now()
        tolerance = timedelta(minutes=self.settings.clock_tolerance_minutes)
        if self.latest is None or self.latest - reading <= tolerance:
            return None
        return t("clock.behind_banner", clock=self._show(reading), last=self._show(self.latest))

    def _show(self, at: datetime) -> str:
        return at.astimezone(self.settings.tz).strftime("%Y-%m-%d %H:%M:%S")

    def _check_jump(self) -> None:
        """A forward jump of hours while the desk runs is reported, once for each jump."""
        reading = self.clock.now()
        before, self._last_reading = self._last_reading, reading
        if before is not None and reading - before >= timedelta(hours=self.settings.clock_jump_hours):
            hours = round((reading - before).total_seconds() / 3600, 1)
            self.notify(
                t("clock.jumped", before=self._show(before), after=self._show(reading), hours=hours),
                title=t("clock.jumped_title"),
                severity="warning",
                timeout=30,
            )

    # -- start -------------------------------------------------------------------------------

    def on_mount(self) -> None:
        if self.settings.keymap:
            self.set_keymap(self.settings.keymap)
        self.switch_mode(self.config.start_view)
        self.set_interval(1, self.tick)
        self._open_service()

    @work(exclusive=True, group="start", exit_on_error=False)
    async def _open_service(self) -> None:
        try:
            service = await Service.open(self.db_path, self.settings, self.clock)
        except DomainError as err:
            self.notify(str(err), severity="error", timeout=30)
            return
        self.announced = await queries.load_announced(self.db_path)
        self.service = service
        service.floor = self.latest
        service.on_wait = self.commands.lock_wait
        await self.poll_once()  # the poller and its alarms run from the start, signed in or not
        self._tell_screen(ServiceReady())
        self.set_timer(POLL_SECONDS, self._poll_second)
        self._changes = ChangeWatch(
            self.db_path, CHANGE_SECONDS, lambda: self._change_mark, self._look_for_changes
        )
        self._changes.start()
        if self.read_only:
            # the projector shows and never writes: no one signs in (signing in is a write);
            # the header names the operator the page was opened as
            self.operator = self.config.operator
            self._tell_screen(ServiceReady())
            return
        await self._sign_in(locked_by=None)

    # -- who is at the desk (screens/signin.py) ----------------------------------------------------

    @property
    def locked(self) -> bool:
        """True while the sign-in is up (at start, or locked): nothing but signing in works."""
        return any(isinstance(s, SignInScreen) for s in self.screen_stack)

    async def _sign_in(self, locked_by: str | None) -> None:
        service = self.service
        if service is None:
            return
        names = await service.db.run_read(queries.operator_names)
        chosen = locked_by or self.config.operator
        screen = SignInScreen(service, names, chosen=chosen, locked_by=locked_by)
        self.push_screen(screen, self._signed_in)
        self._demo_waits = screen
        if not self._queue_loading():
            self._check_demo()

    def _queue_loading(self) -> bool:
        """The queue stands under the sign-in and has not drawn its first window yet."""
        views = [view for screen in self.screen_stack for view in screen.query(QueueView)]
        return bool(views) and not views[0].loaded_once

    @on(QueueView.WindowLoaded)
    def _queue_loaded(self) -> None:
        if self._demo_waits is not None:
            self.call_after_refresh(self._check_demo)  # once that window is on the screen
        if self.operator is not None and not self._freeze_asked:
            self._freeze_asked = True
            self.call_after_refresh(self._freeze_heap)

    def _freeze_heap(self) -> None:
        """Once the desk is up (signed in, the queue drawn): what the start-up made (the
        libraries, the screens, the service) lives as long as the desk, and each full round of
        the garbage collector walked all of it again: ~100 ms in about one key press in ten at
        a million cases. Collected once now, then frozen: the later rounds walk only what was
        made since. Given back to the collector when the app ends (``on_unmount``).

        A heap frozen already is left as it is: whoever froze it (another desk in the same
        process, a test run that froze what it loaded) gives it back, and a desk that ends
        first must not unfreeze what the other still counts on being frozen."""
        if gc.get_freeze_count():
            return
        gc.collect()
        gc.freeze()
        self.heap_frozen = True

    def _check_demo(self) -> None:
        """The demo's PINs are checked once the queue has drawn its first window (or at once,
        over any other view or a queue already drawn): their key derivations take ~0.35 s of
        CPU that the first paint does not wait for."""
        screen, self._demo_waits = self._demo_waits, None
        if screen is not None and self.service is not None:
            self._demo_staff(self.service, screen)

    @work(group="demo-staff", exit_on_error=False)
    async def _demo_staff(self, service: Service, screen: SignInScreen) -> None:
        """The demo's PINs join the sign-in once checked: the check's key derivations run in a
        thread, after the sign-in is up."""
        candidates = await service.db.run_read(demo_candidates)
        staff = await asyncio.to_thread(demo_pins_hold, candidates)
        if staff and screen.is_attached:
            screen.show_demo(staff)

    def _signed_in(self, name: str | None) -> None:
        service = self.service
        if not name or service is None:
            self.exit()
            return
        self.operator, self.role = name, service.role
        self.last_input = self.now()
        self._tell_screen(ServiceReady())
        self._handover_waiting(name)
        self._supervisor_notice()

    @work(group="handover", exit_on_error=False)
    async def _handover_waiting(self, name: str) -> None:
        """After a sign-in: a handover another operator opened and nobody acknowledged yet is
        put before the one who signed in (the handover view, where ``a`` acknowledges it)."""
        service = self.service
        if service is None:
            return
        pending: HandoverRow | None = await service.db.run_read(_loaded(HANDOVER_AWAITING))
        if pending is None or pending.opened_by == name or self.locked:
            return
        self.action_view("handover")
        self.notify(t("handover.view.signed_in_pending", by=pending.opened_by), severity="warning")

    def action_lock(self) -> None:
        self._lock(idle=False)

    @work(group="lock", exit_on_error=False)
    async def _lock(self, idle: bool) -> None:
        service = self.service
        if service is None or self.operator is None or self.locked:
            return
        locked_by = self.operator
        await self._sign_in(locked_by=locked_by)  # up first: no key gets through meanwhile
        await service.lock(idle=idle)

    async def on_event(self, event: events.Event) -> None:
        if isinstance(event, events.Key | events.MouseDown):
            self.last_input = self.now()
        await super().on_event(event)

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """A locked desk (or one nobody has signed in to) takes no action but moving between
        the sign-in's fields and quitting."""
        return not self.locked or action in WHILE_LOCKED

    async def on_unmount(self) -> None:
        if self.heap_frozen:
            gc.unfreeze()
        if self._changes is not None:
            self._changes.stop()  # no poll begins on a service being closed
        if self.service is not None:
            await self.service.close()

    # -- the clock and the poller ----------------------------------------------------------------

    def _active_screen(self) -> Screen[object] | None:
        """The screen on top, or None for the moment a view switch leaves its stack empty."""
        try:
            return self.screen
        except ScreenStackError:
            return None

    def _tell_screen(self, message: Message) -> None:
        screen = self._active_screen()
        if screen is not None:
            screen.post_message(message)

    def _view_under_dialog(self) -> Screen[object] | None:
        """The view a dialog stands on, when one is open."""
        stack = self.screen_stack
        if not stack or not isinstance(stack[-1], ModalScreen):
            return None
        return next((s for s in reversed(stack) if not isinstance(s, ModalScreen)), None)

    def tick(self) -> None:
        """The one 1 Hz tick. No I/O: screens redraw countdowns from what they hold. The view
        under an open dialog keeps its clock and countdowns running too."""
        self._check_jump()
        tick = Tick(self.now())
        idle = timedelta(minutes=self.settings.idle_lock_minutes)
        if (
            idle
            and self.operator
            and not self.read_only
            and not self.locked
            and tick.now - self.last_input >= idle
        ):
            self._lock(idle=True)
        self._tell_screen(tick)
        beneath = self._view_under_dialog()
        if beneath is not None:
            beneath.post_message(Tick(tick.now))

    @work(group="poll", exit_on_error=False)
    async def poll_round(self) -> None:
        """Polls on under a dialog too, so an overdue check-in still rings while the operator
        types; only the reload of the view waits until the dialog closes. Not exclusive: a
        round started while another polls makes that one poll again (``poll_once``), where
        cancelling it mid-read lost both rounds."""
        try:
            if await self._poll_due():
                await self.poll_once()
        finally:
            if self.is_running:
                self.set_timer(POLL_SECONDS, self._poll_second)

    def _poll_second(self) -> None:
        """The poller's timer: a round that the watch's mark shows at once could find nothing
        new is passed over here, without starting a worker for it (a worker's start and end
        cost more than the round's question); any other starts ``poll_round``."""
        watch = self._changes
        if watch is not None and watch.watching and not self._due(watch.mark):
            self.set_timer(POLL_SECONDS, self._poll_second)
            return
        self.poll_round()

    async def _poll_due(self) -> bool:
        """Whether this second's poll could find anything new: the database file changed (a
        desk wrote), a check-in deadline or a step of the escalation ladder came, or the
        rounds passed over reached QUIET_ROUNDS. A desk at rest reads nothing else; a server
        database, whose writes no file shows, is read every round."""
        watch = self._changes
        # the watch's own look, at most a tenth of a second old (tui/watch.py), rather than the
        # same two stats handed to a thread and back once more every second
        mark = watch.mark if watch is not None and watch.watching else await self._file_mark()
        return self._due(mark)

    def _due(self, mark: queries.ChangeMark | None) -> bool:
        """``_poll_due`` with the file's ``mark`` read; a round passed over is counted."""
        now = self.now()
        came = [at for at in (self._next_deadline, self._ladder_next) if at is not None and now >= at]
        if mark is None or mark != self._change_mark or came or self._passed_over >= QUIET_ROUNDS:
            return True
        self._passed_over += 1
        return False

    def _look_for_changes(self, mark: queries.ChangeMark) -> None:
        """Poll now when the database file changed since the last poll looked (another desk,
        or this one, committed): ``mark`` is the file's as the watch (tui/watch.py) read it;
        the poll every second stays the one that always reads."""
        if mark != self._change_mark and not self._polling:
            self._change_mark = mark
            self._poll_soon()

    async def _file_mark(self) -> queries.ChangeMark | None:
        """The database file's mark (``change_mark``: two stats), read off the event loop: a
        file on a slow disk or share must not stall the desk."""
        return await asyncio.to_thread(queries.change_mark, self.db_path)

    @work(group="poll", exit_on_error=False)
    async def _poll_soon(self) -> None:
        await self.poll_once()

    async def poll_once(self) -> None:
        """Read what changed since the last poll; tell the screen and announce new overdues.

        The next poll is scheduled only after this one finished, so slow reads never pile up.
        """
        service = self.service
        if service is None:
            return
        if self._polling:
            # the poll under way may have read before the write that asks for this one
            self._poll_again = True
            return
        self._polling = True
        try:
            self._poll_again = True
            while self._poll_again:
                self._poll_again = False
                await self._poll_step(service)
        finally:
            self._polling = False

    async def _poll_step(self, service: Service) -> None:
        self._change_mark = await self._file_mark()  # before the read: a later
        # commit changes it again and is looked at by the next round
        self._passed_over = 0
        now = self.now()
        full = self._announce_since is None
        announced = frozenset(self.announced)
        result = await service.db.run_read(
            queries.poll, now, None if full else self._announce_since, announced
        )
        if result.record_time is not None and result.record_time > now:
            # the record has seen a later time than the clock reads: count from it
            self._see(result.record_time)
            now = self.now()
            result = await service.db.run_read(queries.poll, now, None, announced)
        changed = result.last_event != self.last_event
        if changed:  # a holiday table may have come from another desk or a bundle
            await service.db.run_read(refresh_calendar, service.rules)
            if service.rules.recount_pending:  # count this station's fallback clocks again
                await self._catch_up(service)
        if changed and not full:
            # another desk may have moved deadlines: look at every overdue check-in again
            result = await service.db.run_read(queries.poll, now, None, announced)
        self._announce_since = now
        self._next_deadline = result.next_deadline
        self.overdue_count = result.overdue
        self._warn_calendar(service)
        fresh = [row for row in result.newly_overdue if row.clock_id not in self.announced]
        if fresh:
            await self._announce(fresh)
        if await self._escalate(service, now, full or changed or bool(fresh), result.overdue):
            changed = True
            result = await service.db.run_read(queries.poll, now, None, frozenset(self.announced))
            self.overdue_count = result.overdue
        if changed:
            await self._announce_steps(service)
        if changed or fresh:
            first = self.last_event < 0
            self.last_event = result.last_event
            # a check-in that just went overdue moves its case to the top of the queue; a view
            # under a dialog reloads when it comes back on top (ViewScreen.on_screen_resume)
            if not first and not isinstance(self._active_screen(), ModalScreen):
                self._tell_screen(DataChanged())

    async def _escalate(self, service: Service, now: datetime, look: bool, overdue: int) -> bool:
        """升级: write the steps of the escalation ladder now due (through the command, like
        every write); looked for when something changed, an overdue count moved or the next
        step's time came. Whether a step was written."""
        due = self._ladder_next is not None and now >= self._ladder_next
        if not (look or due or overdue != self._ladder_overdue):
            return False
        self._ladder_overdue = overdue
        settings = service.settings
        found = await service.db.run_read(
            ladder.scan, now, settings.ladders, service.rules.calendar, settings.tz
        )
        self._ladder_next = found.next_due
        if not found.pending or self.read_only:
            return False
        try:
            written = await service.run(escalate)
        except DomainError:  # e.g. the clock reads behind: the next poll tries again
            return False
        return bool(written)

    async def _announce_steps(self, service: Service) -> None:
        """Tell of every step another desk (or this one) reached since: a second alarm rings
        on every desk, with a notice to the supervisor when one is signed in; 缺席 is told too."""
        reached = await service.db.run_read(ladder.reached_steps, None)
        fresh = [r for r in reached if r.key not in self.announced]
        if not fresh:
            return
        self.announced.update(r.key for r in fresh)
        if not self.read_only:
            await queries.save_announced(self.db_path, [r.key for r in fresh])
        alarms, absent = _by_step(fresh)
        if alarms:
            self.bell()
            names, more = self._names(alarms)
            self.notify(
                t("app.alarm_notice", names=names, more=more),
                title=t("app.alarm_title"),
                severity="error",
                timeout=20,
            )
            if self.role is Role.SUPERVISOR:
                self.notify(
                    t("app.supervisor_notice", names=names, more=more),
                    title=t("app.supervisor_title"),
                    severity="warning",
                    timeout=30,
                )
        if absent:
            names, more = self._names(absent)
            self.notify(
                t("app.absent_notice", names=names, more=more, key="W"),
                title=t("app.absent_title"),
                severity="warning",
                timeout=20,
            )

    @staticmethod
    def _names(rows: list[ladder.Reached]) -> tuple[str, str]:
        return _first_three([(r.case_number, r.department) for r in rows])

    @work(group="supervisor", exit_on_error=False)
    async def _supervisor_notice(self) -> None:
        """A supervisor signing in hears of the summons at the second alarm or marked 缺席 on
        open cases (the notice the ladder sent while no supervisor was at the desk)."""
        service = self.service
        if service is None or self.role is not Role.SUPERVISOR:
            return
        reached = await service.db.run_read(ladder.reached_steps, None)
        if not reached:
            return
        alarms, absent = _by_step(reached)
        names, more = self._names(alarms + absent)
        self.notify(
            t("app.supervisor_waiting", alarm=len(alarms), absent=len(absent), names=names + more),
            title=t("app.supervisor_title"),
            severity="warning",
            timeout=30,
        )

    async def _catch_up(self, service: Service) -> None:
        """Recount the fallback clocks a table that just arrived counts differently (a write;
        one refused, e.g. while the clock reads behind, is tried again with the next write)."""
        try:
            await service.run(catch_up)
        except DomainError:
            return

    def _warn_calendar(self, service: Service) -> None:
        """Once per year: deadlines in it were counted Monday–Friday (no holiday table)."""
        new = service.rules.fallback_years - self.calendar_warned
        if new:
            self.calendar_warned |= new
            years = joined(sorted(service.rules.fallback_years))
            self.notify(t("calendar.fallback", years=years), severity="warning", timeout=20)

    async def _announce(self, rows: list[queries.OverdueCheckIn]) -> None:
        self.announced.update(row.clock_id for row in rows)
        if not self.read_only:
            await queries.save_announced(self.db_path, [row.clock_id for row in rows])
        self.bell()
        names, more = _first_three([(row.number, row.department) for row in rows])
        self.notify(
            t("app.overdue_notice", names=names, more=more),
            title=t("app.overdue_title"),
            severity="error",
            timeout=15,
        )

    # -- actions -------------------------------------------------------------------------------

    def action_view(self, view_id: str) -> None:
        """A view's key shows that view itself, not a case left open on top of it."""
        if isinstance(self.screen, ModalScreen):
            return
        if self.current_mode != view_id:
            self.switch_mode(view_id)
        while len(self.screen_stack) > 1:
            self.pop_screen()

    @on(CaseSelected)
    def open_case(self, message: CaseSelected) -> None:
        """A case chosen anywhere (a queue row, a board line, an agenda item) opens here."""
        detail: Screen[None] = _loaded(CASE_DETAIL)(message.case_id)
        self.push_screen(detail)

    def action_go_back(self) -> None:
        if len(self.screen_stack) > 1 and not isinstance(self.screen, ModalScreen):
            self.pop_screen()

    def action_help(self) -> None:
        below = self.screen
        if isinstance(below, HelpScreen):
            return
        bindings = [*declared_bindings(type(below)), *declared_bindings(type(self))]
        rows = help_rows(bindings, self.settings.keymap, self.get_key_display)
        self.push_screen(HelpScreen(rows, getattr(below, "VIEW_ID", "")))

    def action_command_palette(self) -> None:
        """The palette, its prompt in the desk's language."""
        if self.use_command_palette and not CommandPalette.is_open(self):  # type: ignore[arg-type]
            self.push_screen(CommandPalette(id="--command-palette", placeholder=t("palette.placeholder")))

    def action_help_quit(self) -> None:
        """Ctrl+C does not quit (it copies); say how to quit, in the desk's language."""
        for active in self.active_bindings.values():
            if active.binding.action in ("quit", "app.quit"):
                self.notify(
                    t("app.how_to_quit", key=self.get_key_display(active.binding)), title=t("app.quit_q")
                )
                return

    def get_system_commands(self, screen: Screen[object]) -> Iterable[SystemCommand]:
        """Textual's own palette entries, in the desk's language (and only those a desk needs)."""
        yield SystemCommand(t("cmd.theme"), t("cmd.theme_help"), self.action_change_theme)
        yield SystemCommand(t("cmd.quit"), t("cmd.quit_help"), self.action_quit)

    def view_title(self, view_id: str) -> str:
        return next((t(v.title) for v in VIEWS if v.id == view_id), view_id)

    def palette_commands(self) -> list[tuple[str, str, Callable[[], object]]]:
        commands: list[tuple[str, str, Callable[[], object]]] = [
            (
                t("cmd.view", name=t(view.title)),
                t("cmd.view_help", key=view.key),
                lambda view_id=view.id: self.action_view(view_id),  # type: ignore[misc]
            )
            for view in VIEWS
        ]
        commands.append((t("cmd.help"), t("cmd.help_help"), self.action_help))
        if self.service is not None and not self.read_only:
            commands.append((t("cmd.export_bundle"), t("cmd.export_bundle_help"), self._export_bundle))
        return commands

    def _export_bundle(self) -> None:
        # imported when asked: the desk starts without sync (test_startup_imports)
        from screens.sync_export import start_bundle_export

        start_bundle_export(self)


_DESK: type[Desk] = WhistleApp
"""mypy checks here that the app keeps providing what screens lean on."""


def build_app(config: AppConfig) -> WhistleApp:
    """The one factory: the command line and the tests build the app the same way."""
    loaded()  # the console's modules are in (tui/__init__.py)
    set_language(config.language)
    return WhistleApp(config)


def _by_step(reached: list[ladder.Reached]) -> tuple[list[ladder.Reached], list[ladder.Reached]]:
    """The second alarms and the 缺席 marks among the steps reached."""
    return [r for r in reached if r.step is Step.ALARM], [r for r in reached if r.step is Step.ABSENT]


def _first_three(named: list[tuple[str, str]]) -> tuple[str, str]:
    """A notice's names: the first three (case number, department), and how many more."""
    names = joined(f"{number} {department}" for number, department in named[:3])
    return names, t("app.overdue_more", n=len(named) - 3) if len(named) > 3 else ""
