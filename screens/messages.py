"""Messages the app sends to its screens, and screens' widgets send up."""

from __future__ import annotations

from datetime import datetime

from textual.message import Message


class Tick(Message):
    """The one 1 Hz tick: redraw countdowns as of ``now`` (no I/O in handlers)."""

    def __init__(self, now: datetime) -> None:
        super().__init__()
        self.now = now


class DataChanged(Message):
    """The database changed (this desk, another desk, or another process): re-read what is
    on screen."""


class ServiceReady(Message):
    """``app.service`` is open; screens mounted before it can load now."""


class CaseSelected(Message):
    """Open the detail of a case."""

    def __init__(self, case_id: str) -> None:
        super().__init__()
        self.case_id = case_id
