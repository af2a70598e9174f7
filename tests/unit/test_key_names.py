"""Keys are written one way in every hint: Ctrl+S and Esc, as the README and the footer write
them (dialog hints said ctrl+s … esc 取消 beside the filter's Ctrl+S 确定 · Esc 取消)."""

from __future__ import annotations

import re

from models.strings import CATALOGUE

LOWER_KEY = re.compile(r"(?<![\w+])(ctrl\+[a-z]|esc)(?![\w])")


def test_every_hint_writes_ctrl_and_esc_capitalised() -> None:
    found = {key: text for key, pair in CATALOGUE.items() for text in pair if LOWER_KEY.search(text)}
    assert found == {}
