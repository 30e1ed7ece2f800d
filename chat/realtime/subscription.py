"""Whether this process hears the other processes' broadcasts right now.

The Redis listener reports here when its subscription is lost and when it is back. While it
is lost the process is deaf: /readyz answers 503, and once it is back the process repairs
what its sockets missed (see `repair.py`). Losses are logged as errors, a long deafness again
every `REMIND_SECONDS`, and the recovery with how long the process was deaf."""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Awaitable, Callable
from datetime import datetime

from chat.clock import Clock

log = logging.getLogger(__name__)
REMIND_SECONDS = 10.0
REPAIR_ATTEMPTS = 6

Repair = Callable[[datetime], Awaitable[None]]


class SubscriptionWatch:
    def __init__(self, clock: Clock, monotonic: Callable[[], float] = time.monotonic) -> None:
        """`clock`: the one messages are stamped with (services.clock), since the repair
        compares the loss time with their times."""
        self._clock = clock
        self._now = monotonic
        self.live = False
        self._lost_at: float | None = None
        self._lost_time: datetime | None = None
        self._reminded_at = 0.0
        self._repairs: list[Repair] = []
        self._tasks: set[asyncio.Task[None]] = set()

    def on_restored(self, repair: Repair) -> None:
        """`repair(lost_at)` runs after every recovery, with the clock's time of the loss;
        repairs run one after the other, in the order they were added."""
        self._repairs.append(repair)

    def lost(self, cause: BaseException) -> None:
        now = self._now()
        if self.live or self._lost_at is None:
            self._lost_at = self._reminded_at = now
            self._lost_time = self._clock.now()
            log.error("fan-out subscription lost (%s: %s): this process hears no other "
                      "process and reports not ready until it re-subscribes",
                      type(cause).__name__, cause)
        elif now - self._reminded_at >= REMIND_SECONDS:
            self._reminded_at = now
            log.error("fan-out subscription still lost after %.1f s (%s)",
                      now - self._lost_at, type(cause).__name__)
        self.live = False

    def restored(self) -> None:
        if self.live:
            return
        self.live = True
        if self._lost_at is None or self._lost_time is None:
            log.info("fan-out subscribed")
            return
        deaf = self._now() - self._lost_at
        lost_time, self._lost_at, self._lost_time = self._lost_time, None, None
        log.info("fan-out subscription back after %.1f s deaf; repairing what this "
                 "process's sockets missed", deaf)
        task = asyncio.create_task(self._run_repairs(lost_time))
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    async def _run_repairs(self, lost_at: datetime) -> None:
        for repair in self._repairs:
            await self._run_repair(repair, lost_at)

    async def _run_repair(self, repair: Repair, lost_at: datetime) -> None:
        for attempt in range(REPAIR_ATTEMPTS):
            try:
                await repair(lost_at)
                return
            except Exception as exc:
                log.warning("catching up after re-subscribing failed (%s: %s); trying again",
                            type(exc).__name__, exc)
                await asyncio.sleep(min(0.5 * 2**attempt, 5.0))
        log.error("gave up catching up after re-subscribing (%d attempts); clients catch up "
                  "when they next sync", REPAIR_ATTEMPTS)

    async def stop(self) -> None:
        for task in list(self._tasks):
            task.cancel()
        await asyncio.gather(*self._tasks, return_exceptions=True)
