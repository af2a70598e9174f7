"""冲正 counted: how many corrections each department's record took in a period. The reports
view shows them now; the department scorecards will read the same function."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

from sqlalchemy import Connection, func, select

from data.read.cases import department_name_map, departments
from data.read.stats import period_starts
from data.store.tables import EVENT

CORRECTION = "case.corrected"


def corrections_by_department(conn: Connection, start: datetime, end: datetime) -> dict[str | None, int]:
    """Corrections made from ``start`` to ``end`` inclusive, by the department whose check-in
    they correct; case details and re-inspection results, which belong to no department, under
    None."""
    department = func.json_extract(EVENT.c.payload, "$.department")
    rows = conn.execute(
        select(department, func.count())
        .where((EVENT.c.type == CORRECTION) & (EVENT.c.at >= start) & (EVENT.c.at <= end))
        .group_by(department)
    ).all()
    return {code: int(n) for code, n in rows}


@dataclass(frozen=True)
class CorrectionRow:
    code: str | None
    """None: the case's own details and re-inspection results."""
    name: str
    counts: dict[str, int]
    """By period key ('today', 'week', 'days30')."""


def correction_report(conn: Connection, now: datetime, tz: ZoneInfo) -> tuple[CorrectionRow, ...]:
    """Per department with any correction in the last 30 days, the counts of each period."""
    by_period = {
        key: Counter(corrections_by_department(conn, start, now))
        for key, start in period_starts(now, tz).items()
    }
    seen = set().union(*by_period.values())
    names = department_name_map(conn)
    order = [d.code for d in departments(conn, active_only=False)]
    codes: list[str | None] = [c for c in order if c in seen]
    codes += sorted(c for c in seen if c is not None and c not in order)
    if None in seen:
        codes.append(None)
    return tuple(
        CorrectionRow(
            code=code,
            name=names.get(code, code) if code else "",
            counts={key: counts[code] for key, counts in by_period.items()},
        )
        for code in codes
    )
