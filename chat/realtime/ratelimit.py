"""Token buckets. `hit` returns 0 when allowed, otherwise the seconds until a token is free.
With `cost=0` it only looks: nothing is taken even when a token is there. A negative cost gives
tokens back (never past `burst`) and always succeeds: a caller may take a token before slow
work, atomically, and return it when the work shows it should not have counted."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Protocol

from redis.asyncio import Redis
from redis.exceptions import RedisError

from chat.errors import Unavailable
from chat.realtime.redis_names import RedisNames


class RateLimiter(Protocol):
    async def hit(self, key: str, rate: float, burst: int, cost: int = 1) -> float: ...


class MemoryRateLimiter:
    def __init__(self, monotonic: Callable[[], float] = time.monotonic, max_keys: int = 100_000):
        self._now = monotonic
        self._buckets: dict[str, tuple[float, float]] = {}
        self._max_keys = max_keys

    async def hit(self, key: str, rate: float, burst: int, cost: int = 1) -> float:
        now = self._now()
        tokens, stamp = self._buckets.get(key, (float(burst), now))
        tokens = min(float(burst), tokens + (now - stamp) * rate)
        if cost < 0:
            self._buckets[key] = (min(float(burst), tokens - cost), now)
            return 0.0
        if tokens < 1.0:
            self._buckets[key] = (tokens, now)
            return (1.0 - tokens) / rate
        if len(self._buckets) >= self._max_keys and key not in self._buckets:
            self._evict(now, rate, burst)
        self._buckets[key] = (tokens - cost, now)
        return 0.0

    def _evict(self, now: float, rate: float, burst: int) -> None:
        """Drop buckets that have refilled completely: forgetting them changes nothing."""
        full = [k for k, (t, s) in self._buckets.items() if t + (now - s) * rate >= burst]
        for k in full:
            del self._buckets[k]


# KEYS[1] bucket; ARGV rate, burst, cost. The server clock: processes need not agree on time.
_BUCKET_LUA = """
local rate = tonumber(ARGV[1])
local burst = tonumber(ARGV[2])
local cost = tonumber(ARGV[3])
local t = redis.call('TIME')
local now = tonumber(t[1]) + tonumber(t[2]) / 1000000
local state = redis.call('HMGET', KEYS[1], 'tokens', 'stamp')
local tokens = tonumber(state[1]) or burst
local stamp = tonumber(state[2]) or now
tokens = math.min(burst, tokens + (now - stamp) * rate)
local wait = 0
if cost < 0 then
  tokens = math.min(burst, tokens - cost)
elseif tokens < 1 then
  wait = (1 - tokens) / rate
else
  tokens = tokens - cost
end
redis.call('HSET', KEYS[1], 'tokens', tostring(tokens), 'stamp', tostring(now))
redis.call('EXPIRE', KEYS[1], math.ceil(burst / rate) + 1)
return tostring(wait)
"""


class RedisRateLimiter:
    def __init__(self, redis: Redis, names: RedisNames | None = None) -> None:
        self._redis = redis
        self._prefix = (names or RedisNames()).rate_limit_prefix
        self._script = redis.register_script(_BUCKET_LUA)

    async def hit(self, key: str, rate: float, burst: int, cost: int = 1) -> float:
        try:
            wait = await self._script(keys=[self._prefix + key], args=[rate, burst, cost])
        except RedisError as exc:
            raise Unavailable("服务暂时不可用，请稍后重试 / service temporarily unavailable, "
                              "please retry") from exc
        return float(wait)
