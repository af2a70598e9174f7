"""The store: engine, schema versions and steps, the event log, the one apply function and its
handlers, ownership, verify, the station key, and the table handles every side imports."""
