"""The desk's colours, defined once for every .tcss file as theme variables.

Each meaning colour is a theme variable. The desk's own theme (``whistle-desk``, the default:
Textual's dark theme with the desk's palette) sets them; under any other theme (Textual's
built-in light and dark ones, or any registered theme) they are taken from that theme's own
colours, so choosing a theme recolours the whole console. A theme may also set any of them
itself (``Theme(variables={"overdue": ...})``).

- ``$overdue``     past its deadline: the theme's error colour as text on its background
- ``$caution``     nearly due, paused, a warning line: the theme's warning colour as text
- ``$ok``          on time: the theme's success colour as text
- ``$muted``       secondary text and rules: the theme's muted foreground
- ``$emphasis``    titles, dialog borders, the queue cursor: the theme's primary colour
- ``$bar``         the header bar and the queue's column heads: the theme's panel
- ``$on-overdue``  text on an ``$overdue`` background: the theme's text colour

(``$caution`` rather than ``$warning``, ``$emphasis`` rather than ``$accent``: Textual's own
variables of those names are the theme's raw colours, meant for backgrounds, and a theme's
variable always wins over an application's default of the same name.)
"""

from __future__ import annotations

from dataclasses import replace

from textual.theme import BUILTIN_THEMES, Theme

# desk variable -> the theme colour it is taken from
FROM_THEME: dict[str, str] = {
    "overdue": "text-error",
    "caution": "text-warning",
    "ok": "text-success",
    "muted": "foreground-muted",
    "emphasis": "primary",
    "bar": "panel",
    "on-overdue": "text",
}

DESK_THEME = "whistle-desk"
_BASE = BUILTIN_THEMES["textual-dark"]
THEME = replace(
    _BASE,
    name=DESK_THEME,
    variables={
        **_BASE.variables,
        "overdue": "#e5484d",
        "caution": "#f5a524",
        "ok": "#30a46c",
        "muted": "#8b8d98",
        "emphasis": "#3e63dd",
        "bar": "#1d2433",
        "on-overdue": "#ffffff",
    },
)
"""The desk's own look: Textual's dark theme with the desk's meaning colours."""


def meaning_variables(theme: Theme) -> dict[str, str]:
    """The desk's variables under ``theme`` (the App's ``get_theme_variable_defaults``)."""
    colours = theme.to_color_system().generate()
    return {name: colours[source] for name, source in FROM_THEME.items()}
