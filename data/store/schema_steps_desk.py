"""The desk's schema steps (search index, queue keys and the indexes its views read by), frozen
SQL like every step; data/schema.py puts them in order with the others."""

# Desk read models kept by triggers in the same transaction as the case and clock writes
# (so replayed and imported events keep them too; they hold nothing that events do not).
# case_search: full-text search in Chinese. FTS5's tokenizers find nothing inside running
# Chinese text (unicode61) or no two-character words (trigram), so every description and
# address is indexed as its overlapping character pairs ("流动摊贩" → 流动 动摊 摊贩, searched
# as a phrase) and its single characters (for one-character queries). case_search_key gives
# each case a stable integer rowid (a table without an integer key may renumber on VACUUM).
# queue_key: each case's nearest running check-in deadline and nearest running deadline, so
# the live queue pages through open cases in deadline order from an index.
V4_DESK = """
CREATE TABLE search_seq (n INTEGER PRIMARY KEY);
INSERT INTO search_seq (n)
    WITH RECURSIVE s(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM s WHERE n < 4000)
    SELECT n FROM s;
CREATE TABLE case_search_key (
    n INTEGER PRIMARY KEY,
    case_id VARCHAR NOT NULL UNIQUE
);
CREATE VIRTUAL TABLE case_search USING fts5(pairs, singles, tokenize = 'unicode61');
INSERT INTO case_search_key (case_id) SELECT id FROM case_file ORDER BY rowid;
INSERT INTO case_search (rowid, pairs, singles)
    SELECT k.n,
        coalesce((SELECT group_concat(g, ' ') FROM (
            SELECT substr(c.description, n, 2) AS g FROM search_seq
            WHERE n < length(c.description) ORDER BY n)), '')
        || ' ' || coalesce((SELECT group_concat(g, ' ') FROM (
            SELECT substr(c.address, n, 2) AS g FROM search_seq
            WHERE n < length(c.address) ORDER BY n)), ''),
        coalesce((SELECT group_concat(g, ' ') FROM (
            SELECT substr(c.description, n, 1) AS g FROM search_seq
            WHERE n <= length(c.description) ORDER BY n)), '')
        || ' ' || coalesce((SELECT group_concat(g, ' ') FROM (
            SELECT substr(c.address, n, 1) AS g FROM search_seq
            WHERE n <= length(c.address) ORDER BY n)), '')
    FROM case_search_key k JOIN case_file c ON c.id = k.case_id;
CREATE TRIGGER case_search_insert AFTER INSERT ON case_file BEGIN
    INSERT INTO case_search_key (case_id) VALUES (new.id);
    INSERT INTO case_search (rowid, pairs, singles) VALUES (
        (SELECT n FROM case_search_key WHERE case_id = new.id),
        coalesce((SELECT group_concat(g, ' ') FROM (
            SELECT substr(new.description, n, 2) AS g FROM search_seq
            WHERE n < length(new.description) ORDER BY n)), '')
        || ' ' || coalesce((SELECT group_concat(g, ' ') FROM (
            SELECT substr(new.address, n, 2) AS g FROM search_seq
            WHERE n < length(new.address) ORDER BY n)), ''),
        coalesce((SELECT group_concat(g, ' ') FROM (
            SELECT substr(new.description, n, 1) AS g FROM search_seq
            WHERE n <= length(new.description) ORDER BY n)), '')
        || ' ' || coalesce((SELECT group_concat(g, ' ') FROM (
            SELECT substr(new.address, n, 1) AS g FROM search_seq
            WHERE n <= length(new.address) ORDER BY n)), ''));
END;
CREATE TRIGGER case_search_update AFTER UPDATE OF description, address ON case_file BEGIN
    DELETE FROM case_search WHERE rowid = (SELECT n FROM case_search_key WHERE case_id = old.id);
    INSERT INTO case_search (rowid, pairs, singles) VALUES (
        (SELECT n FROM case_search_key WHERE case_id = new.id),
        coalesce((SELECT group_concat(g, ' ') FROM (
            SELECT substr(new.description, n, 2) AS g FROM search_seq
            WHERE n < length(new.description) ORDER BY n)), '')
        || ' ' || coalesce((SELECT group_concat(g, ' ') FROM (
            SELECT substr(new.address, n, 2) AS g FROM search_seq
            WHERE n < length(new.address) ORDER BY n)), ''),
        coalesce((SELECT group_concat(g, ' ') FROM (
            SELECT substr(new.description, n, 1) AS g FROM search_seq
            WHERE n <= length(new.description) ORDER BY n)), '')
        || ' ' || coalesce((SELECT group_concat(g, ' ') FROM (
            SELECT substr(new.address, n, 1) AS g FROM search_seq
            WHERE n <= length(new.address) ORDER BY n)), ''));
END;
CREATE TABLE queue_key (
    case_id VARCHAR NOT NULL PRIMARY KEY,
    open INTEGER NOT NULL,
    next_checkin DATETIME NOT NULL,
    next_deadline DATETIME NOT NULL,
    received_at DATETIME NOT NULL
) WITHOUT ROWID;
CREATE INDEX ix_queue_checkin ON queue_key (open, next_checkin, case_id);
CREATE INDEX ix_queue_deadline ON queue_key (open, next_deadline, received_at, case_id);
INSERT INTO queue_key (case_id, open, next_checkin, next_deadline, received_at)
    SELECT c.id,
        c.status IN ('received', 'triage', 'dispatched', 'consulting', 'disposing', 'feedback', 'parked'),
        coalesce((SELECT min(deadline) FROM clock WHERE case_id = c.id
            AND kind = 'checkin' AND stopped_at IS NULL AND paused_at IS NULL), '9999-12-31 00:00:00.000000'),
        coalesce((SELECT min(deadline) FROM clock WHERE case_id = c.id
            AND stopped_at IS NULL AND paused_at IS NULL), '9999-12-31 00:00:00.000000'),
        c.received_at
    FROM case_file c;
CREATE TRIGGER queue_key_case_insert AFTER INSERT ON case_file BEGIN
    INSERT INTO queue_key (case_id, open, next_checkin, next_deadline, received_at)
    VALUES (
        new.id,
        new.status IN ('received', 'triage', 'dispatched', 'consulting', 'disposing', 'feedback', 'parked'),
        '9999-12-31 00:00:00.000000',
        '9999-12-31 00:00:00.000000',
        new.received_at);
END;
CREATE TRIGGER queue_key_case_status AFTER UPDATE OF status ON case_file BEGIN
    UPDATE queue_key
    SET open = new.status IN (
        'received', 'triage', 'dispatched', 'consulting', 'disposing', 'feedback', 'parked')
    WHERE case_id = new.id;
END;
CREATE TRIGGER queue_key_clock_insert AFTER INSERT ON clock BEGIN
    UPDATE queue_key SET
        next_checkin = coalesce((SELECT min(deadline) FROM clock WHERE case_id = new.case_id
            AND kind = 'checkin' AND stopped_at IS NULL AND paused_at IS NULL), '9999-12-31 00:00:00.000000'),
        next_deadline = coalesce((SELECT min(deadline) FROM clock WHERE case_id = new.case_id
            AND stopped_at IS NULL AND paused_at IS NULL), '9999-12-31 00:00:00.000000')
    WHERE case_id = new.case_id;
END;
CREATE TRIGGER queue_key_clock_update AFTER UPDATE ON clock BEGIN
    UPDATE queue_key SET
        next_checkin = coalesce((SELECT min(deadline) FROM clock WHERE case_id = new.case_id
            AND kind = 'checkin' AND stopped_at IS NULL AND paused_at IS NULL), '9999-12-31 00:00:00.000000'),
        next_deadline = coalesce((SELECT min(deadline) FROM clock WHERE case_id = new.case_id
            AND stopped_at IS NULL AND paused_at IS NULL), '9999-12-31 00:00:00.000000')
    WHERE case_id = new.case_id;
END;
"""

# Indexes the desk's every-second poll and queue filters need on 200,000 cases: running
# check-in clocks by deadline (the overdue count and the bell), and a department's check-ins
# looked up per case (without it SQLite walks every check-in of the department per row), and
# a clock's check-in.
V5_DESK_INDEXES = """
CREATE INDEX ix_clock_running ON clock (stopped_at, paused_at, kind, deadline);
CREATE INDEX ix_checkin_case_department ON checkin (case_id, department_code);
CREATE INDEX ix_checkin_clock ON checkin (clock_id);
"""

# The queue puts running check-ins (nearest first) before cases whose only clock is the
# handling limit, so a 30-minute whistle never sinks below weeks-old cases.
V6_QUEUE_ORDER = """
DROP INDEX ix_queue_deadline;
CREATE INDEX ix_queue_rest ON queue_key (open, next_checkin, next_deadline, received_at, case_id);
"""

# The check-in board reads what is engaged now, released today and summoned today.
V8_BOARD_INDEXES = """
CREATE INDEX ix_checkin_status ON checkin (status);
CREATE INDEX ix_checkin_released ON checkin (released_at);
CREATE INDEX ix_whistle_blown ON whistle (blown_at);
"""
# A case's check-ins by status: ending a case marks its still-summoned check-ins no-show or
# withdrawn. Without it SQLite picks ix_checkin_status and walks every summoned check-in of
# the station for each ended case (3.4 ms a statement at 200,000 cases against 12 µs).
V14_SCALE_INDEXES = """
CREATE INDEX ix_checkin_case_status ON checkin (case_id, status);
"""


# The search index also holds each case's number (its parts split at the dashes: SJ 2026
# 000326, so 000326 or 326 finds it), its community and, in a third column, its category
# code (tokenchars '_' keeps illegal_construction one token), so a case is found by what the
# desk shows of it. One text per case: number, community, address, description, as pairs and
# singles the same way V4_DESK indexed description and address.
V15_SEARCH_MORE = """
DROP TRIGGER case_search_insert;
DROP TRIGGER case_search_update;
DROP TABLE case_search;
CREATE VIRTUAL TABLE case_search USING fts5(pairs, singles, tags, tokenize = "unicode61 tokenchars '_'");
INSERT INTO case_search_key (case_id)
    SELECT id FROM case_file WHERE id NOT IN (SELECT case_id FROM case_search_key) ORDER BY rowid;
INSERT INTO case_search (rowid, pairs, singles, tags)
    SELECT k.n,
        coalesce((SELECT group_concat(g, ' ') FROM (
            SELECT substr(t.body, n, 2) AS g FROM search_seq
            WHERE n < length(t.body) ORDER BY n)), ''),
        coalesce((SELECT group_concat(g, ' ') FROM (
            SELECT substr(t.body, n, 1) AS g FROM search_seq
            WHERE n <= length(t.body) ORDER BY n)), ''),
        t.category
    FROM case_search_key k JOIN (
        SELECT id, category, replace(number, '-', ' ') || ' ' || community || ' ' || address
            || ' ' || description AS body
        FROM case_file) t ON t.id = k.case_id;
CREATE TRIGGER case_search_insert AFTER INSERT ON case_file BEGIN
    INSERT INTO case_search_key (case_id) VALUES (new.id);
    INSERT INTO case_search (rowid, pairs, singles, tags)
    SELECT (SELECT n FROM case_search_key WHERE case_id = new.id),
        coalesce((SELECT group_concat(g, ' ') FROM (
            SELECT substr(t.body, n, 2) AS g FROM search_seq
            WHERE n < length(t.body) ORDER BY n)), ''),
        coalesce((SELECT group_concat(g, ' ') FROM (
            SELECT substr(t.body, n, 1) AS g FROM search_seq
            WHERE n <= length(t.body) ORDER BY n)), ''),
        new.category
    FROM (SELECT replace(new.number, '-', ' ') || ' ' || new.community || ' ' || new.address
        || ' ' || new.description AS body) t;
END;
CREATE TRIGGER case_search_update
AFTER UPDATE OF number, community, address, description, category ON case_file BEGIN
    DELETE FROM case_search WHERE rowid = (SELECT n FROM case_search_key WHERE case_id = old.id);
    INSERT INTO case_search (rowid, pairs, singles, tags)
    SELECT (SELECT n FROM case_search_key WHERE case_id = new.id),
        coalesce((SELECT group_concat(g, ' ') FROM (
            SELECT substr(t.body, n, 2) AS g FROM search_seq
            WHERE n < length(t.body) ORDER BY n)), ''),
        coalesce((SELECT group_concat(g, ' ') FROM (
            SELECT substr(t.body, n, 1) AS g FROM search_seq
            WHERE n <= length(t.body) ORDER BY n)), ''),
        new.category
    FROM (SELECT replace(new.number, '-', ' ') || ' ' || new.community || ' ' || new.address
        || ' ' || new.description AS body) t;
END;
"""


# The open cases' own search index: the same rows as case_search (same rowids, texts and
# tokenizer), for the cases the queue shows (queue_key.open). A search of the live queue asks
# it alone, so a frequent character is looked up among a few thousand open cases rather than
# the station's whole history. Kept by the triggers that keep case_search (recreated here as
# they were, each with the open index's lines after) and by the queue key's: whichever of a
# new case's two triggers runs second finds both rows and writes it.
_OPEN_SEARCH_INSERT = """
    INSERT INTO open_search (rowid, pairs, singles, tags)
    SELECT s.rowid, s.pairs, s.singles, s.tags
    FROM case_search_key k JOIN case_search s ON s.rowid = k.n JOIN queue_key q ON q.case_id = k.case_id
    WHERE k.case_id = {id} AND q.open = 1;"""
_CASE_SEARCH_ROW = """
    INSERT INTO case_search (rowid, pairs, singles, tags)
    SELECT (SELECT n FROM case_search_key WHERE case_id = new.id),
        coalesce((SELECT group_concat(g, ' ') FROM (
            SELECT substr(t.body, n, 2) AS g FROM search_seq
            WHERE n < length(t.body) ORDER BY n)), ''),
        coalesce((SELECT group_concat(g, ' ') FROM (
            SELECT substr(t.body, n, 1) AS g FROM search_seq
            WHERE n <= length(t.body) ORDER BY n)), ''),
        new.category
    FROM (SELECT replace(new.number, '-', ' ') || ' ' || new.community || ' ' || new.address
        || ' ' || new.description AS body) t;"""
_OPEN_SEARCH_DELETE = """
    DELETE FROM open_search WHERE rowid = (SELECT n FROM case_search_key WHERE case_id = {id});"""
_OPEN_SEARCH_ROW = _OPEN_SEARCH_DELETE + _OPEN_SEARCH_INSERT
# a new case's row: not there before, whichever of its two triggers runs first
_NEW_CASE = _OPEN_SEARCH_INSERT.format(id="new.id")
_NEW_KEY = _OPEN_SEARCH_INSERT.format(id="new.case_id")
_CHANGED_CASE = _OPEN_SEARCH_ROW.format(id="new.id")
_CHANGED_KEY = _OPEN_SEARCH_ROW.format(id="new.case_id")
V24_OPEN_SEARCH = f"""
CREATE VIRTUAL TABLE open_search USING fts5(pairs, singles, tags, tokenize = "unicode61 tokenchars '_'");
INSERT INTO open_search (rowid, pairs, singles, tags)
    SELECT s.rowid, s.pairs, s.singles, s.tags
    FROM queue_key q JOIN case_search_key k ON k.case_id = q.case_id JOIN case_search s ON s.rowid = k.n
    WHERE q.open = 1;
DROP TRIGGER case_search_insert;
DROP TRIGGER case_search_update;
CREATE TRIGGER case_search_insert AFTER INSERT ON case_file BEGIN
    INSERT INTO case_search_key (case_id) VALUES (new.id);{_CASE_SEARCH_ROW}{_NEW_CASE}
END;
CREATE TRIGGER case_search_update
AFTER UPDATE OF number, community, address, description, category ON case_file BEGIN
    DELETE FROM case_search WHERE rowid = (SELECT n FROM case_search_key WHERE case_id = old.id);
    {_CASE_SEARCH_ROW.strip()}{_CHANGED_CASE}
END;
CREATE TRIGGER open_search_queue_insert AFTER INSERT ON queue_key WHEN new.open = 1 BEGIN{_NEW_KEY}
END;
CREATE TRIGGER open_search_queue_open AFTER UPDATE OF open ON queue_key
WHEN new.open IS NOT old.open BEGIN{_CHANGED_KEY}
END;
"""
