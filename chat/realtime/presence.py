"""Presence events, coalesced: changes are collected per room and sent at most once per
interval as `presence {room_id, online: [...], offline: [...]}`, so a thousand members
connecting at once cost a handful of broadcasts, not a million deliveries."""

from __future__ import annotations

import asyncio
import logging

from chat.realtime.fanout import Fanout
from chat.tasks import cancel
from chat.wire_events import Presence

log = logging.getLogger(__name__)


class PresenceBatcher:
    def __init__(self, fanout: Fanout, interval: float) -> None:
        self._fanout = fanout
        self._interval = interval
        self._pending: dict[str, dict[str, bool]] = {}
        self._task: asyncio.Task[None] | None = None

    def changed(self, user_id: str, rooms: list[str], online: bool) -> None:
        for room in rooms:
            self._pending.setdefault(room, {})[user_id] = online

    async def start(self) -> None:
        self._task = asyncio.create_task(self._run())

    async def stop(self) -> None:
        await cancel(self._task)
        await self.flush()

    async def flush(self) -> None:
        pending, self._pending = self._pending, {}
        for room, states in pending.items():
            event = Presence(room_id=room,
                             online=sorted(u for u, on in states.items() if on),
                             offline=sorted(u for u, on in states.items() if not on))
            await self._fanout.send(event, room)

    async def _run(self) -> None:
        while True:
            await asyncio.sleep(self._interval)
            try:
                await self.flush()
            except Exception:
                log.exception("presence flush failed")
