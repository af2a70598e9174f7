"""The server tests' fixtures: one throwaway cluster per test process, a fresh database per
test (see tests/pg_cluster.py)."""

from __future__ import annotations

import os
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.pg_cluster import REQUIRED_ENV, Cluster, start_cluster


@pytest.fixture(scope="session")
def cluster() -> Iterator[Cluster]:
    try:
        started = start_cluster()
    except (FileNotFoundError, subprocess.CalledProcessError) as exc:
        detail = getattr(exc, "stderr", None) or str(exc)
        if os.environ.get(REQUIRED_ENV):
            pytest.fail(f"PostgreSQL cannot be started: {detail}")
        pytest.skip(f"PostgreSQL cannot be started here: {detail}")
    yield started
    started.stop()


@pytest.fixture
def server_url(cluster: Cluster, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> str:
    """A fresh district database's URL; station keys go to this test's folder."""
    monkeypatch.setenv("WHISTLE_KEY_DIR", str(tmp_path / "keys"))
    return cluster.url(cluster.fresh_database())
