"""``whistle report``: a progress bar on stderr while a report is read, only on a terminal."""

from __future__ import annotations

import io

from tui.cli.report import progress_bar


class Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_a_terminal_sees_the_bar_count_the_steps() -> None:
    screen = Terminal()
    with progress_bar(screen) as tell:
        assert tell is not None
        for done in range(1, 7):
            tell(done, 6)
    shown = screen.getvalue()
    assert "正在统计" in shown and "6/6" in shown


def test_a_redirected_run_gets_no_bar() -> None:
    piped = io.StringIO()
    with progress_bar(piped) as tell:
        assert tell is None
    assert piped.getvalue() == ""
