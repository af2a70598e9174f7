"""交接班 printed: one handover as Markdown or HTML (the minutes' document shapes)."""

from __future__ import annotations

from zoneinfo import ZoneInfo

from data.exports.minutes import Document, Format, Line, Section, local, to_html, to_markdown
from data.read.handover import REASONS, HandoverRow
from models.i18n import t


def build_document(row: HandoverRow, tz: ZoneInfo, station: str = "") -> Document:
    header = (
        Line(t("handover.print.opened"), f"{local(row.opened_at, tz)} {row.opened_by}"),
        Line(t("handover.print.shift_ends"), local(row.shift_ends, tz)),
        Line(
            t("handover.print.acknowledged"),
            f"{local(row.acknowledged_at, tz)} {row.acknowledged_by}"
            if row.acknowledged
            else t("handover.print.not_yet"),
        ),
        Line(t("handover.print.note"), row.note or "—"),
    )
    sections = []
    for why in REASONS:
        items = row.of(why)
        lines = tuple(Line(i.number, i.detail or "—") for i in items) or (
            Line("—", t("handover.print.none")),
        )
        sections.append(
            Section(t("handover.print.section", why=t(f"handover.why.{why}"), n=len(items)), lines)
        )
    title = t("handover.print.title", station=station) if station else t("handover.print.title_plain")
    return Document(title, header, tuple(sections))


def render(row: HandoverRow, fmt: Format, tz: ZoneInfo, station: str = "") -> str:
    doc = build_document(row, tz, station)
    return to_markdown(doc) if fmt is Format.MD else to_html(doc)
