"""The README key table is generated from the bindings: it must match them."""

from __future__ import annotations

from screens.bindings import REGISTRY
from tui import keys_doc


def test_the_readme_key_table_matches_the_bindings() -> None:
    readme = keys_doc.README.read_text(encoding="utf-8")
    assert keys_doc.section(readme) == keys_doc.render_table(), "run: python -m tui.keys_doc"


def test_the_table_lists_every_registered_binding_with_both_languages() -> None:
    table = keys_doc.render_table()
    for specs in REGISTRY.values():
        for spec in specs:
            assert f"`{spec.id}`" in table
    assert "| app | `?` | 帮助 | Help | `help` |" in table
    assert "| queue | `/` | 搜索 | Search | `queue.search` |" in table
    # keys written as the footer shows them, not Textual's names (`Left_square_bracket`)
    assert "| reports | `[` | 上一期 | Previous period | `reports.previous` |" in table
    assert "| reports | `>` | 更多列 | More columns | `reports.columns` |" in table


def test_a_stale_table_is_detected() -> None:
    readme = keys_doc.README.read_text(encoding="utf-8")
    stale = readme.replace("| 帮助 | Help |", "| 救命 | Help |")
    assert keys_doc.section(stale) != keys_doc.render_table()
    assert keys_doc.section(keys_doc.updated(stale)) == keys_doc.render_table()


def test_no_key_changes_meaning_along_the_path_of_a_case() -> None:
    """Queue, case, board and confirmations (with the app's and the cursor keys): a key has
    one meaning across them; only enter (accept) and escape (back) are shared."""
    from screens.bindings import CASE_PATH_SCOPES, GENERIC_KEYS

    meanings: dict[str, set[str]] = {}
    for scope in CASE_PATH_SCOPES:
        for spec in REGISTRY[scope]:
            for key in (k.strip() for k in spec.keys.split(",")):
                meanings.setdefault(key, set()).add(spec.description)
    clashes = {k: sorted(d) for k, d in meanings.items() if len(d) > 1 and k not in GENERIC_KEYS}
    assert clashes == {}
    assert {"y", "n"} <= meanings.keys() and meanings["y"] == {"key.confirm_yes"}
