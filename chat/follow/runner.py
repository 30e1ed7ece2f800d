"""One consumer of chat messages, resumable: per room it handles the messages after its durable
cursor, in seq order, and moves the cursor past each message once the handler is done with it.
Only the process holding the consumer's lease runs it. Live events bring new messages at once;
on taking the lease, and every sweep, it reads every room's messages it has not handled yet.

A handler may hand back work still under way (webhook retries): the next messages are handled
meanwhile, but the stored cursor stays before that message until the work has finished, so a
crash in the middle of it brings the message again."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections import defaultdict
from collections.abc import Awaitable, Callable, Coroutine
from dataclasses import dataclass
from typing import Any

from redis.exceptions import RedisError

from chat.clock import Clock
from chat.errors import DomainError, Unavailable
from chat.events import MessageCreated
from chat.follow.lease import Lease
from chat.models import Message
from chat.store.base import ChatStore

log = logging.getLogger(__name__)
PAGE = 100
Transient = (Unavailable, RedisError, ConnectionError)
Settling = asyncio.Future[Any]


@dataclass(frozen=True)
class Consumer:
    """Work that follows every stored message. `handle` must be idempotent: after a crash a
    message it already handled may come again (the cursor passes it only once `handle`
    returned). `time_limit` None: the handler limits its own parts."""

    name: str
    handle: Callable[[MessageCreated], Awaitable[Settling | None]]
    time_limit: float | None


def finished(work: Settling) -> bool:
    """Work handed back is finished once it returned anything but False; cancelled (at
    shutdown), failed or False, it is not, and its message comes again after a restart."""
    return work.done() and not work.cancelled() and work.exception() is None \
        and work.result() is not False


def followed(message: Message) -> bool:
    """What consumers are given (with a sender that is an account): people's messages and bot
    accounts', not built-in bots' posts, and nothing deleted before its turn came."""
    return message.kind != "bot" and message.deleted_at is None


async def _nothing() -> None:
    return None


async def all_rooms(store: ChatStore) -> list[str]:
    rooms: list[str] = []
    for community in await store.list_units("community"):
        rooms += [room.id for room in await store.list_rooms(community.id)]
    return rooms


class Runner:
    def __init__(self, store: ChatStore, consumer: Consumer, lease: Lease, lease_seconds: float,
                 sweep_seconds: float, clock: Clock) -> None:
        """`clock`: the app's, for when the consumer first started."""
        self.consumer = consumer
        self._store = store
        self._clock = clock
        self._lease = lease
        self._renew_every = lease_seconds / 3
        self._sweep_every = sweep_seconds
        self._held = False
        self._cursors: dict[str, int] = {}  # handled up to, in this process
        self._settling: defaultdict[str, list[tuple[int, Settling]]] = defaultdict(list)
        self._locks: defaultdict[str, asyncio.Lock] = defaultdict(asyncio.Lock)
        self._tasks: set[asyncio.Task[None]] = set()
        self._catching_up: asyncio.Task[None] | None = None
        self._loop: asyncio.Task[None] | None = None
        self._stopped = False

    @property
    def name(self) -> str:
        return self.consumer.name

    @property
    def held(self) -> bool:
        return self._held

    # ---- lifecycle ----------------------------------------------------------------------
    async def start(self) -> None:
        """Before serving: the first start follows from the messages stored now; then one
        try for the lease (catching up in the background), then the lease loop."""
        if await self._store.follow_cursors(self.name) is None:
            rooms = await all_rooms(self._store)
            await self._store.start_follow(self.name, await self._store.last_seqs(rooms),
                                           self._clock.now())
        await self._tick(sweep=False)
        self._loop = asyncio.create_task(self._run())

    async def stop(self) -> None:
        self._stopped = True
        tasks = [t for t in (self._loop, self._catching_up, *self._tasks) if t is not None]
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
        if self._held:
            self._held = False
            with contextlib.suppress(DomainError, RedisError, ConnectionError):
                await self._lease.release()

    async def _run(self) -> None:
        next_sweep = asyncio.get_running_loop().time() + self._sweep_every
        while True:
            await asyncio.sleep(self._renew_every)
            now = asyncio.get_running_loop().time()
            try:
                await self._tick(sweep=now >= next_sweep)
            except Exception:
                log.exception("%s: lease check failed; trying again", self.name)
            if now >= next_sweep:
                next_sweep = now + self._sweep_every

    async def _tick(self, sweep: bool) -> None:
        try:
            held = await self._lease.hold()
        except Transient as exc:
            log.warning("%s: lease not renewed (%s); pausing", self.name, exc)
            held = False
        if held and not self._held:
            try:
                self._cursors = dict(await self._store.follow_cursors(self.name) or {})
            except Unavailable as exc:
                log.warning("%s: cursors unreadable (%s); trying again", self.name, exc)
                return
            log.info("%s: running here; catching up", self.name)
            self._held = True
            self._catch_up_soon()
        elif held and sweep:
            self._catch_up_soon()
        elif not held and self._held:
            log.warning("%s: lease lost; another process runs it now", self.name)
            self._held = False

    # ---- work ---------------------------------------------------------------------------
    def spawn(self, work: Coroutine[Any, Any, None]) -> asyncio.Task[None]:
        if self._stopped:  # shutting down: the cursors stay as stored
            work.close()
            work = _nothing()
        task = asyncio.create_task(work)
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)
        return task

    def _catch_up_soon(self) -> None:
        if self._catching_up is None or self._catching_up.done():
            self._catching_up = asyncio.create_task(self.catch_up())

    async def catch_up(self) -> None:
        """Every room's messages after the cursor (at start-up, on taking the lease, each
        sweep); a store outage ends the pass and the next one goes on from the cursors."""
        try:
            rooms = await all_rooms(self._store)
            last = await self._store.last_seqs(rooms)
            for room_id in rooms:
                if not self._held:
                    return
                if last.get(room_id, 0) > self._cursors.get(room_id, 0):
                    await self.advance(room_id)
        except Transient as exc:
            log.warning("%s: catch-up paused (%s)", self.name, exc)
        except Exception:
            log.exception("%s: catch-up failed", self.name)

    async def on_message(self, room_id: str, seq: int) -> None:
        """A live event: handle the room up to `seq` now, if this process runs the consumer
        (after an outage, the next sweep goes on from the cursor)."""
        if not self._held or seq <= self._cursors.get(room_id, 0):
            return
        try:
            await self.advance(room_id, seq)
        except Transient as exc:
            log.warning("%s: room %s paused at seq %d (%s)", self.name, room_id,
                        self._cursors.get(room_id, 0), exc)

    async def advance(self, room_id: str, up_to: int | None = None) -> None:
        """Handle the room's messages after its cursor, in order (up to `up_to` at least)."""
        async with self._locks[room_id]:
            while self._held:
                after = self._cursors.get(room_id, 0)
                if up_to is not None and after >= up_to:
                    return
                page = await self._store.messages_after(room_id, after, PAGE)
                if not page:
                    return
                room = await self._store.get_room(room_id)
                people = await self._store.get_users(sorted({m.sender_id for m in page}))
                senders = {user.id: user for user in people}
                for message in page:
                    if not self._held:
                        return
                    sender = senders.get(message.sender_id)
                    work = None
                    if room is not None and sender is not None and followed(message):
                        work = await self._handle(MessageCreated(message, room, sender))
                    self._cursors[room_id] = message.seq
                    if work is not None and not work.done():
                        self._settling[room_id].append((message.seq, work))
                        work.add_done_callback(lambda _: self.spawn(self._settled(room_id)))
                    await self._store_cursor(room_id)
                if len(page) < PAGE:
                    return

    async def _store_cursor(self, room_id: str) -> None:
        """Store the cursor past every handled message whose work has finished. Work that
        ended unfinished sends this process back before its message: the next sweep handles
        it again (and the messages after it: idempotent, what is done stays done)."""
        waiting = self._settling[room_id]
        while waiting and finished(waiting[0][1]):
            waiting.pop(0)
        if waiting and waiting[0][1].done():
            self._cursors[room_id] = min(self._cursors.get(room_id, 0), waiting[0][0] - 1)
            waiting.clear()
            return
        seq = waiting[0][0] - 1 if waiting else self._cursors.get(room_id, 0)
        await self._store.advance_follow(self.name, room_id, seq)

    async def _settled(self, room_id: str) -> None:
        try:
            await self._store_cursor(room_id)
        except (*Transient, DomainError) as exc:
            log.warning("%s: cursor of room %s not stored (%s)", self.name, room_id, exc)

    async def _handle(self, event: MessageCreated) -> Settling | None:
        """A handler that fails or overruns is logged and the message counts as handled (one
        bad message must not stop the room); a store or Redis outage stops the pass, so the
        message comes again."""
        try:
            return await asyncio.wait_for(self.consumer.handle(event), self.consumer.time_limit)
        except Transient:
            raise
        except TimeoutError:
            log.error("%s timed out after %.1f s on message %s", self.name,
                      self.consumer.time_limit or 0, event.message.id)
        except Exception:
            log.exception("%s failed on message %s", self.name, event.message.id)
        return None
