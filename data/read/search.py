"""Full-text search over what the desk shows of a case: its number, community, address and
description (Chinese words of any length), and its category by name or everyday short form.

The index (schema step V15_SEARCH_MORE) holds that text as overlapping character pairs and as
single characters, and the category code in a third column. A query is turned into the same
pieces: a word of two or more characters is a phrase of its pairs (摊贩 → "摊贩", 流动摊贩 →
"流动 动摊 摊贩"), a single character is looked up among the singles; a word that names a
category (噪音扰民, noise, 违建 …) also matches the cases of that category. Several words must
all match. Punctuation, dashes and spaces split words (SJ-2026-000326 → SJ 2026 000326).
"""

from __future__ import annotations

import re
from functools import cache

from sqlalchemy import Column, Connection, Integer, MetaData, String, Table, and_, or_, select, text
from sqlalchemy.sql import ColumnElement, Select, TextClause

from data.catalogue import CATEGORIES
from models.search_terms import SHORT_FORMS, pieces

_WORD = re.compile(r"[^\W_]+")
_LATIN = re.compile(r"[a-z0-9]+")
_meta = MetaData()
SEARCH_KEY = Table(
    "case_search_key", _meta, Column("n", Integer, primary_key=True), Column("case_id", String)
)
# The server's search table (data/store/schema_pg.py): each case's text and category code.
SERVER_SEARCH = Table(
    "case_search",
    MetaData(),
    Column("case_id", String, primary_key=True),
    Column("body", String),
    Column("tags", String),
)


def words(query: str) -> list[str]:
    return _WORD.findall(query)


@cache
def category_terms() -> tuple[tuple[str, str], ...]:
    """(term, category code): each category's Chinese name and its parts, the words of its
    English name, and the short forms of models.search_terms."""
    terms: list[tuple[str, str]] = []
    by_name = {c.name: c.code for c in CATEGORIES}
    for spec in CATEGORIES:
        terms += [(p, spec.code) for p in pieces(spec.name)]
        terms += [(w, spec.code) for w in _LATIN.findall(spec.name_en.lower())]
    terms += [(short, by_name[name]) for short, name in SHORT_FORMS.items() if name in by_name]
    return tuple(terms)


def categories_named(word: str) -> list[str]:
    """The codes of the categories ``word`` names: a short form or an English word exactly,
    or two or more characters of a Chinese name."""
    word = word.lower()
    latin = bool(_LATIN.fullmatch(word))
    found: list[str] = []
    for term, code in category_terms():
        hit = term == word if latin else (len(word) >= 2 and word in term)
        if hit and code not in found:
            found.append(code)
    return found


def _phrase(word: str) -> str:
    if len(word) == 1:
        return f'singles : "{word}"'
    pairs = " ".join(word[i : i + 2] for i in range(len(word) - 1))
    return f'pairs : "{pairs}"'


def match_expression(query: str) -> str | None:
    """The FTS5 MATCH expression for ``query``; None when it holds no searchable word."""
    parts = []
    for word in words(query):
        options = [_phrase(word)]
        full = SHORT_FORMS.get(word)
        if full is not None and word not in full:
            options += [_phrase(w) for w in words(full)]
        options += [f'tags : "{code}"' for code in categories_named(word)]
        parts.append(options[0] if len(options) == 1 else "(" + " OR ".join(options) + ")")
    return " AND ".join(parts) or None


def matching_ids(expression: str, index: str = "case_search") -> Select[tuple[str]]:
    """A sub-query of the ids of the cases matching ``expression`` (from match_expression) in
    ``index``: every case's (``case_search``) or the open cases' (``open_search``)."""
    assert index in ("case_search", "open_search")
    return (
        select(SEARCH_KEY.c.case_id)
        .select_from(SEARCH_KEY)
        .where(SEARCH_KEY.c.n.in_(text(f"SELECT rowid FROM {index} WHERE {index} MATCH :match")))
        .params(match=expression)
    )


def server_matching_ids(query: str) -> Select[tuple[str]] | None:
    """The same matches on the server: each word (or one of its short form's words, or a
    category it names) found anywhere inside the case's text, any case; several words must all
    match. Words hold no ``%`` or ``_`` (see ``words``); the trigram index serves the longer ones."""
    parts = []
    for word in words(query):
        options = [word]
        full = SHORT_FORMS.get(word)
        if full is not None and word not in full:
            options += words(full)
        found: list[ColumnElement[bool]] = [SERVER_SEARCH.c.body.ilike(f"%{w}%") for w in options]
        found += [SERVER_SEARCH.c.tags == code for code in categories_named(word)]
        parts.append(or_(*found))
    if not parts:
        return None
    return select(SERVER_SEARCH.c.case_id).where(and_(*parts))


FREQUENT = 20_000
"""Matches from which a search asks the index about each case in the queue instead of
gathering every match first (the queue holds a few thousand open cases; a frequent character
matches every case the station ever had)."""


def frequent(conn: Connection, expression: str) -> bool:
    """Whether ``expression`` matches at least FREQUENT cases (counted no further)."""
    counted = conn.execute(
        text("SELECT count(*) FROM (SELECT rowid FROM case_search WHERE case_search MATCH :m LIMIT :cap)"),
        {"m": expression, "cap": FREQUENT},
    ).scalar()
    return int(counted or 0) >= FREQUENT


def queue_row_matches(expression: str) -> TextClause:
    """Whether the queue row's case (``queue_key.case_id`` of the outer query) matches
    ``expression``, asked of the full-text index by that case's rowid: a seek per case in the
    queue, however many cases of the station's history match."""
    return text(
        "EXISTS (SELECT 1 FROM case_search_key k JOIN case_search s ON s.rowid = k.n"
        " WHERE k.case_id = queue_key.case_id AND case_search MATCH :probe)"
    ).bindparams(probe=expression)


def matching_ids_in(dialect: str, query: str, open_only: bool = False) -> Select[tuple[str]] | None:
    """A sub-query of the ids of the cases matching ``query`` in ``dialect``'s index; None
    when the query holds no searchable word. ``open_only``: the caller keeps only open cases,
    so SQLite asks the open cases' index (schema step V24_OPEN_SEARCH), which holds a few
    thousand cases however long the station's history."""
    if dialect == "postgresql":
        return server_matching_ids(query)
    expression = match_expression(query)
    if expression is None:
        return None
    return matching_ids(expression, "open_search" if open_only else "case_search")


def search_case_ids(conn: Connection, query: str, limit: int = 1000) -> list[str]:
    ids = matching_ids_in(conn.dialect.name, query)
    if ids is None:
        return []
    return [str(i) for i in conn.execute(ids.limit(limit)).scalars()]
