"""The demo's material: options, one simulated case, and the dice for people, places and
times (data/demo_stories.py tells the stories with them)."""

from __future__ import annotations

import random
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from data.demo.text import COMMUNITIES, GIVEN, SURNAMES
from data.write.session import SyncService


@dataclass
class DemoOptions:
    cases: int = 300
    seed: int = 2026
    days: int = 90


@dataclass
class CaseSim:
    case_id: str = ""
    category: str = ""
    checkins: dict[str, str] = field(default_factory=dict)
    relapse_id: str | None = None


class DemoBase:
    """The demo's clock, dice and material: who, where, when."""

    def __init__(self, service: SyncService, options: DemoOptions) -> None:
        self.service = service
        self.rng = random.Random(options.seed)
        self.options = options
        self.now = service.clock.now()
        self.start = self.now - timedelta(days=options.days)
        self.tz = service.rules.settings.tz
        self.spawned: list[Iterator[Any]] = []
        """Stories a step started, for the runner to schedule (data/demo/__init__.py)."""

    # -- material -------------------------------------------------------------------------

    def person(self) -> str:
        return self.rng.choice(SURNAMES) + self.rng.choice(GIVEN)

    def phone(self) -> str:
        return f"1{self.rng.choice('3578')}{self.rng.randrange(10**9):09d}"

    def place(self) -> tuple[str, str]:
        community, streets = self.rng.choice(COMMUNITIES)
        street = self.rng.choice(streets)
        if self.rng.random() < 0.2:
            return community, f"{street}与{self.rng.choice(streets)}交叉口"
        return community, f"{street}{self.rng.randint(1, 120)}号"

    def minutes(self, low: float, high: float) -> timedelta:
        return timedelta(minutes=self.rng.uniform(low, high))

    def received_time(self) -> datetime:
        # more recent days are busier; intake mostly during the day
        day = int(self.options.days * (1 - self.rng.random() ** 1.6))
        local = (self.start + timedelta(days=day)).astimezone(self.tz)
        hour = self.rng.choice((7, 8, 9, 9, 10, 10, 11, 13, 14, 14, 15, 16, 17, 19, 21))
        return local.replace(hour=hour, minute=self.rng.randrange(60), second=self.rng.randrange(60))
