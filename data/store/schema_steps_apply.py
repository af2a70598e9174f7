"""Schema steps for applying events at scale (import, replay, the live desk alike)."""

# The queue order's triggers on clock looked up a case's earliest running check-in clock
# through ix_clock_running (stopped_at, paused_at, kind: three equalities) and so walked every
# running check-in clock of the station on each clock written: 75% of a 20,000-case import.
# They now name the index by case (ix_clock_open: case_id, stopped_at), so each write reads
# its own case's clocks only; a schema that loses that index fails loudly instead of slowing.
V21_CLOCK_TRIGGERS_BY_CASE = """
DROP TRIGGER queue_key_clock_insert;
DROP TRIGGER queue_key_clock_update;
CREATE TRIGGER queue_key_clock_insert AFTER INSERT ON clock BEGIN
    UPDATE queue_key SET
        next_checkin = coalesce((SELECT min(deadline) FROM clock INDEXED BY ix_clock_open
            WHERE case_id = new.case_id AND kind = 'checkin' AND stopped_at IS NULL
            AND paused_at IS NULL), '9999-12-31 00:00:00.000000'),
        next_deadline = coalesce((SELECT min(deadline) FROM clock INDEXED BY ix_clock_open
            WHERE case_id = new.case_id AND stopped_at IS NULL
            AND paused_at IS NULL), '9999-12-31 00:00:00.000000')
    WHERE case_id = new.case_id;
END;
CREATE TRIGGER queue_key_clock_update AFTER UPDATE ON clock BEGIN
    UPDATE queue_key SET
        next_checkin = coalesce((SELECT min(deadline) FROM clock INDEXED BY ix_clock_open
            WHERE case_id = new.case_id AND kind = 'checkin' AND stopped_at IS NULL
            AND paused_at IS NULL), '9999-12-31 00:00:00.000000'),
        next_deadline = coalesce((SELECT min(deadline) FROM clock INDEXED BY ix_clock_open
            WHERE case_id = new.case_id AND stopped_at IS NULL
            AND paused_at IS NULL), '9999-12-31 00:00:00.000000')
    WHERE case_id = new.case_id;
END;
"""
