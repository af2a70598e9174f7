"""Minutes lines shaped for a screen, shared by the meetings view and the meeting run."""

from __future__ import annotations

from data.exports.minutes import Line
from models.i18n import t


def packed(lines: tuple[Line, ...]) -> str:
    """The item's lines for a short screen: the reason and the decision on lines of their
    own, the short facts side by side."""
    long = {t("minutes.reason"), t("minutes.decision")}
    out: list[str] = []
    short: list[str] = []
    for line in lines:
        if line.label in long:
            if short:
                out.append(t("minutes.gap").join(short))
                short = []
            out.append(f"{line.label}{t('minutes.sep')}{line.value}")
        else:
            short.append(f"{line.label}{t('minutes.sep')}{line.value}")
    if short:
        out.append(t("minutes.gap").join(short))
    return "\n".join(out)
