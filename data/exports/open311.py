"""Cases as Open311 GeoReport v2 service requests (``requests.json`` shape).

The standard fields carry what every consumer understands; the whistles and their
check-ins (来没来/干没干/干得好不好) go under ``extended_attributes``. Reporter name and phone
only when a supervisor asks for them.
"""

from __future__ import annotations

import json
import os
from collections import defaultdict
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import Connection, and_, select

from data.exports.common import (
    category_name,
    department_names,
    local_iso,
    read_connection,
    source_name,
)
from data.store.tables import CASE, CHECKIN, CLOCK, STATION, WHISTLE
from data.write.commands.sync import record_personal_export, require_supervisor
from data.write.session import SyncService
from models.enums import OPEN_STATUSES, CaseStatus
from models.i18n import label

NOTE_BY_STATUS = {
    CaseStatus.REJECTED: ("reject_reason",),
    CaseStatus.PARKED: ("park_reason",),
    CaseStatus.FEEDBACK: ("result_note", "feedback_note"),
    CaseStatus.CLOSED: ("result_note", "feedback_note"),
    CaseStatus.VERIFIED: ("result_note", "feedback_note"),
}


def status_notes(case: Any) -> str:
    status = CaseStatus(case.status)
    notes = [getattr(case, name) for name in NOTE_BY_STATUS.get(status, ()) if getattr(case, name)]
    return "；".join([label(status), *notes]) if notes else label(status)


def _checkins_by_whistle(conn: Connection, tz: ZoneInfo) -> dict[str, list[dict[str, Any]]]:
    departments = department_names(conn)
    out: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for c in conn.execute(select(CHECKIN).order_by(CHECKIN.c.whistle_id, CHECKIN.c.department_code)):
        out[c.whistle_id].append(
            {
                "department_code": c.department_code,
                "department_name": departments.get(c.department_code, c.department_code),
                "status": c.status,
                "deadline": local_iso(c.deadline, tz),
                "arrived_at": local_iso(c.arrived_at, tz),
                "late_minutes": c.late_minutes,
                "arrived_person": c.arrived_person,
                "action_taken": c.action_taken,
                "result": c.result,
                "acted_at": local_iso(c.acted_at, tz),
                "rating": c.rating,
                "rating_reason": c.rating_reason,
                "released_at": local_iso(c.released_at, tz),
            }
        )
    return out


def _whistles_by_case(conn: Connection, tz: ZoneInfo) -> dict[str, list[dict[str, Any]]]:
    checkins = _checkins_by_whistle(conn, tz)
    out: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for w in conn.execute(select(WHISTLE).order_by(WHISTLE.c.case_id, WHISTLE.c.blown_at)):
        out[w.case_id].append(
            {
                "id": w.id,
                "grade": w.grade,
                "purpose": w.purpose,
                "blown_at": local_iso(w.blown_at, tz),
                "blown_by": w.blown_by,
                "note": w.note,
                "checkins": checkins.get(w.id, []),
            }
        )
    return out


def service_requests(conn: Connection, tz: ZoneInfo, *, include_personal: bool) -> list[dict[str, Any]]:
    whistles = _whistles_by_case(conn, tz)
    stations = dict(conn.execute(select(STATION.c.id, STATION.c.name)).all())
    numbers = dict(conn.execute(select(CASE.c.id, CASE.c.number)).all())
    handling = and_(CLOCK.c.case_id == CASE.c.id, CLOCK.c.kind == "handling")
    query = (
        select(CASE, CLOCK.c.deadline.label("handling_deadline"))
        .outerjoin(CLOCK, handling)
        .order_by(CASE.c.received_at, CASE.c.number)
    )
    requests = []
    for case in conn.execute(query):
        case_whistles = whistles.get(case.id, [])
        agencies = list(dict.fromkeys(c["department_name"] for w in case_whistles for c in w["checkins"]))
        extended: dict[str, Any] = {
            "case_id": case.id,
            "station": case.station_id,
            "source": case.source,
            "source_name": source_name(case.source),
            "subcategory": case.subcategory,
            "community": case.community,
            "priority": case.priority,
            "status_code": case.status,
            "reopened_from": numbers.get(case.reopened_from) if case.reopened_from else None,
            "whistles": case_whistles,
        }
        if include_personal:
            extended["reporter"] = {"name": case.reporter_name, "phone": case.reporter_phone}
        requests.append(
            {
                "service_request_id": case.number,
                "status": "open" if CaseStatus(case.status) in OPEN_STATUSES else "closed",
                "status_notes": status_notes(case),
                "service_name": category_name(case.category),
                "service_code": case.category,
                "description": case.description,
                "agency_responsible": "、".join(agencies) or stations.get(case.station_id, case.station_id),
                "service_notice": "",
                "requested_datetime": local_iso(case.received_at, tz),
                "updated_datetime": local_iso(case.updated_at, tz),
                "expected_datetime": local_iso(case.handling_deadline, tz),
                "address": case.address,
                "address_id": None,
                "zipcode": None,
                "lat": None,
                "long": None,
                "media_url": None,
                "extended_attributes": extended,
            }
        )
    return requests


def export_open311(
    service: SyncService, out: Path | None = None, *, include_personal: bool = False
) -> tuple[str, int]:
    """The JSON text (also written to ``out`` when given) and the number of requests."""
    if include_personal:
        service.run(require_supervisor)
    with read_connection(service) as conn:
        requests = service_requests(conn, service.rules.settings.tz, include_personal=include_personal)
    text = json.dumps(requests, ensure_ascii=False, indent=2) + "\n"
    if out is not None:
        out.parent.mkdir(parents=True, exist_ok=True)
        temp = out.with_name(f".{out.name}.{os.getpid()}.tmp")
        with open(temp, "w", encoding="utf-8") as handle:
            handle.write(text)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(temp, out)
    if include_personal:
        service.run(record_personal_export, "open311", len(requests))
    return text, len(requests)
