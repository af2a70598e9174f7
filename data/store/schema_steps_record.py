"""Schema steps of an honest record (issue 12). Frozen once released, like every step."""

from __future__ import annotations

# Lateness stays a fact: the deadline a clock had passed when it was extended. A time entered
# late (补录) keeps when it was entered; a withdrawn summons keeps when, by whom and why.
V10_HONEST_RECORD = """
ALTER TABLE clock ADD COLUMN late_since DATETIME;
ALTER TABLE checkin ADD COLUMN arrived_entered_at DATETIME;
ALTER TABLE checkin ADD COLUMN acted_entered_at DATETIME;
ALTER TABLE checkin ADD COLUMN released_entered_at DATETIME;
ALTER TABLE checkin ADD COLUMN withdrawn_at DATETIME;
ALTER TABLE checkin ADD COLUMN withdrawn_by VARCHAR;
ALTER TABLE checkin ADD COLUMN withdraw_reason VARCHAR;
"""
