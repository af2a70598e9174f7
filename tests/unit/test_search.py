"""Full-text search in Chinese: words of any length inside running text."""

from __future__ import annotations

import pytest

from data.read.search import match_expression, search_case_ids, words
from data.service import SyncService
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
    assert _find(sync_service, "违建") == set()
    assert _find(sync_service, "，。！") == set()
    assert match_expression("  ，") is None


def test_a_correction_updates_the_index_in_the_same_transaction(
    sync_service: SyncService, cases: dict[str, str]
) -> None:
    sync_service.set_up("值班员", SECRET)  # corrections are a supervisor's, with the passphrase
    sync_service.run(correct_case, cases["fumes"], {"description": "夜间广场舞噪音扰民"}, reason="记录有误")
    assert _find(sync_service, "油烟") == set()
    assert _find(sync_service, "广场舞") == {cases["fumes"]}


def test_query_words_split_on_punctuation_and_spaces() -> None:
    assert words("流动摊贩，占道 经营!") == ["流动摊贩", "占道", "经营"]
    assert match_expression("摊贩") == 'pairs : "摊贩"'
    assert match_expression("流动摊贩 楼") == 'pairs : "流动 动摊 摊贩" AND singles : "楼"'
