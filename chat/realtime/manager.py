"""Socket.IO client managers whose broadcasts create no asyncio task per recipient.

python-socketio 5.x's `AsyncManager.emit` encodes a broadcast once but then starts one
`asyncio.Task` per recipient and `asyncio.wait`s on all of them. Each of those sends only puts
the packet on the socket's unbounded queue (the socket's own writer task does the I/O), so it
never really has to wait: the task is pure overhead — creation, scheduling, the wait's done
callbacks, and garbage that wakes the cyclic collector (docs/architecture.md#realtime). Here
the already-encoded packet is handed to each recipient in a plain loop instead; one
recipient's failure is logged and does not stop the others.

Emits with a callback (a distinct ack id per recipient) fall back to the parent unchanged.
`DirectEmitRedisManager` gets the same local delivery: `AsyncPubSubManager` delivers what it
receives from Redis (and `ignore_queue` emits) through `super().emit`, which resolves to
`DirectEmitManager.emit` in its method resolution order.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections.abc import AsyncIterator, Callable
from typing import Any

import socketio
from engineio import packet as eio_packet
from redis.asyncio import Redis
from redis.asyncio.client import PubSub
from socketio import packet

from chat.metrics import FANOUT_PUBLISH_FAILURES, FANOUT_UNHEARD, MESSAGES_DELIVERED
from chat.realtime.ledger import DeliveryLedger
from chat.realtime.redis_names import RedisNames
from chat.realtime.subscription import SubscriptionWatch
from chat.tasks import cancel
from chat.wire_events import MessageNew, ServerEvent

log = logging.getLogger(__name__)
RETRY_FIRST_SECONDS = 0.1  # re-subscribing: 0.1, 0.2, 0.4, 0.8, then every second
RETRY_CAP_SECONDS = 1.0
CONNECT_TIMEOUT_SECONDS = 2.0
COMMAND_TIMEOUT_SECONDS = 2.0
QUIET_SECONDS = 3.0  # a subscription this long without traffic is PINGed…
PONG_WITHIN_SECONDS = 2.0  # …and counts as lost without an answer this soon


def _arguments(data: Any) -> list[Any]:
    """The parent's rule: a tuple is several arguments, None is none, anything else one."""
    if isinstance(data, tuple):
        return list(data)
    return [] if data is None else [data]


def _first_delivery(ledger: DeliveryLedger, data: Any) -> bool:
    """False for a `message:new` whose room and seq were delivered before."""
    view = data[0] if isinstance(data, list) and data else data
    if not isinstance(view, dict):
        return True
    room, seq = view.get("room_id"), view.get("seq")
    if not isinstance(room, str) or not isinstance(seq, int):
        return True
    return ledger.first_time(room, seq)


class DirectEmitManager(socketio.AsyncManager):  # type: ignore[misc]
    """In-process manager: one encode per broadcast, no task per recipient, and each
    `message:new` handed to the sockets once (a retried send announces its message again)."""

    dedupes_in_emit = True  # the Redis manager dedupes where broadcasts arrive instead

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.ledger = DeliveryLedger()

    async def emit(self, event: str, data: Any, namespace: str, room: Any = None,
                   skip_sid: Any = None, callback: Any = None, to: Any = None,
                   **kwargs: Any) -> None:
        if event == "message:new" and self.dedupes_in_emit \
                and not _first_delivery(self.ledger, data):
            return
        if callback is not None:
            await super().emit(event, data, namespace, room=room, skip_sid=skip_sid,
                               callback=callback, to=to, **kwargs)
            return
        room = to or room
        if namespace not in self.rooms:
            return
        skip = skip_sid if isinstance(skip_sid, list) else [skip_sid]
        pkt = self.server.packet_class(packet.EVENT, namespace=namespace,
                                       data=[event, *_arguments(data)])
        encoded = pkt.encode()
        frames = [eio_packet.Packet(eio_packet.MESSAGE, p)
                  for p in (encoded if isinstance(encoded, list) else [encoded])]
        handed = 0
        for sid, eio_sid in self.get_participants(namespace, room):
            if sid not in skip:
                await self._deliver(eio_sid, frames)
                handed += 1
        if event == "message:new":
            MESSAGES_DELIVERED.inc(handed)

    async def _deliver(self, eio_sid: str, frames: list[Any]) -> None:
        try:
            for frame in frames:
                await self.server._send_eio_packet(eio_sid, frame)
        except Exception:
            log.exception("could not queue a broadcast for %s", eio_sid)


class DirectEmitRedisManager(socketio.AsyncRedisManager, DirectEmitManager):  # type: ignore[misc]
    """`AsyncRedisManager` whose local delivery is `DirectEmitManager.emit`, that re-subscribes
    promptly after losing Redis (the library backs off up to a minute, deaf all the while),
    reports its subscription to a `SubscriptionWatch`, and hands each `message:new` to its
    sockets once (the `DeliveryLedger`, which also tells the repair where each gap starts)."""

    dedupes_in_emit = False

    def __init__(self, url: str, watch: SubscriptionWatch,
                 ledger: DeliveryLedger | None = None, names: RedisNames | None = None) -> None:
        """`names`: the deployment's, whose channel carries the broadcasts (None: none)."""
        # The publishing client gives up on a silent Redis instead of holding up the emit
        # (and the send that waits for it); the listener has a client of its own.
        super().__init__(url, channel=(names or RedisNames()).socketio_channel,
                         redis_options={"socket_timeout": COMMAND_TIMEOUT_SECONDS,
                                        "socket_connect_timeout": CONNECT_TIMEOUT_SECONDS})
        self.watch = watch
        self.ledger = ledger or DeliveryLedger()
        self._listener: Redis | None = None
        self._unheard = UnheardBroadcasts()

    # ---- delivery ---------------------------------------------------------------------
    async def _handle_emit(self, message: dict[str, Any]) -> None:
        """Every emit of this process and every one heard from Redis passes here."""
        if message.get("event") == "message:new" \
                and not _first_delivery(self.ledger, message.get("data")):
            return
        await super()._handle_emit(message)

    async def deliver_locally(self, event: ServerEvent, room: str) -> bool:
        """To this process's sockets in `room` only; False for a `message:new` they had."""
        if isinstance(event, MessageNew) and not self.ledger.first_time(room, event.seq):
            return False
        await self.emit(event.name, event.wire(), namespace="/", room=room, ignore_queue=True)
        return True

    def local_rooms(self) -> list[str]:
        """The rooms at least one socket of this process is in."""
        return [room for room, members in self.rooms.get("/", {}).items()
                if room is not None and members]

    # ---- Redis ------------------------------------------------------------------------
    async def _publish(self, data: dict[str, Any]) -> Any:
        receivers = await super()._publish(data)
        if receivers is None:  # the library gave up after its retry
            FANOUT_PUBLISH_FAILURES.inc()
        elif receivers == 0:
            FANOUT_UNHEARD.inc()
        if not receivers and data.get("method") == "emit":
            self._unheard.add(str(data.get("event")), str(data.get("room")))
        return receivers

    async def _redis_listen_with_retries(self) -> AsyncIterator[dict[str, Any]]:
        delay = RETRY_FIRST_SECONDS
        while True:
            pubsub = self._listener_client().pubsub()
            try:
                await pubsub.subscribe(self.channel)
                async for message in self._heard(pubsub):
                    if message["type"] == "subscribe":
                        delay = RETRY_FIRST_SECONDS
                        self.watch.restored()
                    else:
                        yield message
                self.watch.lost(ConnectionError("the subscription ended"))
            except Exception as exc:  # any failure of the subscription: subscribe again
                self.watch.lost(exc)
            finally:
                with contextlib.suppress(Exception):
                    await pubsub.aclose()  # type: ignore[no-untyped-call]
            await asyncio.sleep(delay)
            delay = min(delay * 2, RETRY_CAP_SECONDS)

    async def _heard(self, pubsub: PubSub) -> AsyncIterator[dict[str, Any]]:
        """What the subscription receives. A connection can die without a word (a network
        cut, a frozen server): after a quiet spell it is PINGed, and an unanswered PING ends
        it like any other failure."""
        clock = asyncio.get_running_loop().time
        pinged_at: float | None = None
        while True:
            wait = QUIET_SECONDS if pinged_at is None else PONG_WITHIN_SECONDS
            message = await pubsub.get_message(timeout=wait)
            if message is None:
                if pinged_at is None:
                    await pubsub.ping()
                    pinged_at = clock()
                elif clock() - pinged_at >= PONG_WITHIN_SECONDS:
                    raise ConnectionError("no answer to a PING on the subscription")
            elif message["type"] == "pong":
                pinged_at = None
            else:
                yield message

    def _listener_client(self) -> Redis:
        if self._listener is None:
            self._listener = Redis.from_url(self.redis_url,
                                            socket_connect_timeout=CONNECT_TIMEOUT_SECONDS)
        return self._listener

    async def close(self) -> None:
        thread = getattr(self, "thread", None)
        if isinstance(thread, asyncio.Task):
            await cancel(thread)
        await self.watch.stop()
        for client in (self._listener, self.redis):
            if client is not None:
                with contextlib.suppress(Exception):
                    await client.aclose()


class UnheardBroadcasts:
    """Logs broadcasts that no process heard (Redis down, or every process deaf, this one
    too): this process's own sockets got them; the others repair once they hear Redis again.
    At most one line per `every` seconds, with how many went unheard since the last."""

    def __init__(self, every: float = 5.0, monotonic: Callable[[], float] = time.monotonic
                 ) -> None:
        self._every = every
        self._now = monotonic
        self._logged_at = -every
        self._count = 0

    def add(self, event: str, room: str) -> None:
        self._count += 1
        now = self._now()
        if now - self._logged_at >= self._every:
            log.warning("%d broadcast(s) reached no process through Redis (latest %s to %s): "
                        "this process's sockets had them, the others catch up from the store "
                        "once they hear Redis again", self._count, event, room)
            self._logged_at, self._count = now, 0
