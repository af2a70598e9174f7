"""No private Textual attributes: the desk's code and its UI tests reach Textual only
through its public API (a private name may change in any Textual release)."""

from __future__ import annotations

import ast
import functools
import textwrap
from collections.abc import Iterable
from pathlib import Path

import textual

ROOT = Path(__file__).resolve().parents[2]
CHECKED = ("screens", "tui", "tests/tui", "tests/snapshots")
OURS = ("models", "data", "screens", "tui", "tests")


def _private(name: str) -> bool:
    return name.startswith("_") and not name.startswith("__") and name != "_"


def _trees(paths: Iterable[Path]) -> Iterable[tuple[Path, ast.Module]]:
    for path in paths:
        yield path, ast.parse(path.read_text(encoding="utf-8"), str(path))


def defined_private_names(paths: Iterable[Path]) -> set[str]:
    """Private names these files define: methods, class attributes, ``self._x = …``."""
    names: set[str] = set()
    for _path, tree in _trees(paths):
        for node in ast.walk(tree):
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
                names.add(node.name)
            elif isinstance(node, ast.Attribute) and isinstance(node.ctx, ast.Store):
                names.add(node.attr)
            elif isinstance(node, ast.Name) and isinstance(node.ctx, ast.Store):
                names.add(node.id)
    return {n for n in names if _private(n)}


def private_uses(paths: Iterable[Path], forbidden: frozenset[str]) -> list[str]:
    """``file:line name`` for each attribute access to one of ``forbidden``."""
    found = []
    for path, tree in _trees(paths):
        for node in ast.walk(tree):
            if isinstance(node, ast.Attribute) and node.attr in forbidden:
                found.append(f"{path.name}:{node.lineno} {node.attr}")
    return found


def _files(root: Path, folders: Iterable[str]) -> list[Path]:
    return [p for folder in folders for p in sorted((root / folder).rglob("*.py"))]


@functools.cache
def textual_privates() -> frozenset[str]:
    """Textual's private names that the desk does not define for itself."""
    theirs = defined_private_names(sorted(Path(textual.__file__).parent.rglob("*.py")))
    return frozenset(theirs - defined_private_names(_files(ROOT, OURS)))


def test_the_desk_uses_no_private_textual_attributes() -> None:
    forbidden = textual_privates()
    assert {"_bindings", "_notifications", "_keymap"} <= forbidden, "Textual's names were read"
    assert private_uses(_files(ROOT, CHECKED), forbidden) == []


def test_the_check_sees_a_private_attribute_written_from_outside(tmp_path: Path) -> None:
    planted = tmp_path / "planted.py"
    planted.write_text(
        textwrap.dedent(
            """
            def retranslate(node):
                bindings = node._bindings
                return [n.message for n in node.app._notifications]
            """
        ),
        encoding="utf-8",
    )
    assert private_uses([planted], textual_privates()) == [
        "planted.py:3 _bindings",
        "planted.py:4 _notifications",
    ]
