"""The layers: models/ and data/ never load Textual; screens/ never loads tui/."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

SCRIPT = textwrap.dedent(
    """
    import importlib, pkgutil, sys
    import models, data
    names = []
    for package in (models, data):
        for info in pkgutil.walk_packages(package.__path__, package.__name__ + "."):
            importlib.import_module(info.name)
            names.append(info.name)
    loaded = sorted(m for m in sys.modules if m == "textual" or m.startswith("textual."))
    print(len(names))
    print(" ".join(loaded))
    """
)


def test_models_and_data_never_import_textual(tmp_path: Path) -> None:
    env = {**os.environ, "PYTHONPATH": str(ROOT), "HOME": str(tmp_path)}
    done = subprocess.run(
        [sys.executable, "-c", SCRIPT], cwd=tmp_path, env=env, capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 0, done.stderr
    count, loaded = [*done.stdout.splitlines(), ""][:2]
    assert int(count) > 25  # every module was walked, not just the packages
    assert not [m for m in loaded.split() if m.startswith("textual")], loaded


def test_the_check_would_see_textual(tmp_path: Path) -> None:
    """The probe itself works: importing the app side does load Textual."""
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    probe = "import sys, textual; print('textual' in sys.modules)"
    done = subprocess.run([sys.executable, "-c", probe], env=env, capture_output=True, text=True, timeout=60)
    assert done.stdout.strip() == "True"


SCREENS_SCRIPT = textwrap.dedent(
    """
    import importlib, pkgutil, sys
    import screens
    names = [info.name for info in pkgutil.walk_packages(screens.__path__, "screens.")]
    for name in names:
        importlib.import_module(name)
    print(len(names))
    print(" ".join(sorted(m for m in sys.modules if m == "tui" or m.startswith("tui."))))
    """
)


def test_screens_never_import_the_app_layer(tmp_path: Path) -> None:
    """tui → screens → data → models: a screen leans on nothing of tui/."""
    env = {**os.environ, "PYTHONPATH": str(ROOT), "HOME": str(tmp_path)}
    done = subprocess.run(
        [sys.executable, "-c", SCREENS_SCRIPT],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    count, loaded = [*done.stdout.splitlines(), ""][:2]
    assert int(count) > 15
    assert loaded == "", loaded
