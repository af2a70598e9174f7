"""Fixtures of the whole suite."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from models import credentials


@pytest.fixture(autouse=True)
def _quick_hashes(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Hashes made in tests cost little (the parameters are stored with each hash, so checking
    works the same); the production cost is tested in tests/unit/test_operators.py."""
    monkeypatch.setattr(credentials, "N", 2**8)
    yield
