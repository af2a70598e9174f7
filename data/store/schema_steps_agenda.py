"""Schema steps of the agenda (frozen SQL, appended to data/store/schema.py's STEPS)."""

from __future__ import annotations

# An agenda item's reason kept as catalogue keys and values (a JSON list), so a desk reads it in
# its own language; items added before keep only the text they were written with ('').
V22_AGENDA_REASON_PARTS = """
ALTER TABLE agenda_item ADD COLUMN reason_parts VARCHAR NOT NULL DEFAULT '';
"""
