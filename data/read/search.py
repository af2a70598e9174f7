"""Full-text search over case descriptions and addresses, Chinese words of any length.

The index (schema step V4_DESK) holds each text as overlapping character pairs and as single
characters, so a query is turned into the same pieces: a word of two or more characters is a
phrase of its pairs (摊贩 → "摊贩", 流动摊贩 → "流动 动摊 摊贩"), a single character is looked
up among the singles. Several words must all match. Punctuation and spaces split words.
"""

from __future__ import annotations

import re

from sqlalchemy import Column, Connection, Integer, MetaData, String, Table, select, text
from sqlalchemy.sql import Select

_WORD = re.compile(r"[^\W_]+")
_meta = MetaData()
SEARCH_KEY = Table(
    "case_search_key", _meta, Column("n", Integer, primary_key=True), Column("case_id", String)
)


def words(query: str) -> list[str]:
    return _WORD.findall(query)


def match_expression(query: str) -> str | None:
    """The FTS5 MATCH expression for ``query``; None when it holds no searchable word."""
    parts = []
    for word in words(query):
        if len(word) == 1:
            parts.append(f'singles : "{word}"')
        else:
            pairs = " ".join(word[i : i + 2] for i in range(len(word) - 1))
            parts.append(f'pairs : "{pairs}"')
    return " AND ".join(parts) or None


def matching_ids(expression: str) -> Select[tuple[str]]:
    """A sub-query of the ids of the cases matching ``expression`` (from match_expression)."""
    return (
        select(SEARCH_KEY.c.case_id)
        .select_from(SEARCH_KEY)
        .where(SEARCH_KEY.c.n.in_(text("SELECT rowid FROM case_search WHERE case_search MATCH :match")))
        .params(match=expression)
    )


def search_case_ids(conn: Connection, query: str, limit: int = 1000) -> list[str]:
    expression = match_expression(query)
    if expression is None:
        return []
    return [str(i) for i in conn.execute(matching_ids(expression).limit(limit)).scalars()]
