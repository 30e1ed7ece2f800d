from __future__ import annotations

from chat.realtime.ratelimit import MemoryRateLimiter


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
