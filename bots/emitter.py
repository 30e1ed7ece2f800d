"""Live events from a bot process outside linli, through Redis (docs/architecture.md#bots).

A separate process (a sensor bridge, a scheduler, a bot written against linli's Redis) that
knows `LINLI_REDIS_URL` (and `LINLI_REDIS_NAMESPACE`, when the deployment sets one: it names
the channel) publishes through a write-only `socketio.AsyncRedisManager`; every linli process
of that deployment relays the event to the sockets in the room. Nothing is stored and nothing is
checked: whoever can write to that Redis can reach every room, so treat its URL as a secret.

Because the event is not stored it has no `seq` and must not look like `message:new` (clients
would take it into their history and sync cursors). It is `bot:broadcast {room_id, bot: {id,
name}, text, at}`, delivered at most once to whoever is connected. Anything people must be
able to read later goes through the HTTP bot API (`POST /api/v1/bot/messages`)."""

from __future__ import annotations

import os
from typing import Any

import socketio

from chat.clock import Clock, SystemClock, iso
from chat.realtime.redis_names import RedisNames
from chat.wire_events import BotBroadcast, NamedRef

MAX_TEXT = 2000


class RedisEmitter:
    def __init__(self, redis_url: str, bot_id: str, bot_name: str,
                 clock: Clock | None = None, names: RedisNames | None = None) -> None:
        """`names`: the deployment's (None: no namespace)."""
        channel = (names or RedisNames()).socketio_channel
        self._manager = socketio.AsyncRedisManager(redis_url, channel=channel, write_only=True)
        self._bot = NamedRef(id=bot_id, name=bot_name)
        self._clock = clock or SystemClock()

    @classmethod
    def from_env(cls, bot_id: str, bot_name: str) -> RedisEmitter:
        url = os.environ.get("LINLI_REDIS_URL")
        if not url:
            raise RuntimeError("LINLI_REDIS_URL is not set: the emitter needs linli's Redis")
        names = RedisNames(os.environ.get("LINLI_REDIS_NAMESPACE", ""))
        return cls(url, bot_id, bot_name, names=names)

    async def broadcast(self, room_id: str, text: str) -> dict[str, Any]:
        """Publish to the room's connected members; returns what was sent."""
        text = text.strip()
        if not text or len(text) > MAX_TEXT:
            raise ValueError(f"text must have 1 to {MAX_TEXT} characters")
        event = BotBroadcast(room_id=room_id, bot=self._bot, text=text,
                             at=iso(self._clock.now()))
        data = event.wire()
        await self._manager.emit(event.name, data, namespace="/", room=room_id)
        return data

    async def close(self) -> None:
        redis = self._manager.redis
        if redis is not None:
            await redis.aclose()
