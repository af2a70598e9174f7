"""The desk's meaning colours, defined once for every .tcss file as theme variables.

Each is taken from the current theme's own colours, so a theme (built-in light or dark, or
one registered with ``variables={"overdue": ...}``) recolours the whole console:

- ``$overdue``  past its deadline: the theme's error colour, as text readable on its background
- ``$caution``  nearly due, paused, a warning line: the theme's warning colour, as text
- ``$ok``       on time: the theme's success colour, as text
- ``$muted``    secondary text and rules: the theme's muted foreground

(``$caution`` rather than ``$warning``: Textual's own ``$warning`` is the theme's raw
warning colour, meant for backgrounds, and a theme variable of that name would be taken
from the theme instead of from here.)
"""

from __future__ import annotations

from textual.theme import Theme

# desk variable -> the theme colour it is taken from
MEANING_COLOURS: dict[str, str] = {
    "overdue": "text-error",
    "caution": "text-warning",
    "ok": "text-success",
    "muted": "foreground-muted",
}


def meaning_variables(theme: Theme) -> dict[str, str]:
    """The meaning colours under ``theme`` (the App's ``get_theme_variable_defaults``)."""
    colours = theme.to_color_system().generate()
    return {name: colours[source] for name, source in MEANING_COLOURS.items()}
