"""Cases as Open311 GeoReport v2 service requests (``requests.json``), and the service list
(``services.json``) their ``service_code`` is looked up in.

The standard fields carry what every consumer understands, strictly: a field with no value
is left out, never ``null`` (this desk records no coordinates, address ids, zip codes or
media). ``updated_datetime`` is the last change of the request itself: a later
回头看 re-inspection (its verify or relapse) does not move it. The whistles and their
check-ins (来没来/干没干) go under ``extended_attributes``. This format is meant for
publication, so names — of the reporter, of the staff who blew a whistle or arrived — and
the ratings of check-ins come only when a supervisor asks for personal data; such a file is
written owner-only into a private folder.
"""

from __future__ import annotations

import json
from collections import defaultdict
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import Connection, and_, func, select

from data.catalogue import CATEGORIES
from data.exports.common import (
    category_name,
    department_names,
    local_iso,
    read_connection,
    source_name,
)
from data.store.files import write_text
from data.store.tables import CASE, CHECKIN, CLOCK, EVENT, STATION, WHISTLE
from data.write.commands.sync import record_personal_export, require_supervisor
from data.write.session import SyncService
from models.enums import OPEN_STATUSES, CaseStatus
from models.errors import DomainError
from models.i18n import label

NOTE_BY_STATUS = {
    CaseStatus.REJECTED: ("reject_reason",),
    CaseStatus.PARKED: ("park_reason",),
    CaseStatus.FEEDBACK: ("result_note", "feedback_note"),
    CaseStatus.CLOSED: ("result_note", "feedback_note"),
    CaseStatus.VERIFIED: ("result_note", "feedback_note"),
}
# What a re-inspection does to a closed case; not a change of the request itself.
REINSPECTION_OUTCOMES = (CaseStatus.VERIFIED, CaseStatus.RELAPSED)
REINSPECTION_EVENTS = ("case.verify", "case.relapse")
SERVICES_FILE = "services.json"


def present(values: dict[str, Any]) -> dict[str, Any]:
    """The fields that have a value: GeoReport v2 leaves out what is unknown."""
    return {k: v for k, v in values.items() if v is not None}


def status_notes(case: Any) -> str:
    status = CaseStatus(case.status)
    notes = [getattr(case, name) for name in NOTE_BY_STATUS.get(status, ()) if getattr(case, name)]
    return "；".join([label(status), *notes]) if notes else label(status)


def _checkins_by_whistle(conn: Connection, tz: ZoneInfo, personal: bool) -> dict[str, list[dict[str, Any]]]:
    departments = department_names(conn)
    out: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for c in conn.execute(select(CHECKIN).order_by(CHECKIN.c.whistle_id, CHECKIN.c.department_code)):
        checkin = {
            "department_code": c.department_code,
            "department_name": departments.get(c.department_code, c.department_code),
            "status": c.status,
            "deadline": local_iso(c.deadline, tz),
            "arrived_at": local_iso(c.arrived_at, tz),
            "late_minutes": c.late_minutes,
            "action_taken": c.action_taken,
            "result": c.result,
            "acted_at": local_iso(c.acted_at, tz),
            "released_at": local_iso(c.released_at, tz),
        }
        if personal:
            checkin |= {
                "arrived_person": c.arrived_person,
                "rating": c.rating,
                "rating_reason": c.rating_reason,
            }
        out[c.whistle_id].append(present(checkin))
    return out


def _whistles_by_case(conn: Connection, tz: ZoneInfo, personal: bool) -> dict[str, list[dict[str, Any]]]:
    checkins = _checkins_by_whistle(conn, tz, personal)
    out: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for w in conn.execute(select(WHISTLE).order_by(WHISTLE.c.case_id, WHISTLE.c.blown_at)):
        whistle = {
            "id": w.id,
            "grade": w.grade,
            "purpose": w.purpose,
            "blown_at": local_iso(w.blown_at, tz),
            "note": w.note,
            "checkins": checkins.get(w.id, []),
        }
        if personal:
            whistle["blown_by"] = w.blown_by
        out[w.case_id].append(present(whistle))
    return out


def _before_reinspection(conn: Connection) -> dict[str, Any]:
    """For the cases a re-inspection verified or reopened: the time of their last change
    that was not the re-inspection's."""
    reinspected = select(CASE.c.id).where(CASE.c.status.in_([s.value for s in REINSPECTION_OUTCOMES]))
    query = (
        select(EVENT.c.subject, func.max(EVENT.c.at))
        .where(
            EVENT.c.subject.in_(reinspected)
            & EVENT.c.type.not_in(REINSPECTION_EVENTS)
            & ~EVENT.c.type.startswith("reinspection.")
        )
        .group_by(EVENT.c.subject)
    )
    return {subject: at for subject, at in conn.execute(query).all()}


def service_requests(conn: Connection, tz: ZoneInfo, *, include_personal: bool) -> list[dict[str, Any]]:
    whistles = _whistles_by_case(conn, tz, include_personal)
    before_reinspection = _before_reinspection(conn)
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
        updated = before_reinspection.get(case.id, case.updated_at)
        requests.append(
            present(
                {
                    "service_request_id": case.number,
                    "status": "open" if CaseStatus(case.status) in OPEN_STATUSES else "closed",
                    "status_notes": status_notes(case),
                    "service_name": category_name(case.category),
                    "service_code": case.category,
                    "description": case.description,
                    "agency_responsible": "、".join(agencies)
                    or stations.get(case.station_id, case.station_id),
                    "requested_datetime": local_iso(case.received_at, tz),
                    "updated_datetime": local_iso(updated, tz),
                    "expected_datetime": local_iso(case.handling_deadline, tz),
                    "address": case.address or None,
                    "extended_attributes": present(extended),
                }
            )
        )
    return requests


def services(conn: Connection) -> list[dict[str, Any]]:
    """GeoReport v2 ``services.json``: every category, and any other code a case carries."""
    departments = department_names(conn)
    codes = [c.code for c in CATEGORIES]
    used = conn.execute(select(CASE.c.category).distinct().order_by(CASE.c.category)).scalars()
    codes += [code for code in used if code not in codes]
    by_code = {c.code: c for c in CATEGORIES}
    out = []
    for code in codes:
        spec = by_code.get(code)
        name = category_name(code)
        keywords = [spec.name, spec.name_en, code] if spec else [code]
        group = "、".join(departments.get(d, d) for d in spec.departments) if spec else ""
        out.append(
            {
                "service_code": code,
                "service_name": name,
                "description": name,
                "metadata": False,
                "type": "realtime",
                "keywords": ",".join(dict.fromkeys(keywords)),
                "group": group,
            }
        )
    return out


def to_json(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, indent=2) + "\n"


def services_path_for(out: Path) -> Path:
    return out.parent / SERVICES_FILE


def export_open311(
    service: SyncService,
    out: Path | None = None,
    *,
    include_personal: bool = False,
    services_out: Path | None = None,
) -> tuple[str, int]:
    """The requests' JSON text (also written to ``out`` when given) and their number; the
    service list goes to ``services_out`` when given."""
    if out is not None and services_out is not None and out.resolve() == services_out.resolve():
        raise DomainError("error.same_file", path=str(out))
    if include_personal:
        service.run(require_supervisor)
    with read_connection(service) as conn:
        requests = service_requests(conn, service.rules.settings.tz, include_personal=include_personal)
        service_list = services(conn) if services_out is not None else []
    text = to_json(requests)
    if services_out is not None:
        write_text(services_out, to_json(service_list))
    if out is not None:
        write_text(out, text, personal=include_personal)
    if include_personal:
        service.run(record_personal_export, "open311", len(requests))
    return text, len(requests)
