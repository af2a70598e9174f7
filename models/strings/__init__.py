"""The string catalogue, one module per area; every key maps to (Simplified Chinese, English).

:data:`CATALOGUE` is every area's table merged, with no key twice; ``models.i18n.t`` looks
texts up in it."""

from __future__ import annotations

from models.strings import (
    assessment,
    auth,
    core,
    corrections,
    desk,
    dispatch,
    district,
    escalation,
    exports,
    handover,
    meetings,
    projector,
    record,
    sync,
    working_time,
)

_AREAS = (
    auth.STRINGS,
    core.STRINGS,
    corrections.STRINGS,
    desk.STRINGS,
    dispatch.STRINGS,
    meetings.STRINGS,
    sync.STRINGS,
    assessment.STRINGS,
    exports.STRINGS,
    record.STRINGS,
    working_time.STRINGS,
    projector.STRINGS,
    handover.STRINGS,
    district.STRINGS,
    escalation.STRINGS,
)


def _merge() -> dict[str, tuple[str, str]]:
    merged: dict[str, tuple[str, str]] = {}
    for area in _AREAS:
        clash = merged.keys() & area.keys()
        if clash:
            raise RuntimeError(f"catalogue keys defined twice: {sorted(clash)}")
        merged.update(area)
    return merged


CATALOGUE = _merge()
"""Every key of every area → (Simplified Chinese, English)."""
