"""The write side: commands that check a request and emit its event, the session that runs them
in one transaction, and CSV intake."""
