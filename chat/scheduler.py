"""Periodic system work (the ticket sweep, poll deadlines, scheduled notices): each job runs
every `interval` seconds in its own task; a failure is logged and the job runs again."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from typing import Any

from chat.tasks import cancel

log = logging.getLogger(__name__)

Job = Callable[[], Awaitable[Any]]


class Scheduler:
    def __init__(self) -> None:
        self._jobs: list[tuple[str, float, Job]] = []
        self._tasks: list[asyncio.Task[None]] = []

    def add(self, name: str, interval: float, job: Job) -> None:
        self._jobs.append((name, interval, job))

    def start(self) -> None:
        self._tasks = [asyncio.create_task(self._loop(*job)) for job in self._jobs]

    async def stop(self) -> None:
        await cancel(*self._tasks)
        self._tasks = []

    async def _loop(self, name: str, interval: float, job: Job) -> None:
        while True:
            await asyncio.sleep(interval)
            try:
                await job()
            except Exception:
                log.exception("scheduled job %s failed; next run in %.0f s", name, interval)
