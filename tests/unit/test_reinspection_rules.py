"""回头看 rules on their own: due buckets, sample size, the seeded draw, rework counting."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from models.reinspection import (
    ReinspectionBucket,
    Relapse,
    bucket,
    draw_sample,
    rework_counts,
    sample_size,
    week_end,
)

WEDNESDAY = date(2026, 3, 11)


def test_buckets_around_today() -> None:
    assert bucket(WEDNESDAY - timedelta(days=1), WEDNESDAY, done=False) is ReinspectionBucket.OVERDUE
    assert bucket(WEDNESDAY, WEDNESDAY, done=False) is ReinspectionBucket.TODAY
    assert bucket(date(2026, 3, 15), WEDNESDAY, done=False) is ReinspectionBucket.WEEK  # Sunday
    assert bucket(date(2026, 3, 16), WEDNESDAY, done=False) is ReinspectionBucket.LATER  # Monday
    assert bucket(WEDNESDAY - timedelta(days=9), WEDNESDAY, done=True) is ReinspectionBucket.DONE


def test_week_ends_on_sunday() -> None:
    assert week_end(WEDNESDAY) == date(2026, 3, 15)
    assert week_end(date(2026, 3, 15)) == date(2026, 3, 15)


@pytest.mark.parametrize(
    ("population", "rate", "expected"),
    [(0, 0.1, 0), (1, 0.1, 1), (4, 0.1, 1), (15, 0.1, 2), (40, 0.1, 4), (10, 1.0, 10), (3, 0.5, 2)],
)
def test_sample_size_is_rate_times_n_and_at_least_one(population: int, rate: float, expected: int) -> None:
    assert sample_size(population, rate) == expected


def test_sample_size_refuses_a_rate_outside_zero_to_one() -> None:
    with pytest.raises(ValueError):
        sample_size(10, 0)
    with pytest.raises(ValueError):
        sample_size(10, 1.5)


def test_the_draw_is_reproducible_from_its_seed_whatever_the_row_order() -> None:
    population = [f"case-{i:03d}" for i in range(50)]
    first = draw_sample(population, 0.1, seed=20260311)
    again = draw_sample(list(reversed(population)), 0.1, seed=20260311)
    assert first == again
    assert len(first) == 5 and set(first) <= set(population)
    others = {tuple(draw_sample(population, 0.1, seed=s)) for s in range(20)}
    assert len(others) > 1  # the seed matters


def test_rework_counts_each_relapsed_case_once_per_department() -> None:
    counts = rework_counts(
        [
            Relapse("a", frozenset({"CGZF", "GA"})),
            Relapse("b", frozenset({"CGZF"})),
            Relapse("a", frozenset({"CGZF", "GA"})),  # relapsed twice: still one case
            Relapse("c", frozenset()),
        ]
    )
    assert counts == {"CGZF": 2, "GA": 1}
