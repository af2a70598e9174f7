"""The layers: models/ and data/ never load Textual; screens/ never loads tui/; no import
cycles in screens/ or tui/. Each check is shown to catch a planted violation."""

from __future__ import annotations

import ast
import os
import subprocess
import sys
import textwrap
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

# Imports every module of the named packages one by one and names the first module after whose
# import any module of the watched top-level package sits in sys.modules.
PROBE = textwrap.dedent(
    """
    import importlib, pkgutil, sys
    packages, watched = sys.argv[1].split(","), sys.argv[2]
    def loaded():
        return [m for m in sys.modules if m == watched or m.startswith(watched + ".")]
    count = 0
    for name in packages:
        package = importlib.import_module(name)
        found = [name] + [i.name for i in pkgutil.walk_packages(package.__path__, name + ".")]
        for module in found:
            importlib.import_module(module)
            count += 1
            if loaded():
                print(count)
                print(module)
                raise SystemExit(0)
    print(count)
    print("")
    """
)


def first_loader(packages: list[str], watched: str, root: Path, home: Path) -> tuple[int, str]:
    """(modules imported, the first module whose import loaded ``watched``, or "")."""
    env = {**os.environ, "PYTHONPATH": str(root), "HOME": str(home)}
    done = subprocess.run(
        [sys.executable, "-c", PROBE, ",".join(packages), watched],
        cwd=home,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    count, culprit = [*done.stdout.splitlines(), ""][:2]
    return int(count), culprit


def test_models_and_data_never_import_textual(tmp_path: Path) -> None:
    count, culprit = first_loader(["models", "data"], "textual", ROOT, tmp_path)
    assert culprit == "", f"{culprit} loads Textual"
    assert count > 25  # every module was walked, not just the packages


def test_screens_never_import_the_app_layer(tmp_path: Path) -> None:
    """tui → screens → data → models: a screen leans on nothing of tui/."""
    count, culprit = first_loader(["screens"], "tui", ROOT, tmp_path)
    assert culprit == "", f"{culprit} loads tui"
    assert count > 15


def _plant(root: Path, files: dict[str, str]) -> Path:
    for name, text in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(text), encoding="utf-8")
    return root


def test_the_layer_check_names_a_planted_module_that_loads_textual(tmp_path: Path) -> None:
    root = _plant(
        tmp_path / "src",
        {
            "planted/__init__.py": "",
            "planted/clean.py": "import json\n",
            "planted/leaky.py": "from textual.widget import Widget\n",
        },
    )
    assert first_loader(["planted"], "textual", root, tmp_path) == (3, "planted.leaky")
    _plant(root, {"planted/leaky.py": "import json\n"})
    assert first_loader(["planted"], "textual", root, tmp_path) == (3, "")


# -- import cycles -----------------------------------------------------------------------------


def _module_name(path: Path, root: Path) -> str:
    parts = list(path.relative_to(root).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def import_graph(root: Path, packages: list[str]) -> dict[str, set[str]]:
    """Module → the modules of ``packages`` it imports, read from the source with ``ast``.

    Every import statement counts, also one inside a function or under ``TYPE_CHECKING``: an
    import moved into a function still closes the cycle it was moved to hide."""
    modules: dict[str, Path] = {}
    for package in packages:
        for path in sorted((root / package).rglob("*.py")):
            modules[_module_name(path, root)] = path
    graph: dict[str, set[str]] = {}
    for name, path in modules.items():
        edges: set[str] = set()
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), str(path))):
            targets: list[str] = []
            if isinstance(node, ast.Import):
                targets = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
                targets = [f"{node.module}.{alias.name}" for alias in node.names] + [node.module]
            for target in targets:
                while target and target not in modules:
                    target = target.rpartition(".")[0]
                if target and target != name:
                    edges.add(target)
                    break
        graph[name] = edges
    return graph


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """The import cycles of ``graph`` (one per strongly connected group of modules)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    found: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        for nxt in sorted(graph.get(node, ())):
            if nxt not in index:
                visit(nxt)
                low[node] = min(low[node], low[nxt])
            elif nxt in stack:
                low[node] = min(low[node], index[nxt])
        if low[node] == index[node]:
            group: list[str] = []
            while True:
                member = stack.pop()
                group.append(member)
                if member == node:
                    break
            if len(group) > 1:
                found.append(sorted(group))

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return found


def test_no_import_cycles_in_screens_and_tui() -> None:
    graph = import_graph(ROOT, ["screens", "tui"])
    assert len(graph) > 40 and graph["tui.app"], "the graph was read"
    assert cycles(graph) == []


def test_the_cycle_check_sees_a_cycle_hidden_inside_a_function(tmp_path: Path) -> None:
    root = _plant(
        tmp_path,
        {
            "planted/__init__.py": "",
            "planted/base.py": """
                def open_detail():
                    from planted.detail import Detail  # imported late to dodge the cycle
                    return Detail()
                """,
            "planted/detail.py": "from planted.base import open_detail\n\nclass Detail: ...\n",
            "planted/other.py": "from planted import base\n",
        },
    )
    assert cycles(import_graph(root, ["planted"])) == [["planted.base", "planted.detail"]]
    _plant(root, {"planted/base.py": "def open_detail(): ...\n"})
    assert cycles(import_graph(root, ["planted"])) == []
