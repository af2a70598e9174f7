"""Event handlers by event type. Each takes (connection, event) and changes the tables."""

from __future__ import annotations

from data.handlers import cases, meetings, reference, sync
from data.handlers.common import Handler

HANDLERS: dict[str, Handler] = {**reference.HANDLERS, **cases.HANDLERS, **meetings.HANDLERS, **sync.HANDLERS}
