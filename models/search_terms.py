"""Everyday short forms operators type for a case category, each with the category name it
stands for (the catalogue's own Chinese and English names are matched as they are)."""

from __future__ import annotations

SHORT_FORMS: dict[str, str] = {
    "违建": "违法建设",
    "违章建筑": "违法建设",
    "私搭乱建": "违法建设",
    "占道": "占道经营/流动摊贩",
    "摊贩": "占道经营/流动摊贩",
    "群租": "群租房",
    "油烟": "油烟扰民",
    "渣土": "渣土/工地扬尘",
    "扬尘": "渣土/工地扬尘",
    "噪声": "噪音扰民",
    "地锁": "私装地锁",
    "无照": "无证无照经营",
    "弃车": "僵尸车",
    "违停": "停车秩序",
    "乱停": "停车秩序",
}
"""Short form → the catalogue's Chinese category name."""


def pieces(name: str) -> list[str]:
    """The names a category goes by: the whole name and each side of a slash, lowercased."""
    whole = name.strip().lower()
    return [whole, *(p.strip() for p in whole.split("/") if "/" in whole and p.strip())]
