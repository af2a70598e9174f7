"""回头看 rules: the due buckets of the schedule, the random sample, and rework (返工)."""

from __future__ import annotations

import random
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from enum import StrEnum


class ReinspectionBucket(StrEnum):
    OVERDUE = "overdue"
    TODAY = "today"
    WEEK = "week"
    LATER = "later"
    DONE = "done"


# Overdue first: it is what the schedule is for.
BUCKET_ORDER: tuple[ReinspectionBucket, ...] = tuple(ReinspectionBucket)


def week_end(today: date) -> date:
    """The Sunday closing today's (Monday-first) week."""
    return today + timedelta(days=6 - today.weekday())


def bucket(due_on: date, today: date, *, done: bool) -> ReinspectionBucket:
    if done:
        return ReinspectionBucket.DONE
    if due_on < today:
        return ReinspectionBucket.OVERDUE
    if due_on == today:
        return ReinspectionBucket.TODAY
    if due_on <= week_end(today):
        return ReinspectionBucket.WEEK
    return ReinspectionBucket.LATER


def sample_size(population: int, rate: float) -> int:
    """``max(1, round(rate × n))``, never more than there is to draw from."""
    if population <= 0:
        return 0
    if not 0 < rate <= 1:
        raise ValueError(f"sample rate must be in (0, 1], got {rate}")
    return min(population, max(1, round(rate * population)))


def draw_sample(population: Sequence[str], rate: float, seed: int) -> list[str]:
    """The same population, rate and seed always give the same sample, in the same order.

    The population is sorted first so that the order rows come back from the database in
    cannot change the draw."""
    ordered = sorted(population)
    return random.Random(seed).sample(ordered, sample_size(len(ordered), rate))


@dataclass(frozen=True)
class Relapse:
    """A case that came back at re-inspection, with the departments that had handled it."""

    case_id: str
    departments: frozenset[str]


def rework_counts(found: Iterable[Relapse]) -> Counter[str]:
    """返工: each relapsed case counts once against every department that handled it."""
    counts: Counter[str] = Counter()
    seen: set[str] = set()
    for r in found:
        if r.case_id in seen:
            continue
        seen.add(r.case_id)
        counts.update(r.departments)
    return counts
