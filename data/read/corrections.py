"""冲正 counted: how many corrections each department's record took in a period (the department
scorecards show them), and which check-ins they touched."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Connection, func, select

from data.store.dialect import json_field
from data.store.tables import EVENT

CORRECTION = "case.corrected"


def corrections_by_department(conn: Connection, start: datetime, end: datetime) -> dict[str | None, int]:
    """Corrections made in [start, end), by the department whose check-in they correct; case
    details and re-inspection results, which belong to no department, under None."""
    department = json_field(conn, EVENT.c.payload, "department")
    rows = conn.execute(
        select(department, func.count())
        .where((EVENT.c.type == CORRECTION) & (EVENT.c.at >= start) & (EVENT.c.at < end))
        .group_by(department)
    ).all()
    return {code: int(n) for code, n in rows}


def corrected_checkins(conn: Connection, start: datetime, end: datetime, department: str) -> set[str]:
    """The check-ins of ``department`` corrected in [start, end)."""
    target = json_field(conn, EVENT.c.payload, "target")
    rows = conn.execute(
        select(target).where(
            (EVENT.c.type == CORRECTION)
            & (EVENT.c.at >= start)
            & (EVENT.c.at < end)
            & (json_field(conn, EVENT.c.payload, "department") == department)
        )
    ).scalars()
    return {str(r) for r in rows if r}
