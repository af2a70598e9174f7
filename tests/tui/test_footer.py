"""Issue 15, text that fits: at 80×24 every view's footer starts with help and the palette and
shows whole entries only; when the keys do not fit it ends with … (it cut ``v 挂起/`` and
``l Relea`` at the edge). Read from the screen as the operator sees it, in both languages."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from rich.cells import cell_len

from data.write.commands import meetings as mt
from models.enums import MeetingKind
from models.i18n import set_language, t
from screens.board import BoardScreen
from screens.handover import HandoverScreen
from screens.meeting_run import MeetingRunScreen
from screens.meetings import MeetingsScreen
from screens.queue import QueueScreen
from screens.reinspections import ReinspectionsScreen
from screens.reports import ReportsScreen
from screens.signin import SignInScreen
from screens.widgets.footer import FooterEntry, fit
from tests.tui.desk_support import PINS
from tests.tui.dispatch_support import until
from tests.tui.meetings_support import app_as, meeting_station, wait
from tests.tui.screen_text import footer_line


def shown_words(app: Any) -> list[str]:
    """What each key of the screen says in the footer (a group's one word for its keys)."""
    words: list[str] = []
    for _node, binding, _enabled, _tooltip in app.screen.active_bindings.values():
        if binding.show:
            word = binding.group.description if binding.group else binding.description
            if word not in words:
                words.append(word)
    return words


def check_footer(app: Any, where: str) -> str | None:
    """What is wrong with the footer on screen now, or None."""
    line = footer_line(app).strip()
    start = f"? {t('key.help')}  : {t('key.palette')}"
    if not line.startswith(start):
        return f"{where}: starts {line[:20]!r}, not {start!r}"
    words = shown_words(app)
    if line.endswith("…"):
        return None
    missing = [word for word in words if word not in line]
    if missing:
        return f"{where}: {line!r} leaves out {missing} without …"
    if not any(line.endswith(word) for word in words):
        return f"{where}: {line!r} ends in a cut entry"
    return None


async def goto(app: Any, pilot: Any, key: str, screen: type) -> None:
    await pilot.press(key)
    await until(app, pilot, lambda: isinstance(app.screen, screen), screen.__name__)
    await wait(app, pilot)
    app.clear_notifications()
    await pilot.pause()


@pytest.mark.parametrize("lang", ["zh", "en"])
async def test_every_footer_shows_whole_entries_at_80_columns(tmp_path: Path, lang: str) -> None:
    st = meeting_station(tmp_path)
    meeting = st.run(
        mt.create_with_agenda,
        kind=MeetingKind.WEEKLY,
        scheduled_at=st.clock.now(),
        facilitator="赵主任",
        invited=["CGZF", "GA", "SCJG"],
        title="3月10日周例会",
    )
    st.run(mt.start, meeting)
    app = app_as(st, "赵主任")
    set_language(lang)
    problems: list[str] = []
    try:
        async with app.run_test(size=(80, 24)) as pilot:
            await wait(app, pilot)
            app.clear_notifications()
            problems.append(check_footer(app, "queue"))
            for key, screen in (
                ("2", BoardScreen),
                ("3", MeetingsScreen),
                ("4", ReinspectionsScreen),
                ("5", ReportsScreen),
                ("6", HandoverScreen),
            ):
                await goto(app, pilot, key, screen)
                problems.append(check_footer(app, screen.__name__))
            await goto(app, pilot, "3", MeetingsScreen)
            app.screen.action_run()
            await until(app, pilot, lambda: isinstance(app.screen, MeetingRunScreen), "the meeting run")
            await wait(app, pilot)
            problems.append(check_footer(app, "meeting run"))
            await pilot.press("escape")
            await goto(app, pilot, "1", QueueScreen)
            app.screen.open_case(st.ids["absent"])
            await until(app, pilot, lambda: getattr(app.screen, "detail", None) is not None, "detail")
            await wait(app, pilot)
            app.clear_notifications()
            await pilot.pause()
            problems.append(check_footer(app, "case detail"))
    finally:
        set_language("zh")
    assert [p for p in problems if p] == []


def test_a_footer_that_does_not_fit_keeps_whole_entries_and_ends_with_an_ellipsis() -> None:
    entries = [FooterEntry(("?",), ("question_mark",), "帮助"), FooterEntry(("v",), ("v",), "挂起/恢复")]
    for width in range(0, 30):
        kept, cut = fit(entries, width)
        used = sum(entry.width for entry in kept) + (cell_len(" …") if cut else 0)
        assert used <= width or not kept
        assert cut == (len(kept) < len(entries))


async def test_under_the_sign_in_the_footer_offers_no_key_of_the_view(tmp_path: Path) -> None:
    """At start the queue's footer showed ⏎ 详情  i 接收案件 … under the sign-in, where none of
    them works; once signed in it shows the view's keys, help and the palette first."""
    st = meeting_station(tmp_path)
    app = app_as(st, "赵主任")
    async with app.run_test(size=(80, 24)) as pilot:
        await until(app, pilot, lambda: isinstance(app.screen, SignInScreen), "the sign-in")
        await pilot.pause()
        assert footer_line(app).strip() == ""
        await pilot.press(*PINS["赵主任"], "enter")
        await until(app, pilot, lambda: not isinstance(app.screen, SignInScreen), "signed in")
        await wait(app, pilot)
        assert check_footer(app, "queue") is None
