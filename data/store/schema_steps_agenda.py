"""Schema steps of the agenda (frozen SQL, appended to data/store/schema.py's STEPS)."""

from __future__ import annotations

# An agenda item's reason and a handover item's detail kept as catalogue keys and values (a
# JSON list), so a desk reads them in its own language; rows written before keep only the text
# they were written with ('').
V23_REASON_PARTS = """
ALTER TABLE agenda_item ADD COLUMN reason_parts VARCHAR NOT NULL DEFAULT '';
ALTER TABLE handover_item ADD COLUMN parts VARCHAR NOT NULL DEFAULT '';
"""
