"""Two linli processes on MongoDB, fan-out/presence/rate limits through a real redis-server."""

from __future__ import annotations

import asyncio
import secrets
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.support.redis_server import RedisProcess, redis_server
from tests.support.server import Client, ServerProcess, http

pytestmark = [pytest.mark.mongo, pytest.mark.redis]


@pytest.fixture
def redis_proc() -> Iterator[RedisProcess]:
    with redis_server() as proc:
        yield proc


@pytest.fixture
def cluster(tmp_path: Path, mongo_url: str,
            redis_proc: RedisProcess) -> Iterator[tuple[ServerProcess, ServerProcess]]:
    env = {"LINLI_MONGODB_URL": mongo_url,
           "LINLI_MONGODB_DATABASE": "linli_scale_" + uuid.uuid4().hex[:8],
           "LINLI_REDIS_URL": redis_proc.url, "LINLI_SECRET_KEY": secrets.token_urlsafe(32)}
    first = ServerProcess(tmp_path / "a", env).start(timeout=90)
    second = ServerProcess(tmp_path / "b", env).start(timeout=90)
    try:
        yield first, second
    finally:
        first.stop()
        second.stop()


async def login_at(node: ServerProcess, seeded: ServerProcess, name: str
                   ) -> tuple[Client, str]:
    """Log in at `node` with an account that `seeded` wrote to its demo-accounts file."""
    account = seeded.account(name)
    status, body = await http("POST", node.url + "/api/v1/auth/login",
                              body={"phone": account["phone"], "password": account["password"]})
    assert status == 200, body
    return await Client().connect(node.url, body["token"]), body["user"]["id"]


async def test_messages_edits_deletes_and_presence_cross_processes(
        cluster: tuple[ServerProcess, ServerProcess], redis_proc: RedisProcess) -> None:
    a, b = cluster
    room = "grid:" + a.account("张伟")["grid_id"]
    zhang, _ = await login_at(a, a, "张伟")
    liu, liu_id = await login_at(b, a, "刘芳")
    worker, _ = await login_at(b, a, "李娜")
    try:
        await zhang.wait_for("presence", lambda e: e["room_id"] == room and liu_id in e["online"])

        sent = await zhang.ok("message:send", {"room_id": room, "text": "跨进程你好",
                                               "client_id": uuid.uuid4().hex})
        await liu.wait_for("message:new", lambda m: m["id"] == sent["id"])
        answer = await liu.ok("message:send", {"room_id": room, "text": "收到",
                                               "client_id": uuid.uuid4().hex})
        assert answer["seq"] == sent["seq"] + 1
        await zhang.wait_for("message:new", lambda m: m["id"] == answer["id"])

        await zhang.ok("message:edit", {"message_id": sent["id"], "text": "跨进程大家好"})
        edited = await liu.wait_for("message:updated", lambda m: m["id"] == sent["id"])
        assert edited["text"] == "跨进程大家好"
        await worker.ok("message:delete", {"message_id": answer["id"], "reason": "测试"})
        await zhang.wait_for("message:deleted", lambda e: e["message_id"] == answer["id"])

        await liu.close()
        await zhang.wait_for("presence", lambda e: e["room_id"] == room and liu_id in e["offline"])

        status, ready = await http("GET", b.url + "/readyz")
        assert status == 200 and ready["checks"] == {"store": "ok", "redis": "ok"}
        redis_proc.stop()
        ack = await zhang.call("message:send", {"room_id": room, "text": "redis 挂了",
                                                "client_id": uuid.uuid4().hex})
        assert ack["ok"] is False and ack["error"]["code"] == "unavailable"
        status, ready = await http("GET", b.url + "/readyz")
        assert status == 503 and ready["checks"]["redis"] != "ok"
    finally:
        for client in (zhang, liu, worker):
            if client.sio.connected:
                await client.close()


async def test_logout_on_one_process_ends_the_socket_on_the_other(
        cluster: tuple[ServerProcess, ServerProcess]) -> None:
    a, b = cluster
    account = a.account("赵敏")
    status, body = await http("POST", a.url + "/api/v1/auth/login",
                              body={"phone": account["phone"], "password": account["password"]})
    token = body["token"]
    on_b = await Client().connect(b.url, token)
    status, _ = await http("POST", a.url + "/api/v1/auth/logout", token)
    assert status == 200
    await on_b.wait_for("session:revoked")
    for _ in range(100):
        if not on_b.sio.connected:
            break
        await asyncio.sleep(0.05)
    assert not on_b.sio.connected


async def test_failed_log_ins_are_counted_across_processes(
        cluster: tuple[ServerProcess, ServerProcess]) -> None:
    a, b = cluster
    phone = a.account("孙强")["phone"]
    for node in (a, b, a, b, a):
        status, body = await http("POST", node.url + "/api/v1/auth/login",
                                  body={"phone": phone, "password": "wrong-guess"})
        assert status == 401, body
    status, body = await http("POST", b.url + "/api/v1/auth/login",
                              body={"phone": phone, "password": a.account("孙强")["password"]})
    assert status == 429 and body["error"]["code"] == "rate_limited"
    assert body["error"]["retry_after"] > 0
