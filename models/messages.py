"""The one catalogue of interface strings: every area's table, merged, with no key twice."""

from __future__ import annotations

from models.strings import core, desk, dispatch, meetings, record, sync

_AREAS = (core.STRINGS, desk.STRINGS, dispatch.STRINGS, meetings.STRINGS, sync.STRINGS, record.STRINGS)


def _merge() -> dict[str, tuple[str, str]]:
    merged: dict[str, tuple[str, str]] = {}
    for area in _AREAS:
        clash = merged.keys() & area.keys()
        if clash:
            raise RuntimeError(f"catalogue keys defined twice: {sorted(clash)}")
        merged.update(area)
    return merged


MESSAGES = _merge()
