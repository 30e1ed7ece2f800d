"""Two deployments (say 试运行 staging and production), each two linli processes on its own
MongoDB database, share ONE redis-server and stay apart through `redis_namespace`: a's
broadcasts reach a's other process and nothing of them reaches b; b's leases, rate limits and
registry are its own; every key and channel either uses lies under its namespace."""

from __future__ import annotations

import asyncio
import json
import uuid
from collections.abc import AsyncIterator, Iterator
from contextlib import ExitStack
from pathlib import Path
from typing import Any

import pytest
from redis.asyncio import Redis

from bots.emitter import RedisEmitter
from chat.actions.bot_messages import post_bot_message
from config.settings import Settings, load_settings
from tests.support.cluster import login_at, shared_env, two_processes
from tests.support.redis_server import RedisProcess
from tests.support.server import Client, ServerProcess, http
from web.cli import offline_services

pytestmark = [pytest.mark.mongo, pytest.mark.redis, pytest.mark.timeout(300)]
NAMESPACES = ("a", "b")
REPORT = "3栋电梯又拐哒，卡在7楼不动"  # the packaged lexicon makes a draft of it
Deployment = tuple[ServerProcess, ServerProcess]


@pytest.fixture
def deployments(tmp_path: Path, mongo_url: str, redis_proc: RedisProcess
                ) -> Iterator[tuple[Deployment, Deployment]]:
    """a's two processes start first, so with one shared name a would hold every lease."""
    with ExitStack() as stack:
        a, b = (stack.enter_context(two_processes(
            tmp_path / namespace,
            shared_env(mongo_url, f"linli_ns_{namespace}_", redis_proc.url,
                       LINLI_REDIS_NAMESPACE=namespace)))
            for namespace in NAMESPACES)
        yield a, b


class ChannelSpy:
    """Every Pub/Sub message published on the server, whatever its channel."""

    def __init__(self, url: str) -> None:
        self._redis = Redis.from_url(url, decode_responses=True)
        self._pubsub = self._redis.pubsub()
        self.heard: list[tuple[str, str]] = []  # (channel, data)
        self._task: asyncio.Task[None] | None = None

    async def start(self) -> None:
        await self._pubsub.psubscribe("*")
        self._task = asyncio.create_task(self._listen())

    async def _listen(self) -> None:
        async for message in self._pubsub.listen():
            if message["type"] == "pmessage":
                self.heard.append((str(message["channel"]), str(message["data"])))

    async def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()
            await asyncio.gather(self._task, return_exceptions=True)
        await self._pubsub.aclose()  # type: ignore[no-untyped-call]
        await self._redis.aclose()


@pytest.fixture
async def spy(redis_proc: RedisProcess) -> AsyncIterator[ChannelSpy]:
    spy = ChannelSpy(redis_proc.url)
    await spy.start()
    yield spy
    await spy.stop()


async def send(client: Client, room: str, text: str) -> dict[str, Any]:
    sent: dict[str, Any] = await client.ok("message:send", {
        "room_id": room, "text": text, "client_id": uuid.uuid4().hex})
    return sent


async def failed_log_in(node: ServerProcess, phone: str) -> int:
    status, _ = await http("POST", node.url + "/api/v1/auth/login",
                           body={"phone": phone, "password": "wrong-guess"})
    return status


def command_line_settings(node: ServerProcess, tmp_path: Path) -> Settings:
    """What `linli` run beside `node` loads: its database, Redis, namespace and secret."""
    env = node.env
    return load_settings(data_dir=tmp_path / "cli", mongodb_url=env["LINLI_MONGODB_URL"],
                         mongodb_database=env["LINLI_MONGODB_DATABASE"],
                         redis_url=env["LINLI_REDIS_URL"],
                         redis_namespace=env["LINLI_REDIS_NAMESPACE"],
                         secret_key=env["LINLI_SECRET_KEY"])


async def every_key(redis_proc: RedisProcess) -> list[str]:
    client = Redis.from_url(redis_proc.url, decode_responses=True)
    try:
        return [str(key) async for key in client.scan_iter(count=1000)]
    finally:
        await client.aclose()


async def test_two_deployments_on_one_redis_server_stay_apart(
        deployments: tuple[Deployment, Deployment], redis_proc: RedisProcess,
        spy: ChannelSpy, monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    (a1, a2), (b1, b2) = deployments
    room_a, room_b = ("grid:" + node.account("张伟")["grid_id"] for node in (a1, b1))
    in_a = [(await login_at(a1, a1, "张伟"))[0], (await login_at(a2, a1, "刘芳"))[0]]
    in_b = [(await login_at(b1, b1, "张伟"))[0], (await login_at(b2, b1, "李娜"))[0]]
    monkeypatch.setenv("LINLI_REDIS_URL", redis_proc.url)
    monkeypatch.setenv("LINLI_REDIS_NAMESPACE", "a")
    emitter = RedisEmitter.from_env("bot-sensor", "水位监测")
    try:
        # a: a message and an external bot's broadcast cross from one process to the other.
        sent = await send(in_a[0], room_a, "只给试运行的消息")
        await in_a[1].wait_for("message:new", lambda m: m["id"] == sent["id"])
        bot = await emitter.broadcast(room_a, "试运行水位 35 厘米")
        assert await in_a[1].wait_for("bot:broadcast") == bot
        # …and so does what a command-line run against a does (its write-only manager).
        async with offline_services(command_line_settings(a1, tmp_path)) as services:
            posted = await post_bot_message(services, room_a, "bot:notices", "公告",
                                            "试运行公告：明天上午停水")
        await in_a[1].wait_for("message:new", lambda m: m["id"] == posted.id)

        # b: its own detection consumer runs (its lease is not a's), so a report sent on b1
        # becomes a draft the worker on b2 is told of. b's publishes come after a's on the
        # one server, so once b's clients have them they would have had anything of a's.
        report = await send(in_b[0], room_b, REPORT)
        await in_b[1].wait_for("message:new", lambda m: m["id"] == report["id"])
        await in_b[1].wait_for("draft:new", lambda t: report["id"] in t["message_ids"])
        for client in in_b:
            seen = json.dumps(client.events, ensure_ascii=False)
            assert "bot:broadcast" not in client.events
            assert sent["id"] not in seen and posted.id not in seen
            assert room_a not in seen and "试运行" not in seen

        # b's rate limits are its own: five failed log-ins lock the phone out on a only.
        phone = a1.account("孙强")["phone"]
        assert [await failed_log_in(a1, phone) for _ in range(6)] == [401] * 5 + [429]
        assert await failed_log_in(b1, phone) == 401

        keys = await every_key(redis_proc)
        assert keys and all(key.startswith(("a:", "b:")) for key in keys), keys
        for namespace in NAMESPACES:  # each deployment's registry sees its two processes
            assert len([k for k in keys if k.startswith(f"{namespace}:linli:proc:")]) == 2
            assert f"{namespace}:linli:lease:detection" in keys
        assert any(key.startswith("a:linli:rl:login:") for key in keys)
        channels = {channel for channel, _ in spy.heard}
        assert all(channel.startswith(("a:", "b:")) for channel in channels), channels
        assert {"a:socketio", "b:socketio", "a:linli:follow:stored"} <= channels
        assert not any(sent["id"] in data or posted.id in data for channel, data in spy.heard
                       if channel.startswith("b:"))
    finally:
        for client in in_a + in_b:
            await client.close()
        await emitter.close()
