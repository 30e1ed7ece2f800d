"""Whether the store and Redis answer, for the readiness probe and the status page. An answer
names what is wrong, never how: the cause goes to the log only."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from typing import Any, Literal

from redis.asyncio import Redis

from chat.realtime.registry import RedisRegistry
from chat.services import Services
from chat.store.schema import LastBackup, SchemaRecords

log = logging.getLogger(__name__)
PROBE_SECONDS = 2.0  # a dependency slower than this to answer counts as unreachable
Answer = Literal["ok", "unreachable"]


async def _probe(name: str, check: Callable[[], Awaitable[Any]]) -> Answer:
    try:
        await asyncio.wait_for(check(), PROBE_SECONDS)
        return "ok"
    except Exception as exc:  # any failure, or no answer in time: it does not answer
        log.warning("%s did not answer (%s: %s)", name, type(exc).__name__, exc)
        return "unreachable"


async def store_answers(services: Services) -> Answer:
    return await _probe("the store", services.store.ping)


async def redis_answers(redis: Redis) -> Answer:
    return await _probe("Redis", redis.ping)


async def last_backup(services: Services) -> LastBackup | None:
    """The newest `linli backup` the store recorded; None: none, or the store did not say."""
    store = services.store
    if not isinstance(store, SchemaRecords):
        return None
    try:
        return await asyncio.wait_for(store.last_backup(), PROBE_SECONDS)
    except Exception:  # the store away: the age is unknown, the page still answers
        return None


async def other_processes(registry: RedisRegistry) -> dict[str, dict[str, Any]]:
    """Every live process's last heartbeat; none when Redis does not answer."""
    try:
        return await asyncio.wait_for(registry.processes(), PROBE_SECONDS)
    except Exception:  # Redis away: this process is all that can be told
        return {}
