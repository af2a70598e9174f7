"""Schema steps of the assessment (一次一考核). Frozen once released; new ones are appended."""

from __future__ import annotations

# The station's rates read the handling clocks whose deadline fell in a period (结案率,
# 按期结案率) and the cases whose disposal was reported in it (返工率's denominator): by index,
# not by walking every clock and every case of the file.
V16_ASSESSMENT_INDEXES = """
CREATE INDEX ix_clock_kind_deadline ON clock (kind, deadline);
CREATE INDEX ix_case_feedback ON case_file (feedback_at);
"""
