"""The README key table, generated from the binding registry (``screens.bindings.REGISTRY``).

``python -m tui.keys_doc`` rewrites the part of README.md between the keys markers;
``tests/unit/test_keys_doc.py`` fails when that part is stale.
"""

from __future__ import annotations

import sys
from pathlib import Path

from models.strings import CATALOGUE
from screens.bindings import APP_SCOPE, NAV_SCOPE, REGISTRY, KeySpec

START = "<!-- keys:start -->"
END = "<!-- keys:end -->"
README = Path(__file__).resolve().parent.parent / "README.md"
_KEY_NAMES = {
    "question_mark": "?",
    "colon": ":",
    "slash": "/",
    "escape": "Esc",
    "enter": "Enter",
    "pagedown": "PgDn",
    "pageup": "PgUp",
    "home": "Home",
    "end": "End",
    "down": "↓",
    "up": "↑",
    "left": "←",
    "right": "→",
    "tab": "Tab",
    "space": "Space",
    "delete": "Del",
    "plus": "+",
    "left_square_bracket": "[",
    "right_square_bracket": "]",
    "greater_than_sign": ">",
    "less_than_sign": "<",
}


def key_text(keys: str) -> str:
    shown = []
    for key in keys.split(","):
        parts = [_KEY_NAMES.get(p, p) for p in key.strip().split("+")]
        shown.append("`" + "+".join(p.capitalize() if len(p) > 1 and p.islower() else p for p in parts) + "`")
    return " ".join(shown)


def _scope_order(scope: str) -> tuple[int, str]:
    return ({APP_SCOPE: 0, NAV_SCOPE: 1}.get(scope, 2), scope)


def render_table() -> str:
    lines = ["| 范围 scope | 键 key | 说明 | description | id |", "| --- | --- | --- | --- | --- |"]
    for scope in sorted(REGISTRY, key=_scope_order):
        specs: list[KeySpec] = REGISTRY[scope]
        for spec in specs:
            zh, en = CATALOGUE[spec.description]
            lines.append(f"| {scope} | {key_text(spec.keys)} | {zh} | {en} | `{spec.id}` |")
    note = (
        '键可在配置文件 `[keymap]` 中按 id 重新指定，例如 `"queue.filter" = "g"`。'
        " Keys can be remapped by id in the settings file's `[keymap]` section."
    )
    return "\n".join([*lines, "", note])


def section(readme: str) -> str:
    start, end = readme.index(START) + len(START), readme.index(END)
    return readme[start:end].strip("\n")


def updated(readme: str) -> str:
    start, end = readme.index(START) + len(START), readme.index(END)
    return readme[:start] + "\n" + render_table() + "\n" + readme[end:]


def main() -> int:
    text = README.read_text(encoding="utf-8")
    README.write_text(updated(text), encoding="utf-8")
    print(f"{README}: key table written", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
