"""An event's hashed bytes built from its stored text are exactly ``canonical`` of its
fields, whatever the text holds: the chain check and the export rely on it."""

from __future__ import annotations

import json

from hypothesis import given
from hypothesis import strategies as st

from models.events import canonical, canonical_text, hashed_fields, hashed_text

TEXT = st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=30)
JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | TEXT,
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(TEXT, inner, max_size=3),
    max_leaves=8,
)


@given(
    ident=TEXT,
    station=TEXT,
    seq=st.integers(min_value=1, max_value=2**40),
    operator=TEXT,
    at=TEXT,
    kind=TEXT,
    subject=st.none() | TEXT,
    payload=st.dictionaries(TEXT, JSON, max_size=4),
    digest=st.none() | TEXT,
    prev=TEXT,
)
def test_hashed_text_is_the_canonical_encoding(
    ident: str,
    station: str,
    seq: int,
    operator: str,
    at: str,
    kind: str,
    subject: str | None,
    payload: dict[str, object],
    digest: str | None,
    prev: str,
) -> None:
    wanted = canonical(hashed_fields(ident, station, seq, operator, at, kind, subject, payload, digest, prev))
    got = hashed_text(ident, station, seq, operator, at, kind, subject, canonical_text(payload), digest, prev)
    assert got == wanted


def test_quotes_backslashes_and_control_characters_are_escaped_as_json_does() -> None:
    awkward = 'a"b\\c\nd\x01e 王\u2028'
    payload = {"note": awkward}
    wanted = canonical(hashed_fields(awkward, "ST", 3, awkward, "t", "k", awkward, payload, None, awkward))
    assert (
        hashed_text(awkward, "ST", 3, awkward, "t", "k", awkward, canonical_text(payload), None, awkward)
        == wanted
    )
    assert json.loads(wanted)["operator"] == awkward


def test_a_column_of_another_type_is_encoded_as_json_encodes_it() -> None:
    """A row changed behind the desk may hold a number where text belongs: the bytes are
    still what ``canonical`` gives, so the hash tells the truth about it."""
    fields = (7, "ST", 3, None, 1.5, "k", 12, {"a": 1}, None, "p")
    wanted = canonical(hashed_fields(*fields))  # type: ignore[arg-type]
    text_fields = (*fields[:7], canonical_text({"a": 1}), *fields[8:])
    assert hashed_text(*text_fields) == wanted  # type: ignore[arg-type]
