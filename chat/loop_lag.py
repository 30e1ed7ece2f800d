"""How late the event loop runs what is due: a small task sleeps for a fixed interval and
records how much longer than that it took to wake (the figure behind a process that answers
slowly although no single request is slow)."""

from __future__ import annotations

import asyncio

from chat.metrics import LOOP_LAG_SECONDS
from chat.tasks import cancel

INTERVAL_SECONDS = 0.5


class LoopLagMonitor:
    def __init__(self, interval: float = INTERVAL_SECONDS) -> None:
        self._interval = interval
        self._task: asyncio.Task[None] | None = None
        self.latest = 0.0  # the last sample's lag, seconds
        self.worst = 0.0  # the worst of the last minute or so, seconds
        self._window: list[float] = []

    def start(self) -> None:
        self._task = asyncio.create_task(self._run())

    async def stop(self) -> None:
        await cancel(self._task)
        self._task = None

    async def _run(self) -> None:
        loop = asyncio.get_running_loop()
        keep = max(1, int(60 / self._interval))
        while True:
            before = loop.time()
            await asyncio.sleep(self._interval)
            lag = max(0.0, loop.time() - before - self._interval)
            LOOP_LAG_SECONDS.observe(lag)
            self.latest = lag
            self._window = [*self._window[-(keep - 1):], lag]
            self.worst = max(self._window)
