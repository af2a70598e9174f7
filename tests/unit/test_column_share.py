"""Columns share a table's width by what they hold (issue 15, finding 5): 回头看 at 120
columns cut 消防安… and 东四八条… while the 结果 column sat empty."""

from __future__ import annotations

from rich.cells import cell_len

from models.i18n import set_language, t
from screens.fmt import Flex, clip, column_widths, pad, share
from screens.reinspections import COLUMNS

ROWS = [
    ["逾期1天", "03-09", "SJ-2026-000273", "消防安全隐患", "东四八条社区", "限期", ""],
    ["以后到期", "03-17", "SJ-2026-000305", "占道经营/流动摊贩", "西罗圈社区", "随机抽查 03-10", ""],
    ["已完成", "03-09", "SJ-2026-000001", "噪音扰民", "东四社区", "限期", "反弹→SJ-2026-000006"],
]
EN_ROWS = [
    ["1 day late", "03-09", "SJ-2026-000273", "Environmental sanitation", "东四八条社区", "Deadline", ""],
    ["Later", "03-17", "SJ-2026-000305", "Street vending", "西罗圈社区", "Drawn 03-10", ""],
    ["Due this week", "12-05", "SJ-2026-000400", "Noise", "史家社区", "Random check 09-25", "Relapsed " * 5],
]


def _table(width: int, rows: list[list[str]]) -> list[str]:
    header = [t(f"reinspect.col.{name}") for name, _least in COLUMNS]
    padding = 2 * len(header) + 2  # a cell's padding either side, and the scrollbar
    widths = column_widths(width - padding, header, rows, [least for _name, least in COLUMNS])
    assert sum(widths) == width - padding
    return [" ".join(clip(c, w) for c, w in zip(row, widths, strict=True)) for row in rows]


def test_reinspections_at_120_columns_show_every_category_and_community_whole() -> None:
    lines = _table(120, ROWS)
    assert "消防安全隐患 东四八条社区" in lines[0]
    assert "占道经营/流动摊贩 西罗圈社区 随机抽查 03-10" in lines[1]
    assert "反弹→SJ-2026-000006" in lines[2]
    assert "…" not in "".join(lines)


def test_reinspections_at_80_columns_cut_with_an_ellipsis() -> None:
    lines = _table(80, ROWS)
    assert "SJ-2026-000273" in lines[0] and "03-09" in lines[0]  # the whole columns stay whole
    assert "占道经营/…" in lines[1]
    assert "反弹→…" in lines[2]  # the result takes what the others leave


def test_english_reinspections_share_the_width_too() -> None:
    set_language("en")
    try:
        wide, narrow = _table(120, EN_ROWS), _table(80, EN_ROWS)
    finally:
        set_language("zh")
    assert "Environmental sanitation 东四八条社区 Deadline" in wide[0]
    assert "1 day la… 03-09 SJ-2026-000273 Environme…" in narrow[0]  # cut, and it says so


def test_share_gives_the_room_left_to_the_growing_column_and_takes_from_cut_ones_first() -> None:
    columns = [Flex(14, 14), Flex(17, 8), Flex(10, 8), Flex(9, 18, grows=True)]
    assert share(120, columns) == [14, 17, 10, 76]
    assert share(50, columns) == [14, 7, 8, 18]  # the minimums do not fit: cut columns give way
    assert sum(share(50, columns)) + 3 == 50
    assert cell_len(clip("占道经营/流动摊贩", 10)) == 10 and clip("占道经营/流动摊贩", 10).endswith("…")


def test_a_cut_at_a_space_leaves_no_blank_before_the_ellipsis() -> None:
    """English categories at 80 columns read ``Street …``: the cut kept the space."""
    assert clip("Street vending", 8) == "Street…"
    assert pad("Street vending", 9).rstrip() == "Street…"
    assert clip("东四街道综合执法中心", 9) == "东四街道…"
