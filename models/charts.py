"""Small charts drawn from a series of values: a line of block characters for the terminal and
an inline SVG polyline for printed reports. A missing value leaves a gap, never a zero."""

from __future__ import annotations

from collections.abc import Sequence
from fractions import Fraction
from html import escape

BLOCKS = "▁▂▃▄▅▆▇█"
Value = float | Fraction | None


def _scale(values: Sequence[Value], low: float | None, high: float | None) -> list[float | None]:
    present = [float(v) for v in values if v is not None]
    if not present:
        return [None] * len(values)
    lo = min(present) if low is None else low
    hi = max(present) if high is None else high
    span = hi - lo
    return [None if v is None else (0.5 if span <= 0 else (float(v) - lo) / span) for v in values]


def spark(values: Sequence[Value], low: float | None = None, high: float | None = None) -> str:
    """``▁▃▅█`` for rising values; a blank for a period with no value."""
    out = []
    for v in _scale(values, low, high):
        out.append(" " if v is None else BLOCKS[min(len(BLOCKS) - 1, max(0, round(v * (len(BLOCKS) - 1))))])
    return "".join(out)


def svg_line(
    values: Sequence[Value],
    labels: Sequence[str],
    title: str,
    *,
    width: int = 360,
    height: int = 90,
    low: float | None = 0.0,
    high: float | None = None,
) -> str:
    """An inline SVG line chart with its first and last labels; gaps where a value is missing."""
    scaled = _scale(values, low, high)
    pad = 14
    step = (width - 2 * pad) / max(1, len(values) - 1)
    segments: list[list[str]] = [[]]
    dots = []
    for i, v in enumerate(scaled):
        if v is None:
            segments.append([])
            continue
        x = pad + i * step
        y = height - pad - v * (height - 2 * pad)
        segments[-1].append(f"{x:.1f},{y:.1f}")
        dots.append(f'<circle cx="{x:.1f}" cy="{y:.1f}" r="1.8"/>')
    lines = "".join(
        f'<polyline fill="none" stroke="currentColor" stroke-width="1.4" points="{" ".join(s)}"/>'
        for s in segments
        if len(s) > 1
    )
    first = escape(labels[0]) if labels else ""
    last = escape(labels[-1]) if labels else ""
    return (
        f'<figure class="chart"><figcaption>{escape(title)}</figcaption>'
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
        f'viewBox="0 0 {width} {height}" role="img" aria-label="{escape(title)}">'
        f'<line x1="{pad}" y1="{height - pad}" x2="{width - pad}" y2="{height - pad}" stroke="#999"/>'
        f"{lines}<g>{''.join(dots)}</g>"
        f'<text x="{pad}" y="{height - 2}" font-size="9">{first}</text>'
        f'<text x="{width - pad}" y="{height - 2}" font-size="9" text-anchor="end">{last}</text>'
        "</svg></figure>"
    )
