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


def test_a_stale_table_is_detected() -> None:
    readme = keys_doc.README.read_text(encoding="utf-8")
    stale = readme.replace("| 帮助 | Help |", "| 救命 | Help |")
    assert keys_doc.section(stale) != keys_doc.render_table()
    assert keys_doc.section(keys_doc.updated(stale)) == keys_doc.render_table()
