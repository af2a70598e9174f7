"""Refusals of the domain: a message key from the catalogue plus its parameters."""

from __future__ import annotations

from models.i18n import t


class DomainError(Exception):
    """A refused request. Nothing was changed when one is raised."""

    def __init__(self, key: str, **params: object) -> None:
        super().__init__(key)
        self.key = key
        self.params = params

    def __str__(self) -> str:
        return t(self.key, **self.params)


class IllegalTransition(DomainError):
    pass


class NotFound(DomainError):
    pass


class ValidationError(DomainError):
    """Bad input; ``field`` names the input it belongs to, when there is one."""

    def __init__(self, key: str, field: str | None = None, **params: object) -> None:
        super().__init__(key, **params)
        self.field = field
