"""Agenda (before the meeting) and minutes (after) as Markdown and as a printable HTML page.

Both come from one ``Document`` built from the same ``MeetingView`` the facilitator's
screen shows, with the same per-item lines (``item_lines``), so the paper says exactly what
the screen said, in the same order.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from pathlib import Path
from zoneinfo import ZoneInfo

from data.read.meetings import AgendaRow, MeetingView
from data.store.files import write_text
from models.enums import MeetingStatus
from models.errors import DomainError
from models.i18n import joined, label, language, t


class Format(StrEnum):
    MD = "md"
    HTML = "html"


class Stage(StrEnum):
    AGENDA = "agenda"  # before: what will be discussed
    MINUTES = "minutes"  # after: what was decided, and who came


@dataclass(frozen=True)
class Line:
    label: str
    value: str


@dataclass(frozen=True)
class Section:
    heading: str
    lines: tuple[Line, ...]


@dataclass(frozen=True)
class Document:
    title: str
    header: tuple[Line, ...]
    sections: tuple[Section, ...]


def local(value: datetime | None, tz: ZoneInfo, fmt: str = "%Y-%m-%d %H:%M") -> str:
    return value.astimezone(tz).strftime(fmt) if isinstance(value, datetime) else "—"


def stage_of(view: MeetingView) -> Stage:
    return Stage.AGENDA if view.meeting.status is MeetingStatus.PLANNED else Stage.MINUTES


def item_heading(index: int, item: AgendaRow) -> str:
    return f"{index}. {item.subject}"


def item_lines(item: AgendaRow, stage: Stage) -> tuple[Line, ...]:
    """What one agenda item shows, on screen and on paper."""
    lines = [
        Line(
            t("minutes.reason"),
            f"{label(item.reason)} — {item.reason_detail}" if item.reason_detail else label(item.reason),
        ),
        Line(t("minutes.timebox"), t("minutes.minutes", n=item.timebox_minutes)),
    ]
    if item.case_status is not None:
        lines.insert(1, Line(t("minutes.case_status"), label(item.case_status)))
    if stage is Stage.MINUTES:  # what the problem is, for the room and on paper
        about = [Line(t("minutes.category"), item.category_name)] if item.category_name else []
        if item.summary:
            about.append(Line(t("minutes.problem"), item.summary))
        lines[0:0] = about
    if stage is Stage.MINUTES:
        lines.append(Line(t("minutes.decision"), item.decision or t("minutes.no_decision")))
        if item.decision:
            lines.append(Line(t("minutes.lead"), item.lead_name or "—"))
            lines.append(Line(t("minutes.due"), item.decision_due.isoformat() if item.decision_due else "—"))
            lines.append(Line(t("minutes.followup"), label(item.followup) if item.followup else "—"))
    return tuple(lines)


def attendance_lines(view: MeetingView) -> tuple[Line, ...]:
    sep = t("timeline.list_sep")
    present = [a.name for a in view.attendance if a.present is True]
    absent = [a.name for a in view.attendance if a.present is False]
    unknown = [a.name for a in view.attendance if a.present is None]
    lines = [
        Line(t("minutes.present"), sep.join(present) or "—"),
        Line(t("minutes.absent"), sep.join(absent) or "—"),
    ]
    if unknown:
        lines.append(Line(t("minutes.unrecorded"), sep.join(unknown)))
    people = [
        t("minutes.people_of", name=a.name, people=sep.join(a.people)) for a in view.attendance if a.people
    ]
    if people:  # the people in the room, department by department
        lines.append(Line(t("minutes.people"), t("minutes.people_sep").join(people)))
    return tuple(lines)


SIGNATURE_BLANK = "_" * 16


def signature_lines(view: MeetingView) -> tuple[Line, ...]:
    """Where the facilitator and the note-taker sign the printed minutes."""
    return (
        Line(t("minutes.sign_facilitator", name=view.meeting.facilitator), SIGNATURE_BLANK),
        Line(t("minutes.sign_recorder", name=view.recorder or "—"), SIGNATURE_BLANK),
        Line(t("minutes.sign_date"), SIGNATURE_BLANK),
    )


def build_document(view: MeetingView, tz: ZoneInfo, stage: Stage | None = None) -> Document:
    stage = stage or stage_of(view)
    m = view.meeting
    kind = label(m.kind)
    title = t(f"minutes.title.{stage.value}", kind=kind, title=m.title or kind)
    header = [
        Line(t("minutes.kind"), kind),
        Line(t("minutes.when"), local(m.scheduled_at, tz)),
        Line(t("minutes.facilitator"), m.facilitator),
        Line(t("minutes.invited"), joined(a.name for a in view.attendance) or "—"),
        Line(t("minutes.count"), t("minutes.count_value", n=len(view.items), minutes=view.total_minutes)),
    ]
    sections = []
    if stage is Stage.MINUTES:
        header.insert(
            2, Line(t("minutes.held"), f"{local(m.started_at, tz)} – {local(m.ended_at, tz, '%H:%M')}")
        )
        header.insert(4, Line(t("minutes.recorder"), view.recorder or "—"))
        if m.ended_at is not None:
            frozen = t("minutes.status_at_end", at=local(m.ended_at, tz))
            header.append(Line(t("minutes.status_note"), frozen))
        sections.append(Section(t("minutes.attendance"), attendance_lines(view)))
    for index, item in enumerate(view.items, start=1):
        sections.append(Section(item_heading(index, item), item_lines(item, stage)))
    if not view.items:
        sections.append(Section(t("minutes.empty"), ()))
    if stage is Stage.MINUTES:
        sections.append(Section(t("minutes.signatures"), signature_lines(view)))
    return Document(title, tuple(header), tuple(sections))


_MD_SPECIAL = re.compile(r"([\\`*_{}\[\]<>#|!~])")


def md_escape(text: str) -> str:
    """User text stays text: no emphasis, links, headings or HTML out of a case address."""
    return _MD_SPECIAL.sub(r"\\\1", " ".join(text.split()))


def to_markdown(doc: Document) -> str:
    out = [f"# {md_escape(doc.title)}", ""]
    out += [f"- **{md_escape(line.label)}**{t('minutes.sep')}{md_escape(line.value)}" for line in doc.header]
    for section in doc.sections:
        out += ["", f"## {md_escape(section.heading)}", ""]
        out += [
            f"- **{md_escape(line.label)}**{t('minutes.sep')}{md_escape(line.value)}"
            for line in section.lines
        ]
    return "\n".join(out) + "\n"


_CSS = """
body { font-family: "Noto Sans CJK SC", "Source Han Sans SC", "PingFang SC", "Microsoft YaHei",
  "SimSun", sans-serif; color: #000; background: #fff; max-width: 48em; margin: 2em auto;
  line-height: 1.6; font-size: 11pt; }
h1 { font-size: 18pt; text-align: center; border-bottom: 2px solid #000; padding-bottom: .3em; }
h2 { font-size: 13pt; margin: 1.2em 0 .3em; border-bottom: 1px solid #999; }
dl { display: grid; grid-template-columns: 7em 1fr; gap: .15em 1em; margin: 0; }
dt { font-weight: bold; }
dd { margin: 0; white-space: pre-wrap; }
section { break-inside: avoid; page-break-inside: avoid; }
@page { size: A4; margin: 18mm 16mm; }
@media print { body { margin: 0; max-width: none; } }
"""


def _dl(lines: tuple[Line, ...]) -> str:
    rows = "".join(f"<dt>{html.escape(x.label)}</dt><dd>{html.escape(x.value)}</dd>" for x in lines)
    return f"<dl>{rows}</dl>"


def to_html(doc: Document) -> str:
    lang = "zh-CN" if language() == "zh" else "en"
    parts = [
        "<!DOCTYPE html>",
        f'<html lang="{lang}">',
        '<head><meta charset="utf-8">',
        f"<title>{html.escape(doc.title)}</title>",
        f"<style>{_CSS}</style></head>",
        "<body>",
        f"<h1>{html.escape(doc.title)}</h1>",
        _dl(doc.header),
    ]
    for section in doc.sections:
        parts.append(f"<section><h2>{html.escape(section.heading)}</h2>{_dl(section.lines)}</section>")
    parts.append("</body></html>")
    return "\n".join(parts) + "\n"


def render(view: MeetingView, fmt: Format, tz: ZoneInfo, stage: Stage | None = None) -> str:
    doc = build_document(view, tz, stage)
    return to_markdown(doc) if fmt is Format.MD else to_html(doc)


def format_for(path: Path, default: Format = Format.MD) -> Format:
    suffix = path.suffix.lower().lstrip(".")
    if suffix in ("htm", "html"):
        return Format.HTML
    if suffix in ("md", "markdown"):
        return Format.MD
    return default


def write(path: Path, text: str, *, overwrite: bool = True) -> Path:
    """Write the file whole (a temp file renamed over it), so a crash or a full disk leaves
    no half page. Minutes name officials in their office, not reporters: they follow the
    user's umask like any document the user writes."""
    path = path.expanduser()
    if not path.parent.is_dir():
        raise DomainError("error.export_no_folder", path=str(path.parent))
    if path.exists() and not overwrite:
        raise DomainError("error.export_exists", path=str(path))
    return write_text(path, text)
