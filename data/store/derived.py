"""verify's check of the derived tables: what the queue's order (``queue_key``), the search
index (``case_search``) and, on SQLite, the open cases' index (``open_search``) must hold for
each case, as their triggers write them, in SQLite's and the server's SQL."""

from __future__ import annotations

from sqlalchemy import Connection, inspect

from data.store.dialect import on_server
from models.i18n import t

OPEN_STATUSES = "('received', 'triage', 'dispatched', 'consulting', 'disposing', 'feedback', 'parked')"
FAR = "'9999-12-31 00:00:00.000000'"
# What the queue's order table must hold for each case (as its triggers keep it); a case's
# clocks are read through its own index (the running-clock index would walk every case's).
QUEUE_KEY_WRONG = f"""
SELECT c.id FROM case_file c LEFT JOIN queue_key q ON q.case_id = c.id
WHERE q.case_id IS NULL
   OR q.open IS NOT (c.status IN {OPEN_STATUSES})
   OR q.next_checkin IS NOT coalesce((SELECT min(deadline) FROM clock INDEXED BY ix_clock_open
        WHERE case_id = c.id AND kind = 'checkin' AND stopped_at IS NULL AND paused_at IS NULL), {FAR})
   OR q.next_deadline IS NOT coalesce((SELECT min(deadline) FROM clock INDEXED BY ix_clock_open
        WHERE case_id = c.id AND stopped_at IS NULL AND paused_at IS NULL), {FAR})
   OR q.received_at IS NOT c.received_at
UNION ALL
SELECT q.case_id FROM queue_key q LEFT JOIN case_file c ON c.id = q.case_id WHERE c.id IS NULL
ORDER BY 1 LIMIT 1
"""


def _grams(column: str, width: int) -> str:
    test = "<" if width == 2 else "<="
    return f"""coalesce((SELECT group_concat(g, ' ') FROM (
        SELECT substr({column}, n, {width}) AS g FROM search_seq
        WHERE n {test} length({column}) ORDER BY n)), '')"""


# What the search index must hold for each case, as its triggers write it (V15_SEARCH_MORE):
# the grams of one text (number split at its dashes, community, address, description) and
# the category code.
_BODY = "replace(c.number, '-', ' ') || ' ' || c.community || ' ' || c.address || ' ' || c.description"
SEARCH_WRONG = f"""
SELECT c.id FROM case_file c
LEFT JOIN case_search_key k ON k.case_id = c.id
LEFT JOIN case_search s ON s.rowid = k.n
WHERE s.rowid IS NULL
   OR s.pairs IS NOT (SELECT {_grams("b", 2)} FROM (SELECT {_BODY} AS b))
   OR s.singles IS NOT (SELECT {_grams("b", 1)} FROM (SELECT {_BODY} AS b))
   OR s.tags IS NOT c.category
UNION ALL
SELECT k.case_id FROM case_search_key k LEFT JOIN case_file c ON c.id = k.case_id WHERE c.id IS NULL
UNION ALL
SELECT CAST(s.rowid AS TEXT) FROM case_search s LEFT JOIN case_search_key k ON k.n = s.rowid WHERE k.n IS NULL
ORDER BY 1 LIMIT 1
"""

# The open cases' index (V24_OPEN_SEARCH): the search index's row of every open case, and no
# other row.
OPEN_SEARCH_WRONG = """
SELECT q.case_id FROM queue_key q
JOIN case_search_key k ON k.case_id = q.case_id
LEFT JOIN case_search s ON s.rowid = k.n
LEFT JOIN open_search o ON o.rowid = k.n
WHERE q.open = 1 AND (o.rowid IS NULL
   OR o.pairs IS NOT s.pairs OR o.singles IS NOT s.singles OR o.tags IS NOT s.tags)
UNION ALL
SELECT coalesce(k.case_id, CAST(o.rowid AS TEXT)) FROM open_search o
LEFT JOIN case_search_key k ON k.n = o.rowid
LEFT JOIN queue_key q ON q.case_id = k.case_id
WHERE q.open IS NOT 1
ORDER BY 1 LIMIT 1
"""


SERVER_FAR = "TIMESTAMP '9999-12-31 00:00:00'"
SERVER_QUEUE_KEY_WRONG = f"""
SELECT c.id FROM case_file c LEFT JOIN queue_key q ON q.case_id = c.id
WHERE q.case_id IS NULL
   OR q.open IS DISTINCT FROM (CASE WHEN c.status IN {OPEN_STATUSES} THEN 1 ELSE 0 END)
   OR q.next_checkin IS DISTINCT FROM coalesce((SELECT min(deadline) FROM clock WHERE case_id = c.id
        AND kind = 'checkin' AND stopped_at IS NULL AND paused_at IS NULL), {SERVER_FAR})
   OR q.next_deadline IS DISTINCT FROM coalesce((SELECT min(deadline) FROM clock WHERE case_id = c.id
        AND stopped_at IS NULL AND paused_at IS NULL), {SERVER_FAR})
   OR q.received_at IS DISTINCT FROM c.received_at
UNION ALL
SELECT q.case_id FROM queue_key q LEFT JOIN case_file c ON c.id = q.case_id WHERE c.id IS NULL
ORDER BY 1 LIMIT 1
"""
# The server's search table (data/store/schema_pg.py) as its trigger writes it.
SERVER_SEARCH_WRONG = f"""
SELECT c.id FROM case_file c LEFT JOIN case_search s ON s.case_id = c.id
WHERE s.case_id IS NULL
   OR s.body IS DISTINCT FROM ({_BODY})
   OR s.tags IS DISTINCT FROM c.category
UNION ALL
SELECT s.case_id FROM case_search s LEFT JOIN case_file c ON c.id = s.case_id WHERE c.id IS NULL
ORDER BY 1 LIMIT 1
"""


def derived_problem(conn: Connection) -> str | None:
    """The first row of the tables kept from the cases by triggers (the queue's order, the
    search index) that disagrees with the cases, said in one line; None when all agree."""
    checks: tuple[tuple[str, str], ...] = (
        (("queue_key", SERVER_QUEUE_KEY_WRONG), ("case_search", SERVER_SEARCH_WRONG))
        if on_server(conn)
        else (("queue_key", QUEUE_KEY_WRONG), ("case_search", SEARCH_WRONG))
    )
    if not on_server(conn) and inspect(conn).has_table("open_search"):  # V24_OPEN_SEARCH on
        checks += (("open_search", OPEN_SEARCH_WRONG),)
    for table, sql in checks:
        wrong = conn.exec_driver_sql(sql).scalar()
        if wrong is not None:
            return t("verify.derived_differs", table=table, row=wrong)
    return None
