"""Commands: check a request against the current state, then emit the events that do it.

Every command takes a ``Ctx`` (an open write transaction with its event writer, plus the
station's rules) first. A command that refuses raises a DomainError before emitting
anything, so the transaction rolls back and nothing changes.
"""
