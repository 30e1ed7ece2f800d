"""The consumers that follow chat messages, wired to live events and to each other's processes.

Every process subscribes each consumer to `MessageCreated`: the process running the consumer
handles the room at once (the bus waits for it, so `Events.drain` covers it). With Redis, each
stored message is also announced on a channel, so the process running a consumer hears of
messages stored by the others; the sweep picks up any announcement lost."""

from __future__ import annotations

import asyncio
import json
import logging
from collections.abc import Awaitable, Callable

from redis.asyncio import Redis
from redis.exceptions import RedisError

from chat.clock import Clock
from chat.events import MessageCreated
from chat.follow.lease import Lease, RedisLease, StoreLease, holder_id
from chat.follow.runner import Consumer, Runner, Settling
from chat.realtime.redis_names import RedisNames
from chat.services import Services

log = logging.getLogger(__name__)


class Follow:
    def __init__(self, services: Services, redis: Redis | None, lease_clock: Clock,
                 names: RedisNames | None = None) -> None:
        """`lease_clock` times leases kept in the store (see StoreLease): real time."""
        self._services = services
        self._redis = redis
        self._names = names or RedisNames()
        self._lease_clock = lease_clock
        self._holder = holder_id()
        self._runners: list[Runner] = []
        self._listener: asyncio.Task[None] | None = None
        if redis is not None:
            services.events.subscribe(MessageCreated, "follow announce", self._announce)

    @property
    def runners(self) -> tuple[Runner, ...]:
        return tuple(self._runners)

    def add(self, name: str, handle: Callable[[MessageCreated], Awaitable[Settling | None]],
            time_limit: float | None) -> None:
        """Run `handle` once for every stored message (idempotently: see Consumer); work it
        hands back holds the cursor before the message until it has finished."""
        settings = self._services.settings
        lease: Lease = RedisLease(self._redis, name, self._holder, settings.follow_lease_seconds,
                                  self._names) \
            if self._redis is not None else \
            StoreLease(self._services.store, name, self._holder, settings.follow_lease_seconds,
                       self._lease_clock)
        runner = Runner(self._services.store, Consumer(name, handle, time_limit), lease,
                        settings.follow_lease_seconds, settings.follow_sweep_seconds,
                        self._services.clock)
        self._runners.append(runner)

        async def live(event: MessageCreated) -> None:
            task = self._start(runner, event.room.id, event.message.seq)
            if not self._services.settings.follow_delay_seconds:
                # Shielded: the bus's time limit must not cut a room's pass in the middle.
                await asyncio.shield(task)

        self._services.events.subscribe(MessageCreated, f"follow {name}", live)

    def _start(self, runner: Runner, room_id: str, seq: int) -> asyncio.Task[None]:
        delay = self._services.settings.follow_delay_seconds
        if delay > 0:  # test-only: leave the work undone for a while
            return runner.spawn(_later(delay, lambda: runner.on_message(room_id, seq)))
        return runner.spawn(runner.on_message(room_id, seq))

    # ---- other processes' messages --------------------------------------------------------
    async def _announce(self, event: MessageCreated) -> None:
        if self._redis is None:
            return
        note = json.dumps({"room_id": event.room.id, "seq": event.message.seq,
                           "from": self._holder})
        try:
            await self._redis.publish(self._names.follow_channel, note)
        except RedisError as exc:
            log.warning("message %s not announced (%s); the sweep will find it",
                        event.message.id, exc)

    async def _listen(self, redis: Redis) -> None:
        while True:
            try:
                async with redis.pubsub() as pubsub:
                    await pubsub.subscribe(self._names.follow_channel)
                    async for note in pubsub.listen():
                        if note.get("type") == "message":
                            self._heard(str(note.get("data")))
            except (RedisError, ConnectionError) as exc:
                log.warning("follow channel lost (%s); resubscribing", exc)
                await asyncio.sleep(1.0)

    def _heard(self, data: str) -> None:
        try:
            note = json.loads(data)
            room_id, seq, origin = str(note["room_id"]), int(note["seq"]), note["from"]
        except (ValueError, KeyError, TypeError):
            return
        if origin == self._holder:
            return
        for runner in self._runners:
            if runner.held:
                self._start(runner, room_id, seq)

    # ---- lifecycle ----------------------------------------------------------------------
    async def start(self) -> None:
        for runner in self._runners:
            await runner.start()
        if self._redis is not None:
            self._listener = asyncio.create_task(self._listen(self._redis))

    async def stop(self) -> None:
        if self._listener is not None:
            self._listener.cancel()
            await asyncio.gather(self._listener, return_exceptions=True)
        for runner in self._runners:
            await runner.stop()


async def _later(delay: float, work: Callable[[], Awaitable[None]]) -> None:
    await asyncio.sleep(delay)
    await work()
