"""The Redis manager's subscription: a connection that dies without a word (a partition) is
noticed by an unanswered PING, reported lost, and replaced by a new subscription, after which
the repair runs."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable
from datetime import datetime

import pytest
import socketio

from chat.realtime import manager as manager_module
from chat.realtime.manager import DirectEmitRedisManager
from chat.realtime.subscription import SubscriptionWatch
from tests.support.fakes import FakeClock
from tests.support.redis_server import redis_server
from tests.support.tcp_proxy import TcpProxy

pytestmark = pytest.mark.redis


async def until(condition: Callable[[], bool], within: float) -> float:
    started = time.monotonic()
    while not condition():
        if time.monotonic() - started > within:
            raise AssertionError(f"still not so after {within} s")
        await asyncio.sleep(0.05)
    return time.monotonic() - started


async def test_a_silently_dead_subscription_is_noticed_and_replaced() -> None:
    with redis_server() as redis_proc:
        proxy = TcpProxy("127.0.0.1", redis_proc.port).start()
        clock = FakeClock()
        manager = DirectEmitRedisManager(f"redis://127.0.0.1:{proxy.port}/0",
                                         SubscriptionWatch(clock))
        socketio.AsyncServer(async_mode="aiohttp", client_manager=manager)
        repaired: list[datetime] = []

        async def repair(lost_at: datetime) -> None:
            repaired.append(lost_at)

        manager.watch.on_restored(repair)
        manager.initialize()
        try:
            await until(lambda: manager.watch.live, 5)
            proxy.stall()
            lost_at = clock.now()
            noticed = await until(lambda: not manager.watch.live, 10)
            clock.advance(minutes=1)
            assert noticed <= (manager_module.QUIET_SECONDS
                               + manager_module.PONG_WITHIN_SECONDS + 1.0)
            proxy.resume()
            await until(lambda: manager.watch.live and bool(repaired), 5)
            assert repaired == [lost_at], "the loss is timed by the clock messages are stamped by"
        finally:
            await manager.close()
            proxy.close()
