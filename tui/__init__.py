"""The desk's console and command line.

Start-up cost: loading the console (SQLAlchemy, pydantic, Textual and the desk's own modules)
allocates a few hundred thousand objects that live as long as the process, and Python's
cyclic collector, at its default thresholds, walks them again and again while they load
(~0.2 s of CPU, an eighth of a start). The collector runs less often until the modules are
loaded (``build_app`` for the console, ``main`` for a command) and at its usual pace after."""

import gc

_USUAL = gc.get_threshold()
gc.set_threshold(50_000, 50, 1_000)


def loaded() -> None:
    """The modules are in: the cyclic collector goes back to its usual thresholds."""
    gc.set_threshold(*_USUAL)
