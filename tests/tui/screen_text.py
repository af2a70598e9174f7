"""The screen as the operator reads it: each line's characters, rebuilt from the app's own
screenshot (the SVG a snapshot stores), whatever widgets drew them."""

from __future__ import annotations

import html
import re
from typing import Any

from rich.cells import cell_len

_TEXT = re.compile(r'<text[^>]*\bx="([\d.]+)"[^>]*clip-path="url\(#[^"]*-line-(\d+)\)">([^<]*)</text>')
_CELL = 12.2
"""Width of one cell in Textual's screenshots (x of column c is _CELL * (c + 1))."""


def screen_lines(app: Any) -> list[str]:
    width, height = app.size
    rows: list[list[str]] = [[" "] * width for _ in range(height)]
    for x, line, text in _TEXT.findall(app.export_screenshot()):
        row = rows[int(line)]
        column = round(float(x) / _CELL) - 1
        for char in html.unescape(text).replace("\xa0", " "):
            if 0 <= column < width:
                row[column] = char
                if cell_len(char) == 2 and column + 1 < width:
                    row[column + 1] = ""
            column += cell_len(char)
    return ["".join(row) for row in rows]


def footer_line(app: Any) -> str:
    return screen_lines(app)[-1].rstrip()
