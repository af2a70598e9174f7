"""The exchange's trust steps: frozen SQL like every step; data/store/schema.py orders them."""

# A trusted key may be the station's district: the authority for shared reference rows.
# Signed chain heads (a station's (seq, hash, time) signed with its key) are kept as the events
# that carry them are applied, one row per carrying event, so verify can hold the chain to them.
# Reference rows rank their writes by authority and the authority's own sequence number
# ("<level><seq>"), no longer by event ids; what was written before this step keeps its value
# ranked as a local default ("2" + zeros): only the district's or the station's own later edits
# replace it. Stations and operators are written by their own station only: ranked by its
# sequence number, the last of their events.
V13_SYNC_TRUST = """
ALTER TABLE sync_trust ADD COLUMN district BOOLEAN NOT NULL DEFAULT 0;
CREATE TABLE signed_head (
    via_station VARCHAR NOT NULL,
    via_seq INTEGER NOT NULL,
    station_id VARCHAR NOT NULL,
    seq INTEGER NOT NULL,
    hash VARCHAR NOT NULL,
    signed_at DATETIME NOT NULL,
    signature VARCHAR NOT NULL,
    PRIMARY KEY (via_station, via_seq)
);
CREATE INDEX ix_signed_head_station ON signed_head (station_id, seq);
UPDATE department SET event_id = '20000000000000000';
UPDATE calendar_year SET event_id = '20000000000000000';
UPDATE station SET event_id = coalesce(
    (SELECT printf('%016d', max(e.seq)) FROM event e
     WHERE e.station_id = station.id AND e.type = 'station.registered'), '0000000000000000');
UPDATE operator SET event_id = coalesce(
    (SELECT printf('%016d', max(e.seq)) FROM event e
     WHERE e.station_id = operator.station_id AND e.type IN ('operator.added', 'operator.changed')
       AND json_extract(e.payload, '$.name') = operator.name), '0000000000000000');
"""
