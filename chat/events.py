"""Domain events and the work that follows them (keyword detection, bots, webhooks) without
delaying the action that published them.

`publish` returns at once; each subscriber runs in its own task with a time limit, and one
that raises or hangs is logged while chat goes on."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any, TypeVar

from chat.models import Message, Room, User

log = logging.getLogger(__name__)

E = TypeVar("E")
Handler = Callable[[Any], Awaitable[None]]


@dataclass(frozen=True)
class MessageCreated:
    """A person's chat message was stored and delivered."""

    message: Message
    room: Room
    sender: User


@dataclass(frozen=True)
class MessageDeleted:
    """A message became a tombstone (by its sender or a moderator)."""

    message: Message
    room: Room
    by: User


class Events:
    def __init__(self, timeout: float = 10.0) -> None:
        self._handlers: dict[type[Any], list[tuple[str, Handler]]] = {}
        self._tasks: set[asyncio.Task[None]] = set()
        self._timeout = timeout

    def subscribe(self, kind: type[E], name: str,
                  handler: Callable[[E], Awaitable[None]]) -> None:
        self._handlers.setdefault(kind, []).append((name, handler))

    def publish(self, event: object) -> None:
        for name, handler in self._handlers.get(type(event), []):
            task = asyncio.create_task(self._run(name, handler, event))
            self._tasks.add(task)
            task.add_done_callback(self._tasks.discard)

    async def _run(self, name: str, handler: Handler, event: object) -> None:
        try:
            await asyncio.wait_for(handler(event), self._timeout)
        except TimeoutError:
            log.error("%s timed out after %.1f s on %s", name, self._timeout,
                      type(event).__name__)
        except Exception:
            log.exception("%s failed on %s", name, type(event).__name__)

    async def drain(self) -> None:
        """Wait for the handlers already started (at shutdown, and in tests)."""
        while self._tasks:
            await asyncio.gather(*list(self._tasks), return_exceptions=True)
