"""What the built-in command bots share: a syntax error for the reply, and the Chinese half of
a domain error's message."""

from __future__ import annotations

from chat.errors import DomainError


class CommandError(ValueError):
    """The command text does not follow the syntax; the message says what is wrong."""


def chinese(error: DomainError) -> str:
    """The Chinese half of an "english / 中文" message."""
    return error.message.rsplit(" / ", 1)[-1]
