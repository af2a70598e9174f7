"""Full-text search in Chinese: words of any length inside running text."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from data.read.search import match_expression, search_case_ids, words
from data.service import SyncService
from data.store.schema import STEPS, upgrade
from data.store.schema_steps_desk import V15_SEARCH_MORE
from data.write.commands.corrections import correct_case
from tests.unit.support import SECRET, new_case


@pytest.fixture
def cases(sync_service: SyncService) -> dict[str, str]:
    run = sync_service.run
    return {
        "vendor": new_case(
            run, description="早高峰路口有流动摊贩占道经营，影响通行", address="朝阳门北小街 45 号"
        ),
        "fumes": new_case(
            run, description="楼下餐馆油烟扰民", address="史家胡同 23 号楼", category="cooking_fumes"
        ),
        "fire": new_case(
            run, description="楼道堆放杂物堵塞消防通道", address="南门仓胡同 2 号", category="fire_hazard"
        ),
    }


def _find(service: SyncService, query: str) -> set[str]:
    with service.engine.connect() as conn:
        return set(search_case_ids(conn, query))


def test_a_two_character_word_is_found_inside_running_text(
    sync_service: SyncService, cases: dict[str, str]
) -> None:
    assert _find(sync_service, "摊贩") == {cases["vendor"]}
    assert _find(sync_service, "扰民") == {cases["fumes"]}
    assert _find(sync_service, "通道") == {cases["fire"]}


def test_longer_words_match_as_a_phrase_not_as_scattered_pairs(
    sync_service: SyncService, cases: dict[str, str]
) -> None:
    assert _find(sync_service, "流动摊贩占道") == {cases["vendor"]}
    # every pair of 摊贩流动 occurs in the text, but not in this order
    assert _find(sync_service, "摊贩流动") == set()


def test_one_character_and_several_words(sync_service: SyncService, cases: dict[str, str]) -> None:
    assert _find(sync_service, "楼") == {cases["fumes"], cases["fire"]}
    assert _find(sync_service, "胡同 楼道") == {cases["fire"]}
    assert _find(sync_service, "胡同，油烟") == {cases["fumes"]}


def test_the_address_is_searched_too(sync_service: SyncService, cases: dict[str, str]) -> None:
    assert _find(sync_service, "北小街") == {cases["vendor"]}
    assert _find(sync_service, "45") == {cases["vendor"]}


def test_words_that_occur_nowhere_or_nothing_searchable_find_nothing(
    sync_service: SyncService, cases: dict[str, str]
) -> None:
    assert _find(sync_service, "违章搭建") == set()
    assert _find(sync_service, "，。！") == set()
    assert match_expression("  ，") is None


def test_a_correction_updates_the_index_in_the_same_transaction(
    sync_service: SyncService, cases: dict[str, str]
) -> None:
    sync_service.set_up("值班员", SECRET)  # corrections are a supervisor's, with the passphrase
    sync_service.run(correct_case, cases["fumes"], {"description": "夜间广场舞噪音扰民"}, reason="记录有误")
    assert _find(sync_service, "餐馆") == set()
    assert _find(sync_service, "广场舞") == {cases["fumes"]}


def test_query_words_split_on_punctuation_and_spaces() -> None:
    assert words("流动摊贩，占道 经营!") == ["流动摊贩", "占道", "经营"]
    assert match_expression("摊位") == 'pairs : "摊位"'
    assert match_expression("摊位 楼") == 'pairs : "摊位" AND singles : "楼"'
    assert words("SJ-2026-000326") == ["SJ", "2026", "000326"]


def _number(service: SyncService, case_id: str) -> str:
    with service.engine.connect() as conn:
        return str(conn.exec_driver_sql("SELECT number FROM case_file WHERE id = ?", (case_id,)).scalar())


def test_a_case_number_is_found_whole_or_in_part(sync_service: SyncService, cases: dict[str, str]) -> None:
    number = _number(sync_service, cases["fire"])  # e.g. SJ-2026-000003
    tail = number.rsplit("-", 1)[1]
    assert _find(sync_service, number) == {cases["fire"]}
    assert _find(sync_service, tail) == {cases["fire"]}
    assert _find(sync_service, tail[-2:]) == {cases["fire"]}  # 03, as an operator reads it


def test_a_community_is_found(sync_service: SyncService, cases: dict[str, str]) -> None:
    douban = new_case(sync_service.run, community="豆瓣社区", description="门口堆物", address="豆瓣胡同 1 号")
    assert _find(sync_service, "豆瓣社区") == {douban}
    assert _find(sync_service, "东四社区") == set(cases.values())


def test_a_category_is_found_by_its_chinese_or_english_name(
    sync_service: SyncService, cases: dict[str, str]
) -> None:
    noise = new_case(sync_service.run, category="noise", description="楼上深夜跺脚", address="东四十条 3 号")
    assert _find(sync_service, "噪音扰民") == {noise}
    assert _find(sync_service, "noise") == {noise}
    assert _find(sync_service, "Noise nuisance") == {noise}
    assert _find(sync_service, "消防安全隐患") == {cases["fire"]}


def test_everyday_short_forms_find_their_category(sync_service: SyncService, cases: dict[str, str]) -> None:
    run = sync_service.run
    built = new_case(run, category="illegal_construction", description="屋顶加盖一间", address="一号院")
    rental = new_case(run, category="group_rental", description="一套房住了二十人", address="二号院")
    dust = new_case(run, category="construction_dust", description="工地未苫盖", address="三号院")
    written = new_case(run, category="sanitation", description="院里有人违法建设了一间房", address="四号院")
    assert _find(sync_service, "违建") == {built, written}
    assert _find(sync_service, "群租") == {rental}
    assert _find(sync_service, "渣土") == {dust}
    assert _find(sync_service, "占道") == {cases["vendor"]}
    assert _find(sync_service, "油烟") == {cases["fumes"]}


def test_the_index_is_rebuilt_for_cases_written_before_the_step(tmp_path: Path) -> None:
    """A file at the step before V15_SEARCH_MORE keeps its cases findable by number,
    community and category after the upgrade."""
    path = tmp_path / "old.db"
    before = STEPS.index(V15_SEARCH_MORE)
    raw = sqlite3.connect(path, isolation_level=None)
    upgrade(raw, target=before)
    raw.execute(
        "INSERT INTO case_file (id, station_id, number, source, category, subcategory, community,"
        " address, description, priority, status, consult_flag, received_by, received_at, updated_at)"
        " VALUES ('c1', 'ST', 'SJ-2026-000326', 'patrol', 'noise', '', '豆瓣社区', '豆瓣胡同 1 号',"
        " '楼上深夜跺脚', 'normal', 'received', 0, '值班员', '2026-11-30 08:00:00', '2026-11-30 08:00:00')"
    )
    assert upgrade(raw) == len(STEPS)
    found = {
        q: {
            r[0]
            for r in raw.execute(
                "SELECT k.case_id FROM case_search_key k WHERE k.n IN"
                " (SELECT rowid FROM case_search WHERE case_search MATCH ?)",
                (match_expression(q),),
            )
        }
        for q in ("000326", "SJ-2026-000326", "豆瓣社区", "噪音扰民", "跺脚")
    }
    raw.close()
    assert all(ids == {"c1"} for ids in found.values()), found
