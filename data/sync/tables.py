"""Local bookkeeping tables of the exchange (schema step 3). Never replicated."""

from __future__ import annotations

from sqlalchemy import Column, Integer, LargeBinary, MetaData, String, Table

from models.tables import UTCDateTime

_meta = MetaData()

TRUST = Table(
    "sync_trust",
    _meta,
    Column("station_id", String, primary_key=True),
    Column("public_key", String, nullable=False),
    Column("added_at", UTCDateTime, nullable=False),
    Column("added_by", String, nullable=False),
)

PENDING = Table(
    "sync_pending",
    _meta,
    Column("digest", String, primary_key=True),
    Column("station_id", String, nullable=False),
    Column("first_seq", Integer, nullable=False),
    Column("last_seq", Integer, nullable=False),
    Column("reason", String, nullable=False),
    Column("received_at", UTCDateTime, nullable=False),
    Column("content", LargeBinary, nullable=False),
)
