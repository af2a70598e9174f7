"""Schema steps of the escalation ladder (升级). Frozen once released; new ones are appended."""

from __future__ import annotations

# The steps a summons reached past its deadline (二次报警, 缺席), and the absent summons a
# re-whistle follows.
V18_ESCALATION = """
ALTER TABLE checkin ADD COLUMN alarmed_at DATETIME;
ALTER TABLE checkin ADD COLUMN absent_at DATETIME;
ALTER TABLE whistle ADD COLUMN follows VARCHAR;
CREATE INDEX ix_checkin_absent ON checkin (absent_at) WHERE absent_at IS NOT NULL;
"""
