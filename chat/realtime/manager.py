"""Socket.IO client managers whose broadcasts create no asyncio task per recipient.

python-socketio 5.x's `AsyncManager.emit` encodes a broadcast once but then starts one
`asyncio.Task` per recipient and `asyncio.wait`s on all of them. Each of those sends only puts
the packet on the socket's unbounded queue (the socket's own writer task does the I/O), so it
never really has to wait: the task is pure overhead — creation, scheduling, the wait's done
callbacks, and garbage that wakes the cyclic collector (DESIGN §9). Here the already-encoded
packet is handed to each recipient in a plain loop instead; one recipient's failure is logged
and does not stop the others.

Emits with a callback (a distinct ack id per recipient) fall back to the parent unchanged.
`DirectEmitRedisManager` gets the same local delivery: `AsyncPubSubManager` delivers what it
receives from Redis (and `ignore_queue` emits) through `super().emit`, which resolves to
`DirectEmitManager.emit` in its method resolution order.
"""

from __future__ import annotations

import logging
from typing import Any

import socketio
from engineio import packet as eio_packet
from socketio import packet

log = logging.getLogger(__name__)


def _arguments(data: Any) -> list[Any]:
    """The parent's rule: a tuple is several arguments, None is none, anything else one."""
    if isinstance(data, tuple):
        return list(data)
    return [] if data is None else [data]


class DirectEmitManager(socketio.AsyncManager):  # type: ignore[misc]
    """In-process manager: one encode per broadcast, no task per recipient."""

    async def emit(self, event: str, data: Any, namespace: str, room: Any = None,
                   skip_sid: Any = None, callback: Any = None, to: Any = None,
                   **kwargs: Any) -> None:
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
        for sid, eio_sid in self.get_participants(namespace, room):
            if sid not in skip:
                await self._deliver(eio_sid, frames)

    async def _deliver(self, eio_sid: str, frames: list[Any]) -> None:
        try:
            for frame in frames:
                await self.server._send_eio_packet(eio_sid, frame)
        except Exception:
            log.exception("could not queue a broadcast for %s", eio_sid)


class DirectEmitRedisManager(socketio.AsyncRedisManager, DirectEmitManager):  # type: ignore[misc]
    """`AsyncRedisManager` whose local delivery is `DirectEmitManager.emit`."""
