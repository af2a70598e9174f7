"""The district database on a PostgreSQL server: its schema steps, append-only events, search
inside running Chinese text, and one clear line for what it cannot open."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import psycopg
import pytest
from sqlalchemy import select

from data.read.search import search_case_ids
from data.service import SyncService
from data.settings import Settings
from data.store.db import open_sync
from data.store.schema_pg import PG_SCHEMA_VERSION
from data.store.server import ServerError
from data.store.tables import EVENT
from data.store.verify import verify
from data.write.commands.cases import receive_case
from models.clock import FrozenClock
from tests.pg_cluster import Cluster
from tui.cli import main

pytestmark = pytest.mark.server
NOW = datetime(2026, 3, 10, 2, 0, tzinfo=UTC)


def _plain(url: str) -> str:
    return url.replace("postgresql+psycopg://", "postgresql://")


def _hub(url: str) -> SyncService:
    return SyncService.open(
        url, Settings(station_id="QU-DC", station_name="东城区"), FrozenClock(NOW), "区值班"
    )


def _case(
    service: SyncService,
    description: str,
    address: str = "东四北大街 12 号",
    category: str = "street_vending",
    community: str = "东四社区",
) -> str:
    case_id: str = service.run(
        receive_case,
        source="patrol",
        category=category,
        community=community,
        address=address,
        description=description,
    )
    return case_id


def test_the_schema_is_made_once_and_its_version_kept(server_url: str) -> None:
    for _ in range(2):
        open_sync(server_url).dispose()
    with psycopg.connect(_plain(server_url)) as conn:
        assert conn.execute("SELECT version FROM schema_version").fetchall() == [(PG_SCHEMA_VERSION,)]
        # the search extension the schema's trigram index needs
        assert conn.execute("SELECT 1 FROM pg_extension WHERE extname = 'pg_trgm'").fetchone() == (1,)


def test_a_database_from_a_newer_program_is_refused_and_left_as_it_is(server_url: str) -> None:
    open_sync(server_url).dispose()
    with psycopg.connect(_plain(server_url)) as conn:
        conn.execute("INSERT INTO schema_version (version) VALUES (%s)", (PG_SCHEMA_VERSION + 5,))
    with pytest.raises(ServerError) as refused:
        open_sync(server_url)
    assert refused.value.key == "error.schema_too_new"
    with pytest.raises(ServerError):
        open_sync(server_url, writer=False)
    with psycopg.connect(_plain(server_url)) as conn:
        assert conn.execute("SELECT max(version) FROM schema_version").fetchone() == (PG_SCHEMA_VERSION + 5,)


def test_events_cannot_be_changed_or_removed_by_the_app_nor_by_the_owner(
    server_url: str, cluster: Cluster
) -> None:
    hub = _hub(server_url)
    _case(hub, "流动摊贩占道经营")
    hub.close()
    # the app's role: the privilege is gone
    with psycopg.connect(_plain(server_url)) as conn:
        for sql in ("UPDATE event SET operator = 'x'", "DELETE FROM event", "TRUNCATE event"):
            with pytest.raises(psycopg.errors.InsufficientPrivilege):
                conn.execute(sql)
            conn.rollback()
    # a superuser holds every privilege: the trigger still refuses
    dbname = server_url.rsplit("/", 1)[1]
    with psycopg.connect(_plain(cluster.url(dbname, user="postgres"))) as conn:
        for sql in ("UPDATE event SET operator = 'x'", "DELETE FROM event", "TRUNCATE event"):
            with pytest.raises(psycopg.errors.RaiseException, match="append-only"):
                conn.execute(sql)
            conn.rollback()
    engine = open_sync(server_url, writer=False)
    with engine.connect() as conn:
        assert "x" not in conn.execute(select(EVENT.c.operator)).scalars().all()
    assert verify(engine).ok
    engine.dispose()


def test_search_finds_two_character_words_inside_running_chinese_text(server_url: str) -> None:
    hub = _hub(server_url)
    vending = _case(hub, "早高峰流动摊贩占道经营，影响通行")
    noise = _case(hub, "夜间施工噪声扰民", "朝阳门内大街 8 号", "noise", "朝阳门社区")
    with hub.engine.connect() as conn:
        assert search_case_ids(conn, "摊贩") == [vending]  # inside 流动摊贩占道
        assert search_case_ids(conn, "占道") == [vending]
        assert search_case_ids(conn, "流动摊贩") == [vending]
        assert sorted(search_case_ids(conn, "东四")) == [vending]  # its community, not the other's address
        assert search_case_ids(conn, "施工 扰民") == [noise]  # every word must match
        assert search_case_ids(conn, "施工 摊贩") == []
        assert search_case_ids(conn, "噪") == [noise]  # one character
        assert search_case_ids(conn, "噪音") == [noise]  # a word naming its category
        assert search_case_ids(conn, "无关") == []
        assert search_case_ids(conn, "，。") == []
    assert verify(hub.engine).ok  # the search table is what its trigger keeps
    hub.close()


def test_a_server_that_cannot_be_reached_is_one_line(
    cluster: Cluster, capsys: pytest.CaptureFixture[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("WHISTLE_KEY_DIR", str(tmp_path))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "config"))
    url = cluster.url("no_such_database")
    assert main(["--db", url, "verify"]) == 2
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1 and "no_such_database" in err
