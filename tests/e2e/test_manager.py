"""DirectEmitManager: broadcasts reach every member, skip_sid and rooms are honoured, and
callback emits still work (they fall back to python-socketio's own emit)."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import AsyncIterator
from contextlib import ExitStack
from typing import Any

import pytest
import socketio
from aiohttp import web
from socketio.async_pubsub_manager import AsyncPubSubManager

from chat.realtime.manager import DirectEmitManager, DirectEmitRedisManager
from chat.realtime.subscription import SubscriptionWatch
from tests.support.fakes import FakeClock
from tests.support.redis_server import redis_server
from tests.support.server import Client, ServerProcess, connect, free_port


@pytest.fixture(params=["memory", "redis"])
async def bare(request: pytest.FixtureRequest
               ) -> AsyncIterator[tuple[socketio.AsyncServer, str]]:
    """A plain python-socketio server using the manager (in-process, or through a real
    redis-server, whose messages come back to be delivered locally); auth {"token": room}
    joins that room."""
    with ExitStack() as stack:
        manager = DirectEmitManager() if request.param == "memory" else \
            DirectEmitRedisManager(stack.enter_context(redis_server()).url,
                                   SubscriptionWatch(FakeClock()))
        async for served in _serve(manager):
            yield served


async def _serve(manager: socketio.AsyncManager
                 ) -> AsyncIterator[tuple[socketio.AsyncServer, str]]:
    sio = socketio.AsyncServer(async_mode="aiohttp", client_manager=manager)
    app = web.Application()
    sio.attach(app)

    async def on_connect(sid: str, environ: dict[str, Any], auth: Any = None) -> None:
        await sio.enter_room(sid, auth["token"])

    sio.on("connect", on_connect)
    runner = web.AppRunner(app)
    await runner.setup()
    port = free_port()
    await web.TCPSite(runner, "127.0.0.1", port).start()
    yield sio, f"http://127.0.0.1:{port}"
    await runner.cleanup()


async def _clients(url: str, rooms: list[str]) -> list[Client]:
    return [await Client().connect(url, room) for room in rooms]


async def _nothing(client: Client, event: str) -> bool:
    await asyncio.sleep(0.3)
    return not client.events[event]


def test_redis_manager_delivers_locally_through_direct_emit() -> None:
    mro = DirectEmitRedisManager.__mro__
    assert mro.index(AsyncPubSubManager) < mro.index(DirectEmitManager) \
        < mro.index(socketio.AsyncManager)


async def test_broadcast_reaches_every_member_and_skips_skip_sid(
        bare: tuple[socketio.AsyncServer, str]) -> None:
    sio, url = bare
    a1, a2, a3, b1 = clients = await _clients(url, ["a", "a", "a", "b"])
    try:
        await sio.emit("hello", {"n": 1}, room="a")
        for c in (a1, a2, a3):
            assert await c.wait_for("hello") == {"n": 1}
        await sio.emit("skipped", "x", room="a", skip_sid=a1.sio.get_sid())
        assert await a2.wait_for("skipped") == "x"
        await a3.wait_for("skipped")
        assert await _nothing(a1, "skipped") and await _nothing(b1, "hello")
        await sio.emit("both", None, room=["a", "b"],
                       skip_sid=[a2.sio.get_sid(), a3.sio.get_sid()])
        await a1.wait_for("both")
        await b1.wait_for("both")
        assert await _nothing(a2, "both") and await _nothing(a3, "both")
    finally:
        await asyncio.gather(*(c.close() for c in clients))


async def test_callback_emit_falls_back_to_the_library(
        bare: tuple[socketio.AsyncServer, str]) -> None:
    sio, url = bare
    (client,) = await _clients(url, ["c"])
    client.sio.on("question", lambda data: data * 2)
    answered: asyncio.Future[Any] = asyncio.get_running_loop().create_future()
    try:
        sid = next(s for s, _ in sio.manager.get_participants("/", "c"))
        await sio.emit("question", 21, to=sid, callback=answered.set_result)
        assert await asyncio.wait_for(answered, 10) == 42
    finally:
        await client.close()


async def test_linli_room_broadcast_and_typing_skip(server: ServerProcess) -> None:
    (zhang, _), (liu, _), (li, _) = [await connect(server, n) for n in ("张伟", "刘芳", "李娜")]
    room = "grid:" + server.account("张伟")["grid_id"]
    try:
        sent = await zhang.ok("message:send", {"room_id": room, "text": "直发测试",
                                               "client_id": uuid.uuid4().hex})
        for c in (zhang, liu, li):
            await c.wait_for("message:new", lambda m: m["id"] == sent["id"])
        await zhang.ok("typing", {"room_id": room})
        await liu.wait_for("typing", lambda t: t["room_id"] == room)
        assert await _nothing(zhang, "typing")
    finally:
        await asyncio.gather(*(c.close() for c in (zhang, liu, li)))
