from __future__ import annotations

import pytest
from redis.asyncio import Redis

from chat.realtime.ratelimit import MemoryRateLimiter, RateLimiter, RedisRateLimiter
from tests.support.redis_server import redis_server


class FakeMonotonic:
    def __init__(self) -> None:
        self.t = 100.0

    def __call__(self) -> float:
        return self.t


async def test_token_bucket_refills_at_rate() -> None:
    clock = FakeMonotonic()
    limiter = MemoryRateLimiter(clock)
    assert [await limiter.hit("k", rate=1.0, burst=3) for _ in range(3)] == [0, 0, 0]
    assert await limiter.hit("k", rate=1.0, burst=3) == 1.0
    clock.t += 0.5
    assert await limiter.hit("k", rate=1.0, burst=3) == 0.5
    clock.t += 0.5
    assert await limiter.hit("k", rate=1.0, burst=3) == 0
    assert await limiter.hit("other", rate=1.0, burst=3) == 0


async def test_cost_zero_only_looks() -> None:
    limiter = MemoryRateLimiter(FakeMonotonic())
    for _ in range(5):
        assert await limiter.hit("k", rate=1.0, burst=1, cost=0) == 0
    assert await limiter.hit("k", rate=1.0, burst=1) == 0
    assert await limiter.hit("k", rate=1.0, burst=1, cost=0) == 1.0


async def check_give_back(limiter: RateLimiter) -> None:
    """Tokens taken before slow work can be given back, never past the burst, and giving back
    works on an empty bucket too."""
    assert [await limiter.hit("k", rate=0.001, burst=2) for _ in range(2)] == [0, 0]
    assert await limiter.hit("k", rate=0.001, burst=2) > 0
    assert await limiter.hit("k", rate=0.001, burst=2, cost=-1) == 0
    assert await limiter.hit("k", rate=0.001, burst=2) == 0
    assert await limiter.hit("k", rate=0.001, burst=2) > 0
    assert await limiter.hit("k", rate=0.001, burst=2, cost=-5) == 0  # capped at the burst
    assert [await limiter.hit("k", rate=0.001, burst=2) for _ in range(2)] == [0, 0]
    assert await limiter.hit("k", rate=0.001, burst=2) > 0


async def test_memory_buckets_give_back() -> None:
    await check_give_back(MemoryRateLimiter(FakeMonotonic()))


@pytest.mark.redis
async def test_redis_buckets_give_back() -> None:
    with redis_server() as proc:
        client = Redis.from_url(proc.url)
        try:
            await check_give_back(RedisRateLimiter(client))
        finally:
            await client.aclose()
