"""Hypothesis strategies for an event row's text columns, whatever they may hold: the property
tests of the bytes SQLite joins (test_sync_joined, test_chain_pages) draw from the same ones."""

from __future__ import annotations

from hypothesis import strategies as st

TEXT = st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=20)
EVENT_COLUMNS = {
    "ident": TEXT,
    "operator": TEXT,
    "kind": TEXT,
    "subject": st.none() | TEXT,
    "payload": st.dictionaries(TEXT, st.none() | st.integers() | TEXT, max_size=3),
    "digest": st.none() | TEXT,
    "prev": TEXT,
    "seq": st.integers(min_value=1, max_value=2**40),
}
"""``@given(**EVENT_COLUMNS)``: the arguments each property test names."""
