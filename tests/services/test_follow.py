"""Resumable consumers (chat.follow) on every backend: one process at a time runs a consumer,
each message is handled once in seq order from the durable cursors, a takeover resumes where
the last holder's cursors stood, and a store outage leaves the message to come again."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Awaitable, Callable
from datetime import UTC, datetime

import pytest
from redis.asyncio import Redis

from chat.clock import SystemClock
from chat.errors import Unavailable
from chat.events import MessageCreated
from chat.follow.lease import RedisLease, StoreLease
from chat.follow.runner import Consumer, Runner
from chat.models import NewMessage, Room, Unit, User
from tests.support.fakes import FakeClock
from tests.support.redis_server import redis_server
from tests.support.stores import StoreTarget
from web.stores import Store

T0 = datetime(2026, 3, 1, 8, 0, tzinfo=UTC)
LEASE = 0.3  # seconds: the loop renews every 0.1 s


async def eventually(check: Callable[[], bool], timeout: float = 10) -> None:
    async def wait() -> None:
        while not check():
            await asyncio.sleep(0.02)

    await asyncio.wait_for(wait(), timeout)


async def say(store: Store, room: str, n: int, sender: str = "u1") -> None:
    await store.append_message(NewMessage(
        id=f"m-{room}-{n}", room_id=room, sender_id=sender, sender_name="张三",
        sender_role="resident", client_id=f"c{n}", text=f"第{n}条", created_at=T0))


@pytest.fixture
async def second(store_target: StoreTarget) -> AsyncIterator[Store]:
    """Another process's handle on the same data."""
    other = store_target.new()
    await other.open()
    yield other
    await other.close()


@pytest.fixture
async def world(store: Store) -> Store:
    await store.add_unit(Unit(id="c1", kind="community", name="社区", parent_id=None,
                              created_at=T0))
    for room in ("r1", "r2"):
        await store.add_room(Room(id=room, kind="grid", name=room, community_id="c1",
                                  created_at=T0))
    await store.add_user(User(id="u1", phone="13900000001", name="张三", role="resident",
                              status="verified", password_hash="-", created_at=T0))
    return store


def runner(store: Store, holder: str, handle: Callable[[MessageCreated], Awaitable[None]]
           ) -> Runner:
    return Runner(store, Consumer("detection", handle, 5.0),
                  StoreLease(store, "detection", holder, LEASE, SystemClock()), LEASE,
                  sweep_seconds=0.2, clock=FakeClock(T0))


async def test_one_holder_handles_each_message_once_and_a_takeover_resumes(
        world: Store, second: Store) -> None:
    await say(world, "r1", 1)  # before the first start: history is not followed
    seen: list[tuple[str, str]] = []

    def recorder(who: str) -> Callable[[MessageCreated], Awaitable[None]]:
        async def handle(event: MessageCreated) -> None:
            seen.append((who, event.message.id))
        return handle

    a, b = runner(world, "a", recorder("a")), runner(second, "b", recorder("b"))
    await a.start()
    await b.start()
    try:
        assert a.held and not b.held
        for n in (2, 3):
            await say(world, "r1", n)
        await say(world, "r2", 1)
        await a.on_message("r1", 3)  # live; r2 is found by the sweep
        await b.on_message("r1", 3)  # not the holder: nothing
        await eventually(lambda: len(seen) == 3)
        assert seen == [("a", "m-r1-2"), ("a", "m-r1-3"), ("a", "m-r2-1")]
        await a.catch_up()
        await a.catch_up()  # twice: nothing again

        await a.stop()  # gives the lease up; b takes over from the stored cursors
        await say(second, "r1", 4)
        await eventually(lambda: b.held)
        await eventually(lambda: len(seen) == 4)
        await b.catch_up()
        assert seen[3:] == [("b", "m-r1-4")]
        assert await world.follow_cursors("detection") == {"r1": 4, "r2": 1}
    finally:
        await a.stop()
        await b.stop()


async def test_a_failing_handler_is_skipped_but_an_outage_comes_again(world: Store) -> None:
    calls: list[str] = []
    down = True

    async def handle(event: MessageCreated) -> None:
        calls.append(event.message.id)
        if event.message.id == "m-r1-1":
            raise ValueError("a bug in one message's handling")
        if event.message.id == "m-r1-2" and down:
            raise Unavailable("the store went away")

    one = runner(world, "a", handle)
    await one.start()
    try:
        for n in (1, 2, 3):
            await say(world, "r1", n)
        await one.on_message("r1", 3)
        # The catch-up started by start() may meet the outage too: m-r1-2 comes once per pass.
        assert calls[0] == "m-r1-1" and set(calls[1:]) == {"m-r1-2"}, calls
        assert await world.follow_cursors("detection") == {"r1": 1, "r2": 0}
        down = False
        await one.catch_up()
        assert calls[-2:] == ["m-r1-2", "m-r1-3"] and calls.count("m-r1-1") == 1, calls
        assert await world.follow_cursors("detection") == {"r1": 3, "r2": 0}
    finally:
        await one.stop()


async def test_a_store_lease_expires_by_the_clock_it_is_given(world: Store,
                                                              second: Store) -> None:
    clock = FakeClock(T0)
    a = StoreLease(world, "bots", "a", 30, clock)
    b = StoreLease(second, "bots", "b", 30, clock)
    assert await a.hold() and not await b.hold()
    clock.advance(seconds=29)
    assert not await b.hold()
    clock.advance(seconds=1)  # a stopped renewing 30 s ago
    assert await b.hold() and not await a.hold()


@pytest.mark.redis
async def test_a_redis_lease_has_one_holder_until_it_lapses() -> None:
    with redis_server() as proc:
        client = Redis.from_url(proc.url, decode_responses=True)
        try:
            a = RedisLease(client, "webhooks", "a", LEASE)
            b = RedisLease(client, "webhooks", "b", LEASE)
            assert await a.hold() and not await b.hold()
            await asyncio.sleep(LEASE / 2)
            assert await a.hold()  # renewed
            await asyncio.sleep(LEASE / 2)
            assert not await b.hold()
            await b.release()  # not b's to give up
            assert not await b.hold()
            await asyncio.sleep(LEASE * 1.5)  # a stopped renewing
            assert await b.hold() and not await a.hold()
            await b.release()
            assert await a.hold()
        finally:
            await client.aclose()
