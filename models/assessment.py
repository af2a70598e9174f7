"""一次一考核: the pure arithmetic of the assessment — ratios that keep their numerator and
denominator, the composite score and its weights, ranking against the previous period.

The weights live in the settings file (``[assessment]``); the formula is printed beside every
score, on screen and in every export, so a department can recompute its own.
"""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction
from statistics import median

from models.i18n import t


@dataclass(frozen=True)
class Ratio:
    """A rate shown as numerator/denominator as well as a percentage; an empty denominator is
    "—", never 0%."""

    num: int
    den: int

    @property
    def value(self) -> Fraction | None:
        return Fraction(self.num, self.den) if self.den else None

    def pct(self) -> str:
        value = self.value
        if value is None:
            return "—"
        return f"{float(value) * 100:.1f}%"

    def __str__(self) -> str:
        return f"{self.num}/{self.den} {self.pct()}"


@dataclass(frozen=True)
class Weights:
    came: int = 40
    """来没来: on-time check-ins (a late one earns ``late_credit``) over summons already decided."""
    acted: int = 30
    """干没干: arrivals with an action recorded over arrivals."""
    quality: int = 30
    """干得好不好: the mean rating, 1 → 0 and 5 → full marks."""
    late_credit: Fraction = Fraction(1, 2)
    rework_points: Fraction = Fraction(2)
    """Points deducted for each relapse (返工) charged to the department."""

    def formula(self) -> str:
        return t(
            "assess.formula",
            came=self.came,
            acted=self.acted,
            quality=self.quality,
            rework=f"{float(self.rework_points):g}",
            late=f"{float(self.late_credit):g}",
        )


def came_part(on_time: int, late: int, absent: int, weights: Weights) -> Fraction | None:
    decided = on_time + late + absent
    if not decided:
        return None
    return (on_time + weights.late_credit * late) / decided


def quality_part(rating_sum: int, rating_count: int) -> Fraction | None:
    if not rating_count:
        return None
    return (Fraction(rating_sum, rating_count) - 1) / 4


def composite(
    came: Fraction | None, acted: Fraction | None, quality: Fraction | None, rework: int, weights: Weights
) -> Fraction | None:
    """The composite score out of 100, or None when the department has nothing to assess."""
    parts = [(weights.came, came), (weights.acted, acted), (weights.quality, quality)]
    present = [(w, v) for w, v in parts if v is not None]
    total_weight = sum(w for w, _ in present)
    if not present or not total_weight:
        return None
    score = sum((Fraction(w) * v for w, v in present), Fraction(0)) * 100 / total_weight
    return max(Fraction(0), score - weights.rework_points * rework)


US_PER_MINUTE = 60_000_000
"""Times to report in are summed in whole microseconds: the same sum in any order."""


def mean_minutes(total_us: int, count: int) -> float | None:
    return total_us / count / US_PER_MINUTE if count else None


def median_minutes(values: list[float]) -> float | None:
    return median(values) if values else None


def median_of_us(values_us: list[int]) -> float | None:
    """The median of times in microseconds, in minutes; the list may hold only its middle one
    or two values (what matters of a sorted list)."""
    return median(sorted(v / US_PER_MINUTE for v in values_us)) if values_us else None


def hmm(minutes: float | None) -> str:
    """A duration in minutes as h:mm (626 → 10:26); None as —."""
    if minutes is None:
        return "—"
    whole = round(minutes)
    return f"{whole // 60}:{whole % 60:02d}"


def ranked(scores: dict[str, Fraction | None]) -> dict[str, int]:
    """Rank 1 for the best score; equal scores share a rank; no score, no rank."""
    ordered = sorted((s, code) for code, s in scores.items() if s is not None)
    ordered.reverse()
    ranks: dict[str, int] = {}
    previous: Fraction | None = None
    rank = 0
    for position, (score, code) in enumerate(ordered, start=1):
        if score != previous:
            rank = position
            previous = score
        ranks[code] = rank
    return ranks
