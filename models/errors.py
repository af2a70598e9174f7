"""Refusals of the domain: a message key from the catalogue plus its parameters."""

from __future__ import annotations

from enum import StrEnum

from models.i18n import label, t


class DomainError(Exception):
    """A refused request. Nothing was changed when one is raised."""

    def __init__(self, key: str, **params: object) -> None:
        super().__init__(key)
        self.key = key
        self.params = params

    def __str__(self) -> str:
        # Enum parameters are named at display time, so the message follows the language
        # in force when it is shown, not when it was raised.
        params = {k: label(v) if isinstance(v, StrEnum) else v for k, v in self.params.items()}
        return t(self.key, **params)


class IllegalTransition(DomainError):
    pass


class NotFound(DomainError):
    pass


class ValidationError(DomainError):
    """Bad input; ``field`` names the input it belongs to, when there is one."""

    def __init__(self, key: str, field: str | None = None, **params: object) -> None:
        super().__init__(key, **params)
        self.field = field
