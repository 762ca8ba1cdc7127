"""The one error type that reaches a user: ``UserError`` carries a message key of ``locales/``
and its values, so the edge (CLI, chat) can say what went wrong in the reader's language."""

from __future__ import annotations

from typing import Any


class UserError(Exception):
    """A bad input or a state the user can fix; ``key`` names the message in ``locales/``."""

    def __init__(self, key: str, /, **values: Any) -> None:
        super().__init__(key)
        self.key = key
        self.values = values

    def __str__(self) -> str:
        return f"{self.key} {self.values}" if self.values else self.key
