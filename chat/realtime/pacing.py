"""Updates coalesced per key, like presence (chat/realtime/presence.py): at most one send per
key per `ACKS_INTERVAL`. The first goes out at once; those that follow within the interval become
one, sent when it ends (the send reads the state stored by then). Pacing is in real (event loop)
time, per process, like the presence interval; it is not a domain time.

Notices use it for their acknowledgement counts (`notice:updated` of change "acks"): one
`AckPacer` per app, in its Services (`services.ack_pacer`). It lives in chat, not with notices,
because Services holds it."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable

log = logging.getLogger(__name__)
ACKS_INTERVAL = 1.0  # seconds
KEEP_SENT = 256
"""Beyond this many notices remembered, those sent more than an interval ago are forgotten."""

Send = Callable[[], Awaitable[None]]


class AckPacer:
    def __init__(self, interval: float = ACKS_INTERVAL) -> None:
        self._interval = interval
        self._sent: dict[str, float] = {}
        """notice id → event loop time of its last update."""
        self._waiting: set[str] = set()
        self._tasks: set[asyncio.Task[None]] = set()

    async def changed(self, notice_id: str, send: Send) -> None:
        """Call `send` now, or once at the end of the notice's interval if it sent lately;
        `send` reads the counts when it runs, so a late one carries every change before it."""
        if notice_id in self._waiting:
            return
        now = asyncio.get_running_loop().time()
        last = self._sent.get(notice_id)
        if last is None or now - last >= self._interval:
            self._mark(notice_id, now)
            await send()
            return
        self._waiting.add(notice_id)
        task = asyncio.create_task(self._later(notice_id, last + self._interval - now, send))
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    async def _later(self, notice_id: str, delay: float, send: Send) -> None:
        try:
            await asyncio.sleep(delay)
        finally:
            self._waiting.discard(notice_id)  # changes from now on wait for the next interval
        self._mark(notice_id, asyncio.get_running_loop().time())
        try:
            await send()
        except Exception:
            log.exception("notice %s: the coalesced acknowledgement update failed", notice_id)

    def _mark(self, notice_id: str, now: float) -> None:
        self._sent[notice_id] = now
        if len(self._sent) > KEEP_SENT:
            self._sent = {k: t for k, t in self._sent.items() if now - t < self._interval}

