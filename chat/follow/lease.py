"""Leases: one process at a time runs each consumer. In Redis when it is configured (a key with
a time-to-live), otherwise in the store (a row with an expiry). A holder renews well before the
lease runs out; a process that dies loses it when it expires."""

from __future__ import annotations

import os
import secrets
import socket
from datetime import timedelta
from typing import Protocol

from redis.asyncio import Redis

from chat.clock import Clock
from chat.follow.store import FollowStore
from chat.realtime.redis_names import RedisNames

# Renew only while the key is still ours; give it up only if it is ours.
_RENEW = """
if redis.call('get', KEYS[1]) == ARGV[1] then
  return redis.call('pexpire', KEYS[1], ARGV[2])
end
return redis.call('set', KEYS[1], ARGV[1], 'nx', 'px', ARGV[2]) and 1 or 0
"""
_RELEASE = """
if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('del', KEYS[1]) end
return 0
"""


def holder_id() -> str:
    """Who holds a lease: unique per process start."""
    return f"{socket.gethostname()}:{os.getpid()}:{secrets.token_hex(4)}"


class Lease(Protocol):
    async def hold(self) -> bool:
        """Take the lease or renew it; True while this process holds it."""

    async def release(self) -> None: ...


class RedisLease:
    def __init__(self, redis: Redis, name: str, holder: str, seconds: float,
                 names: RedisNames | None = None) -> None:
        self._redis = redis
        self._key = (names or RedisNames()).lease(name)
        self._holder = holder
        self._ms = max(1, int(seconds * 1000))

    async def hold(self) -> bool:
        held = await self._redis.eval(_RENEW, 1, self._key, self._holder,
                                     str(self._ms))  # type: ignore[misc]
        return bool(held)

    async def release(self) -> None:
        await self._redis.eval(_RELEASE, 1, self._key, self._holder)  # type: ignore[misc]


class StoreLease:
    """Wall-clock expiry in the store; processes sharing it are assumed to keep their clocks
    within a small part of the lease of each other. `clock` is real time (SystemClock), not
    the app's: the holder renews by real time, and a test's clock is not the other processes'."""

    def __init__(self, store: FollowStore, name: str, holder: str, seconds: float,
                 clock: Clock) -> None:
        self._store = store
        self._clock = clock
        self._name = name
        self._holder = holder
        self._length = timedelta(seconds=seconds)

    async def hold(self) -> bool:
        now = self._clock.now()
        return await self._store.take_lease(self._name, self._holder, now, now + self._length)

    async def release(self) -> None:
        await self._store.drop_lease(self._name, self._holder)
