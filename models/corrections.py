"""冲正: what a supervisor may correct, and reading a time as an operator types it."""

from __future__ import annotations

from datetime import datetime, time
from enum import StrEnum
from zoneinfo import ZoneInfo


class CorrectionKind(StrEnum):
    """What a correction changes; each kind points at the event that recorded the value."""

    CASE = "case"  # a case field (source, category, address …)
    ARRIVAL = "arrival"  # 到场时间 (and so the lateness)
    ACTION = "action"  # 处置措施与结果
    ACTION_TIME = "action_time"  # 处置时间
    RELEASE_TIME = "release_time"  # 撤离时间
    RATING = "rating"  # 评价分
    WITHDRAWAL = "withdrawal"  # 撤回召集 ↔ 未报到 (or awaited again)
    REINSPECTION = "reinspection"  # 回头看结果


CHECKIN_KINDS = frozenset(
    {
        CorrectionKind.ARRIVAL,
        CorrectionKind.ACTION,
        CorrectionKind.ACTION_TIME,
        CorrectionKind.RELEASE_TIME,
        CorrectionKind.RATING,
        CorrectionKind.WITHDRAWAL,
    }
)


def parse_local_time(text: str, now: datetime, tz: ZoneInfo) -> datetime | None:
    """``HH:MM`` (today, local) or ``YYYY-MM-DD HH:MM`` (local) as an aware time; None when
    the text is neither."""
    text = text.strip().replace("T", " ")
    try:
        if len(text) <= 5 and ":" in text:
            clock = time.fromisoformat(text.zfill(5))
            return datetime.combine(now.astimezone(tz).date(), clock, tzinfo=tz)
        at = datetime.fromisoformat(text)
    except ValueError:
        return None
    return at.replace(tzinfo=tz) if at.tzinfo is None else at
