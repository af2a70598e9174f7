"""Which cells of a queue line a tick repaints (``changed_cells``): the run from the first to
the last cell that reads or looks differently, counted in terminal cells (a Chinese character
takes two), or none."""

from __future__ import annotations

from rich.segment import Segment
from rich.style import Style

from screens.widgets.queue_view import changed_cells

RED = Style(color="red")


def test_the_same_line_repaints_nothing() -> None:
    line = [Segment("城管 19:59", None), Segment(" ", None), Segment("40m", RED)]
    assert changed_cells(line, list(line)) is None
    assert changed_cells(line, [Segment("城管 19:59 ", None), Segment("40m", RED)]) is None


def test_only_the_seconds_that_moved_after_a_wide_name() -> None:
    old = [Segment("城管 20:00 市场 20:00", None), Segment("  40m", None)]
    new = [Segment("城管 19:59 市场 19:59", None), Segment("  40m", None)]
    # 城管 takes four cells, then a space: the first countdown starts at cell 5; 市场's
    # ends at cell 21, where the age's cells begin
    assert changed_cells(old, new) == (5, 21)
    assert changed_cells([Segment("城管 19:59", None)], [Segment("城管 19:58", None)]) == (9, 10)


def test_a_colour_change_repaints_its_cells_though_the_text_is_the_same() -> None:
    old = [Segment("公安 ", None), Segment("00:01", None), Segment(" 3m", None)]
    new = [Segment("公安 ", None), Segment("00:01", RED), Segment(" 3m", None)]
    assert changed_cells(old, new) == (5, 10)


def test_a_mark_that_grew_repaints_from_where_it_differs_to_where_they_meet_again() -> None:
    old = [Segment("生态 9:59  ", None), Segment("1h", None)]
    new = [Segment("生态 10:00 ", None), Segment("1h", None)]
    assert changed_cells(old, new) == (5, 10)
