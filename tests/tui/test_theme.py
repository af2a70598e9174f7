"""One theme: the meaning colours follow the theme the operator picks."""

from __future__ import annotations

import re
from pathlib import Path

from rich.color import Color as RichColor
from rich.segment import Segment
from textual.app import App

from screens.widgets.queue_view import QueueView
from tests.tui.desk_support import SIZE, app_for, settle, station
from tests.tui.dispatch_support import until


def _overdue_mark_colour(view: QueueView) -> RichColor | None:
    """The colour the overdue case's mark is drawn in (the first row under the header)."""
    segments: list[Segment] = list(view.render_line(1))
    marked = [s for s in segments if "+10:00" in s.text]
    assert marked, [s.text for s in segments]
    style = marked[0].style
    return style.color if style else None


def _text_error(app: App[None], name: str) -> str:
    theme = app.get_theme(name)
    assert theme is not None
    return theme.to_color_system().generate()["text-error"]


async def test_switching_the_theme_recolours_the_overdue_mark(tmp_path: Path) -> None:
    app = app_for(station(tmp_path))
    async with app.run_test(size=SIZE) as pilot:
        app.theme = "textual-dark"
        await settle(app, pilot)
        app.tick()
        await pilot.pause()
        view = app.screen.query_one(QueueView)
        # under load the first rows may not be drawn yet when the workers are done
        await until(app, pilot, lambda: any("+10:00" in seg.text for seg in view.render_line(1)), "row 1")
        dark = _overdue_mark_colour(view)

        app.theme = "textual-light"
        await pilot.pause()
        light = _overdue_mark_colour(view)

        assert dark is not None and light is not None
        assert dark != light
        # each is the theme's own error colour as text, so it reads on that theme's background
        assert dark.triplet is not None and light.triplet is not None
        assert dark.triplet.hex.upper() == _text_error(app, "textual-dark")
        assert light.triplet.hex.upper() == _text_error(app, "textual-light")


ROOT = Path(__file__).resolve().parents[2]
STYLE_FILES = sorted(p for p in (ROOT / "tui").rglob("*.tcss")) + sorted((ROOT / "screens").rglob("*.tcss"))
# a colour written out: #rgb/#rrggbb[aa], rgb()/hsl(), or one of the CSS colour names
LITERAL = re.compile(
    r"#[0-9a-fA-F]{3,8}\b(?![-\w])(?<!\w#)|\b(?:rgba?|hsla?)\(|"
    r":\s*[^;{]*\b(?:white|black|red|green|yellow|blue|grey|gray|orange|purple|magenta|cyan)\b"
)


def _declarations(path: Path) -> list[str]:
    text = re.sub(r"/\*.*?\*/", "", path.read_text(encoding="utf-8"), flags=re.S)
    return [line.strip() for line in text.splitlines() if ":" in line and not line.rstrip().endswith("{")]


def test_every_style_file_takes_its_colours_from_the_theme() -> None:
    assert len(STYLE_FILES) == 6, STYLE_FILES
    for path in STYLE_FILES:
        for line in _declarations(path):
            assert not line.startswith("$"), f"{path.name}: a colour defined outside the theme: {line}"
            assert not LITERAL.search(line), f"{path.name}: a literal colour: {line}"
