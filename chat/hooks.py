"""Work that follows a stored message (keyword detection, bots) without delaying its delivery.

`message_created` returns at once; each hook runs in its own task with a time limit, and a
hook that raises or hangs is logged while chat goes on."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable

from chat.models import Message, Room, User

log = logging.getLogger(__name__)

MessageHook = Callable[[Message, Room, User], Awaitable[None]]


class MessageHooks:
    def __init__(self, timeout: float = 10.0) -> None:
        self._hooks: list[tuple[str, MessageHook]] = []
        self._tasks: set[asyncio.Task[None]] = set()
        self._timeout = timeout

    def add(self, name: str, hook: MessageHook) -> None:
        self._hooks.append((name, hook))

    def message_created(self, message: Message, room: Room, sender: User) -> None:
        for name, hook in self._hooks:
            task = asyncio.create_task(self._run(name, hook, message, room, sender))
            self._tasks.add(task)
            task.add_done_callback(self._tasks.discard)

    async def _run(self, name: str, hook: MessageHook, message: Message, room: Room,
                   sender: User) -> None:
        try:
            await asyncio.wait_for(hook(message, room, sender), self._timeout)
        except TimeoutError:
            log.error("hook %s timed out after %.1f s on message %s", name, self._timeout,
                      message.id)
        except Exception:
            log.exception("hook %s failed on message %s", name, message.id)

    async def drain(self) -> None:
        """Wait for the hooks already started (at shutdown, and in tests)."""
        while self._tasks:
            await asyncio.gather(*list(self._tasks), return_exceptions=True)
